//! The semantic stage's part of ranking: the sentences closest in meaning join the keyword
//! stage's candidates (so a paraphrase that shares no word with its answer can still win),
//! and every candidate's final score fuses the two:
//!
//! `F'(u) = (1 − w) · F(u) / max F + w · cos(q, u)`, with `w` = [`Params::semantic_weight`],
//! `F` the keyword stage's final score (re-ranking included) and `cos` the cosine of the
//! question's and the sentence's embeddings (`crate::embed`), given per sentence unit.
//!
//! How far the best cosine stands above the article's mean ([`margin`]) lets a question
//! with no keyword match (another language, a pure paraphrase) be answered at all.

use crate::search::explain::Tally;
use crate::search::index::TermIndex;
use crate::search::matcher::Matcher;
use crate::search::params::Params;
use crate::search::rerank::{Hit, by_score};
use crate::text::analyze::{Analyzer, Token, TokenKind};

/// Adds to `candidates` the [`Params::semantic_candidates`] sentences with the best cosine
/// that are not candidates already, each made by `candidate` (with its keyword base score).
pub(crate) fn add_candidates(
    params: &Params,
    cosines: &[f32],
    candidates: &mut Vec<Hit>,
    candidate: impl Fn(u32) -> Hit,
) {
    let mut best: Vec<u32> = (0..cosines.len() as u32)
        .filter(|u| !candidates.iter().any(|c| c.unit == *u))
        .collect();
    let keep = params.semantic_candidates.min(best.len());
    if keep == 0 {
        return;
    }
    let by_cosine = |a: &u32, b: &u32| {
        cosines[*b as usize]
            .total_cmp(&cosines[*a as usize])
            .then(a.cmp(b))
    };
    best.select_nth_unstable_by(keep - 1, by_cosine);
    best.truncate(keep);
    best.sort_unstable_by(by_cosine);
    candidates.extend(best.into_iter().map(candidate));
}

/// Fuses every candidate's keyword score with its cosine and sorts them again.
pub(crate) fn fuse_all(params: &Params, cosines: &[f32], candidates: &mut [Hit]) {
    let top = candidates.iter().map(|h| h.score).fold(0.0f32, f32::max);
    for hit in candidates.iter_mut() {
        hit.features.cosine = cosines.get(hit.unit as usize).copied().unwrap_or(0.0);
        hit.features.keyword_top = top;
        hit.features.fused = true;
        fuse(params, &hit.features, &mut hit.score);
    }
    by_score(candidates);
}

/// The fusion of one keyword score in `score` with the sentence's cosine (see the module
/// docs); a candidate with no keyword score keeps only its share of the cosine.
pub(crate) fn fuse<T: Tally>(params: &Params, f: &crate::search::rerank::Features, score: &mut T) {
    let w = params.semantic_weight;
    let factor = if f.keyword_top > 0.0 {
        (1.0 - w) / f.keyword_top
    } else {
        0.0
    };
    score.times(factor, || {
        format!(
            "(1 − semantic_weight) / best keyword score {:.3}",
            f.keyword_top
        )
    });
    score.add(w * f.cosine, || {
        format!("semantic_weight × cosine {:.3}", f.cosine)
    });
}

/// How far the best cosine stands above the mean of all (0 for none): large when one part
/// of the article is about the question, small when the question is about none of it.
pub fn margin(cosines: &[f32]) -> f32 {
    if cosines.is_empty() {
        return 0.0;
    }
    let best = cosines.iter().copied().fold(f32::MIN, f32::max);
    let mean = cosines.iter().sum::<f32>() / cosines.len() as f32;
    best - mean
}

/// Raises the cosine of every sentence that holds a name the question writes in another
/// script ([`Params::transliterated_name_bonus`]): the capitalised non-Latin words after the
/// first (in Russian the first word is capitalised whatever it is), written in Latin letters
/// by `deunicode` ("Богданов" → `bogdanov`, "Тартусе" → `tartuse` ~ `tartus`) and matched as
/// a typo is (so "Дамаск", `damask`, three edits from `damascus`, is not). Arabic has no
/// capitals and is left as it is.
pub(crate) fn add_transliterated_names(
    index: &TermIndex,
    params: &Params,
    analyzer: &Analyzer,
    tokens: &[Token],
    cosines: &mut [f32],
) {
    let names = (tokens.iter()).filter(|t| {
        t.kind == TokenKind::Word && t.capitalized && t.position > 0 && !t.text.is_ascii()
    });
    let matcher = Matcher::new(index, params);
    // The IDF of a term one sentence holds: the largest a matched name can have.
    let top = index.unit_idf(1).max(f32::MIN_POSITIVE);
    for name in names {
        let latin = deunicode::deunicode(&name.text);
        for token in analyzer.analyze(&latin).iter().filter(|t| !t.stop) {
            for m in matcher.lookup(token, true) {
                let idf = index.idf_of(m.term).0;
                let bonus = params.transliterated_name_bonus * m.similarity * idf / top;
                for posting in index.postings(m.term) {
                    if let Some(c) = cosines.get_mut(posting.unit as usize) {
                        *c += bonus;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Corpus;
    use crate::search::article_index::ArticleIndex;

    #[test]
    fn a_name_written_in_cyrillic_raises_the_sentences_that_hold_it() {
        let analyzer = Analyzer::new();
        let corpus = Corpus::from_text(
            "t",
            "Mikhail Bogdanov led the delegation.\nThe talks were long.\nTartus hosts a base.\n",
        )
        .unwrap();
        let index = ArticleIndex::build(&analyzer, &corpus);
        let params = Params::default();
        let cosines = |question: &str| {
            let mut cosines = vec![0.8; 3];
            let tokens = analyzer.analyze(question);
            add_transliterated_names(&index.terms, &params, &analyzer, &tokens, &mut cosines);
            cosines
        };
        let raised = cosines("Кого возглавлял Богданов?");
        assert!(raised[0] > 0.8, "{raised:?}");
        assert_eq!(raised[1..], [0.8, 0.8]);
        // An inflected form is matched as a typo is ("Тартусе": in Tartus).
        assert!(cosines("Что есть в Тартусе?")[2] > 0.8);
        // The first word is capitalised whatever it is, and a name the article lacks
        // raises nothing.
        assert_eq!(cosines("Богданов? Путин"), [0.8; 3]);
    }
}
