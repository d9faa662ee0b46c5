//! Corpus layer: articles read from files, their metadata, paragraphs and sentences with byte
//! spans into the original text. May use [`crate::text`]; nothing to its right.
pub mod article;
pub mod error;

pub use article::{Article, ArticleMeta, Corpus, Paragraph, Sentence};
