//! Typed errors of the application layer's own files (question sets, predictions, the
//! unanswered-question log) and the `Result` alias. The modes add context with anyhow at the
//! edge, and [`crate::app::run`] shows the chain on one line.

use std::path::PathBuf;

/// What the application layer's file handling can fail at. Each message is one line naming
/// the path; the cause is the error's source.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read (missing, no permission).
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
    /// An evaluation file has a line that is not a question in the expected format.
    #[error("bad evaluation data in {path}")]
    EvalData {
        /// The questions file.
        path: PathBuf,
        /// The line and what is wrong with it.
        #[source]
        source: CaseError,
    },
    /// A SQuAD case came without the folder of its articles.
    #[error("case {id} needs an article: pass --squad DIR")]
    NoArticles {
        /// The case's id.
        id: String,
    },
    /// Articles could not be loaded (a SQuAD article).
    #[error(transparent)]
    Corpus(#[from] crate::corpus::Error),
}

/// The application layer's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A line of a question set that is not a question; `line` is 1-based.
#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    /// The line is not a JSON object of the expected fields.
    #[error("line {line}: {error}")]
    Json {
        /// 1-based line number.
        line: usize,
        /// What serde_json said.
        error: serde_json::Error,
    },
    /// Neither `"question"` nor non-empty `"turns"`.
    #[error("line {line}: needs \"question\" or \"turns\"")]
    NoQuestion {
        /// 1-based line number.
        line: usize,
    },
    /// Neither `"gold"` nor SQuAD's `"title"` and `"is_impossible"`.
    #[error("line {line}: needs \"gold\", or \"title\" and \"is_impossible\"")]
    NoGold {
        /// 1-based line number.
        line: usize,
    },
}

impl CaseError {
    /// The 1-based line number of the bad line.
    pub fn line(&self) -> usize {
        match self {
            CaseError::Json { line, .. }
            | CaseError::NoQuestion { line }
            | CaseError::NoGold { line } => *line,
        }
    }
}

/// Why a question set does not suit the run ([`crate::app::eval::check_format`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    /// The set holds no question.
    #[error("holds no questions")]
    Empty,
    /// SQuAD questions without `--squad DIR`.
    #[error(
        "holds SQuAD questions (case {id} has a \"title\"): pass --squad DIR, the folder of their articles"
    )]
    SquadWithoutArticles {
        /// The first SQuAD case's id.
        id: String,
    },
    /// Questions that name their article, with no folder to find it in.
    #[error(
        "case {id} names its \"article\": pass --articles DIR, the folder of <article>.txt files (default: articles/ beside the questions)"
    )]
    NoArticlesFolder {
        /// The first such case's id.
        id: String,
    },
    /// Questions about the seeds with `--squad`.
    #[error("holds questions about the seeds' articles, not SQuAD questions: leave out --squad")]
    NotSquad,
}
