//! The term index and the matcher shared by article retrieval and FAQ rules: vocabulary,
//! postings, IDF, and how a question's term finds the index's terms.
//!
//! An index holds *units* (sentences of an article, example questions of FAQ rules), each
//! belonging to a *group* (its paragraph, its rule). Terms are stems. A question term
//! matches index terms in three stages:
//!
//! 1. **exact/stem**: the same stem (`recognized` = `recognize`), similarity 1; shown as
//!    exact when the surface form was seen too.
//! 2. **related**, added to any exact match: stems or surface forms one derivational ending
//!    apart (`syria`/`syrian`, `interven`/`intervent`, `israel`/`israeli`; the shorter has at
//!    least 4 letters), similarity 0.8; and stems WordNet relates (derived forms and
//!    first-sense synonyms, see [`crate::text::thesaurus`]), similarity 0.3.
//! 3. **fuzzy**: only for a term of 5 or more characters that matched nothing above, and
//!    only when the caller allows it (a word known elsewhere is no typo): candidates come
//!    from a deletion index (every stem with one character removed, hashed), so no
//!    vocabulary scan happens, and are kept when their Damerau–Levenshtein distance is at
//!    most 1 (5–7 characters) or 2 (8 or more) and they start with the same letter. The
//!    similarity is `strsim::normalized_damerau_levenshtein`.
//!
//! Short words need exact matches, and real words that are in the vocabulary are never
//! fuzzed into other words (`Iraq` does not become `Iran`).

use std::ops::Range;

use rustc_hash::FxHashMap;

use crate::text::analyze::{Token, TokenKind};
use crate::text::thesaurus;

/// Index of a term (stem) in a [`TermIndex`].
pub type TermId = u32;

/// How a question term matched an index term.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchKind {
    /// Same word.
    Exact,
    /// Same stem, other inflection.
    Stem,
    /// Same stem family (a derivational ending apart).
    Related,
    /// Spelling variant or typo.
    Fuzzy,
}

/// One index term a question term matched.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TermMatch {
    /// The matched term.
    pub term: TermId,
    /// How it matched.
    pub kind: MatchKind,
    /// Similarity in 0..=1 that scales the term's weight (1 for exact and stem matches).
    pub similarity: f32,
}

/// Similarity given to a related (derivational) match.
pub const RELATED_SIMILARITY: f32 = 0.8;
/// Shortest question term, in characters, that may be matched fuzzily.
pub const FUZZY_MIN_CHARS: usize = 5;
/// Endings that make two stems one family: `syria`+`n`, `interven`+`t`, `nation`+`al`.
const RELATED_ENDINGS: &[&str] = &[
    "n", "an", "ian", "i", "ic", "al", "ial", "t", "ist", "ism", "e",
];

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

/// An inverted index over units grouped into groups.
#[derive(Debug, Clone, Default)]
pub struct TermIndex {
    ids: FxHashMap<String, TermId>,
    /// Every surface form seen → its term, for related matches between surface forms.
    surface_ids: FxHashMap<String, TermId>,
    /// Hashes of every stem and surface form one derivational ending longer or shorter
    /// (`syria` → `syrian`, `syrian` → `syria`), with the term they came from, sorted: a
    /// question word finds all its related forms in one binary search.
    relatives: HashIndex,
    stems: Vec<String>,
    surfaces: Vec<Vec<String>>,
    /// Hashes of every stem and of every stem with one character deleted, with the stem's
    /// term, sorted: fuzzy candidates without a vocabulary scan or per-key allocation.
    deletes: HashIndex,
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
        if surfaces.len() < 8 && !surfaces.contains(&token.text) {
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
        let mut deletes = Vec::new();
        for (id, stem) in self.stems.iter().enumerate() {
            if stem.chars().count() >= FUZZY_MIN_CHARS - 1 && stem.chars().all(char::is_alphabetic)
            {
                let id = id as TermId;
                deletes.push((hash_skipping(stem, usize::MAX), id));
                deletes.extend(
                    stem.char_indices()
                        .map(|(i, _)| (hash_skipping(stem, i), id)),
                );
            }
        }
        self.deletes = HashIndex::new(deletes);
        let mut relatives = Vec::new();
        let forms = self.ids.iter().chain(self.surface_ids.iter());
        for (word, &term) in forms {
            if word.len() < 4 || !word.bytes().all(|b| b.is_ascii_lowercase()) {
                continue;
            }
            for ending in RELATED_ENDINGS {
                // The question says `word + ending`: `word` is its shorter relative.
                relatives.push((hash_bytes(word.bytes().chain(ending.bytes())), term));
                // The question says `word - ending`: `word` is its longer relative.
                if let Some(base) = word.strip_suffix(ending)
                    && base.len() >= 4
                {
                    relatives.push((hash_bytes(base.bytes()), term));
                }
            }
        }
        self.relatives = HashIndex::new(relatives);
    }

    /// True when `stem` is a term of the index.
    pub fn contains(&self, stem: &str) -> bool {
        self.ids.contains_key(stem)
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

    /// Finds the index terms a question token matches (see the module docs for the order).
    /// Empty when nothing matches.
    pub fn lookup(&self, token: &Token) -> Vec<TermMatch> {
        self.lookup_with(token, true)
    }

    /// [`TermIndex::lookup`], with fuzzy matching only when `fuzzy` allows it (a word known
    /// elsewhere is no typo).
    pub fn lookup_with(&self, token: &Token, fuzzy: bool) -> Vec<TermMatch> {
        let mut out = Vec::new();
        if let Some(&term) = self.ids.get(&token.stem) {
            let exact = self.surfaces[term as usize].contains(&token.text);
            let kind = if exact {
                MatchKind::Exact
            } else {
                MatchKind::Stem
            };
            out.push(TermMatch {
                term,
                kind,
                similarity: 1.0,
            });
        }
        // Numbers and bigrams match exactly or not at all.
        if matches!(token.kind, TokenKind::Number | TokenKind::Bigram) {
            return out;
        }
        self.related(token, &mut out);
        self.thesaurus(token, &mut out);
        if out.is_empty() && fuzzy {
            out = self.fuzzy(&token.stem);
        }
        out
    }

    /// Adds the terms one derivational ending longer or shorter than the token, comparing
    /// stems with stems and surface forms with surface forms (`israel`/`israeli` stem apart).
    /// Only plain lower-case ASCII words of four letters or more take part.
    fn related(&self, token: &Token, out: &mut Vec<TermMatch>) {
        let own = self.ids.get(&token.stem).copied();
        let mut push = |term: TermId| {
            if Some(term) != own && !out.iter().any(|m| m.term == term) {
                out.push(TermMatch {
                    term,
                    kind: MatchKind::Related,
                    similarity: RELATED_SIMILARITY,
                });
            }
        };
        let forms = [token.stem.as_str(), token.text.as_str()];
        for (i, word) in forms.into_iter().enumerate() {
            if (i == 1 && word == forms[0])
                || word.len() < 4
                || !word.bytes().all(|b| b.is_ascii_lowercase())
            {
                continue;
            }
            for term in self.relatives.get(hash_bytes(word.bytes())) {
                push(term);
            }
        }
    }

    /// Index terms that WordNet relates to the token's stem (see [`crate::text::thesaurus`]).
    fn thesaurus(&self, token: &Token, out: &mut Vec<TermMatch>) {
        for (stem, relation) in thesaurus::related(&token.stem) {
            let Some(&term) = self.ids.get(stem) else {
                continue;
            };
            if out.iter().any(|m| m.term == term) {
                continue;
            }
            out.push(TermMatch {
                term,
                kind: MatchKind::Related,
                similarity: relation.similarity(),
            });
        }
    }

    /// Close spellings of an unknown stem, best first (ties kept).
    fn fuzzy(&self, stem: &str) -> Vec<TermMatch> {
        let chars = stem.chars().count();
        if chars < FUZZY_MIN_CHARS || !stem.chars().all(char::is_alphabetic) {
            return Vec::new();
        }
        let max_distance = if chars >= 8 { 2 } else { 1 };
        let first = stem.chars().next();
        // A stem within one edit shares a key with the question's stem: itself or one of its
        // one-character deletions. Hash collisions only add candidates, checked below.
        let mut candidates: Vec<TermId> = Vec::new();
        let keys = std::iter::once(usize::MAX).chain(stem.char_indices().map(|(i, _)| i));
        for key in keys.map(|skip| hash_skipping(stem, skip)) {
            candidates.extend(self.deletes.get(key));
        }
        candidates.sort_unstable();
        candidates.dedup();
        let mut out: Vec<TermMatch> = candidates
            .into_iter()
            .filter_map(|term| {
                let other = &self.stems[term as usize];
                if other.chars().next() != first
                    || crate::text::words::is_function_word(other)
                    || strsim::damerau_levenshtein(stem, other) > max_distance
                {
                    return None;
                }
                Some(TermMatch {
                    term,
                    kind: MatchKind::Fuzzy,
                    similarity: strsim::normalized_damerau_levenshtein(stem, other) as f32,
                })
            })
            .collect();
        let best = out.iter().map(|m| m.similarity).fold(0.0, f32::max);
        out.retain(|m| m.similarity >= best);
        out
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

/// A 64-bit hash of `word` with the character starting at byte `skip` left out (none when
/// `skip` is past the end), computed byte by byte so equal strings hash alike however they
/// were formed.
fn hash_skipping(word: &str, skip: usize) -> u64 {
    let skipped = word
        .get(skip..)
        .and_then(|rest| rest.chars().next())
        .map_or(0, char::len_utf8);
    let kept = word
        .bytes()
        .enumerate()
        .filter(|&(i, _)| i < skip || i >= skip + skipped);
    hash_bytes(kept.map(|(_, b)| b))
}

/// A multimap from 64-bit hashes to terms: entries sorted by hash, with a table of where
/// each bucket (the hash's top bits) starts, so a look-up reads one small run.
#[derive(Debug, Clone, Default)]
struct HashIndex {
    entries: Vec<(u64, TermId)>,
    starts: Vec<u32>,
    shift: u32,
}

impl HashIndex {
    fn new(mut entries: Vec<(u64, TermId)>) -> Self {
        entries.sort_unstable();
        entries.dedup();
        let bits = (entries.len() / 4)
            .max(2)
            .next_power_of_two()
            .trailing_zeros();
        let shift = 64 - bits;
        let mut starts = vec![0u32; (1usize << bits) + 1];
        for &(hash, _) in &entries {
            starts[(hash >> shift) as usize + 1] += 1;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        Self {
            entries,
            starts,
            shift,
        }
    }

    fn get(&self, key: u64) -> impl Iterator<Item = TermId> + '_ {
        let bucket = if self.starts.is_empty() {
            0
        } else {
            (key >> self.shift) as usize
        };
        let range = match (self.starts.get(bucket), self.starts.get(bucket + 1)) {
            (Some(&a), Some(&b)) => a as usize..b as usize,
            _ => 0..0,
        };
        self.entries[range]
            .iter()
            .filter(move |e| e.0 == key)
            .map(|e| e.1)
    }
}

/// FNV-1a over bytes, so a string hashes alike however its bytes were put together.
fn hash_bytes(bytes: impl Iterator<Item = u8>) -> u64 {
    bytes.fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::analyze::Analyzer;

    fn index(sentences: &[&str]) -> (Analyzer, TermIndex) {
        let analyzer = Analyzer::new();
        let tokens: Vec<Vec<Token>> = sentences.iter().map(|s| analyzer.analyze(s)).collect();
        let index = TermIndex::build(
            tokens
                .iter()
                .enumerate()
                .map(|(i, t)| (i as u32, t.as_slice())),
        );
        (analyzer, index)
    }

    fn matches(sentences: &[&str], word: &str) -> Vec<(String, MatchKind)> {
        let (analyzer, index) = index(sentences);
        let token = analyzer.analyze(word).remove(0);
        index
            .lookup(&token)
            .into_iter()
            .map(|m| (index.stem(m.term).to_string(), m.kind))
            .collect()
    }

    #[test]
    fn typos_and_spelling_variants_match_fuzzily() {
        let article = [
            "Bogdanov met Putin at the naval base of Hmeimim.",
            "The Defense Minister spoke.",
        ];
        let cases = [
            ("bogdanof", "bogdanov"),
            ("navel", "naval"),
            ("Hmeymim", "hmeimim"),
            ("puttin", "putin"),
            ("defence", "defens"),
        ];
        for (typo, want) in cases {
            let got = matches(&article, typo);
            assert_eq!(got, vec![(want.to_string(), MatchKind::Fuzzy)], "{typo}");
        }
    }

    #[test]
    fn close_but_different_words_do_not_merge() {
        let article = ["Iran and Iraq met.", "The nation held talks on bases."];
        assert_eq!(
            matches(&article, "Iraq"),
            vec![("iraq".to_string(), MatchKind::Exact)]
        );
        assert!(
            matches(&article, "Iral").is_empty(),
            "short words need exact matches"
        );
        assert!(matches(&article, "basis").is_empty());
        assert!(matches(&article, "halls").is_empty());
    }

    #[test]
    fn derivational_family_is_a_related_match() {
        let article = ["Syria and its intervention.", "Israeli officials."];
        assert_eq!(
            matches(&article, "Syrian"),
            vec![("syria".to_string(), MatchKind::Related)]
        );
        assert_eq!(
            matches(&article, "intervene"),
            vec![("intervent".to_string(), MatchKind::Related)]
        );
        assert_eq!(
            matches(&article, "Israel"),
            vec![("isra".to_string(), MatchKind::Related)]
        );
        assert!(matches(&article, "Syria").contains(&("syria".to_string(), MatchKind::Exact)));
    }

    #[test]
    fn inflections_are_stem_matches() {
        let article = ["Washington recognized the government."];
        assert_eq!(
            matches(&article, "recognize"),
            vec![("recogn".to_string(), MatchKind::Stem)]
        );
        assert_eq!(
            matches(&article, "recognized"),
            vec![("recogn".to_string(), MatchKind::Exact)]
        );
    }

    #[test]
    fn idf_favours_rare_terms() {
        let (_, index) = index(&["Putin called.", "Putin spoke.", "Bogdanov met Putin."]);
        assert!(index.unit_idf(1) > index.unit_idf(3));
        assert!(index.unit_idf(0) > index.unit_idf(1));
    }
}
