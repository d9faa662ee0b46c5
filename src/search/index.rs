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
#[derive(Debug, Clone, Copy, Default, serde::Serialize, serde::Deserialize)]
pub struct Posting {
    /// The unit holding the term.
    pub unit: u32,
    /// How many times it occurs there.
    pub tf: u16,
}

/// Per-unit facts kept for answer-type checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
///
/// Per-term and per-unit lists are stored end to end ([`Rows`]): one allocation for each kind
/// of list rather than one per term or unit.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct TermIndex {
    ids: FxHashMap<String, TermId>,
    /// Every surface form seen → its term, for related matches between surface forms.
    surface_ids: FxHashMap<String, TermId>,
    /// Each term's stem, by term number, end to end in one string.
    stems: Strings,
    surfaces: Rows<String>,
    /// Related and fuzzy forms of the vocabulary, for the matcher.
    forms: FormIndex,
    postings: Rows<Posting>,
    group_postings: Rows<Posting>,
    /// Per term: IDF over units and over groups, computed once at build time.
    idfs: Vec<(f32, f32)>,
    unit_terms: Rows<UnitTerm>,
    /// Each unit's content terms in text order, with their word positions.
    unit_sequence: Rows<(TermId, u32)>,
    unit_len: Vec<f32>,
    unit_group: Vec<u32>,
    group_units: Vec<Range<u32>>,
    group_len: Vec<f32>,
    avg_unit_len: f32,
    avg_group_len: f32,
}

/// Strings stored end to end in one: string `i` is `text[ends[i - 1]..ends[i]]` (one
/// allocation for the vocabulary, not one per word).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
struct Strings {
    text: String,
    ends: Vec<u32>,
}

impl Strings {
    /// Appends a string.
    fn push(&mut self, s: &str) {
        self.text.push_str(s);
        self.ends.push(self.text.len() as u32);
    }

    /// String `i`.
    fn get(&self, i: usize) -> &str {
        let start = i.checked_sub(1).map_or(0, |b| self.ends[b] as usize);
        &self.text[start..self.ends[i] as usize]
    }

    /// How many strings.
    fn len(&self) -> usize {
        self.ends.len()
    }

    /// Gives back the room grown past the strings.
    fn shrink_to_fit(&mut self) {
        self.text.shrink_to_fit();
        self.ends.shrink_to_fit();
    }
}

/// Lists stored end to end: row `i` is `values[ends[i - 1]..ends[i]]`.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Rows<T> {
    values: Vec<T>,
    ends: Vec<u32>,
}

impl<T> Default for Rows<T> {
    fn default() -> Self {
        Self {
            values: Vec::new(),
            ends: Vec::new(),
        }
    }
}

impl<T> Rows<T> {
    /// Appends a row.
    fn push(&mut self, row: impl IntoIterator<Item = T>) {
        self.values.extend(row);
        self.ends.push(self.values.len() as u32);
    }

    /// Row `i`.
    fn row(&self, i: usize) -> &[T] {
        &self.values[self.range(i)]
    }

    /// Where row `i` stands in `values`.
    fn range(&self, i: usize) -> Range<usize> {
        let start = i
            .checked_sub(1)
            .map_or(0, |before| self.ends[before] as usize);
        start..self.ends[i] as usize
    }

    /// Rows built apart, stored end to end in one allocation.
    fn from_lists(lists: Vec<Vec<T>>) -> Self {
        let mut rows = Self {
            values: Vec::with_capacity(lists.iter().map(Vec::len).sum()),
            ends: Vec::with_capacity(lists.len()),
        };
        for list in lists {
            rows.push(list);
        }
        rows
    }

    /// The values of `pairs` as rows by their row number (`0..rows`), each row in the order
    /// of `pairs` (a counting sort: `pairs` is walked twice, once to count).
    fn by_term(pairs: impl Iterator<Item = (TermId, T)> + Clone, rows: usize) -> Self
    where
        T: Copy + Default,
    {
        let mut ends = vec![0u32; rows];
        let mut total = 0usize;
        for (row, _) in pairs.clone() {
            ends[row as usize] += 1;
            total += 1;
        }
        let mut next = 0u32;
        let mut cursor: Vec<u32> = (ends.iter_mut())
            .map(|end| {
                let start = next;
                next += *end;
                *end = next;
                start
            })
            .collect();
        let mut values = vec![T::default(); total];
        for (row, value) in pairs {
            let at = &mut cursor[row as usize];
            values[*at as usize] = value;
            *at += 1;
        }
        Self { values, ends }
    }

    /// Gives back the room grown past the rows.
    fn shrink_to_fit(&mut self) {
        self.values.shrink_to_fit();
        self.ends.shrink_to_fit();
    }
}

/// Builds a [`TermIndex`] one unit at a time, so a caller analysing a long article holds one
/// unit's tokens at a time rather than all of them (on 2,214 SQuAD paragraphs, all the
/// tokens at once were 28 MB of the build's 66 MB heap peak).
#[derive(Debug, Default)]
pub struct TermIndexBuilder {
    index: TermIndex,
    /// Each unit term's count in its unit, beside the index's unit terms: with them, the
    /// unit postings, sorted by term by [`TermIndexBuilder::finish`] (2 bytes a posting while
    /// building instead of a 12-byte (term, posting) pair).
    tfs: Vec<u16>,
    /// Every (term, group posting), each group's added once it is complete, in group order;
    /// sorted by term by [`TermIndexBuilder::finish`] (one flat list grows far less than a
    /// list per term).
    group_postings: Vec<(TermId, Posting)>,
    surfaces: Vec<Vec<String>>,
    /// The unit being added, reused from unit to unit: its terms and their counts.
    terms: Vec<UnitTerm>,
    counts: Vec<u16>,
    /// The group being added: its number, and each term's count in it (by term, with the
    /// terms counted so far).
    group: Option<u32>,
    group_counts: Vec<u16>,
    group_terms: Vec<TermId>,
}

impl TermIndexBuilder {
    /// Adds the next unit: `group` must not decrease from one unit to the next. Stopword
    /// tokens are left out.
    pub fn push(&mut self, group: u32, tokens: &[Token]) {
        let unit = self.index.unit_len.len() as u32;
        if self.group != Some(group) {
            self.end_group();
            self.group = Some(group);
        }
        let index = &mut self.index;
        if index.group_units.len() <= group as usize {
            index.group_units.resize(group as usize + 1, unit..unit);
            index.group_len.resize(group as usize + 1, 0.0);
        }
        index.group_units[group as usize].end = unit + 1;
        index.unit_group.push(group);
        self.terms.clear();
        self.counts.clear();
        let mut len = 0.0;
        for (i, token) in tokens.iter().enumerate().filter(|(_, t)| !t.stop) {
            let term = self.intern(token);
            self.index.unit_sequence.values.push((term, token.position));
            len += 1.0;
            let capitalized = token.capitalized && i > 0;
            let place =
                capitalized && i > 0 && PLACE_PREPOSITIONS.contains(&tokens[i - 1].text.as_str());
            match self.terms.iter().position(|t| t.term == term) {
                Some(seen) => {
                    let seen_term = &mut self.terms[seen];
                    seen_term.capitalized |= capitalized;
                    seen_term.place |= place;
                    self.counts[seen] = self.counts[seen].saturating_add(1);
                }
                None => {
                    self.terms.push(UnitTerm {
                        term,
                        kind: token.kind,
                        capitalized,
                        place,
                    });
                    self.counts.push(1);
                }
            }
            let in_group = &mut self.group_counts[term as usize];
            if *in_group == 0 {
                self.group_terms.push(term);
            }
            *in_group = in_group.saturating_add(1);
        }
        self.tfs.extend_from_slice(&self.counts);
        let index = &mut self.index;
        let sequence = &mut index.unit_sequence;
        sequence.ends.push(sequence.values.len() as u32);
        index.unit_terms.push(self.terms.iter().copied());
        index.unit_len.push(len);
        index.group_len[group as usize] += len;
    }

    /// Adds the group being built to the group postings.
    fn end_group(&mut self) {
        let Some(group) = self.group else {
            return;
        };
        for term in self.group_terms.drain(..) {
            let tf = std::mem::take(&mut self.group_counts[term as usize]);
            let posting = Posting { unit: group, tf };
            self.group_postings.push((term, posting));
        }
    }

    fn intern(&mut self, token: &Token) -> TermId {
        let index = &mut self.index;
        let id = match index.ids.get(&token.stem) {
            Some(&id) => id,
            None => {
                let id = index.stems.len() as TermId;
                index.ids.insert(token.stem.clone(), id);
                index.stems.push(&token.stem);
                self.surfaces.push(Vec::new());
                self.group_counts.push(0);
                id
            }
        };
        match index.surface_ids.get(&token.text) {
            // Seen with this term before: already among its surfaces, or they were full.
            Some(&seen) if seen == id => return id,
            Some(_) => {}
            None => {
                index.surface_ids.insert(token.text.clone(), id);
            }
        }
        let surfaces = &mut self.surfaces[id as usize];
        if surfaces.len() < MAX_SURFACES && !surfaces.contains(&token.text) {
            surfaces.push(token.text.clone());
        }
        id
    }

    /// The index of the units pushed, with IDF and the form index computed and every list
    /// stored end to end.
    pub fn finish(mut self) -> TermIndex {
        self.end_group();
        let mut index = self.index;
        // The room grown past the lists goes first, for the rows made next to reuse.
        index.unit_terms.shrink_to_fit();
        index.unit_sequence.shrink_to_fit();
        let vocabulary = index.stems.len();
        let (units, groups) = (index.unit_len.len(), index.group_len.len());
        let (unit_terms, tfs) = (&index.unit_terms, &self.tfs);
        let unit_postings = (0..units).flat_map(|unit| {
            (unit_terms.range(unit)).map(move |i| {
                let tf = tfs[i];
                (
                    unit_terms.values[i].term,
                    Posting {
                        unit: unit as u32,
                        tf,
                    },
                )
            })
        });
        index.postings = Rows::by_term(unit_postings, vocabulary);
        drop(self.tfs);
        index.group_postings = Rows::by_term(self.group_postings.into_iter(), vocabulary);
        index.idfs = (0..vocabulary)
            .map(|t| {
                let units_with = index.postings.row(t).len();
                let groups_with = index.group_postings.row(t).len();
                (idf(units, units_with), idf(groups, groups_with))
            })
            .collect();
        index.surfaces = Rows::from_lists(self.surfaces);
        let (units, groups) = (units.max(1) as f32, groups.max(1) as f32);
        index.avg_unit_len = (index.unit_len.iter().sum::<f32>() / units).max(1.0);
        index.avg_group_len = (index.group_len.iter().sum::<f32>() / groups).max(1.0);
        let words = index.ids.iter().chain(index.surface_ids.iter());
        index.stems.shrink_to_fit();
        index.forms = FormIndex::build(words.map(|(w, &t)| (w.as_str(), t)));
        index
    }
}

impl TermIndex {
    /// Builds an index from units in order; `group` must not decrease from one unit to the
    /// next. Stopword tokens are left out.
    pub fn build<'a>(units: impl IntoIterator<Item = (u32, &'a [Token])>) -> Self {
        let mut builder = TermIndexBuilder::default();
        for (group, tokens) in units {
            builder.push(group, tokens);
        }
        builder.finish()
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
        self.surfaces.row(term as usize)
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
        self.stems.get(term as usize)
    }

    /// The units holding a term.
    pub fn postings(&self, term: TermId) -> &[Posting] {
        self.postings.row(term as usize)
    }

    /// The groups holding a term (with `unit` meaning group here).
    pub fn group_postings(&self, term: TermId) -> &[Posting] {
        self.group_postings.row(term as usize)
    }

    /// The distinct content terms of a unit, in order of first occurrence.
    pub fn unit_terms(&self, unit: u32) -> &[UnitTerm] {
        self.unit_terms.row(unit as usize)
    }

    /// A unit's content terms in text order with their word positions.
    pub fn unit_sequence(&self, unit: u32) -> &[(TermId, u32)] {
        self.unit_sequence.row(unit as usize)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::analyze::Analyzer;

    #[test]
    fn postings_list_units_and_groups_in_order_with_their_counts() {
        let analyzer = Analyzer::new();
        let sentences = [
            (0, "Putin called Putin."),
            (0, "Assad fled."),
            (1, "Putin spoke."),
        ];
        let tokens: Vec<(u32, Vec<Token>)> = (sentences.iter())
            .map(|(g, s)| (*g, analyzer.analyze(s)))
            .collect();
        let index = TermIndex::build(tokens.iter().map(|(g, t)| (*g, t.as_slice())));
        let putin = index.term_of("putin").unwrap();
        let units: Vec<(u32, u16)> = (index.postings(putin).iter())
            .map(|p| (p.unit, p.tf))
            .collect();
        assert_eq!(units, [(0, 2), (2, 1)]);
        let groups: Vec<(u32, u16)> = (index.group_postings(putin).iter())
            .map(|p| (p.unit, p.tf))
            .collect();
        assert_eq!(groups, [(0, 2), (1, 1)]);
        let assad = index.term_of("assad").unwrap();
        assert_eq!(index.postings(assad).len(), 1);
        assert_eq!(index.unit_terms(1).len(), 2, "assad, fled");
    }

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
