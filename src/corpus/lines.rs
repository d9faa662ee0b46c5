//! Line-level tests that paragraph detection and sentence splitting share: trimming a span,
//! whether a line ends like a sentence, whether a file looks hard-wrapped, and whether a
//! line break inside a wrapped paragraph is a space.

use std::ops::Range;

/// Narrows a byte range to exclude leading and trailing whitespace.
pub(crate) fn trim_span(text: &str, span: Range<usize>) -> Range<usize> {
    let slice = &text[span.clone()];
    let start = span.start + (slice.len() - slice.trim_start().len());
    let end = span.start + slice.trim_end().len();
    start..end.max(start)
}

/// True when a line ends with `.`, `?`, `!` or `…`, possibly inside closing quotes.
pub(crate) fn ends_like_sentence(line: &str) -> bool {
    line.trim_end_matches(['"', '\'', '”', '’', ')', '»', ' '])
        .ends_with(['.', '?', '!', '…', ':'])
}

/// True when line `next` carries on the sentence of line `line`: `line` does not end like a
/// sentence, and `next` starts in lower case, or `line` is long (wrapped text, not a heading)
/// and `next` is not a list item. This is the test for telling a hard-wrapped file from one of
/// a paragraph per line, where a short line before a capitalised one is a heading.
pub(crate) fn continues(line: &str, next: &str) -> bool {
    if ends_like_sentence(line) {
        return false;
    }
    let first = next.chars().next();
    first.is_some_and(char::is_lowercase) || (line.chars().count() >= 40 && !is_list_item(next))
}

/// True when, inside a paragraph of a hard-wrapped file, the line break between `line` and
/// `next` is a space: `line` does not end like a sentence and `next` is not a list item.
pub(crate) fn runs_on(line: &str, next: &str) -> bool {
    !ends_like_sentence(line) && !is_list_item(next)
}

/// True when a line starts like a list item: a bullet or dash, or a number of up to three
/// digits followed by `.` or `)`.
fn is_list_item(line: &str) -> bool {
    line.starts_with(['-', '*', '•', '–', '—'])
        || line.split_once(['.', ')']).is_some_and(|(n, _)| {
            !n.is_empty() && n.len() <= 3 && n.chars().all(|c| c.is_ascii_digit())
        })
}
