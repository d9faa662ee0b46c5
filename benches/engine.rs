//! Criterion benchmarks of the answer engine: one question against the shipped article (keywords
//! alone, and with the semantic stage), loading and indexing the seeds, and 1,000 FAQ rules.
//! Larger corpora, beside a peer engine, are in `benches/archive.rs`.

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
