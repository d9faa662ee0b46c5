//! Criterion benchmarks of the sentence encoder (multilingual-e5-small, 4-bit weights
//! dequantized to f32, candle CPU): one question, one sentence, and the shipped article's
//! sentences in batches. Before them it prints the load time and the resident memory
//! after loading (`VmRSS` of `/proc/self/status`), once.

use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

use article_qa::embed::Encoder;
use criterion::{Criterion, criterion_group, criterion_main};

const MODEL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/models/multilingual-e5-small");
const ARTICLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/seeds/putin-al-sharaa-phone-call.txt"
);

/// Resident memory of this process in MB, from `/proc/self/status` (0 if unreadable).
fn rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

/// The article's sentences, split naively at ". " (good enough for timing).
fn article_sentences() -> Vec<String> {
    let text = std::fs::read_to_string(ARTICLE).expect("seed article");
    text.lines()
        .flat_map(|l| l.split(". "))
        .map(str::trim)
        .filter(|s| s.len() > 20)
        .map(str::to_string)
        .collect()
}

fn encoder(c: &mut Criterion) {
    let before = rss_mb();
    let start = Instant::now();
    let enc = Encoder::load(Path::new(MODEL)).expect("model");
    let load = start.elapsed();
    let question = "Who led the Russian delegation?";
    enc.encode_query(question).expect("warm-up");
    eprintln!(
        "embed: load {:.0} ms; VmRSS {before:.0} MB before, {:.0} MB after load and one query",
        load.as_secs_f64() * 1000.0,
        rss_mb()
    );
    let sentence =
        "The Russian delegation was led by Mikhail Bogdanov, Russia's deputy foreign minister.";
    let sentences = article_sentences();
    let refs: Vec<&str> = sentences.iter().map(String::as_str).collect();
    let mut group = c.benchmark_group("embed");
    group.sample_size(50);
    group.bench_function("query", |b| {
        b.iter(|| enc.encode_query(black_box(question)))
    });
    group.bench_function("sentence", |b| {
        b.iter(|| enc.encode_passages(black_box(&[sentence])))
    });
    group.sample_size(10);
    group.bench_function(format!("article_{}_sentences", refs.len()), |b| {
        b.iter(|| enc.encode_passages(black_box(&refs)))
    });
    group.finish();
}

criterion_group!(benches, encoder);
criterion_main!(benches);
