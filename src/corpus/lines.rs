//! Line-level tests that paragraph detection and sentence splitting share: trimming a span,
//! whether a line ends like a sentence, and whether a line runs on into the next.

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
/// and `next` is not a list item.
pub(crate) fn continues(line: &str, next: &str) -> bool {
    if ends_like_sentence(line) {
        return false;
    }
    let first = next.chars().next();
    let list_item = first.is_some_and(|c| matches!(c, '-' | '*' | '•' | '–' | '—'))
        || next.split_once(['.', ')']).is_some_and(|(n, _)| {
            !n.is_empty() && n.len() <= 3 && n.chars().all(|c| c.is_ascii_digit())
        });
    first.is_some_and(char::is_lowercase) || (line.chars().count() >= 40 && !list_item)
}
