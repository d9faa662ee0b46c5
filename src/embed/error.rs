//! The embedding layer's typed error.

use std::path::PathBuf;

/// What can go wrong loading the model or encoding text.
#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    /// A model file could not be read (missing folder, permissions).
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file that was being read.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// `model.safetensors` is not a valid safetensors file.
    #[error("invalid safetensors file: {0}")]
    Safetensors(#[from] safetensors::SafeTensorError),
    /// `config.json` is missing a field or is not JSON.
    #[error("invalid config.json: {0}")]
    Config(#[from] serde_json::Error),
    /// A tensor is missing or has the wrong type or shape for the configuration.
    #[error("tensor {name}: {problem}")]
    Tensor {
        /// The tensor's name in `model.safetensors`.
        name: String,
        /// What is wrong with it.
        problem: String,
    },
    /// `tokenizer.json` could not be loaded, or a text could not be tokenized.
    #[error("tokenizer: {0}")]
    Tokenizer(String),
    /// The tensor computation failed (a bug: shapes are checked at load).
    #[error("computation failed: {0}")]
    Compute(#[from] candle_core::Error),
}

/// The layer's result type.
pub type Result<T, E = EmbedError> = std::result::Result<T, E>;

impl EmbedError {
    pub(crate) fn tensor(name: &str, problem: impl Into<String>) -> Self {
        Self::Tensor {
            name: name.to_owned(),
            problem: problem.into(),
        }
    }

    pub(crate) fn tokenizer(err: impl std::fmt::Display) -> Self {
        Self::Tokenizer(err.to_string())
    }
}
