//! FAQ rules that maintainers write: the rules file (TOML, read and validated in [`rules`]),
//! matching a question against the rules with the scorer article retrieval uses ([`matcher`]),
//! and the checks behind `faq check` ([`checker`]); every problem names its line in the file
//! (found with toml_edit's spans in `positions`).
//!
//! A rules file is a list of `[[rule]]` tables:
//!
//! ```toml
//! [[rule]]
//! id = "greeting"                      # unique, required
//! questions = ["hello", "hi there"]    # phrasings people use (at least one, or keywords)
//! keywords = ["hello", "hi", "hey"]    # optional: words that alone point to this rule
//! answer = "Hello! Ask me about the article."   # the rule's own text, and/or:
//! quote = ["8.2", "4"]                 # article sentences (¶8, sentence 2) or whole paragraphs
//! priority = 0                         # optional: wins ties with other rules
//! threshold = 0.7                      # optional: how well a question must match (0..=1)
//! ```
//!
//! With several articles, a quote names its article: `"putin-al-sharaa-phone-call:8.2"`.
//! Unknown fields are errors.
//!
//! **Matching.** Each example question (and a rule's keyword list) is a unit of a small term
//! index, analysed like the article; a question is looked up in it with the same matcher
//! (exact, stem, related, fuzzy) and IDF weights, and the same overlap as article sentences
//! ([`crate::search::overlap::Overlap`]). An example scores the harmonic mean of the share of the
//! question it covers and the share of itself the question covers; keywords score the share
//! of the question they cover. A rule scores its best unit. Questions made only of stopwords
//! (`who are you?`) are matched on those words, since they are all they have.

mod matcher;
mod positions;
mod rules;

pub mod checker;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::corpus::Corpus;
use crate::engine::answer::{Answer, Quote};
use crate::search::index::TermIndex;
use crate::search::params::Params;
use crate::text::analyze::Analyzer;

/// One checked rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Unique id.
    pub id: String,
    /// Example phrasings.
    pub questions: Vec<String>,
    /// Words that alone point to the rule.
    pub keywords: Vec<String>,
    /// The rule's own text (may be empty when it only quotes).
    pub answer: String,
    /// The article sentences it quotes, resolved.
    pub quotes: Vec<Quote>,
    /// Wins ties against lower priorities.
    pub priority: i32,
    /// Smallest score at which the rule answers: the file's `threshold`, else the
    /// parameters' [`Params::faq_threshold`].
    pub threshold: f32,
    /// The `threshold` the file gave, if it gave one.
    pub own_threshold: Option<f32>,
}

/// A rule's score for a question.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleScore {
    /// Index into [`Faq::rules`].
    pub rule: usize,
    /// Score, 0..=1.
    pub score: f32,
    /// The phrasing that scored best: render it with [`Faq::matched`].
    pub matched: Phrasing,
}

/// One of a rule's phrasings: what a unit of the FAQ index holds, and which one scored best.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phrasing {
    /// Example question number `n` (from 0) of its rule.
    Question(usize),
    /// The rule's keyword list.
    Keywords,
}

/// A loaded, checked set of rules, ready to match questions.
#[derive(Debug, Clone)]
pub struct Faq {
    rules: Vec<Rule>,
    index: TermIndex,
    units: Vec<(usize, Phrasing)>,
    analyzer: Arc<Analyzer>,
    params: Params,
    skipped: Vec<Problem>,
}

/// A problem found in a rules file: one line, naming its line in the file and the rule when
/// there is one. `Display` gives `line 7: rule a: message`; [`Problem::located`] gives
/// `faq.toml:7: rule a: message`, as compilers name a place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The 1-based line of the file it is about (the key, list item or `[[rule]]` header),
    /// when known.
    pub line: Option<usize>,
    /// The 1-based column, for TOML syntax errors.
    pub column: Option<usize>,
    /// The rule's id (or `#n` for a rule without one), if the problem is in a rule.
    pub rule: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl Problem {
    /// `path:line:column: rule r: message`, with the parts that are known.
    pub fn located(&self, path: &Path) -> String {
        let mut place = path.display().to_string();
        for n in [self.line, self.column].into_iter().map_while(|n| n) {
            place.push_str(&format!(":{n}"));
        }
        format!("{place}: {}", self.what())
    }

    /// `rule r: message`, or the message alone.
    fn what(&self) -> String {
        match &self.rule {
            Some(rule) => format!("rule {rule}: {}", self.message),
            None => self.message.clone(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(line), Some(column)) => write!(f, "line {line}, column {column}: ")?,
            (Some(line), None) => write!(f, "line {line}: ")?,
            _ => {}
        }
        f.write_str(&self.what())
    }
}

/// What rules are read against: the articles their quotes point into, and the analyser and
/// scoring parameters their phrasings are indexed with (the engine's, see
/// [`crate::Engine::faq_basis`]).
#[derive(Debug, Clone, Copy)]
pub struct Basis<'a> {
    /// The analyser questions are analysed with.
    pub analyzer: &'a Arc<Analyzer>,
    /// The articles.
    pub corpus: &'a Corpus,
    /// The scoring parameters.
    pub params: &'a Params,
}

/// Why a rules file could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum FaqError {
    /// The file could not be read (missing, no permission, not UTF-8).
    #[error("cannot read {path}")]
    Read {
        /// The rules file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The file failed its check; the message shows the first problem (with the file and
    /// line) and how many follow.
    #[error("bad FAQ rules in {}", summary(.path, .problems))]
    Invalid {
        /// The rules file.
        path: PathBuf,
        /// Every error found, in file order.
        problems: Vec<Problem>,
    },
}

/// The first problem at its place in `path`, and how many more there are.
fn summary(path: &Path, problems: &[Problem]) -> String {
    match problems {
        [] => format!("{}: no rules", path.display()),
        [only] => only.located(path),
        [first, rest @ ..] => format!(
            "{} (and {} more; run `article-qa faq check`)",
            first.located(path),
            rest.len()
        ),
    }
}

/// A front end's limit on one answer message, handed to the FAQ loader so that a rule whose
/// answer would not fit is an error, without the engine knowing how answers are rendered.
pub trait MessageLimit {
    /// `None` when `answer` fits in one message; otherwise why not, in one line.
    fn exceeded(&self, answer: &Answer) -> Option<String>;
}

/// No limit on answer length (front ends without one, and tests).
pub struct NoLimit;

impl MessageLimit for NoLimit {
    fn exceeded(&self, _: &Answer) -> Option<String> {
        None
    }
}

/// Reads and validates a rules file (without the warnings, which only `faq check` needs).
/// Rules whose quotes do not resolve against the articles are left out, not errors: see
/// [`Faq::skipped`].
///
/// Errors: [`FaqError::Read`] when the file cannot be read, [`FaqError::Invalid`] with every
/// problem when it fails its check (one line each, naming the rule).
pub fn load(path: &Path, basis: Basis<'_>, limit: &dyn MessageLimit) -> Result<Faq, FaqError> {
    let text = std::fs::read_to_string(path).map_err(|source| FaqError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let parsed = rules::parse(&text, basis, limit);
    match parsed.faq {
        Some(faq) if parsed.errors.is_empty() => Ok(faq),
        _ => Err(FaqError::Invalid {
            path: path.to_path_buf(),
            problems: parsed.errors,
        }),
    }
}
