//! Typed errors of loading articles and their metadata, and the `Result` alias.

use std::path::PathBuf;

/// What loading articles can fail at. Each message is one line that names the path involved;
/// the cause, when there is one, is the error's source (shown after it by `{:#}`).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or folder could not be read (missing, no permission, not UTF-8, too large). The
    /// reason is the error's source, not repeated in its own text.
    #[error("cannot read {path}")]
    Read {
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
    /// An article's metadata file (`<name>.meta.toml`) is not valid TOML of the expected
    /// fields. The TOML error (with line and column) is the source; its text draws the
    /// offending line, so front ends show its first and last lines.
    #[error("bad article metadata in {path}")]
    Metadata {
        /// The metadata file.
        path: PathBuf,
        /// What TOML said.
        source: toml::de::Error,
    },
}

/// The corpus layer's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
