//! The engine's semantic stage: the sentence encoder, the article's sentence vectors (one per
//! index unit, encoded once and cached on disk) and a question's cosine with each of them.

use std::path::Path;
use std::sync::Arc;

use crate::corpus::{Corpus, unwrapped};
use crate::embed::{EmbedError, Encoder, cache, cosine};
use crate::search::article_index::ArticleIndex;

/// Sentence vectors of one corpus and the encoder that made them.
pub struct Meaning {
    encoder: Arc<Encoder>,
    /// One unit-length vector per index unit (sentence), in unit order.
    vectors: Vec<Vec<f32>>,
}

impl std::fmt::Debug for Meaning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Meaning({} sentence vectors)", self.vectors.len())
    }
}

impl Meaning {
    /// Encodes every sentence of `index` (their text from `corpus`, one line each), or reads
    /// the vectors from `cache_dir` when a valid file for this model and these sentences is
    /// there (a cache that cannot be written is only a slower start).
    ///
    /// Errors: the encoder failed on a sentence ([`EmbedError`]).
    pub fn build(
        encoder: Arc<Encoder>,
        corpus: &Corpus,
        index: &ArticleIndex,
        cache_dir: Option<&Path>,
    ) -> Result<Self, EmbedError> {
        let texts: Vec<String> = index
            .sentences
            .iter()
            .map(|at| {
                at.locate(corpus)
                    .map(|(article, _, sentence)| {
                        unwrapped(article.sentence_text(sentence)).into_owned()
                    })
                    .unwrap_or_default()
            })
            .collect();
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        let vectors = match cache_dir {
            Some(dir) => cache::load_or_encode(&encoder, dir, &texts)?.0,
            None => encoder.encode_passages(&texts)?,
        };
        Ok(Self { encoder, vectors })
    }

    /// The cosine of `question` with every sentence, by unit (empty when the encoder fails,
    /// which a loaded model does not do).
    pub fn cosines(&self, question: &str) -> Vec<f32> {
        match self.encoder.encode_query(question) {
            Ok(q) => self.vectors.iter().map(|v| cosine(&q, v)).collect(),
            Err(_) => Vec::new(),
        }
    }
}
