//! The term index shared by article retrieval and FAQ rules: vocabulary, postings, unit and
//! group lengths, and IDF. How a question's word finds the index's terms is in
//! [`crate::search::matcher`], which builds its form index from this vocabulary.
//!
//! An index holds *units* (sentences of an article, example questions of FAQ rules), each
//! belonging to a *group* (its paragraph, its rule). Terms are stems; stopwords are left out.

use std::ops::Range;

use rustc_hash::FxHashMap;

use crate::search::forms::FormIndex;
use crate::text::analyze::{Token, TokenKind};

/// Index of a term (stem) in a [`TermIndex`].
pub type TermId = u32;

/// One unit's entry in a term's posting list.
#[derive(Debug, Clone, Copy)]
pub struct Posting {
    /// The unit holding the term.
    pub unit: u32,
    /// How many times it occurs there.
    pub tf: u16,
}

/// Per-unit facts kept for answer-type checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnitTerm {
    /// The term.
    pub term: TermId,
    /// Token kind of its first occurrence.
    pub kind: TokenKind,
    /// True when written with a capital letter not at the start of the unit.
    pub capitalized: bool,
    /// True when capitalised right after `in`, `at`, `near` or `from` (`bases in Tartus`).
    pub place: bool,
}

/// Prepositions that put a capitalised word in place (`in Tartus`, `near Chur`).
const PLACE_PREPOSITIONS: &[&str] = &[
    "across", "at", "from", "in", "inside", "into", "near", "outside", "to", "within",
];

/// Most surface forms kept per term: enough to tell an exact match from a stem match.
pub const MAX_SURFACES: usize = 8;

/// An inverted index over units grouped into groups.
#[derive(Debug, Clone, Default)]
pub struct TermIndex {
    ids: FxHashMap<String, TermId>,
    /// Every surface form seen → its term, for related matches between surface forms.
    surface_ids: FxHashMap<String, TermId>,
    stems: Vec<String>,
    surfaces: Vec<Vec<String>>,
    /// Related and fuzzy forms of the vocabulary, for the matcher.
    forms: FormIndex,
    postings: Vec<Vec<Posting>>,
    group_postings: Vec<Vec<Posting>>,
    /// Per term: IDF over units and over groups, computed once at build time.
    idfs: Vec<(f32, f32)>,
    unit_terms: Vec<Vec<UnitTerm>>,
    /// Each unit's content terms in text order, with their word positions.
    unit_sequence: Vec<Vec<(TermId, u32)>>,
    unit_len: Vec<f32>,
    unit_group: Vec<u32>,
    group_units: Vec<Range<u32>>,
    group_len: Vec<f32>,
    avg_unit_len: f32,
    avg_group_len: f32,
}

impl TermIndex {
    /// Builds an index from units in order; `group` must not decrease from one unit to the
    /// next. Stopword tokens are left out.
    pub fn build<'a>(units: impl IntoIterator<Item = (u32, &'a [Token])>) -> Self {
        let mut index = Self::default();
        for (group, tokens) in units {
            index.add_unit(group, tokens);
        }
        index.finish();
        index
    }

    fn add_unit(&mut self, group: u32, tokens: &[Token]) {
        let unit = self.unit_len.len() as u32;
        if self.group_units.len() <= group as usize {
            self.group_units.resize(group as usize + 1, unit..unit);
            self.group_len.resize(group as usize + 1, 0.0);
        }
        self.group_units[group as usize].end = unit + 1;
        self.unit_group.push(group);
        let mut terms: Vec<UnitTerm> = Vec::new();
        let mut sequence = Vec::new();
        let mut len = 0.0;
        for (i, token) in tokens.iter().enumerate().filter(|(_, t)| !t.stop) {
            let term = self.intern(token);
            sequence.push((term, token.position));
            len += 1.0;
            let capitalized = token.capitalized && i > 0;
            let place =
                capitalized && i > 0 && PLACE_PREPOSITIONS.contains(&tokens[i - 1].text.as_str());
            match terms.iter_mut().find(|t| t.term == term) {
                Some(seen) => {
                    seen.capitalized |= capitalized;
                    seen.place |= place;
                }
                None => terms.push(UnitTerm {
                    term,
                    kind: token.kind,
                    capitalized,
                    place,
                }),
            }
            bump(&mut self.postings[term as usize], unit);
            bump(&mut self.group_postings[term as usize], group);
        }
        self.unit_len.push(len);
        self.group_len[group as usize] += len;
        self.unit_terms.push(terms);
        self.unit_sequence.push(sequence);
    }

    fn intern(&mut self, token: &Token) -> TermId {
        let id = match self.ids.get(&token.stem) {
            Some(&id) => id,
            None => {
                let id = self.stems.len() as TermId;
                self.ids.insert(token.stem.clone(), id);
                self.stems.push(token.stem.clone());
                self.surfaces.push(Vec::new());
                self.postings.push(Vec::new());
                self.group_postings.push(Vec::new());
                id
            }
        };
        if !self.surface_ids.contains_key(&token.text) {
            self.surface_ids.insert(token.text.clone(), id);
        }
        let surfaces = &mut self.surfaces[id as usize];
        if surfaces.len() < MAX_SURFACES && !surfaces.contains(&token.text) {
            surfaces.push(token.text.clone());
        }
        id
    }

    fn finish(&mut self) {
        self.idfs = (0..self.stems.len())
            .map(|t| {
                (
                    idf(self.unit_len.len(), self.postings[t].len()),
                    idf(self.group_len.len(), self.group_postings[t].len()),
                )
            })
            .collect();
        let units = self.unit_len.len().max(1) as f32;
        let groups = self.group_len.len().max(1) as f32;
        self.avg_unit_len = (self.unit_len.iter().sum::<f32>() / units).max(1.0);
        self.avg_group_len = (self.group_len.iter().sum::<f32>() / groups).max(1.0);
        let words = self.ids.iter().chain(self.surface_ids.iter());
        self.forms = FormIndex::build(words.map(|(w, &t)| (w.as_str(), t)), &self.stems);
    }

    /// True when `stem` is a term of the index.
    pub fn contains(&self, stem: &str) -> bool {
        self.ids.contains_key(stem)
    }

    /// The term whose stem is `stem`, if the index has it.
    pub fn term_of(&self, stem: &str) -> Option<TermId> {
        self.ids.get(stem).copied()
    }

    /// Up to [`MAX_SURFACES`] surface forms seen for a term (`recognized`, `recognizes`).
    pub fn surfaces(&self, term: TermId) -> &[String] {
        &self.surfaces[term as usize]
    }

    /// The related and fuzzy forms of the vocabulary.
    pub fn forms(&self) -> &FormIndex {
        &self.forms
    }

    /// Number of units.
    pub fn unit_count(&self) -> usize {
        self.unit_len.len()
    }

    /// Number of groups.
    pub fn group_count(&self) -> usize {
        self.group_units.len()
    }

    /// The stem of a term.
    pub fn stem(&self, term: TermId) -> &str {
        &self.stems[term as usize]
    }

    /// The units holding a term.
    pub fn postings(&self, term: TermId) -> &[Posting] {
        &self.postings[term as usize]
    }

    /// The groups holding a term (with `unit` meaning group here).
    pub fn group_postings(&self, term: TermId) -> &[Posting] {
        &self.group_postings[term as usize]
    }

    /// The distinct content terms of a unit, in order of first occurrence.
    pub fn unit_terms(&self, unit: u32) -> &[UnitTerm] {
        &self.unit_terms[unit as usize]
    }

    /// A unit's content terms in text order with their word positions.
    pub fn unit_sequence(&self, unit: u32) -> &[(TermId, u32)] {
        &self.unit_sequence[unit as usize]
    }

    /// Content-term count of a unit and the average over units.
    pub fn unit_len(&self, unit: u32) -> (f32, f32) {
        (self.unit_len[unit as usize], self.avg_unit_len)
    }

    /// Content-term count of a group and the average over groups.
    pub fn group_len(&self, group: u32) -> (f32, f32) {
        (self.group_len[group as usize], self.avg_group_len)
    }

    /// The group a unit belongs to.
    pub fn group_of(&self, unit: u32) -> u32 {
        self.unit_group[unit as usize]
    }

    /// The units of a group.
    pub fn units_of(&self, group: u32) -> Range<u32> {
        self.group_units[group as usize].clone()
    }

    /// BM25 inverse document frequency over units of a term held by `df` units; `df` 0
    /// gives the largest value (a term the index never saw).
    pub fn unit_idf(&self, df: usize) -> f32 {
        idf(self.unit_count(), df)
    }

    /// A term's IDF over units and over groups.
    pub fn idf_of(&self, term: TermId) -> (f32, f32) {
        self.idfs[term as usize]
    }
}

fn idf(n: usize, df: usize) -> f32 {
    let (n, df) = (n as f32, df as f32);
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

/// Adds one occurrence of a term to `unit` in a posting list built in unit order.
fn bump(postings: &mut Vec<Posting>, unit: u32) {
    match postings.last_mut() {
        Some(last) if last.unit == unit => last.tf = last.tf.saturating_add(1),
        _ => postings.push(Posting { unit, tf: 1 }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::analyze::Analyzer;

    #[test]
    fn idf_favours_rare_terms() {
        let analyzer = Analyzer::new();
        let sentences = ["Putin called.", "Putin spoke.", "Bogdanov met Putin."];
        let tokens: Vec<Vec<Token>> = sentences.iter().map(|s| analyzer.analyze(s)).collect();
        let index = TermIndex::build(
            tokens
                .iter()
                .enumerate()
                .map(|(i, t)| (i as u32, t.as_slice())),
        );
        assert!(index.unit_idf(1) > index.unit_idf(3));
        assert!(index.unit_idf(0) > index.unit_idf(1));
    }
}
