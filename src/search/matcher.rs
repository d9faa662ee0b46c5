//! How a question's word finds the index's terms, shared by article retrieval and FAQ rules.
//!
//! A question term matches index terms in three stages (the numbers are [`Params`] fields):
//!
//! 1. **exact/stem**: the same stem (`recognized` = `recognize`), similarity 1; shown as
//!    exact when the surface form was seen too.
//! 2. **related**, added to any exact match: stems or surface forms one derivational ending
//!    apart (`syria`/`syrian`, `interven`/`intervent`, `israel`/`israeli`; the shorter has at
//!    least [`Params::related_min_letters`]), similarity [`Params::related_similarity`]; and
//!    stems WordNet relates (derived forms and first-sense synonyms, see
//!    [`crate::text::thesaurus`]), similarity [`Params::thesaurus_similarity`].
//! 3. **fuzzy**: only for a term of [`Params::fuzzy_min_chars`] or more that matched nothing
//!    above, and only when the caller allows it (a word known elsewhere is no typo):
//!    candidates come from the deletion index of [`crate::search::forms`], so no vocabulary
//!    scan happens, and are kept when their Damerau–Levenshtein distance is at most 1 (or 2
//!    from [`Params::fuzzy_two_edits_chars`]) and they start with the same letter, stem to
//!    stem or surface form to surface form (a typo is not stemmed like the word it
//!    misspells), within the stem's edit budget. The similarity is
//!    `strsim::normalized_damerau_levenshtein` of the stems, or of the closest surface forms
//!    when the stems are too far apart; only the closest terms are kept.
//!
//! Short words need exact matches, and real words that are in the vocabulary are never
//! fuzzed into other words (`Iraq` does not become `Iran`).

use crate::search::forms::is_plain;
use crate::search::index::{TermId, TermIndex};
use crate::search::params::Params;
use crate::text::analyze::{Token, TokenKind};
use crate::text::thesaurus;

/// How a question term matched an index term.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchKind {
    /// Same word.
    Exact,
    /// Same stem, other inflection.
    Stem,
    /// Same stem family: a derivational ending apart (`intervene`/`intervention`).
    Derived,
    /// Related in WordNet (`weather`/`condition`).
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

/// Looks question words up in one index with one set of parameters.
#[derive(Debug, Clone, Copy)]
pub struct Matcher<'a> {
    index: &'a TermIndex,
    params: &'a Params,
}

impl<'a> Matcher<'a> {
    /// A matcher over `index` using the matching fields of `params`.
    pub fn new(index: &'a TermIndex, params: &'a Params) -> Self {
        Self { index, params }
    }

    /// Finds the index terms a question token matches (see the module docs for the order),
    /// matching fuzzily only when `fuzzy` allows it (a word known elsewhere is no typo).
    /// Empty when nothing matches.
    pub fn lookup(&self, token: &Token, fuzzy: bool) -> Vec<TermMatch> {
        let mut out = Vec::new();
        if let Some(term) = self.index.term_of(&token.stem) {
            let exact = self.index.surfaces(term).contains(&token.text);
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
            out = self.fuzzy(token);
        }
        out
    }

    /// Adds the terms one derivational ending longer or shorter than the token, comparing
    /// stems with stems and surface forms with surface forms (`israel`/`israeli` stem apart).
    /// Only plain lower-case ASCII words take part, and the shorter word of a pair needs
    /// [`Params::related_min_letters`].
    fn related(&self, token: &Token, out: &mut Vec<TermMatch>) {
        let own = self.index.term_of(&token.stem);
        let min = self.params.related_min_letters;
        let forms = [token.stem.as_str(), token.text.as_str()];
        for (i, word) in forms.into_iter().enumerate() {
            if (i == 1 && word == forms[0]) || word.len() < min || !is_plain(word) {
                continue;
            }
            for (term, shorter) in self.index.forms().relatives(word) {
                if shorter as usize >= min
                    && Some(term) != own
                    && !out.iter().any(|m| m.term == term)
                {
                    out.push(TermMatch {
                        term,
                        kind: MatchKind::Derived,
                        similarity: self.params.related_similarity,
                    });
                }
            }
        }
    }

    /// Index terms that WordNet relates to the token's stem (see [`crate::text::thesaurus`]).
    fn thesaurus(&self, token: &Token, out: &mut Vec<TermMatch>) {
        for (stem, _relation) in thesaurus::related(&token.stem) {
            let Some(term) = self.index.term_of(stem) else {
                continue;
            };
            if out.iter().any(|m| m.term == term) {
                continue;
            }
            out.push(TermMatch {
                term,
                kind: MatchKind::Related,
                similarity: self.params.thesaurus_similarity,
            });
        }
    }

    /// Close spellings of an unknown word, best first (ties kept): index terms whose stem is
    /// close to the token's stem, or one of whose surface forms is close to the token's
    /// surface form (a typo is not stemmed like the word it misspells: "presidnet" is one
    /// transposition from `president` but three edits from its stem `presid`).
    fn fuzzy(&self, token: &Token) -> Vec<TermMatch> {
        let (stem, text) = (token.stem.as_str(), token.text.as_str());
        // Short stems are no typos, whatever their surface ("basis" is not `bases`).
        if stem.chars().count() < self.params.fuzzy_min_chars {
            return Vec::new();
        }
        let words: &[&str] = if text == stem { &[stem] } else { &[stem, text] };
        // Hash collisions and farther words only add candidates, checked here.
        let mut out: Vec<TermMatch> = (self.index.forms().fuzzy_candidates(words).into_iter())
            .filter_map(|term| {
                let other = self.index.stem(term);
                if crate::text::words::is_function_word(other) {
                    return None;
                }
                // Stem to stem first; surface forms only when the stems are too far apart,
                // with the stem's edit budget ("disgusted" is not `discussed`).
                let similarity = (self.similarity(stem, other, stem)).or_else(|| {
                    (self.index.surfaces(term).iter())
                        .filter_map(|surface| self.similarity(text, surface, stem))
                        .reduce(f32::max)
                })?;
                Some(TermMatch {
                    term,
                    kind: MatchKind::Fuzzy,
                    similarity,
                })
            })
            .collect();
        let best = out.iter().map(|m| m.similarity).fold(0.0, f32::max);
        out.retain(|m| m.similarity >= best);
        out
    }

    /// The similarity of a question word and an index word when the one may be a typo of
    /// the other: the question word is all letters, both start with the same letter, and
    /// they are at most one edit apart (two when the question's `stem` has
    /// [`Params::fuzzy_two_edits_chars`] or more).
    fn similarity(&self, word: &str, other: &str, stem: &str) -> Option<f32> {
        let chars = stem.chars().count();
        if !word.chars().all(char::is_alphabetic) {
            return None;
        }
        let max_distance = if chars >= self.params.fuzzy_two_edits_chars {
            2
        } else {
            1
        };
        if other.chars().next() != word.chars().next()
            || strsim::damerau_levenshtein(word, other) > max_distance
        {
            return None;
        }
        Some(strsim::normalized_damerau_levenshtein(word, other) as f32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::analyze::Analyzer;

    fn matches(sentences: &[&str], word: &str) -> Vec<(String, MatchKind)> {
        let analyzer = Analyzer::new();
        let tokens: Vec<Vec<Token>> = sentences.iter().map(|s| analyzer.analyze(s)).collect();
        let index = TermIndex::build(
            tokens
                .iter()
                .enumerate()
                .map(|(i, t)| (i as u32, t.as_slice())),
        );
        let token = analyzer.analyze(word).remove(0);
        let params = Params::default();
        Matcher::new(&index, &params)
            .lookup(&token, true)
            .into_iter()
            .map(|m| (index.stem(m.term).to_string(), m.kind))
            .collect()
    }

    #[test]
    fn typos_and_spelling_variants_match_fuzzily() {
        let article = [
            "Bogdanov met Putin at the naval base of Hmeimim.",
            "The Defense Minister spoke.",
            "The president's military delegation.",
        ];
        let cases = [
            ("bogdanof", "bogdanov"),
            ("navel", "naval"),
            ("Hmeymim", "hmeimim"),
            ("puttin", "putin"),
            ("defence", "defens"),
            // A typo is not stemmed like the word it misspells.
            ("presidnet", "presid"),
            ("militray", "militari"),
            ("delegaton", "deleg"),
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
        // A long surface form takes its stem's edit budget: two substitutions apart from
        // `discussed`, "disgusted" (stem `disgust`, 7 letters) is no typo of it.
        assert!(matches(&["They discussed it."], "disgusted").is_empty());
        assert!(matches(&article, "halls").is_empty());
    }

    #[test]
    fn derivational_family_is_a_derived_match() {
        let article = ["Syria and its intervention.", "Israeli officials."];
        assert_eq!(
            matches(&article, "Syrian"),
            vec![("syria".to_string(), MatchKind::Derived)]
        );
        assert_eq!(
            matches(&article, "intervene"),
            vec![("intervent".to_string(), MatchKind::Derived)]
        );
        assert_eq!(
            matches(&article, "Israel"),
            vec![("isra".to_string(), MatchKind::Derived)]
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
}
