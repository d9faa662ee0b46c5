//! Shared helpers: paths to the repository's data, a ready engine on the shipped article, and
//! `ask --json -` run on the real binary.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use article_qa::corpus::Corpus;
use article_qa::engine::Engine;

/// A path inside the repository.
pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// The engine over the shipped seeds, article only (no FAQ rules), built once.
pub fn article_engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE
        .get_or_init(|| Engine::new(Corpus::load_dir(&repo("seeds")).expect("shipped seeds load")))
}

/// The report of `eval` on a question set about the shipped article (path inside the
/// repository), answered by [`article_engine`].
pub fn eval_on_article(path: &str) -> article_qa::app::eval::Report {
    use article_qa::app::eval;
    let cases = eval::load_cases(&repo(path)).expect("question set loads");
    eval::run(
        &cases,
        Some(article_engine()),
        eval::Sources::default(),
        &Engine::new,
    )
    .expect("eval runs")
}

/// The `article-qa` binary, to run from the repository with piped standard streams and no
/// token or article settings from the environment.
pub fn article_qa_command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_article-qa"));
    command
        .current_dir(repo(""))
        .env_remove("TELOXIDE_TOKEN")
        .env_remove("ARTICLE_QA_SEEDS")
        .env_remove("ARTICLE_QA_FAQ")
        // The console chat speaks the locale's language: the tests expect English unless
        // they set one.
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// The JSON objects `article-qa ask --json <args> -` prints for `input` (one per input line),
/// run from the repository with no token or article settings from the environment. Panics
/// when the binary fails or prints a line that is not JSON.
pub fn ask_json_lines(args: &[&str], input: &str) -> Vec<serde_json::Value> {
    let mut child = article_qa_command()
        .args(["ask", "--json"])
        .args(args)
        .arg("-")
        .spawn()
        .expect("binary runs");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(input.as_bytes()).expect("input written");
    drop(stdin);
    let out = child.wait_with_output().expect("binary ends");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    String::from_utf8(out.stdout)
        .expect("UTF-8 output")
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

/// A seeds folder with one article whose first sentence is longer than a Telegram message
/// (700 berths listed), then a short one: for answers that must be split.
pub fn harbour_seeds() -> tempfile::TempDir {
    let seeds = tempfile::tempdir().unwrap();
    let long_sentence = format!(
        "The harbour commission report lists {} and ends there.",
        (1..=700)
            .map(|i| format!("berth {i}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    std::fs::write(
        seeds.path().join("harbour.txt"),
        format!("{long_sentence}\nThe harbour opened in 1901.\n"),
    )
    .unwrap();
    seeds
}
