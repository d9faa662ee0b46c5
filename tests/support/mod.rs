//! Test support: the fake Telegram Bot API (its faults and HTML checks), a handle on the
//! bot process and a small HTTP client for the bot's webhook, and real Redis and nginx servers.

pub mod bot_process;
pub mod fake_telegram;
pub mod faults;
pub mod html;
pub mod http;
pub mod in_process;
pub mod servers;

/// The article dev set's questions (plain, paraphrased, misspelt, off-topic), in order: what
/// the benchmarks and the replica tests ask.
#[allow(dead_code)]
pub fn dev_questions() -> Vec<String> {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/article/dev.jsonl");
    let cases = article_qa::app::eval::load_cases(&path).expect("dev set");
    cases.iter().map(|c| c.question().to_string()).collect()
}
