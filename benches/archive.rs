//! Criterion benchmarks of the keyword stage at archive scale, beside two peers on the same
//! sentences and questions, each sentence one document: the `bm25` crate (BM25 with stemming and
//! stopwords, no typo tolerance) and `tantivy` (its BM25 over an index in RAM, English stemming,
//! no stopwords, no typo tolerance). Three corpora: the shipped article with the article
//! dev questions, the SQuAD articles repeated to 2,214 paragraphs and to 20,000 paragraphs with
//! SQuAD questions. Reported per corpus: query time, build time (criterion medians) and the
//! resident memory of a process that built the index (VmRSS, measured in a child process of
//! this benchmark so one engine's memory never counts in another's).
//!
//! `cargo bench --bench archive`; the memory lines are printed before criterion starts.

use std::hint::black_box;
use std::path::Path;
use std::process::Command;

use article_qa::corpus::Corpus;
use article_qa::engine::Engine;
use criterion::{BenchmarkId, Criterion};
use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::{IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
use tantivy::{DocAddress, Index, IndexWriter, ReloadPolicy, Score, Searcher, TantivyDocument};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
/// Set in the child process: which engine to build over which corpus (`article-qa:2214`).
const MEMORY_JOB: &str = "ARCHIVE_BENCH_MEMORY";

/// The corpora, by name: `article` or a paragraph count of repeated SQuAD articles.
const CORPORA: [&str; 3] = ["article", "2214", "20000"];
/// The engines compared.
const ENGINES: [&str; 3] = ["article-qa", "bm25", "tantivy"];
/// The tantivy writer's memory budget, shared by its indexing threads (at least 15 MB each).
const TANTIVY_WRITER_BYTES: usize = 50_000_000;

/// A corpus and the questions asked of it.
struct Bench {
    corpus: Corpus,
    questions: Vec<String>,
}

impl Bench {
    fn load(name: &str) -> Self {
        match name.parse::<usize>() {
            Ok(paragraphs) => squad_repeated(paragraphs),
            Err(_) => Self {
                corpus: Corpus::load_dir(&Path::new(ROOT).join("seeds")).expect("seeds"),
                questions: questions("tests/data/article/dev.jsonl", 1),
            },
        }
    }

    /// Every sentence's text, the peer's documents.
    fn sentences(&self) -> Vec<String> {
        let mut out = Vec::new();
        for article in &self.corpus.articles {
            for paragraph in &article.paragraphs {
                out.extend(
                    (paragraph.sentences.iter()).map(|s| article.sentence_text(s).to_string()),
                );
            }
        }
        out
    }
}

/// The questions of an eval set, every `step`th.
fn questions(set: &str, step: usize) -> Vec<String> {
    let cases = article_qa::app::eval::load_cases(&Path::new(ROOT).join(set)).expect("questions");
    cases
        .iter()
        .step_by(step)
        .map(|c| c.question().to_string())
        .collect()
}

/// The SQuAD articles' paragraphs repeated to `count` paragraphs, as one article.
fn squad_repeated(count: usize) -> Bench {
    let mut files: Vec<_> = std::fs::read_dir(Path::new(ROOT).join("tests/data/squad/articles"))
        .expect("squad articles")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    let mut paragraphs = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).expect("article");
        paragraphs.extend(
            text.lines()
                .filter(|l| !l.trim().is_empty())
                .map(String::from),
        );
    }
    let text: String = (paragraphs.iter().cycle().take(count))
        .map(|p| format!("{p}\n"))
        .collect();
    let corpus = Corpus::from_text("squad-repeated", &text).expect("corpus");
    assert_eq!(corpus.paragraph_count(), count);
    Bench {
        corpus,
        questions: questions("tests/data/squad/questions.jsonl", 35),
    }
}

/// The `bm25` peer over `sentences`, which it keeps.
fn bm25_engine(sentences: Vec<String>) -> bm25::SearchEngine<u32> {
    bm25::SearchEngineBuilder::<u32>::with_corpus(bm25::Language::English, sentences).build()
}

/// The `tantivy` peer: a searcher over the committed index and a parser for questions.
struct Tantivy {
    searcher: Searcher,
    parser: QueryParser,
}

impl Tantivy {
    /// Indexes `sentences` in RAM, one document each in one text field analysed by `en_stem`
    /// (lowercased, English stemming, no stopwords), with tantivy's default writer: one indexing
    /// thread per core, at most 8 and at most one per 15 MB of `TANTIVY_WRITER_BYTES` (2 on a
    /// 2-core machine). The text is indexed, not stored: the caller keeps the sentences to
    /// quote.
    fn build(sentences: &[String]) -> Self {
        let mut schema = Schema::builder();
        let indexing = TextFieldIndexing::default()
            .set_tokenizer("en_stem")
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let text = schema.add_text_field(
            "text",
            TextOptions::default().set_indexing_options(indexing),
        );
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter = index.writer(TANTIVY_WRITER_BYTES).expect("tantivy writer");
        for sentence in sentences {
            let mut document = TantivyDocument::default();
            document.add_text(text, sentence);
            writer.add_document(document).expect("tantivy document");
        }
        writer.commit().expect("tantivy commit");
        writer
            .wait_merging_threads()
            .expect("tantivy writer's threads");
        let reader = (index.reader_builder().reload_policy(ReloadPolicy::Manual))
            .try_into()
            .expect("tantivy reader");
        Self {
            searcher: reader.searcher(),
            parser: QueryParser::for_index(&index, vec![text]),
        }
    }

    /// The 3 best sentences for `question` by BM25, on this thread; the question's terms are
    /// OR'ed (a quoted pair a phrase), and whatever the query grammar can't read (a lone
    /// quote, an unknown `field:`) is dropped rather than failing the query.
    fn search(&self, question: &str) -> Vec<(Score, DocAddress)> {
        let (query, _dropped) = self.parser.parse_query_lenient(question);
        let top = TopDocs::with_limit(3).order_by_score();
        self.searcher.search(&query, &top).expect("tantivy search")
    }
}

/// The child process's job: build `engine` over `corpus`, then print the resident memory.
fn memory_job(job: &str) {
    let (engine, corpus) = job.split_once(':').expect("engine:corpus");
    let bench = Bench::load(corpus);
    // A peer's documents are made before measuring, and only for a peer; tantivy's are kept
    // beside its index as `bm25` keeps its own.
    let sentences = (engine != "article-qa").then(|| bench.sentences());
    let loaded = resident_kib();
    let kept: Box<dyn std::any::Any> = match (engine, sentences) {
        ("bm25", Some(sentences)) => Box::new(bm25_engine(sentences)),
        ("tantivy", Some(sentences)) => Box::new((Tantivy::build(&sentences), sentences)),
        ("article-qa", None) => Box::new(Engine::new(bench.corpus)),
        _ => panic!("unknown engine {engine:?}; known: {ENGINES:?}"),
    };
    let built = resident_kib();
    black_box(&kept);
    println!("{built} {loaded}");
}

/// This process's resident memory in KiB (`VmRSS` of `/proc/self/status`; 0 where there is
/// none).
fn resident_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let line = status.lines().find(|l| l.starts_with("VmRSS:"));
    let kib = line.and_then(|l| l.split_whitespace().nth(1));
    kib.and_then(|n| n.parse().ok()).unwrap_or(0)
}

/// Runs every memory job in a child process and prints one line each.
fn report_memory() {
    let me = std::env::current_exe().expect("this benchmark's path");
    for corpus in CORPORA {
        for engine in ENGINES {
            let out = Command::new(&me)
                .env(MEMORY_JOB, format!("{engine}:{corpus}"))
                .output()
                .expect("memory job");
            assert!(
                out.status.success(),
                "memory job {engine}:{corpus}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let text = String::from_utf8_lossy(&out.stdout);
            let figures: Vec<u64> = (text.split_whitespace())
                .filter_map(|n| n.parse().ok())
                .collect();
            if let [built, loaded] = figures[..] {
                println!(
                    "memory {corpus:>7} {engine:<10} resident after the build {:6.1} MiB \
                     (corpus loaded: {:.1} MiB)",
                    built as f64 / 1024.0,
                    loaded as f64 / 1024.0
                );
            }
        }
    }
}

fn benches(c: &mut Criterion) {
    for name in CORPORA {
        let bench = Bench::load(name);
        let sentences = bench.sentences();
        let mut group = c.benchmark_group(format!("archive {name}"));
        if name == "20000" {
            group.sample_size(10);
        }
        let engine = Engine::new(bench.corpus.clone());
        let mut next = bench.questions.iter().cycle();
        group.bench_function(BenchmarkId::new("query", "article-qa"), |b| {
            b.iter(|| black_box(engine.answer(next.next().expect("cycle"))))
        });
        let peer = bm25_engine(sentences.clone());
        group.bench_function(BenchmarkId::new("query", "bm25"), |b| {
            b.iter(|| black_box(peer.search(next.next().expect("cycle"), 3)))
        });
        let tantivy = Tantivy::build(&sentences);
        group.bench_function(BenchmarkId::new("query", "tantivy"), |b| {
            b.iter(|| black_box(tantivy.search(next.next().expect("cycle"))))
        });
        group.bench_function(BenchmarkId::new("build", "article-qa"), |b| {
            b.iter(|| black_box(Engine::new(bench.corpus.clone())))
        });
        group.bench_function(BenchmarkId::new("build", "bm25"), |b| {
            b.iter(|| black_box(bm25_engine(sentences.clone())))
        });
        group.bench_function(BenchmarkId::new("build", "tantivy"), |b| {
            b.iter(|| black_box(Tantivy::build(&sentences)))
        });
        group.finish();
    }
}

fn main() {
    if let Ok(job) = std::env::var(MEMORY_JOB) {
        memory_job(&job);
        return;
    }
    report_memory();
    let mut criterion = Criterion::default().configure_from_args();
    benches(&mut criterion);
    criterion.final_summary();
}
