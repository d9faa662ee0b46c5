//! Question sets: the two formats (article sets with `"gold"`, each case optionally naming
//! its `"article"`; SQuAD sets with `"title"` and `"answers"`) read into [`Case`]s, and the
//! check that a set suits the run.

use std::fs;
use std::path::Path;

use serde::Deserialize;

use crate::app::error::{CaseError, Error, FormatError, Result};

/// One gold span of a SQuAD answer.
#[derive(Debug, Clone, Deserialize)]
pub struct Span {
    /// The answer text.
    pub text: String,
    /// Character offset of `text` in its paragraph.
    pub answer_start: usize,
    /// 0-based paragraph (line) number in the article file.
    pub paragraph: usize,
}

/// What counts as a right answer.
#[derive(Debug, Clone)]
pub enum Gold {
    /// Article sets: fragments, one of which the sentence must contain (empty: abstain).
    Fragments(Vec<String>),
    /// SQuAD sets: the article title and gold spans (empty: abstain).
    Spans {
        /// Article title (file name without `.txt`).
        title: String,
        /// Gold answer spans.
        answers: Vec<Span>,
    },
}

/// One evaluation question.
#[derive(Debug, Clone)]
pub struct Case {
    /// Question id.
    pub id: String,
    /// The turns of the conversation; the last is the question scored.
    pub turns: Vec<String>,
    /// What a right answer is.
    pub gold: Gold,
    /// Multi-article sets: the article the case is about (file name without `.txt` in the
    /// set's articles folder); `None` for questions about the seeds.
    pub article: Option<String>,
}

impl Case {
    /// True when the article answers the question.
    pub fn answerable(&self) -> bool {
        match &self.gold {
            Gold::Fragments(f) => !f.is_empty(),
            Gold::Spans { answers, .. } => !answers.is_empty(),
        }
    }

    /// The question scored: the last turn.
    pub fn question(&self) -> &str {
        self.turns.last().map(String::as_str).unwrap_or_default()
    }

    /// SQuAD title, if any.
    pub fn title(&self) -> Option<&str> {
        match &self.gold {
            Gold::Spans { title, .. } => Some(title),
            Gold::Fragments(_) => None,
        }
    }
}

#[derive(Deserialize)]
struct RawCase {
    id: String,
    question: Option<String>,
    turns: Option<Vec<String>>,
    gold: Option<Vec<String>>,
    title: Option<String>,
    is_impossible: Option<bool>,
    #[serde(default)]
    answers: Vec<Span>,
    article: Option<String>,
}

/// Reads a question set in either format.
///
/// Errors: [`Error::Read`] when the file cannot be read, [`Error::EvalData`] for a line that
/// is not a question.
pub fn load_cases(path: &Path) -> Result<Vec<Case>> {
    let text = fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse_cases(&text).map_err(|source| Error::EvalData {
        path: path.to_path_buf(),
        source,
    })
}

/// Parses a question set from text, one case per non-blank line.
///
/// Errors: the first bad line, as a [`CaseError`] giving its 1-based number.
pub fn parse_cases(text: &str) -> std::result::Result<Vec<Case>, CaseError> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| parse_case(i + 1, line))
        .collect()
}

/// One line of a question set (`line` is its 1-based number, for errors).
fn parse_case(line: usize, text: &str) -> std::result::Result<Case, CaseError> {
    let raw: RawCase =
        serde_json::from_str(text).map_err(|error| CaseError::Json { line, error })?;
    let turns = match (raw.turns, raw.question) {
        (Some(turns), _) if !turns.is_empty() => turns,
        (_, Some(question)) => vec![question],
        _ => return Err(CaseError::NoQuestion { line }),
    };
    let gold = match (raw.gold, raw.title, raw.is_impossible) {
        (Some(fragments), _, _) => Gold::Fragments(fragments),
        (None, Some(title), Some(impossible)) => Gold::Spans {
            title,
            answers: if impossible { Vec::new() } else { raw.answers },
        },
        _ => return Err(CaseError::NoGold { line }),
    };
    Ok(Case {
        id: raw.id,
        turns,
        gold,
        article: raw.article,
    })
}

/// Checks that a question set suits the run: not empty, SQuAD cases (with a `title`)
/// exactly when `squad` articles are given, and a folder of articles (`articles`) for cases
/// that name their article.
///
/// Errors: a [`FormatError`] saying what is wrong, in one line, for the command line to
/// prefix with the file's path.
pub fn check_format(
    cases: &[Case],
    squad: bool,
    articles: bool,
) -> std::result::Result<(), FormatError> {
    if cases.is_empty() {
        return Err(FormatError::Empty);
    }
    if let Some(case) = cases.iter().find(|c| c.article.is_some())
        && !articles
    {
        return Err(FormatError::NoArticlesFolder {
            id: case.id.clone(),
        });
    }
    match (cases.iter().find(|c| c.title().is_some()), squad) {
        (Some(case), false) => Err(FormatError::SquadWithoutArticles {
            id: case.id.clone(),
        }),
        (_, true) if cases.iter().any(|c| c.title().is_none()) => Err(FormatError::NotSquad),
        _ => Ok(()),
    }
}
