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
use crate::search::params::Params;
use crate::search::rerank::{Hit, by_score};

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
