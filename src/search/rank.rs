//! Article retrieval: scores sentences and paragraphs by fuzzy keyword overlap with a
//! question (first stage, BM25), keeps the best for re-ranking ([`crate::search::rerank`]),
//! and measures how much of the question the best one's paragraph covers.
//!
//! For each question term *q* (weight factor `f`, see [`QueryTerm`]) and each index term
//! *t* it matches with similarity *s* (see [`crate::search::matcher`]):
//!
//! * sentence score `S(u) = Σ_q max_t f·s·idf(t)·tf_bm25(t, u)`, Okapi BM25 over sentences
//!   (a sentence opening with `This`/`It`… also takes [`Params::anaphor_weight`] of the one
//!   before);
//! * paragraph score `P(g)`, the same over paragraphs;
//! * base score `S(u) + α·P(g(u)) + β·(S(u−1) + S(u+1))`, the neighbours being the sentences
//!   before and after in the same paragraph;
//! * the best [`Params::reranked`] by base score are re-scored (see
//!   [`crate::search::rerank`]).
//!
//! **Coverage**, the share of the question's IDF weight that the best sentence's paragraph
//! matches, decides abstention: below [`Params::threshold`] the article does not answer.
//! Ties are broken by position, so results are deterministic. [`explain`] runs the same sums
//! again for one hit, recording each part.
//!
//! [`QueryTerm`]: crate::search::query::QueryTerm

use std::ops::Range;

use crate::search::article_index::{ArticleIndex, SentenceRef};
use crate::search::explain::{Explanation, Parts, Tally};
use crate::search::params::Params;
use crate::search::query::Query;
use crate::search::rerank::{
    Features, Focus, Hit, by_score, refocus, refocus_all, rerank, rescore,
};
use crate::search::semantic;

/// The result of ranking: the sentences, best first, and the coverage of the best.
#[derive(Debug, Clone, Default)]
pub struct Ranking {
    /// Up to [`Params::max_sentences`] sentences, best first (a follow-up's: those beside
    /// its best sentence first, then those elsewhere).
    pub hits: Vec<Hit>,
    /// Share (0..=1) of the question's weight matched in the best sentence's paragraph.
    pub coverage: f32,
    /// Every paragraph's score `P(g)`, by group number (0 where no question term occurs).
    pub paragraphs: Vec<f32>,
    /// Every re-ranked sentence, best first (the hits, then the next best): what "More" shows.
    pub ranked: Vec<SentenceRef>,
}

impl Ranking {
    /// The `n` paragraphs (group numbers) with the best scores, best first, ties by position;
    /// paragraphs with score 0 left out.
    pub fn top_paragraphs(&self, n: usize) -> Vec<(u32, f32)> {
        let mut top: Vec<(u32, f32)> = (self.paragraphs.iter().enumerate())
            .filter(|(_, s)| **s > 0.0)
            .map(|(g, s)| (g as u32, *s))
            .collect();
        top.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        top.truncate(n);
        top
    }
}

/// Scores every sentence against `query` and returns the best, best first. Returns an
/// empty ranking when no term of the question occurs in the article. A `focus` (follow-ups)
/// moves sentences already shown down and sentences near the last answer up, and keeps
/// shown sentences out of the answer unless one is still the best or close to it.
pub fn rank(
    index: &ArticleIndex,
    params: &Params,
    query: &Query,
    focus: Option<&Focus>,
    meaning: Option<&[f32]>,
) -> Ranking {
    let (sentence, paragraph, matched) = score_terms(index, params, query, &mut ());
    let mut candidates = best_candidates(index, params, &sentence, &paragraph, &matched);
    let make = |u| candidate(index, params, &sentence, &paragraph, u);
    if let Some(cosines) = meaning {
        semantic::add_candidates(params, cosines, &mut candidates, make);
    }
    if let Some(focus) = focus
        && !candidates.is_empty()
    {
        // A follow-up also weighs the sentences just around the last answer.
        let around: Vec<u32> = focus.neighbourhood(params, &index.sentences).collect();
        let new: Vec<u32> = (around.into_iter())
            .filter(|u| !candidates.iter().any(|c| c.unit == *u))
            .collect();
        candidates.extend(new.into_iter().map(make));
    }
    if candidates.is_empty() {
        return Ranking::default();
    }
    rerank(&index.terms, params, query, focus, &mut candidates);
    if let Some(cosines) = meaning {
        semantic::fuse_all(params, cosines, &mut candidates);
    }
    if let Some(focus) = focus {
        refocus_all(params, focus, &index.sentences, &mut candidates);
    }
    let (hits, ranked) = select(params, focus.is_some(), candidates);
    let coverage = hits[0].features.paragraph_coverage;
    Ranking {
        hits,
        coverage,
        paragraphs: paragraph,
        ranked,
    }
}

/// Step 4: the answer from the final candidates (best first, at least one): up to
/// [`Params::max_sentences`] hits down to [`Params::min_relative`] of the best, and the
/// whole ranked list ("More"). A follow-up's answer repeats what the last answer showed
/// only as its best sentence or at [`Params::shown_relative`] of the best, and keeps beside
/// its best sentence (a sentence elsewhere may
/// have got there on the borrowed terms alone); places left free go to sentences elsewhere
/// at [`Params::fill_relative`] of the best or more.
fn select(params: &Params, follow_up: bool, candidates: Vec<Hit>) -> (Vec<Hit>, Vec<SentenceRef>) {
    let top = candidates[0].score;
    let first = candidates[0].at;
    let beside = |h: &Hit| {
        !follow_up
            || (h.at.article == first.article
                && h.at.paragraph.abs_diff(first.paragraph) <= params.near_paragraphs)
    };
    // What the last answer showed is left out (of "More" too) unless it scores close to the
    // best ("And Iran?" after a question about Turkey: the Iran sentence was third).
    let mut left: Vec<Option<Hit>> = (candidates.into_iter().enumerate())
        .filter(|(i, hit)| {
            *i == 0 || !hit.features.shown || hit.score >= params.shown_relative * top
        })
        .map(|(_, hit)| Some(hit))
        .collect();
    let mut hits: Vec<Hit> = Vec::with_capacity(params.max_sentences);
    let passes = [
        (params.min_relative, true),
        (params.fill_relative.max(params.min_relative), false),
    ];
    for (share, near) in passes {
        for slot in left.iter_mut() {
            if hits.len() < params.max_sentences
                && let Some(hit) = slot
                    .take_if(|h| (hits.is_empty() || h.score >= share * top) && beside(h) == near)
            {
                hits.push(hit);
            }
        }
    }
    let ranked = (hits.iter().map(|h| h.at))
        .chain(left.into_iter().flatten().map(|h| h.at))
        .collect();
    (hits, ranked)
}

/// The article's opening, as a ranking: its first [`Params::max_sentences`] sentences in
/// order (with several articles, the first sentence of each), for a question about the
/// article itself. News puts who did what first, so the lead is what a story "is about".
/// Scores count down from 1 by position; coverage is 1 (nothing of the question is missing).
pub fn lead(index: &ArticleIndex, params: &Params) -> Ranking {
    let several = index.sentences.last().is_some_and(|s| s.article > 0);
    let hits: Vec<Hit> = (index.sentences.iter().enumerate())
        .filter(|(_, at)| !several || (at.paragraph == 0 && at.sentence == 0))
        .take(params.max_sentences)
        .enumerate()
        .map(|(place, (unit, at))| Hit {
            unit: unit as u32,
            at: *at,
            score: 1.0 / (1.0 + place as f32),
            sentence_score: 0.0,
            paragraph_score: 0.0,
            features: Features {
                lead: true,
                ..Features::default()
            },
        })
        .collect();
    Ranking {
        ranked: hits.iter().map(|h| h.at).collect(),
        hits,
        coverage: 1.0,
        paragraphs: Vec::new(),
    }
}

/// Why `hit` (from [`rank`] with the same index, parameters and query) scored as it did:
/// the first stage run again recording the hit's sentence and paragraph, then the same
/// `base_score` and `rescore` summed into an [`Explanation`]. Its value is `hit.score`.
pub fn explain(index: &ArticleIndex, params: &Params, query: &Query, hit: &Hit) -> Explanation {
    if hit.features.lead {
        let what = "the article's opening: the question asks what the article is about";
        return Explanation::new(hit.score, what.to_string());
    }
    let mut record = Breakdown {
        unit: hit.unit,
        group: index.terms.group_of(hit.unit),
        ..Breakdown::default()
    };
    score_terms(index, params, query, &mut record);
    let describe = |parts: &[(usize, f32)]| -> Parts {
        let term = |q: usize| &query.terms[q].token.text;
        let line = |&(q, value): &(usize, f32)| Explanation::new(value, format!("{:?}", term(q)));
        parts.iter().map(line).collect()
    };
    let mut score: Explanation = base_score(
        params,
        (
            hit.sentence_score,
            hit.paragraph_score,
            hit.features.neighbors,
        ),
        || describe(&record.sentence),
        || describe(&record.paragraph),
    );
    rescore(params, &hit.features, hit.at.paragraph, &mut score);
    if hit.features.fused {
        semantic::fuse(params, &hit.features, &mut score);
    }
    if hit.features.focus_top > 0.0 {
        refocus(params, &hit.features, &mut score);
    }
    score.what = "final score F(u)".into();
    debug_assert_eq!(score.value.to_bits(), hit.score.to_bits());
    score
}

/// The base score `S(u) + α·P(g) + β·N(u)` of a sentence from `(S, P, N)`; the closures give
/// the per-term parts of `S` and `P` when the tally records them.
fn base_score<T: Tally>(
    params: &Params,
    (s, p, n): (f32, f32, f32),
    sentence_parts: impl FnOnce() -> Parts,
    paragraph_parts: impl FnOnce() -> Parts,
) -> T {
    let what_s = || "S(u): BM25 of the question's terms in the sentence".to_string();
    let mut score = T::start(s, what_s, sentence_parts);
    score.part(
        params.paragraph_weight * p,
        || format!("paragraph_weight × P(g) {p:.3}"),
        || {
            vec![Explanation::with_details(
                p,
                "P(g): BM25 over the paragraph",
                paragraph_parts(),
            )]
        },
    );
    score.add(params.neighbor_weight * n, || {
        format!("neighbor_weight × S of the sentences beside {n:.3}")
    });
    score
}

/// Receives, per question term (its number in [`Query::terms`]), what it added to each
/// sentence's and paragraph's score. `()` receives nothing (ranking); [`Breakdown`] keeps
/// one sentence's and one paragraph's parts (explaining).
trait Record {
    /// `term` added `value` to sentence `unit`'s `S`.
    fn sentence(&mut self, term: usize, unit: u32, value: f32);
    /// `term` added `value` to paragraph `group`'s `P`.
    fn paragraph(&mut self, term: usize, group: u32, value: f32);
}

impl Record for () {
    #[inline]
    fn sentence(&mut self, _: usize, _: u32, _: f32) {}
    #[inline]
    fn paragraph(&mut self, _: usize, _: u32, _: f32) {}
}

/// One sentence's and its paragraph's parts, per question term, in the order summed.
#[derive(Default)]
struct Breakdown {
    unit: u32,
    group: u32,
    sentence: Vec<(usize, f32)>,
    paragraph: Vec<(usize, f32)>,
}

impl Record for Breakdown {
    fn sentence(&mut self, term: usize, unit: u32, value: f32) {
        if unit == self.unit {
            self.sentence.push((term, value));
        }
    }

    fn paragraph(&mut self, term: usize, group: u32, value: f32) {
        if group == self.group {
            self.paragraph.push((term, value));
        }
    }
}

/// Step 1: BM25 scores of every sentence and every paragraph, each question term counting
/// once per unit (its best match there), each term's part given to `record`.
fn score_terms(
    index: &ArticleIndex,
    params: &Params,
    query: &Query,
    record: &mut impl Record,
) -> (Vec<f32>, Vec<f32>, Vec<u32>) {
    let terms = &index.terms;
    let mut sentence = vec![0.0f32; terms.unit_count()];
    let mut paragraph = vec![0.0f32; terms.group_count()];
    // The sentences with a score, so later steps never walk the whole article.
    let mut matched: Vec<u32> = Vec::new();
    let mut best = ScratchMax::new(sentence.len());
    let mut best_group = ScratchMax::new(paragraph.len());
    for (i, q) in query.terms.iter().enumerate() {
        for m in &q.matches {
            let weight = q.factor * m.similarity;
            let (idf, group_idf) = terms.idf_of(m.term);
            for p in terms.postings(m.term) {
                let (len, avg) = terms.unit_len(p.unit);
                let value = weight * idf * bm25_tf(p.tf, len, avg, params.k1, params.b);
                best.offer(p.unit, value);
                let next = p.unit as usize + 1;
                if index.anaphoric.get(next).copied().unwrap_or(false) {
                    best.offer(next as u32, params.anaphor_weight * value);
                }
            }
            for p in terms.group_postings(m.term) {
                let (len, avg) = terms.group_len(p.unit);
                let tf = bm25_tf(p.tf, len, avg, params.k1, params.paragraph_b);
                best_group.offer(p.unit, weight * group_idf * tf);
            }
        }
        best.drain_into(&mut sentence, |u, v, first| {
            record.sentence(i, u, v);
            // Scores only grow: a sentence is listed once, when it first scores.
            if first && v > 0.0 {
                matched.push(u);
            }
        });
        best_group.drain_into(&mut paragraph, |g, v, _| record.paragraph(i, g, v));
    }
    (sentence, paragraph, matched)
}

/// Step 2: the [`Params::reranked`] sentences with the best base score (sentence, paragraph
/// and neighbours), best first.
/// `matched` are the sentences with a score, in order; only the ones kept become [`Hit`]s.
fn best_candidates(
    index: &ArticleIndex,
    params: &Params,
    sentence: &[f32],
    paragraph: &[f32],
    matched: &[u32],
) -> Vec<Hit> {
    let mut scored: Vec<(f32, u32)> = (matched.iter())
        .map(|&u| (base_of(index, params, sentence, paragraph, u).0, u))
        .collect();
    // As `compare` orders hits: better score first, ties by position.
    let order = |a: &(f32, u32), b: &(f32, u32)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
    let keep = params.reranked.min(scored.len());
    if scored.len() > keep {
        scored.select_nth_unstable_by(keep - 1, order);
        scored.truncate(keep);
    }
    let mut candidates: Vec<Hit> = (scored.into_iter())
        .map(|(_, u)| candidate(index, params, sentence, paragraph, u))
        .collect();
    by_score(&mut candidates);
    candidates
}

/// Sentence `u`'s base score, with its sentence score, paragraph score and its neighbours'
/// sentence scores.
fn base_of(
    index: &ArticleIndex,
    params: &Params,
    sentence: &[f32],
    paragraph: &[f32],
    u: u32,
) -> (f32, f32, f32, f32) {
    let terms = &index.terms;
    let g = terms.group_of(u);
    let neighbors = neighbors(terms.units_of(g), u)
        .map(|n| sentence[n as usize])
        .sum::<f32>();
    let (s, p) = (sentence[u as usize], paragraph[g as usize]);
    let score = base_score(params, (s, p, neighbors), Vec::new, Vec::new);
    (score, s, p, neighbors)
}

/// Sentence `u` as a candidate with its base score (sentence, paragraph and neighbours).
fn candidate(
    index: &ArticleIndex,
    params: &Params,
    sentence: &[f32],
    paragraph: &[f32],
    u: u32,
) -> Hit {
    let (score, s, p, neighbors) = base_of(index, params, sentence, paragraph, u);
    Hit {
        unit: u,
        at: index.sentences[u as usize],
        score,
        sentence_score: s,
        paragraph_score: p,
        features: Features {
            neighbors,
            ..Features::default()
        },
    }
}

/// BM25's saturated, length-normalised term frequency.
fn bm25_tf(tf: u16, len: f32, avg: f32, k1: f32, b: f32) -> f32 {
    let tf = tf as f32;
    tf * (k1 + 1.0) / (tf + k1 * (1.0 - b + b * len / avg))
}

/// The sentences just before and after `unit` within its paragraph.
fn neighbors(range: Range<u32>, unit: u32) -> impl Iterator<Item = u32> {
    [unit.checked_sub(1), unit.checked_add(1)]
        .into_iter()
        .flatten()
        .filter(move |n| range.contains(n))
}

/// Per-unit maximum of one question term's contributions, reset after each term.
struct ScratchMax {
    values: Vec<f32>,
    touched: Vec<u32>,
}

impl ScratchMax {
    fn new(len: usize) -> Self {
        Self {
            values: vec![0.0; len],
            touched: Vec::new(),
        }
    }

    fn offer(&mut self, unit: u32, value: f32) {
        let slot = &mut self.values[unit as usize];
        if *slot == 0.0 {
            self.touched.push(unit);
        }
        if value > *slot {
            *slot = value;
        }
    }

    /// Adds each unit's maximum into `total` (and tells `each`, with whether the unit's total
    /// was still 0), then resets.
    fn drain_into(&mut self, total: &mut [f32], mut each: impl FnMut(u32, f32, bool)) {
        for &unit in &self.touched {
            let value = self.values[unit as usize];
            let first = total[unit as usize] == 0.0;
            total[unit as usize] += value;
            each(unit, value, first);
            self.values[unit as usize] = 0.0;
        }
        self.touched.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Corpus;
    use crate::text::analyze::Analyzer;

    fn hit(paragraph: u32, score: f32, shown: bool) -> Hit {
        Hit {
            unit: paragraph,
            at: SentenceRef {
                article: 0,
                paragraph,
                sentence: 0,
            },
            score,
            sentence_score: 0.0,
            paragraph_score: 0.0,
            features: Features {
                shown,
                ..Features::default()
            },
        }
    }

    #[test]
    fn a_follow_up_answer_keeps_beside_its_best_sentence_and_fills_free_places_elsewhere() {
        let params = Params::default();
        let paragraphs = |hits: &[Hit]| hits.iter().map(|h| h.at.paragraph).collect::<Vec<_>>();
        // ¶5 is best; ¶9 and ¶0 are far from it, ¶6 beside it, ¶4 was shown already.
        let candidates = vec![
            hit(5, 1.0, false),
            hit(9, 0.95, false),
            hit(4, 0.94, true),
            hit(6, 0.9, false),
            hit(0, 0.5, false),
        ];
        let (hits, ranked) = select(&params, true, candidates.clone());
        assert_eq!(
            paragraphs(&hits),
            [5, 6, 9],
            "beside first, then the best far one"
        );
        let ranked: Vec<u32> = ranked.iter().map(|at| at.paragraph).collect();
        assert_eq!(ranked, [5, 6, 9, 0], "nothing shown in \"More\" either");
        // A far sentence well below the best does not fill a place.
        let weak = vec![hit(5, 1.0, false), hit(9, 0.5, false)];
        assert_eq!(paragraphs(&select(&params, true, weak).0), [5]);
        // A standalone question's answer is simply the best three.
        assert_eq!(paragraphs(&select(&params, false, candidates).0), [5, 9, 6]);
    }

    #[test]
    fn the_explanation_of_a_hit_sums_to_its_score_bit_for_bit() {
        let corpus = Corpus::from_text(
            "t",
            "Mikhail Bogdanov led the Russian delegation to Damascus in January.\n\
             It met the new foreign minister. The talks covered the bases in Tartus.\n\
             Iran has been notably silent on the transition and the delegation.\n",
        )
        .unwrap();
        let analyzer = Analyzer::new();
        let index = ArticleIndex::build(&analyzer, &corpus);
        let params = Params::default();
        let query = Query::new(
            &analyzer,
            &index.terms,
            &params,
            "When did the delegation meet?",
            &[],
        );
        let plain = rank(&index, &params, &query, None, None);
        let focus = Focus {
            shown: vec![plain.hits[0].at],
            last: Some(plain.hits[0].unit),
        };
        let followed = rank(&index, &params, &query, Some(&focus), None);
        let hits = plain.hits.iter().chain(&followed.hits);
        for hit in hits {
            let explained = explain(&index, &params, &query, hit);
            assert_eq!(
                explained.value.to_bits(),
                hit.score.to_bits(),
                "{explained}"
            );
            let sentence = &explained.details[0];
            let parts: f32 = sentence.details.iter().map(|d| d.value).sum();
            assert_eq!(parts.to_bits(), hit.sentence_score.to_bits(), "{explained}");
        }
        assert!(followed.hits.iter().any(|h| h.features.near > 0.0));
    }
}
