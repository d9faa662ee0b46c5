//! Paragraphs: where they are in an article's text (one per non-empty line, or blank-line
//! separated blocks when the file is hard-wrapped), which lines are page furniture
//! (`Leave a Reply`, a bare heading) and how wrapped text reads as one line.

use std::borrow::Cow;
use std::ops::Range;

use crate::corpus::lines::{continues, ends_like_sentence, trim_span};
use crate::corpus::sentences::Sentence;

/// One paragraph of content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    /// 1-based number, counting content paragraphs as a reader does (furniture is not counted).
    pub number: usize,
    /// Byte range in [`Article::text`](crate::corpus::Article::text).
    pub span: Range<usize>,
    /// The paragraph's sentences, in order; never empty.
    pub sentences: Vec<Sentence>,
}

/// Byte ranges of the paragraphs: non-empty lines, or blank-line-separated blocks when the
/// file wraps its paragraphs over several lines. The ranges are trimmed of whitespace.
pub(crate) fn paragraph_spans(text: &str) -> Vec<Range<usize>> {
    let lines = line_spans(text);
    let is_blank = |r: &Range<usize>| text[r.clone()].trim().is_empty();
    let mut blocks: Vec<Range<usize>> = Vec::new();
    let mut current: Option<Range<usize>> = None;
    // Lines that end inside a sentence, followed by another line of the same block.
    let (mut broken, mut joined) = (0usize, 0usize);
    for (i, line) in lines.iter().enumerate() {
        if is_blank(line) {
            blocks.extend(current.take());
            continue;
        }
        if lines.get(i + 1).is_some_and(|next| !is_blank(next)) {
            joined += 1;
            let next = text[lines[i + 1].clone()].trim();
            broken += usize::from(continues(text[line.clone()].trim(), next));
        }
        match current.as_mut() {
            Some(block) => block.end = line.end,
            None => current = Some(line.clone()),
        }
    }
    blocks.extend(current);
    // One block with a single broken line is a heading over its text, not a wrapped file.
    let wrapped = blocks.len() < lines.len()
        && joined > 0
        && broken * 2 >= joined
        && (blocks.len() > 1 || broken >= 2);
    let spans = if wrapped {
        blocks
    } else {
        lines.into_iter().filter(|l| !is_blank(l)).collect()
    };
    spans.into_iter().map(|r| trim_span(text, r)).collect()
}

/// Byte ranges of the lines of `text`, without their line breaks (`\n` or `\r\n`).
fn line_spans(text: &str) -> Vec<Range<usize>> {
    let mut lines = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        lines.push(start..start + content.len());
        start += line.len();
    }
    lines
}

/// True for a line that is page furniture, not content: a known web phrase
/// (`Leave a Reply`, `Share this`), or a short line (at most 12 words) that does not end a
/// sentence (no final `.`, `?`, `!`, `…` or closing quote after one).
pub fn is_furniture(line: &str) -> bool {
    let line = line.trim();
    let lower = line.to_lowercase();
    let phrase = lower.trim_end_matches([':', '.', '!', '…', ' ']);
    if FURNITURE.contains(&phrase) {
        return true;
    }
    is_heading(line)
}

/// A short line that does not end like a sentence: a heading, a byline or a button label.
pub(crate) fn is_heading(line: &str) -> bool {
    line.split_whitespace().count() <= 12 && !ends_like_sentence(line)
}

/// Lower-case web phrases that are never content, whatever their punctuation.
const FURNITURE: &[&str] = &[
    "advertisement",
    "click here",
    "comments",
    "continue reading",
    "follow us",
    "leave a comment",
    "leave a reply",
    "read more",
    "related",
    "related articles",
    "related posts",
    "share",
    "share this",
    "share this article",
    "sign up",
    "subscribe",
    "you may also like",
];

/// Article text as one line: the line breaks of a hard-wrapped paragraph (and the spaces
/// around them) become one space. Text without line breaks is returned as it is.
pub fn unwrapped(text: &str) -> Cow<'_, str> {
    if !text.contains(['\n', '\r']) {
        return Cow::Borrowed(text);
    }
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    Cow::Owned(lines.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn furniture_is_never_a_paragraph() {
        for line in [
            "Leave a Reply",
            "Share this:",
            "Related Posts",
            "Advertisement",
            "By Jane Doe",
        ] {
            assert!(is_furniture(line), "{line}");
        }
        for line in [
            "However, challenges remain.",
            "Why does it matter?",
            "He said “yes.”",
        ] {
            assert!(!is_furniture(line), "{line}");
        }
    }

    #[test]
    fn unwrapped_joins_the_lines_of_wrapped_text() {
        assert_eq!(unwrapped("one line"), "one line");
        assert_eq!(
            unwrapped("wrapped  \n  over\r\ntwo lines"),
            "wrapped over two lines"
        );
    }
}
