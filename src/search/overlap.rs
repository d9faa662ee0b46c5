//! The overlap between a question and a unit — the one scorer that article sentences and FAQ
//! example questions share (`QueryView::overlap`, [`Overlap`]) — and the coverage of the
//! question that decides abstention ([`coverage`]).

use crate::search::index::{TermId, TermIndex, UnitTerm};
use crate::search::matcher::MatchKind;
use crate::search::query::{Query, QueryTerm};

/// Facts about the question computed once per ranking (or per FAQ match).
pub(crate) struct QueryView<'q> {
    /// The same without fuzzy matches: the terms the question itself holds.
    pub(crate) literal: Vec<TermId>,
    /// The question's own matched words in order, for proximity.
    pub(crate) own: Vec<&'q QueryTerm>,
    /// Index term → bit set of the `own` words it matches, sorted by term.
    pub(crate) own_bits: Vec<(TermId, u64)>,
    /// Index term → (word number in `weights`, similarity), sorted by term.
    pub(crate) term_hits: Vec<(TermId, u32, f32)>,
    /// Bit `term % 256` set for every term in `term_hits`.
    pub(crate) term_mask: [u64; 4],
    /// Each question word's weight, `factor · weight`.
    pub(crate) weights: Vec<f32>,
    /// Sum of the question words' weights.
    pub(crate) total_weight: f32,
}

impl<'q> QueryView<'q> {
    pub(crate) fn new(query: &'q Query) -> Self {
        let mut literal: Vec<TermId> = query
            .words()
            .flat_map(|q| &q.matches)
            .filter(|m| m.kind != MatchKind::Fuzzy)
            .map(|m| m.term)
            .collect();
        literal.sort_unstable();
        literal.dedup();
        let own: Vec<&QueryTerm> = query
            .words()
            .filter(|q| q.factor >= 1.0 && !q.matches.is_empty())
            .take(64)
            .collect();
        let mut own_bits: Vec<(TermId, u64)> = Vec::new();
        for (i, q) in own.iter().enumerate() {
            for m in &q.matches {
                match own_bits.iter_mut().find(|(t, _)| *t == m.term) {
                    Some((_, bits)) => *bits |= 1 << i,
                    None => own_bits.push((m.term, 1 << i)),
                }
            }
        }
        own_bits.sort_unstable();
        let mut term_hits = Vec::new();
        let mut weights = Vec::new();
        for (i, q) in query.words().enumerate() {
            weights.push(q.factor * q.weight);
            term_hits.extend(q.matches.iter().map(|m| (m.term, i as u32, m.similarity)));
        }
        term_hits.sort_unstable_by_key(|&(term, word, _)| (term, word));
        let mut term_mask = [0u64; 4];
        for &(term, _, _) in &term_hits {
            term_mask[(term as usize / 64) % 4] |= 1 << (term % 64);
        }
        Self {
            literal,
            own,
            own_bits,
            total_weight: weights.iter().sum::<f32>().max(f32::MIN_POSITIVE),
            term_hits,
            term_mask,
            weights,
        }
    }

    /// The entries of `term_hits` for `term` (a quick mask test first: most of a sentence's
    /// terms are not the question's).
    fn hits_of(&self, term: TermId) -> &[(TermId, u32, f32)] {
        if self.term_mask[(term as usize / 64) % 4] & (1 << (term % 64)) == 0 {
            return &[];
        }
        let start = self.term_hits.partition_point(|h| h.0 < term);
        let end = start
            + self.term_hits[start..]
                .iter()
                .take_while(|h| h.0 == term)
                .count();
        &self.term_hits[start..end]
    }

    /// How the question and one unit (a sentence, a FAQ example) overlap: the shared scorer
    /// of article retrieval and FAQ matching. `best` is scratch space.
    pub(crate) fn overlap(
        &self,
        index: &TermIndex,
        held: &[UnitTerm],
        best: &mut Vec<f32>,
    ) -> Overlap {
        let (question, matched) = self.coverage(held, best);
        let (mut covered, mut total) = (0.0, 0.0);
        for t in held {
            let idf = index.idf_of(t.term).0;
            total += idf;
            let similarity = self
                .hits_of(t.term)
                .iter()
                .map(|h| h.2)
                .fold(0.0f32, f32::max);
            covered += idf * similarity;
        }
        let unit = if total > 0.0 { covered / total } else { 0.0 };
        Overlap {
            question,
            unit,
            matched,
        }
    }

    /// Share of the question's weight matched by these sentence terms, and how many of the
    /// terms match. `best` is scratch space.
    pub(crate) fn coverage(&self, held: &[UnitTerm], best: &mut Vec<f32>) -> (f32, usize) {
        best.clear();
        best.resize(self.weights.len(), 0.0);
        let mut matched = 0;
        for t in held {
            let mut any = false;
            for &(_, word, similarity) in self.hits_of(t.term) {
                let slot = &mut best[word as usize];
                *slot = slot.max(similarity);
                any = true;
            }
            matched += usize::from(any);
        }
        let covered: f32 = best.iter().zip(&self.weights).map(|(s, w)| s * w).sum();
        (covered / self.total_weight, matched)
    }
}

/// How much a question and a unit share.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Overlap {
    /// Share (0..=1) of the question's IDF weight the unit matches.
    pub question: f32,
    /// Share (0..=1) of the unit's IDF weight the question matches.
    pub unit: f32,
    /// How many of the unit's terms match.
    pub matched: usize,
}

impl Overlap {
    /// The harmonic mean of the two shares: 1 when question and unit say the same thing.
    pub fn f1(&self) -> f32 {
        let sum = self.question + self.unit;
        if sum > 0.0 {
            2.0 * self.question * self.unit / sum
        } else {
            0.0
        }
    }
}

/// Share of the question's weight matched somewhere in paragraph `group`.
pub fn coverage(terms: &TermIndex, query: &Query, group: u32) -> f32 {
    let mut matched = 0.0;
    let mut total = 0.0;
    for q in query.words() {
        total += q.factor * q.weight;
        let similarity = q
            .matches
            .iter()
            .filter(|m| {
                terms
                    .group_postings(m.term)
                    .binary_search_by_key(&group, |p| p.unit)
                    .is_ok()
            })
            .map(|m| m.similarity)
            .fold(0.0f32, f32::max);
        matched += q.factor * q.weight * similarity;
    }
    if total > 0.0 { matched / total } else { 0.0 }
}
