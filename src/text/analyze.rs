//! Text analysis: turns a question or a sentence into the terms the scorer compares.
//!
//! The stages run in this order, each a small function:
//!
//! 1. [`normalize`]: Unicode NFKC, curly quotes and apostrophes folded to straight ones,
//!    Unicode hyphens folded to `-`, zero-width characters removed, control characters
//!    turned into spaces. Works on the original casing, because stage 3 needs it.
//! 2. split (`tokens`): Unicode words (UAX #29). Words joined by a single hyphen form a
//!    compound (`al-Sharaa`) that yields its parts and the joined whole (`alsharaa`).
//! 3. lower-case and clean: possessives and contractions are stripped (`Russia's` →
//!    `russia`), thousands separators dropped (`4,096` → `4096`), dotted and upper-case
//!    acronyms recognised (`U.S.`, `US`) and expanded (`united states`).
//! 4. stopwords: the English list in [`is_stopword`]; it expects lower-case input, so it
//!    runs after stage 3. Acronyms are never stopwords (`US` is not `us`).
//! 5. stem: Snowball (Porter 2) English stemmer; numbers are kept as they are.
//!
//! Analysis never fails: any input, including empty, emoji-only or right-to-left text,
//! yields a (possibly empty) list of [`Token`]s.

use std::borrow::Cow;

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

pub use crate::text::words::is_stopword;
use crate::text::words::{IDIOMS, irregular};

/// Longest input, in bytes, that analysis looks at; the rest of a longer text is ignored.
///
/// A question is a sentence or two; this bound keeps a pasted 100 KB message cheap.
pub const MAX_ANALYZED_BYTES: usize = 4096;

/// What kind of word a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum TokenKind {
    /// An ordinary word.
    Word,
    /// Digits, possibly with a decimal point (`2015`, `4096`, `3.5`).
    Number,
    /// The joined form of a hyphenated compound (`alsharaa` from `al-Sharaa`).
    Compound,
    /// A word produced by expanding an acronym (`united` from `US`).
    Expansion,
    /// Two neighbouring content words as one term (`member state`), made by [`with_bigrams`].
    Bigram,
}

/// Appends a bigram token for each pair of neighbouring content words (stopwords between
/// them are skipped; compounds' joined forms are not paired). The bigram's stem is the two
/// stems joined by a space, so it can only match another bigram.
pub fn with_bigrams(mut tokens: Vec<Token>) -> Vec<Token> {
    let words: Vec<usize> = (0..tokens.len())
        .filter(|&i| !tokens[i].stop && tokens[i].kind != TokenKind::Compound)
        .collect();
    for pair in words.windows(2) {
        let (a, b) = (&tokens[pair[0]], &tokens[pair[1]]);
        if a.position == b.position {
            continue;
        }
        let joined = |x: &str, y: &str| {
            let mut both = String::with_capacity(x.len() + 1 + y.len());
            both.push_str(x);
            both.push(' ');
            both.push_str(y);
            both
        };
        let bigram = Token {
            text: joined(&a.text, &b.text),
            stem: joined(&a.stem, &b.stem),
            kind: TokenKind::Bigram,
            stop: false,
            capitalized: false,
            position: a.position,
        };
        tokens.push(bigram);
    }
    tokens
}

/// One analysed word.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// The lower-cased, cleaned surface form (`russia` for `Russia’s`).
    pub text: String,
    /// The Snowball stem of `text` (`text` itself for numbers and stopwords).
    pub stem: String,
    /// What kind of word this is.
    pub kind: TokenKind,
    /// True when `text` is an English stopword.
    pub stop: bool,
    /// True when the original started with an upper-case letter (`Bogdanov`).
    pub capitalized: bool,
    /// Position of the word in the text, counting words from 0 (compound parts share
    /// their compound's positions).
    pub position: u32,
}

/// A reusable analyser: holds the stemmer so each call does not build one.
pub struct Analyzer {
    stemmer: Stemmer,
}

impl Default for Analyzer {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Analyzer(english)")
    }
}

impl Analyzer {
    /// An English analyser.
    pub fn new() -> Self {
        Self {
            stemmer: Stemmer::create(Algorithm::English),
        }
    }

    /// Runs every stage on a question and returns its tokens, stopwords included (flagged).
    ///
    /// Only the first [`MAX_ANALYZED_BYTES`] bytes are read.
    pub fn analyze(&self, text: &str) -> Vec<Token> {
        let text = truncate_at_char_boundary(text, MAX_ANALYZED_BYTES);
        self.analyze_with(text, &mut Stems::Computed(self))
    }

    /// Runs every stage on the whole of `text` (an article's sentence, however long),
    /// stemming through `memo`: the words of an article's sentences repeat, and a stem
    /// looked up costs less than one computed.
    pub fn analyze_document(&self, text: &str, memo: &mut StemMemo) -> Vec<Token> {
        self.analyze_with(text, &mut Stems::Remembered(self, memo))
    }

    /// Stages 1–5 on `text`, each word stemmed by `stems`.
    fn analyze_with(&self, text: &str, stems: &mut Stems<'_>) -> Vec<Token> {
        let normalized = normalize(text);
        let shouting = is_shouting(&normalized);
        let mut out = Vec::new();
        for raw in tokens(&normalized) {
            push_token(&raw, shouting, stems, &mut out);
        }
        add_idioms(stems, &mut out);
        out
    }

    /// Stems one lower-case word: irregular verb forms first become their base form
    /// (`led` → `lead`, `took` → `take`); numbers come back unchanged.
    pub fn stem(&self, word: &str) -> String {
        if is_number(word) {
            return word.to_string();
        }
        let base = irregular().get(word).copied().unwrap_or(word);
        self.stemmer.stem(base).into_owned()
    }
}

/// Stems of words for [`Analyzer::analyze_document`], kept across the sentences of a build
/// (at most [`StemMemo::MAX_WORDS`] words; after that, stems are computed).
#[derive(Debug, Default)]
pub struct StemMemo {
    stems: rustc_hash::FxHashMap<String, String>,
}

impl StemMemo {
    /// Most words remembered: more than a long archive's vocabulary needs.
    pub const MAX_WORDS: usize = 200_000;
}

/// Where a word's stem comes from: the stemmer, or a memo in front of it.
enum Stems<'a> {
    Computed(&'a Analyzer),
    Remembered(&'a Analyzer, &'a mut StemMemo),
}

impl Stems<'_> {
    fn stem(&mut self, word: &str) -> String {
        match self {
            Stems::Computed(analyzer) => analyzer.stem(word),
            Stems::Remembered(analyzer, memo) => {
                if let Some(stem) = memo.stems.get(word) {
                    return stem.clone();
                }
                let stem = analyzer.stem(word);
                if memo.stems.len() < StemMemo::MAX_WORDS {
                    memo.stems.insert(word.to_string(), stem.clone());
                }
                stem
            }
        }
    }
}

/// Stage 3b: a phrasal verb adds the word it means (`come from` → `origin`), since
/// articles say `origins` where people ask where something `comes from`.
fn add_idioms(stems: &mut Stems<'_>, tokens: &mut Vec<Token>) {
    let mut found = Vec::new();
    for pair in tokens.windows(2) {
        let (verb, particle) = (&pair[0], &pair[1]);
        if verb.position + 1 != particle.position {
            continue;
        }
        let verb_base = irregular()
            .get(verb.text.as_str())
            .copied()
            .unwrap_or(verb.text.as_str());
        let verb_base = verb_base.trim_end_matches('s');
        if let Some(&(_, _, meaning)) = IDIOMS
            .iter()
            .find(|(v, p, _)| *v == verb_base && *p == particle.text)
        {
            found.push(Token {
                text: meaning.to_string(),
                stem: stems.stem(meaning),
                kind: TokenKind::Expansion,
                stop: false,
                capitalized: false,
                position: particle.position,
            });
        }
    }
    tokens.extend(found);
}

/// Stages 3–5 on one word: cleaned, an acronym expanded, flagged as a stopword or stemmed,
/// and pushed onto `out`.
fn push_token(raw: &RawToken<'_>, shouting: bool, stems: &mut Stems<'_>, out: &mut Vec<Token>) {
    let capitalized = raw.text.chars().next().is_some_and(char::is_uppercase);
    let acronym = is_acronym(&raw.text, shouting);
    let Some(text) = clean(&raw.text) else { return };
    if acronym && let Some(words) = expand_acronym(&text) {
        for word in words {
            out.push(Token {
                stem: stems.stem(word),
                text: word.to_string(),
                kind: TokenKind::Expansion,
                stop: false,
                capitalized: true,
                position: raw.position,
            });
        }
        return;
    }
    let kind = match raw.kind {
        TokenKind::Compound => TokenKind::Compound,
        _ if is_number(&text) => TokenKind::Number,
        other => other,
    };
    let stop = !acronym && kind == TokenKind::Word && is_stopword(&text);
    out.push(Token {
        // Stopwords are not stemmed: retrieval skips them and they do not inflect.
        stem: if stop {
            text.clone()
        } else {
            stems.stem(&text)
        },
        text,
        kind,
        stop,
        capitalized,
        position: raw.position,
    });
}

/// Stage 1: folds the characters that differ between how people type and how articles are
/// printed, without changing case.
///
/// ```
/// assert_eq!(article_qa::text::analyze::normalize("Russia’s “deal”"), "Russia's \"deal\"");
/// ```
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    if text.is_ascii() {
        // NFKC leaves ASCII unchanged; only the per-character folds below apply.
        for c in text.chars() {
            push_folded(&mut out, c);
        }
        return out;
    }
    for c in text.nfkc() {
        push_folded(&mut out, c);
    }
    out
}

/// Appends `c` to `out` with the folds of [`normalize`].
fn push_folded(out: &mut String, c: char) {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{02BC}'
        | '\u{FF07}' | '`' | '\u{00B4}' => out.push('\''),
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}'
        | '\u{00BB}' => out.push('"'),
        '\u{2010}' | '\u{2011}' | '\u{00AD}' => out.push('-'),
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' => {}
        c if c.is_control() => out.push(' '),
        c => out.push(c),
    }
}

/// A word as split from the text, before cleaning.
#[derive(Debug)]
struct RawToken<'a> {
    text: Cow<'a, str>,
    kind: TokenKind,
    position: u32,
}

/// Stage 2: splits normalized text into words; hyphenated compounds yield their parts and
/// then their joined whole.
fn tokens(text: &str) -> Vec<RawToken<'_>> {
    let words: Vec<(usize, &str)> = text.unicode_word_indices().collect();
    let mut out = Vec::with_capacity(words.len() + 2);
    let mut i = 0;
    let mut position = 0u32;
    while i < words.len() {
        // Extend the run while the next word follows after exactly one '-'.
        let mut j = i;
        while j + 1 < words.len() {
            let end = words[j].0 + words[j].1.len();
            if words[j + 1].0 == end + 1 && text.as_bytes()[end] == b'-' {
                j += 1;
            } else {
                break;
            }
        }
        for &(_, word) in &words[i..=j] {
            out.push(RawToken {
                text: Cow::Borrowed(word),
                kind: TokenKind::Word,
                position,
            });
            position += 1;
        }
        if j > i {
            let joined: String = words[i..=j].iter().map(|w| w.1).collect();
            out.push(RawToken {
                text: Cow::Owned(joined),
                kind: TokenKind::Compound,
                position: position - 1,
            });
        }
        i = j + 1;
    }
    out
}

/// Stage 3: lower-cases a word and strips possessives, contractions, dots and thousands
/// separators. Returns `None` when nothing is left.
fn clean(word: &str) -> Option<String> {
    let lower = word.to_lowercase();
    let base = match lower.find('\'') {
        Some(i) if is_clitic(&lower[i + 1..]) => &lower[..i],
        _ => &lower,
    };
    let cleaned: String = if base
        .chars()
        .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
    {
        base.chars().filter(|&c| c != ',').collect()
    } else {
        base.chars().filter(|&c| c != '\'' && c != '.').collect()
    };
    let cleaned = cleaned.trim_matches('.').to_string();
    (!cleaned.is_empty()).then_some(cleaned)
}

/// Endings after an apostrophe that are dropped: possessive `'s`, a bare `'`, and the
/// usual English contractions.
fn is_clitic(suffix: &str) -> bool {
    matches!(suffix, "" | "s" | "t" | "re" | "ve" | "ll" | "d" | "m")
}

/// True for digit strings with an optional decimal point (`2015`, `3.5`).
pub fn is_number(word: &str) -> bool {
    word.bytes().next().is_some_and(|b| b.is_ascii_digit())
        && word.bytes().all(|b| b.is_ascii_digit() || b == b'.')
}

/// True when most letters in the text are upper-case (`WHO IS PUTIN`): then upper case
/// carries no meaning and words are not taken for acronyms.
fn is_shouting(text: &str) -> bool {
    let (upper, letters) = text
        .chars()
        .filter(|c| c.is_alphabetic())
        .fold((0usize, 0usize), |(u, l), c| {
            (u + c.is_uppercase() as usize, l + 1)
        });
    letters >= 4 && upper * 10 >= letters * 7
}

/// An acronym is written with dots between letters (`U.S.`) or is an all-capital word of two
/// to five letters (`US`, `HTS`) in a text that is not all capitals.
fn is_acronym(word: &str, shouting: bool) -> bool {
    let letters = word.chars().filter(|c| c.is_alphabetic()).count();
    let dotted = word.contains('.') && word.chars().all(|c| c.is_alphabetic() || c == '.');
    let capitals = !shouting
        && (2..=5).contains(&letters)
        && word.chars().all(|c| c.is_uppercase() || c == '.');
    dotted || capitals
}

/// Expands the few acronyms whose letters are also a common English word or that news
/// writes out in full: `us` → `united states`. Other acronyms stay as written.
fn expand_acronym(acronym: &str) -> Option<&'static [&'static str]> {
    Some(match acronym {
        "us" | "usa" => &["united", "states"],
        "uk" => &["united", "kingdom"],
        "un" => &["united", "nations"],
        "eu" => &["european", "union"],
        _ => return None,
    })
}

/// Cuts `text` to at most `max` bytes without splitting a character.
pub fn truncate_at_char_boundary(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::words::{IRREGULAR, STOPWORDS};

    fn texts(text: &str) -> Vec<String> {
        Analyzer::new()
            .analyze(text)
            .into_iter()
            .filter(|t| !t.stop)
            .map(|t| t.text)
            .collect()
    }

    fn stems(text: &str) -> Vec<String> {
        Analyzer::new()
            .analyze(text)
            .into_iter()
            .filter(|t| !t.stop)
            .map(|t| t.stem)
            .collect()
    }

    #[test]
    fn word_lists_are_sorted_without_duplicates() {
        assert!(STOPWORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(IRREGULAR.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn phrasal_verbs_add_their_meaning() {
        assert_eq!(texts("Where does it come from?"), vec!["come", "origin"]);
        assert_eq!(texts("It came from Idlib"), vec!["came", "idlib", "origin"]);
        assert_eq!(texts("come and go from"), vec!["come", "go"]);
    }

    #[test]
    fn irregular_verb_forms_share_a_stem_with_their_base() {
        assert_eq!(stems("led took said"), stems("lead take say"));
    }

    #[test]
    fn folds_curly_apostrophes_and_strips_possessives() {
        assert_eq!(texts("Russia’s"), texts("Russia's"));
        assert_eq!(texts("Russia’s"), vec!["russia"]);
        assert_eq!(texts("HTS’s takeover"), vec!["hts", "takeover"]);
    }

    #[test]
    fn hyphenated_names_yield_parts_and_whole() {
        assert_eq!(texts("al-Sharaa"), vec!["al", "sharaa", "alsharaa"]);
        assert_eq!(texts("al Sharaa"), vec!["al", "sharaa"]);
        assert_eq!(texts("Al‑Sharaa’s"), vec!["al", "sharaa", "alsharaa"]);
    }

    #[test]
    fn numbers_and_years_are_terms() {
        assert_eq!(texts("in 2015, 4,096 and 3.5"), vec!["2015", "4096", "3.5"]);
        assert_eq!(stems("February 12"), vec!["februari", "12"]);
    }

    #[test]
    fn acronyms_are_not_stopwords_and_expand() {
        assert_eq!(
            texts("Has the US recognized it?"),
            vec!["united", "states", "recognized"]
        );
        assert_eq!(
            texts("the U.S. government"),
            vec!["united", "states", "government"]
        );
        assert_eq!(texts("tell us"), Vec::<String>::new());
        assert_eq!(texts("WHO IS PUTIN"), vec!["putin"]);
    }

    #[test]
    fn stems_inflections_together() {
        assert_eq!(stems("recognized"), stems("recognize"));
        assert_eq!(stems("discussions"), stems("discussion"));
    }

    #[test]
    fn removes_zero_width_and_control_characters() {
        assert_eq!(texts("Pu\u{200B}tin\u{0007}Syria"), vec!["putin", "syria"]);
    }

    #[test]
    fn odd_input_gives_few_or_no_tokens() {
        let cases = [
            "",
            "   ",
            "?",
            "\"",
            "🙂🙂🙂",
            "\u{200B}\u{200D}",
            "\0\u{1b}[31m",
        ];
        for case in cases {
            assert!(texts(case).len() <= 1, "{case:?} gave {:?}", texts(case));
        }
        assert_eq!(texts("بوتين"), vec!["بوتين"]);
        assert_eq!(texts("Путин позвонил"), vec!["путин", "позвонил"]);
    }

    #[test]
    fn long_input_is_truncated_on_a_char_boundary() {
        let text = "é".repeat(MAX_ANALYZED_BYTES);
        let tokens = Analyzer::new().analyze(&text);
        assert_eq!(tokens.len(), 1);
        assert!(tokens[0].text.len() <= MAX_ANALYZED_BYTES);
    }
}
