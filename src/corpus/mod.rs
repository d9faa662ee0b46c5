//! Corpus layer: owns the articles — read from files with their metadata, split into
//! paragraphs (page furniture left out) and sentences, each with its byte span into the
//! untouched original text — and the corpus errors. May use only [`crate::text`] (nothing to
//! its right: search, engine, chat, app).
pub(crate) mod article;
pub(crate) mod error;
mod lines;
mod meta;
mod paragraphs;
mod sentences;

pub use article::{Article, Corpus};
pub use error::{Error, Result};
pub use meta::ArticleMeta;
pub use paragraphs::{Paragraph, is_furniture, unwrapped};
pub use sentences::Sentence;
