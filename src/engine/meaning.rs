//! The engine's semantic stage: the sentence encoder, the article's sentence vectors (one per
//! index unit, alone and with its neighbours, encoded once and cached on disk) and a
//! question's similarity to each of them.

use std::path::Path;
use std::sync::Arc;

use crate::corpus::{Corpus, unwrapped};
use crate::embed::{EmbedError, Encoder, cache, cosine};
use crate::search::article_index::ArticleIndex;
use crate::search::params::Params;

/// Sentence vectors of one corpus and the encoder that made them.
pub struct Meaning {
    encoder: Arc<Encoder>,
    /// One unit-length vector per index unit (sentence), in unit order.
    vectors: Vec<Vec<f32>>,
    /// One per unit of the sentence with its neighbours in the paragraph ([`windows`]).
    windows: Vec<Vec<f32>>,
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
        let windows = windows(index, &texts);
        let encode = |texts: &[String]| {
            let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
            match cache_dir {
                Some(dir) => cache::load_or_encode(&encoder, dir, &texts).map(|(v, _)| v),
                None => encoder.encode_passages(&texts),
            }
        };
        let vectors = encode(&texts)?;
        let windows = encode(&windows)?;
        Ok(Self {
            encoder,
            vectors,
            windows,
        })
    }

    /// The vectors of units `units` alone, renumbered from 0 (the semantic stage of one
    /// article's engine, [`ArticleIndex::units_of_article`]).
    pub fn part(&self, units: std::ops::Range<usize>) -> Meaning {
        let take = |all: &[Vec<f32>]| all.get(units.clone()).unwrap_or_default().to_vec();
        Meaning {
            encoder: Arc::clone(&self.encoder),
            vectors: take(&self.vectors),
            windows: take(&self.windows),
        }
    }

    /// True unless at least [`Params::unknown_script_share`] of the words of `question` hold
    /// letters the model's vocabulary lacks (a script it was not given, such as Hebrew):
    /// the vector of such a question means nothing.
    pub fn reads(&self, question: &str, params: &Params) -> bool {
        let share = self.encoder.unknown_share(question);
        share.map_or(true, |share| share < params.unknown_script_share)
    }

    /// The similarity of `question` to every sentence, by unit:
    /// `(1 − w) · cos(q, sentence) + w · cos(q, window)` with `w` = [`Params::window_weight`].
    /// `None` when the model cannot read the question ([`Meaning::reads`]) or the encoder
    /// fails, which a loaded model does not do.
    pub fn cosines(&self, question: &str, params: &Params) -> Option<Vec<f32>> {
        if !self.reads(question, params) {
            return None;
        }
        let q = self.encoder.encode_query(question).ok()?;
        let w = params.window_weight;
        let cosines = (self.vectors.iter().zip(&self.windows))
            .map(|(s, around)| (1.0 - w) * cosine(&q, s) + w * cosine(&q, around))
            .collect();
        Some(cosines)
    }
}

/// Each sentence with the one before and the one after it in its paragraph (a radius of one
/// sentence; the window texts key their own cache file, so changing the radius re-encodes
/// rather than reading stale vectors): a sentence that says "he" or "the group" is read with
/// what it refers to.
fn windows(index: &ArticleIndex, texts: &[String]) -> Vec<String> {
    let units = &index.sentences;
    let same = |a: usize, b: usize| {
        units[a].article == units[b].article && units[a].paragraph == units[b].paragraph
    };
    (0..texts.len())
        .map(|i| {
            let before = (i > 0 && same(i - 1, i)).then(|| texts[i - 1].as_str());
            let after = (i + 1 < texts.len() && same(i, i + 1)).then(|| texts[i + 1].as_str());
            let parts = [before, Some(texts[i].as_str()), after];
            parts.into_iter().flatten().collect::<Vec<_>>().join(" ")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::analyze::Analyzer;

    #[test]
    fn a_window_is_the_sentence_with_its_neighbours_in_its_own_paragraph() {
        let corpus = Corpus::from_text("t", "One. Two. Three.\nFour.\n").unwrap();
        let index = ArticleIndex::build(&Analyzer::new(), &corpus);
        let texts: Vec<String> = ["One.", "Two.", "Three.", "Four."].map(String::from).into();
        assert_eq!(
            windows(&index, &texts),
            ["One. Two.", "One. Two. Three.", "Two. Three.", "Four."]
        );
    }
}
