//! Criterion benchmarks of the answer engine: one question against the shipped article (keywords
//! alone, and with the semantic stage), loading and indexing the seeds, and one question against
//! a 2,000-paragraph corpus.

use std::hint::black_box;
use std::path::Path;

use article_qa::corpus::Corpus;
use article_qa::engine::Engine;
use criterion::{Criterion, criterion_group, criterion_main};

const SEEDS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/seeds");
const SQUAD: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/squad");

/// Questions of the article dev set, asked in turn.
fn article_questions() -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/article/dev.jsonl");
    let cases = article_qa::app::eval::load_cases(&path).expect("dev set");
    cases.iter().map(|c| c.question().to_string()).collect()
}

/// The SQuAD articles' paragraphs repeated until there are at least 2,000, as one article.
fn big_corpus() -> (Corpus, Vec<String>) {
    let mut paragraphs = Vec::new();
    let mut dir: Vec<_> = std::fs::read_dir(Path::new(SQUAD).join("articles"))
        .expect("squad articles")
        .map(|e| e.expect("entry").path())
        .collect();
    dir.sort();
    for path in &dir {
        let text = std::fs::read_to_string(path).expect("article");
        paragraphs.extend(
            text.lines()
                .filter(|l| !l.trim().is_empty())
                .map(str::to_string),
        );
    }
    let mut text = String::new();
    let mut count = 0;
    while count < 2000 {
        for p in &paragraphs {
            text.push_str(p);
            text.push('\n');
            count += 1;
        }
    }
    let corpus = Corpus::from_text("squad-repeated", &text).expect("corpus");
    let cases = article_qa::app::eval::load_cases(&Path::new(SQUAD).join("questions.jsonl"))
        .expect("questions");
    let questions = cases
        .into_iter()
        .step_by(35)
        .map(|c| c.question().to_string())
        .collect();
    (corpus, questions)
}

/// The shipped seeds with the shipped FAQ rules, as the bot runs them.
fn shipped() -> Engine {
    let engine = Engine::new(Corpus::load_dir(Path::new(SEEDS)).expect("seeds"));
    engine
        .with_faq_file(
            &Path::new(SEEDS).join("faq.toml"),
            &article_qa::engine::faq::NoLimit,
        )
        .expect("faq")
}

fn benches(c: &mut Criterion) {
    let engine = shipped();
    let questions = article_questions();
    let mut next = questions.iter().cycle();
    c.bench_function("question against the shipped article", |b| {
        b.iter(|| black_box(engine.answer(next.next().expect("cycle"))))
    });

    c.bench_function("load and index the seeds (articles and FAQ rules)", |b| {
        b.iter(|| black_box(shipped()))
    });

    let (corpus, questions) = big_corpus();
    assert!(
        corpus.paragraph_count() >= 2000,
        "{}",
        corpus.paragraph_count()
    );
    let engine = Engine::new(corpus);
    let mut next = questions.iter().cycle();
    c.bench_function("question against 2,000 paragraphs", |b| {
        b.iter(|| black_box(engine.answer(next.next().expect("cycle"))))
    });
}

/// 1,000 FAQ rules made from SQuAD questions (two phrasings each), and other questions to match.
fn thousand_rules(engine: &Engine) -> (article_qa::engine::faq::Faq, Vec<String>) {
    let cases = article_qa::app::eval::load_cases(&Path::new(SQUAD).join("questions.jsonl"))
        .expect("questions");
    let questions: Vec<String> = cases
        .into_iter()
        .map(|c| c.question().to_string())
        .collect();
    let mut toml = String::new();
    for (i, pair) in questions.chunks(2).take(1000).enumerate() {
        let phrasings: Vec<String> = pair.iter().map(|q| format!("{q:?}")).collect();
        toml.push_str(&format!(
            "[[rule]]\nid = \"r{i}\"\nquestions = [{}]\nanswer = \"Answer {i}.\"\n",
            phrasings.join(", ")
        ));
    }
    let checked =
        article_qa::engine::faq::checker::check(&toml, engine, &article_qa::engine::faq::NoLimit);
    assert!(checked.errors.is_empty(), "{:?}", checked.errors.first());
    let faq = checked.faq.expect("rules");
    assert_eq!(faq.rules().len(), 1000);
    (
        faq,
        questions
            .into_iter()
            .skip(2000)
            .step_by(7)
            .take(100)
            .collect(),
    )
}

fn faq_bench(c: &mut Criterion) {
    let engine = Engine::new(Corpus::load_dir(Path::new(SEEDS)).expect("seeds"));
    let (faq, questions) = thousand_rules(&engine);
    let mut next = questions.iter().cycle();
    c.bench_function("question against 1,000 FAQ rules", |b| {
        b.iter(|| black_box(faq.best(next.next().expect("cycle"))))
    });
}

/// The shipped article with the semantic stage: a question is embedded (about 20 ms) and
/// fused with the keyword stage. The sentence vectors come from a cache in a temporary folder
/// (encoded once before measuring). The encoder remembers one question vector only, so each
/// of the 40 questions asked in turn is encoded again; a repeated question is measured apart.
fn semantic_bench(c: &mut Criterion) {
    let model = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/multilingual-e5-small");
    let encoder = std::sync::Arc::new(article_qa::embed::Encoder::load(&model).expect("model"));
    encoder.set_query_memo(1);
    let cache = tempfile::tempdir().expect("temporary folder");
    let engine = shipped()
        .with_meaning(encoder, Some(cache.path()))
        .expect("sentence vectors");
    let questions = article_questions();
    let mut next = questions.iter().cycle();
    let mut group = c.benchmark_group("semantic");
    group.sample_size(30);
    group.bench_function(
        "question against the shipped article, keywords and meaning",
        |b| b.iter(|| black_box(engine.answer(next.next().expect("cycle")))),
    );
    group.bench_function("the same question again (its vector remembered)", |b| {
        b.iter(|| black_box(engine.answer(&questions[0])))
    });
    group.finish();
}

criterion_group!(engine, benches, faq_bench, semantic_bench);
criterion_main!(engine);
