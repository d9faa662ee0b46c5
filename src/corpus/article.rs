//! Articles and the corpus: loading `*.txt` files (and their metadata), and building each
//! article's paragraphs and sentences, which keep where they stand (byte ranges into the
//! original text).
//!
//! Paragraphs are the non-empty lines of a file, or its blank-line separated blocks when it
//! is hard-wrapped; page furniture is left out (see [`is_furniture`]). Sentences come from
//! Unicode sentence boundaries, repaired after abbreviations and initials.

use std::fs;
use std::path::{Path, PathBuf};

use crate::corpus::error::{Error, Result};
use crate::corpus::meta::ArticleMeta;
use crate::corpus::paragraphs::{Paragraph, is_furniture, is_heading, paragraph_spans};
use crate::corpus::sentences::{Sentence, split_sentences};

/// Largest article file read, in bytes (a news article is a few tens of kilobytes).
pub const MAX_ARTICLE_BYTES: u64 = 8 * 1024 * 1024;

/// A loaded article: its original text and its paragraphs.
#[derive(Debug, Clone)]
pub struct Article {
    /// File name without `.txt` (`putin-al-sharaa-call`).
    pub name: String,
    /// Where it was read from (empty for articles parsed from a string).
    pub path: PathBuf,
    /// Headline: from the metadata, else a heading line at the top (a short line that does not
    /// end a sentence, standing alone as the first paragraph), else the file name with its
    /// words capitalised as a headline (`talks-in-the-gulf` → `Talks in the Gulf`).
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
        // The first line, if it is a heading standing alone: a paragraph of its own (in a
        // hard-wrapped file, followed by a blank line), so that a wrapped first line is never
        // taken for a title.
        let heading = blocks
            .first()
            .map(|r| &text[r.clone()])
            .filter(|first| !first.contains('\n') && is_heading(first))
            .map(|first| first.trim().to_string());
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
        let meta = ArticleMeta::load(&path.with_extension("meta.toml"))?;
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

/// Words a headline keeps in lower case unless they come first or last (articles, short
/// conjunctions and prepositions), as English headline style has them.
const MINOR_WORDS: &[&str] = &[
    "a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "nor", "of", "on",
    "or", "per", "the", "to", "via", "vs", "with",
];

/// A title from a file name, its words capitalised as a headline: `putin-calls_syria` →
/// `Putin Calls Syria`, `talks-in-the-gulf` → `Talks in the Gulf`. Minor words
/// ([`MINOR_WORDS`]) stay lower case except first and last; a word with a capital of its own
/// (`NATO`, `McCain`, `iPhone`) is kept as written. `Article` when `name` has no word.
fn title_from_name(name: &str) -> String {
    let words: Vec<&str> = name
        .split(|c: char| c == '-' || c == '_' || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect();
    let last = words.len().saturating_sub(1);
    let titled: Vec<String> = (words.iter().enumerate())
        .map(|(i, word)| {
            let minor = i != 0 && i != last && MINOR_WORDS.contains(&word.to_lowercase().as_str());
            match (word.chars().any(char::is_uppercase), minor) {
                (true, _) => word.to_string(),
                (false, true) => word.to_lowercase(),
                (false, false) => capitalised(word),
            }
        })
        .collect();
    match titled.is_empty() {
        true => "Article".to_string(),
        false => titled.join(" "),
    }
}

/// `word` with its first character in upper case (all of it: `ß` becomes `SS`), the rest as
/// it is.
fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn a_title_from_the_file_name_is_capitalised_as_a_headline() {
        for (name, title) in [
            ("putin-al-sharaa-phone-call", "Putin Al Sharaa Phone Call"),
            ("talks-in-the-gulf", "Talks in the Gulf"),
            ("the_end_of_the-war", "The End of the War"),
            ("what-it-is-for", "What It Is For"),
            ("nato-and-the-EU", "Nato and the EU"),
            ("mcCain  iPhone", "mcCain iPhone"),
            ("über-straße", "Über Straße"),
            ("2025-budget", "2025 Budget"),
            ("of", "Of"),
            ("--", "Article"),
            ("", "Article"),
        ] {
            assert_eq!(title_from_name(name), title, "{name:?}");
        }
    }

    #[test]
    fn without_metadata_the_title_is_a_heading_line_else_the_file_name() {
        let parse = |name: &str, text: &str| {
            Article::parse(name, Path::new(name), text.into(), ArticleMeta::default())
                .unwrap()
                .title
        };
        assert_eq!(
            parse(
                "bridge-plan",
                "Bridge plan approved\nThe council voted on Monday.\n"
            ),
            "Bridge plan approved"
        );
        assert_eq!(
            parse("bridge-plan-for-the-city", "The council voted on Monday.\n"),
            "Bridge Plan for the City"
        );
        let meta = ArticleMeta {
            title: Some("From the metadata".into()),
            ..ArticleMeta::default()
        };
        let article = Article::parse("x", Path::new("x"), "Heading\nText here.\n".into(), meta);
        assert_eq!(article.unwrap().title, "From the metadata");
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
    fn a_wrapped_first_line_is_no_title_and_a_line_break_before_a_capital_is_a_space() {
        let parse = |text: &str| {
            Article::parse("a-b", Path::new("x"), text.into(), ArticleMeta::default()).unwrap()
        };
        let text = "Russian President Vladimir Putin has held a high-level phone\nconversation with the new leader. Led by Deputy Foreign Minister Mikhail\nBogdanov, the delegation met officials. The\nUnited States has yet to respond.\n\nA second paragraph ends here.\n";
        let article = parse(text);
        assert_eq!(article.title, "A B");
        let sentences: Vec<String> = article.paragraphs[0]
            .sentences
            .iter()
            .map(|s| crate::corpus::unwrapped(article.sentence_text(s)).into_owned())
            .collect();
        assert_eq!(
            sentences,
            [
                "Russian President Vladimir Putin has held a high-level phone conversation with the new leader.",
                "Led by Deputy Foreign Minister Mikhail Bogdanov, the delegation met officials.",
                "The United States has yet to respond."
            ]
        );
        // A heading alone above a blank line is the title of a wrapped file.
        let article = parse(&format!("Putin calls Syria's new leader\n\n{text}"));
        assert_eq!(article.title, "Putin calls Syria's new leader");
        assert_eq!(article.paragraphs.len(), 2);
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
