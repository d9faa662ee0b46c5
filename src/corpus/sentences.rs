//! Sentences: a paragraph split at Unicode sentence boundaries (UAX #29, which keeps
//! `substantial.”` whole and does not break before a lower-case word), repaired where a
//! boundary follows an abbreviation or an initial (`Dr.`, `Feb.`, `U.S.`, `A. B. Smith`) or
//! a line break inside a hard-wrapped paragraph (a space unless the line before ends a
//! sentence).

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

use crate::corpus::lines::{runs_on, trim_span};

/// One sentence: a byte range into its article's text, and its number in its paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    /// Byte range in [`Article::text`](crate::corpus::Article::text); the text there is
    /// trimmed of surrounding whitespace.
    pub span: Range<usize>,
    /// 1-based position in its paragraph.
    pub number: usize,
}

/// Splits the paragraph at `span` of `text` into sentences with absolute, trimmed byte
/// ranges, numbered from 1. Pieces without a letter or digit are dropped.
pub(crate) fn split_sentences(text: &str, span: Range<usize>) -> Vec<Sentence> {
    let paragraph = &text[span.clone()];
    let mut pieces: Vec<Range<usize>> = Vec::new();
    for (offset, piece) in paragraph.split_sentence_bound_indices() {
        let range = span.start + offset..span.start + offset + piece.len();
        match pieces.last_mut() {
            Some(prev)
                if !ends_sentence(&text[prev.clone()], piece)
                    || wraps(text, span.start, prev.end, piece) =>
            {
                prev.end = range.end
            }
            _ => pieces.push(range),
        }
    }
    pieces
        .into_iter()
        .map(|r| trim_span(text, r))
        .filter(|r| text[r.clone()].chars().any(char::is_alphanumeric))
        .enumerate()
        .map(|(i, span)| Sentence {
            span,
            number: i + 1,
        })
        .collect()
}

/// True when the piece `prev` (ending at byte `end` of `text`) ends at a line break that is
/// a space: inside a hard-wrapped paragraph the break after a line that does not end a
/// sentence (nor comes before a list item) goes on with the same sentence, whatever case
/// `next` starts with (`…Minister Mikhail` | `Bogdanov, the delegation…`). UAX #29 breaks
/// after every line break. The line is the whole line of the text, not only the piece's
/// part of it.
fn wraps(text: &str, start: usize, end: usize, next: &str) -> bool {
    let prev = &text[start..end];
    if !prev.ends_with('\n') {
        return false;
    }
    let last_line = prev
        .trim_end()
        .rsplit('\n')
        .next()
        .unwrap_or_default()
        .trim();
    runs_on(last_line, next.trim_start())
}

/// False when a UAX #29 boundary between `prev` and `next` is wrong: `prev` ends with an
/// abbreviation, an initial or a dotted acronym, or `next` does not start a sentence.
fn ends_sentence(prev: &str, next: &str) -> bool {
    let prev = prev.trim_end();
    let Some(before_dot) = prev.strip_suffix('.') else {
        return true;
    };
    let last_word = before_dot
        .rsplit(|c: char| c.is_whitespace() || matches!(c, '(' | '"' | '“' | '-' | '/'))
        .next()
        .unwrap_or_default();
    let next_starts_lower_or_digit = next
        .trim_start()
        .chars()
        .next()
        .is_some_and(|c| c.is_lowercase() || c.is_ascii_digit());
    let letters = last_word.chars().filter(|c| c.is_alphabetic()).count();
    let initial = letters == 1 && last_word.chars().all(|c| c.is_alphabetic());
    let dotted =
        last_word.contains('.') && last_word.chars().all(|c| c.is_alphabetic() || c == '.');
    let lower = last_word.to_lowercase();
    let title = ABBREVIATIONS.contains(&lower.as_str());
    let before_number =
        NUMBER_ABBREVIATIONS.contains(&lower.as_str()) && next_starts_lower_or_digit;
    !(initial || dotted || title || before_number)
}

/// Abbreviations after which a sentence practically never ends (titles, months, `vs`).
const ABBREVIATIONS: &[&str] = &[
    "adm", "apr", "aug", "capt", "cmdr", "col", "dec", "dr", "feb", "gen", "gov", "hon", "jan",
    "jr", "jul", "jun", "lt", "maj", "mr", "mrs", "ms", "mt", "nov", "oct", "pres", "prof", "rep",
    "rev", "sen", "sep", "sept", "sgt", "sr", "st", "vs",
];

/// Abbreviations that end a sentence unless a number or lower-case word follows (`No. 5`).
const NUMBER_ABBREVIATIONS: &[&str] = &["approx", "fig", "mar", "no", "nos", "p", "pp", "vol"];

#[cfg(test)]
mod tests {
    use super::*;

    fn sentences(paragraph: &str) -> Vec<&str> {
        split_sentences(paragraph, 0..paragraph.len())
            .into_iter()
            .map(|s| &paragraph[s.span])
            .collect()
    }

    #[test]
    fn splits_news_sentences_correctly() {
        let cases: &[(&str, &[&str])] = &[
            (
                "The talks were “constructive and substantial.” This marks a shift.",
                &[
                    "The talks were “constructive and substantial.”",
                    "This marks a shift.",
                ],
            ),
            (
                "Dr. Smith met Mr. Jones in the U.S. Capitol. They talked.",
                &[
                    "Dr. Smith met Mr. Jones in the U.S. Capitol.",
                    "They talked.",
                ],
            ),
            (
                "A. B. Smith arrived on Feb. 12 at 3.5 p.m. sharp. Then he left.",
                &[
                    "A. B. Smith arrived on Feb. 12 at 3.5 p.m. sharp.",
                    "Then he left.",
                ],
            ),
            (
                "Prices rose 2.5 percent on 12.02.2025 in the U.S. and E.U. markets! Why? Nobody knows.",
                &[
                    "Prices rose 2.5 percent on 12.02.2025 in the U.S. and E.U. markets!",
                    "Why?",
                    "Nobody knows.",
                ],
            ),
            (
                "It is item No. 5 in the list.",
                &["It is item No. 5 in the list."],
            ),
        ];
        for (text, want) in cases {
            assert_eq!(sentences(text), *want, "{text}");
        }
    }

    #[test]
    fn sentences_are_numbered_from_one_and_pieces_without_words_dropped() {
        let text = "First one. “…” Second one.";
        let got = split_sentences(text, 0..text.len());
        assert_eq!(got.iter().map(|s| s.number).collect::<Vec<_>>(), [1, 2]);
        let texts: Vec<&str> = got.iter().map(|s| &text[s.span.clone()]).collect();
        assert!(
            texts.iter().all(|t| t.chars().any(char::is_alphanumeric)),
            "{texts:?}"
        );
        assert_eq!(texts[0], "First one.");
    }
}
