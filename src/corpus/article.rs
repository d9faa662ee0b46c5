//! Articles and the corpus: loading `*.txt` files, splitting them into paragraphs and
//! sentences, and keeping where each sentence stands (article, paragraph, byte range).
//!
//! Paragraphs are the non-empty lines of a file; a file whose paragraphs are blocks of
//! several lines separated by blank lines is read block by block instead. Page furniture
//! (`Leave a Reply`, `Share this`, a bare heading) is kept out of the paragraphs: see
//! [`is_furniture`]. Sentences come from Unicode sentence boundaries (UAX #29, which keeps
//! `substantial.”` whole and does not break before a lower-case word), repaired where a
//! boundary follows an abbreviation or an initial (`Dr.`, `Feb.`, `U.S.`, `A. B. Smith`).

use std::fs;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use unicode_segmentation::UnicodeSegmentation;

use crate::corpus::error::{Error, Result};

/// Largest article file read, in bytes (a news article is a few tens of kilobytes).
pub const MAX_ARTICLE_BYTES: u64 = 8 * 1024 * 1024;

/// Optional facts about an article, read from `<name>.meta.toml` beside `<name>.txt`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArticleMeta {
    /// Headline shown in answers and `/about`.
    pub title: Option<String>,
    /// Publication or event date, as written (`2025-02-12`).
    pub date: Option<String>,
    /// Who published it (`Example News`).
    pub source: Option<String>,
    /// Where it was published.
    pub url: Option<String>,
    /// Example questions `/start` suggests (the first three are shown).
    #[serde(default)]
    pub examples: Vec<String>,
}

/// One sentence: a byte range into its article's text, and its number in its paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    /// Byte range in [`Article::text`]; the text there is trimmed of surrounding whitespace.
    pub span: Range<usize>,
    /// 1-based position in its paragraph.
    pub number: usize,
}

/// One paragraph of content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    /// 1-based number, counting content paragraphs as a reader does (furniture is not counted).
    pub number: usize,
    /// Byte range in [`Article::text`].
    pub span: Range<usize>,
    /// The paragraph's sentences, in order; never empty.
    pub sentences: Vec<Sentence>,
}

/// A loaded article: its original text and its paragraphs.
#[derive(Debug, Clone)]
pub struct Article {
    /// File name without `.txt` (`putin-al-sharaa-call`).
    pub name: String,
    /// Where it was read from (empty for articles parsed from a string).
    pub path: PathBuf,
    /// Headline: from the metadata, else a heading line at the top, else the file name.
    pub title: String,
    /// The metadata file's contents (all fields optional).
    pub meta: ArticleMeta,
    /// The file's text exactly as read (a leading byte-order mark removed).
    pub text: String,
    /// Content paragraphs, in order; never empty.
    pub paragraphs: Vec<Paragraph>,
}

impl Article {
    /// Parses an article from its text. `name` is used for the title when neither the
    /// metadata nor a heading line gives one.
    ///
    /// Errors with [`Error::EmptyArticle`] when no paragraph holds a sentence.
    pub fn parse(name: &str, path: &Path, text: String, meta: ArticleMeta) -> Result<Self> {
        let text = match text.strip_prefix('\u{FEFF}') {
            Some(rest) => rest.to_string(),
            None => text,
        };
        let blocks = paragraph_spans(&text);
        // The first line, if it is a heading (of a wrapped block, only that line).
        let heading = blocks
            .first()
            .map(|r| text[r.clone()].lines().next().unwrap_or_default().trim())
            .filter(|first| is_heading(first))
            .map(str::to_string);
        let mut paragraphs = Vec::new();
        for span in blocks {
            if is_furniture(&text[span.clone()]) {
                continue;
            }
            let sentences = split_sentences(&text, span.clone());
            if !sentences.is_empty() {
                paragraphs.push(Paragraph {
                    number: paragraphs.len() + 1,
                    span,
                    sentences,
                });
            }
        }
        if paragraphs.is_empty() {
            return Err(Error::EmptyArticle(path.to_path_buf()));
        }
        let title = meta
            .title
            .clone()
            .or(heading)
            .unwrap_or_else(|| title_from_name(name));
        Ok(Self {
            name: name.to_string(),
            path: path.to_path_buf(),
            title,
            meta,
            text,
            paragraphs,
        })
    }

    /// Reads `path` (a UTF-8 `.txt` file) and its optional `<name>.meta.toml`.
    ///
    /// Errors: [`Error::Read`] when the file is missing, unreadable, too large or not
    /// UTF-8; [`Error::Metadata`] for a bad metadata file; [`Error::EmptyArticle`].
    pub fn load(path: &Path) -> Result<Self> {
        let read_err = |source| Error::Read {
            path: path.to_path_buf(),
            source,
        };
        let size = fs::metadata(path).map_err(read_err)?.len();
        if size > MAX_ARTICLE_BYTES {
            return Err(read_err(std::io::Error::other(format!(
                "file is {size} bytes, more than the {MAX_ARTICLE_BYTES}-byte limit"
            ))));
        }
        let bytes = fs::read(path).map_err(read_err)?;
        let text = String::from_utf8(bytes).map_err(|e| {
            read_err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "not UTF-8 text (bad byte at offset {})",
                    e.utf8_error().valid_up_to()
                ),
            ))
        })?;
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let meta = load_meta(&path.with_extension("meta.toml"))?;
        Self::parse(&name, path, text, meta)
    }

    /// The text of a sentence, exactly as it stands in the article.
    pub fn sentence_text(&self, sentence: &Sentence) -> &str {
        &self.text[sentence.span.clone()]
    }

    /// The text of a paragraph, exactly as it stands in the article.
    pub fn paragraph_text(&self, paragraph: &Paragraph) -> &str {
        self.text[paragraph.span.clone()].trim()
    }

    /// Number of sentences in the article.
    pub fn sentence_count(&self) -> usize {
        self.paragraphs.iter().map(|p| p.sentences.len()).sum()
    }
}

/// All articles the bot answers from.
#[derive(Debug, Clone)]
pub struct Corpus {
    /// The articles, sorted by file name.
    pub articles: Vec<Article>,
}

impl Corpus {
    /// Loads every `*.txt` file in `dir` (not recursive), sorted by file name.
    ///
    /// Errors: [`Error::Read`] for a missing or unreadable folder or file,
    /// [`Error::NoArticles`] when there is no `*.txt`, and any article's own error.
    pub fn load_dir(dir: &Path) -> Result<Self> {
        let entries = fs::read_dir(dir).map_err(|source| Error::Read {
            path: dir.to_path_buf(),
            source,
        })?;
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "txt") && p.is_file())
            .collect();
        paths.sort();
        if paths.is_empty() {
            return Err(Error::NoArticles(dir.to_path_buf()));
        }
        let articles = paths
            .iter()
            .map(|p| Article::load(p))
            .collect::<Result<_>>()?;
        Ok(Self { articles })
    }

    /// A corpus of one article file.
    pub fn load_file(path: &Path) -> Result<Self> {
        Ok(Self {
            articles: vec![Article::load(path)?],
        })
    }

    /// A corpus of one article given as text (for tests and benchmarks).
    pub fn from_text(name: &str, text: &str) -> Result<Self> {
        Ok(Self {
            articles: vec![Article::parse(
                name,
                Path::new(name),
                text.to_string(),
                ArticleMeta::default(),
            )?],
        })
    }

    /// Total number of content paragraphs.
    pub fn paragraph_count(&self) -> usize {
        self.articles.iter().map(|a| a.paragraphs.len()).sum()
    }
}

fn load_meta(path: &Path) -> Result<ArticleMeta> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(ArticleMeta::default()),
        Err(source) => {
            return Err(Error::Read {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    toml::from_str(&text).map_err(|e| Error::Metadata {
        path: path.to_path_buf(),
        message: one_line(&e.to_string()),
    })
}

/// Collapses a multi-line message (TOML errors draw the offending line) into one line.
pub(crate) fn one_line(message: &str) -> String {
    let first = message.lines().next().unwrap_or_default().trim();
    let last = message
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty() && !l.contains('|'));
    match last {
        Some(last) if last.trim() != first => format!("{first}: {}", last.trim()),
        _ => first.to_string(),
    }
}

/// Byte ranges of the paragraphs: non-empty lines, or blank-line-separated blocks when the
/// file wraps its paragraphs over several lines.
fn paragraph_spans(text: &str) -> Vec<Range<usize>> {
    let mut lines = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        lines.push(start..start + content.len());
        start += line.len();
    }
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

/// Narrows a byte range to exclude leading and trailing whitespace.
fn trim_span(text: &str, span: Range<usize>) -> Range<usize> {
    let slice = &text[span.clone()];
    let start = span.start + (slice.len() - slice.trim_start().len());
    let end = span.start + slice.trim_end().len();
    start..end.max(start)
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
fn is_heading(line: &str) -> bool {
    line.split_whitespace().count() <= 12 && !ends_like_sentence(line)
}

/// True when a line ends with `.`, `?`, `!` or `…`, possibly inside closing quotes.
fn ends_like_sentence(line: &str) -> bool {
    line.trim_end_matches(['"', '\'', '”', '’', ')', '»', ' '])
        .ends_with(['.', '?', '!', '…', ':'])
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

fn title_from_name(name: &str) -> String {
    let words: Vec<&str> = name
        .split(|c: char| c == '-' || c == '_' || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect();
    let mut title = words.join(" ");
    if let Some(first) = title.get(..1) {
        title = first.to_uppercase() + &title[1..];
    }
    if title.is_empty() {
        "Article".to_string()
    } else {
        title
    }
}

/// Splits the paragraph at `span` into sentences with absolute, trimmed byte ranges.
fn split_sentences(text: &str, span: Range<usize>) -> Vec<Sentence> {
    let paragraph = &text[span.clone()];
    let mut pieces: Vec<Range<usize>> = Vec::new();
    for (offset, piece) in paragraph.split_sentence_bound_indices() {
        let range = span.start + offset..span.start + offset + piece.len();
        match pieces.last_mut() {
            Some(prev)
                if !ends_sentence(&text[prev.clone()], piece)
                    || wraps(&text[prev.clone()], piece) =>
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

/// True when `prev` ends at a line break inside a sentence that `next` goes on with (a
/// hard-wrapped paragraph): UAX #29 breaks after every line break.
fn wraps(prev: &str, next: &str) -> bool {
    if !prev.ends_with('\n') {
        return false;
    }
    let last_line = prev
        .trim_end()
        .rsplit('\n')
        .next()
        .unwrap_or_default()
        .trim();
    continues(last_line, next.trim_start())
}

/// True when line `next` carries on the sentence of line `line`: `line` does not end like a
/// sentence, and `next` starts in lower case, or `line` is long (wrapped text, not a heading)
/// and `next` is not a list item.
fn continues(line: &str, next: &str) -> bool {
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

/// Article text as one line: the line breaks of a hard-wrapped paragraph (and the spaces
/// around them) become one space. Text without line breaks is returned as it is.
pub fn unwrapped(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains(['\n', '\r']) {
        return std::borrow::Cow::Borrowed(text);
    }
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    std::borrow::Cow::Owned(lines.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentences(paragraph: &str) -> Vec<String> {
        let article = Article::parse(
            "t",
            Path::new("t"),
            paragraph.into(),
            ArticleMeta::default(),
        )
        .expect("parses");
        article.paragraphs[0]
            .sentences
            .iter()
            .map(|s| article.sentence_text(s).to_string())
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
    fn sentence_spans_are_verbatim_and_paragraphs_count_from_one() {
        let text = "First line here.  Second sentence.\n\nSecond paragraph, one sentence.\nLeave a Reply\n";
        let article =
            Article::parse("t", Path::new("t"), text.into(), ArticleMeta::default()).unwrap();
        assert_eq!(article.paragraphs.len(), 2);
        assert_eq!(article.paragraphs[1].number, 2);
        let s = &article.paragraphs[0].sentences[1];
        assert_eq!(article.sentence_text(s), "Second sentence.");
        assert_eq!(s.number, 2);
    }

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
    fn heading_on_top_becomes_the_title() {
        let text = "Putin calls Syria's new leader\nThe Kremlin confirmed the call.\n";
        let article =
            Article::parse("x", Path::new("x"), text.into(), ArticleMeta::default()).unwrap();
        assert_eq!(article.title, "Putin calls Syria's new leader");
        assert_eq!(article.paragraphs.len(), 1);
    }

    #[test]
    fn wrapped_paragraphs_are_read_as_blocks() {
        let text = "The first sentence of this paragraph is long and it is\nwrapped over two lines. Then a second.\n\nAnother paragraph.\n";
        let article =
            Article::parse("x", Path::new("x"), text.into(), ArticleMeta::default()).unwrap();
        assert_eq!(article.paragraphs.len(), 2);
        assert_eq!(
            article.paragraph_text(&article.paragraphs[0]),
            "The first sentence of this paragraph is long and it is\nwrapped over two lines. Then a second."
        );
    }

    #[test]
    fn sentences_of_wrapped_paragraphs_run_across_line_breaks() {
        for width in [72, 38] {
            let paragraph = "The mayor, Ms. Lee, said the work would start in May and finish within two years, funded by the city. Residents welcomed the plan.";
            let mut wrapped = String::new();
            let mut line = String::new();
            for word in paragraph.split(' ') {
                if !line.is_empty() && line.len() + 1 + word.len() > width {
                    wrapped.push_str(&line);
                    wrapped.push('\n');
                    line.clear();
                }
                if !line.is_empty() {
                    line.push(' ');
                }
                line.push_str(word);
            }
            wrapped.push_str(&line);
            let text = format!("{wrapped}\n\n{wrapped}\n");
            let article =
                Article::parse("x", Path::new("x"), text, ArticleMeta::default()).unwrap();
            assert_eq!(article.paragraphs.len(), 2, "width {width}");
            let got: Vec<String> = article.paragraphs[0]
                .sentences
                .iter()
                .map(|s| {
                    article
                        .sentence_text(s)
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect();
            assert_eq!(
                got,
                [
                    "The mayor, Ms. Lee, said the work would start in May and finish within two years, funded by the city.",
                    "Residents welcomed the plan."
                ],
                "width {width}"
            );
        }
    }

    #[test]
    fn headers_and_lists_do_not_make_a_file_wrapped() {
        let parse = |text: &str| {
            Article::parse("x", Path::new("x"), text.into(), ArticleMeta::default()).unwrap()
        };
        let texts = [
            "Bridge plan approved\nBy Jane Doe\nFebruary 12, 2025\n\nThe council approved the plan on Tuesday.\n\nWork starts in May, the mayor said.\n",
            "Bridge plan approved\nBy Jane Doe\nFebruary 12, 2025\nThe council approved the plan on Tuesday.\nWork starts in May, the mayor said.\n",
        ];
        for text in texts {
            let article = parse(text);
            assert_eq!(article.title, "Bridge plan approved", "{text:?}");
            let first: Vec<&str> = article
                .paragraphs
                .iter()
                .map(|p| article.sentence_text(&p.sentences[0]))
                .collect();
            assert_eq!(
                first,
                [
                    "The council approved the plan on Tuesday.",
                    "Work starts in May, the mayor said."
                ],
                "{text:?}"
            );
        }
        // In a wrapped file, list items stay apart.
        let wrapped = "The council listed the steps it will take over the next two\nyears to rebuild the bridge:\n- close the road\n- rebuild the deck\n\nWork starts in May, the mayor said, and\nends in two years.\n";
        let article = parse(wrapped);
        assert_eq!(article.paragraphs.len(), 2);
        assert_eq!(article.paragraphs[0].sentences.len(), 3);
        assert_eq!(article.paragraphs[1].sentences.len(), 1);
    }

    #[test]
    fn empty_or_furniture_only_article_is_an_error() {
        for text in ["", "\n\n  \n", "Leave a Reply\nShare this", "🙂🙂"] {
            let got = Article::parse("e", Path::new("e.txt"), text.into(), ArticleMeta::default());
            assert!(matches!(got, Err(Error::EmptyArticle(_))), "{text:?}");
        }
    }

    #[test]
    fn byte_order_mark_and_crlf_are_handled() {
        let text = "\u{FEFF}First sentence.\r\nSecond paragraph.\r\n";
        let article =
            Article::parse("x", Path::new("x"), text.into(), ArticleMeta::default()).unwrap();
        assert_eq!(article.paragraphs.len(), 2);
        assert_eq!(
            article.sentence_text(&article.paragraphs[0].sentences[0]),
            "First sentence."
        );
    }
}
