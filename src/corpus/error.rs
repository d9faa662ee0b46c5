//! Typed errors of the core (loading articles, FAQ rules, evaluation data) and the `Result` alias.

use std::path::PathBuf;

/// Everything the core can fail at. Each message is one line that names the path involved.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or folder could not be read (missing, no permission, not UTF-8). The reason
    /// is the error's source (shown after it by `{:#}`), not repeated in its own text.
    #[error("cannot read {path}")]
    Read {
        /// The path that failed.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// A file could not be created or written (a missing folder, no permission, a full disk).
    #[error("cannot write {path}")]
    Write {
        /// The path that failed.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The seeds folder holds no `*.txt` article.
    #[error("no articles (*.txt) in {0}")]
    NoArticles(PathBuf),
    /// An article file holds no paragraph with a sentence in it.
    #[error("article {0} is empty: it holds no paragraph with a sentence")]
    EmptyArticle(PathBuf),
    /// An article's metadata file (`<name>.meta.toml`) is not valid.
    #[error("bad article metadata in {path}: {message}")]
    Metadata {
        /// The metadata file.
        path: PathBuf,
        /// What is wrong, with line and column when TOML gives them.
        message: String,
    },
    /// A FAQ rules file failed its check.
    #[error("bad FAQ rules in {path}: {message}")]
    Faq {
        /// The rules file.
        path: PathBuf,
        /// The first error found.
        message: String,
    },
    /// An evaluation file has a line that is not a question in the expected format.
    #[error("bad evaluation data in {path}, line {line}: {message}")]
    EvalData {
        /// The questions file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

/// The core's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
