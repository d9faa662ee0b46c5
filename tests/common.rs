//! Shared helpers: paths to the repository's data and a ready engine on the shipped article.

use std::path::{Path, PathBuf};
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
