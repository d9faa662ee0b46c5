//! Evaluation on question sets: top-1, hit@3, abstention and overall accuracy, scored by the
//! same rules as the team's `score_article.py` and `score_squad.py`.
//!
//! Two formats are read, one JSON object per line:
//!
//! * article sets: `{"id", "question", "gold": [fragment, …]}` (or `"turns": [q1, q2, …]`
//!   for a conversation whose last turn is scored). A returned sentence is right when it
//!   contains a gold fragment, curly and straight quotes alike; `gold: []` means abstain.
//! * SQuAD sets: `{"id", "title", "question", "is_impossible", "answers": [{"text",
//!   "answer_start", "paragraph"}]}`; the article is `<dir>/<title>.txt` (or
//!   `<dir>/articles/<title>.txt`), one paragraph per line, `paragraph` 0-based and
//!   `answer_start` a character offset. A returned sentence is right when it occurs verbatim
//!   in the answer's paragraph and overlaps a gold span.

use std::collections::HashMap;
use std::fmt;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::corpus::Corpus;
use crate::corpus::error::{Error, Result};
use crate::engine::answer::Engine;
use crate::search::params::Params;

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
    parse_cases(&text).map_err(|(line, message)| Error::EvalData {
        path: path.to_path_buf(),
        line,
        message,
    })
}

/// Parses a question set from text; errors give the 1-based line and what is wrong.
pub fn parse_cases(text: &str) -> std::result::Result<Vec<Case>, (usize, String)> {
    let mut cases = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let raw: RawCase = serde_json::from_str(line).map_err(|e| (i + 1, e.to_string()))?;
        let turns = match (raw.turns, raw.question) {
            (Some(turns), _) if !turns.is_empty() => turns,
            (_, Some(question)) => vec![question],
            _ => return Err((i + 1, "needs \"question\" or \"turns\"".into())),
        };
        let gold = match (raw.gold, raw.title, raw.is_impossible) {
            (Some(fragments), _, _) => Gold::Fragments(fragments),
            (None, Some(title), Some(impossible)) => Gold::Spans {
                title,
                answers: if impossible { Vec::new() } else { raw.answers },
            },
            _ => {
                return Err((
                    i + 1,
                    "needs \"gold\", or \"title\" and \"is_impossible\"".into(),
                ));
            }
        };
        cases.push(Case {
            id: raw.id,
            turns,
            gold,
        });
    }
    Ok(cases)
}

/// The four figures of an evaluation, plus counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Summary {
    /// Answerable questions.
    pub answerable: usize,
    /// Share of answerable questions whose first sentence is right.
    pub top1: f64,
    /// Share of answerable questions with a right sentence among the first three.
    pub hit3: f64,
    /// Unanswerable questions.
    pub unanswerable: usize,
    /// Share of unanswerable questions given no sentence.
    pub abstain: f64,
    /// Right at top-1 or rightly abstained, over all questions.
    pub overall: f64,
    /// Questions right overall.
    pub passed: usize,
    /// Questions wrong overall.
    pub failed: usize,
}

/// A question the engine got wrong, for `eval -v`.
#[derive(Debug, Clone)]
pub struct Failure {
    /// Question id.
    pub id: String,
    /// The scored question.
    pub question: String,
    /// The first returned sentence, if any.
    pub got: Option<String>,
    /// The gold fragments or answer texts.
    pub gold: Vec<String>,
}

impl fmt::Display for Summary {
    /// The figures one a line, then the JSON summary and `N passed, N failed`, as the team's
    /// scoring scripts print them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let round = |x: f64| (x * 1000.0).round() / 1000.0;
        writeln!(
            f,
            "questions  {} ({} answerable, {} unanswerable)",
            self.answerable + self.unanswerable,
            self.answerable,
            self.unanswerable
        )?;
        writeln!(f, "top-1      {:.3}", self.top1)?;
        writeln!(f, "hit@3      {:.3}", self.hit3)?;
        match self.unanswerable {
            0 => writeln!(f, "abstain    n/a (no unanswerable questions)")?,
            _ => writeln!(f, "abstain    {:.3}", self.abstain)?,
        }
        writeln!(f, "overall    {:.3}", self.overall)?;
        let json = serde_json::json!({
            "answerable": self.answerable, "top1": round(self.top1), "hit3": round(self.hit3),
            "unanswerable": self.unanswerable,
            "abstain": (self.unanswerable > 0).then(|| round(self.abstain)),
            "overall": round(self.overall),
        });
        writeln!(f, "{json}")?;
        write!(f, "{} passed, {} failed", self.passed, self.failed)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let got = match &self.got {
            Some(sentence) => sentence.chars().take(120).collect::<String>(),
            None => "<no answer>".to_string(),
        };
        let gold = if self.gold.is_empty() {
            "<abstain>".to_string()
        } else {
            self.gold.join(" | ")
        };
        write!(
            f,
            "FAIL {} {} -> {} (gold: {})",
            self.id, self.question, got, gold
        )
    }
}

/// The outcome of [`run`].
#[derive(Debug, Clone)]
pub struct Report {
    /// The four figures.
    pub summary: Summary,
    /// The questions answered wrongly.
    pub failures: Vec<Failure>,
    /// Each case's returned sentences, in case order.
    pub predictions: Vec<Vec<String>>,
}

/// Checks that a question set suits the run: not empty, and SQuAD cases (with a `title`)
/// exactly when `squad` articles are given.
///
/// Errors: what is wrong, in one line, for the command line to prefix with the file's path.
pub fn check_format(cases: &[Case], squad: bool) -> std::result::Result<(), String> {
    if cases.is_empty() {
        return Err("holds no questions".into());
    }
    match (cases.iter().find(|c| c.title().is_some()), squad) {
        (Some(case), false) => Err(format!(
            "holds SQuAD questions (case {} has a \"title\"): pass --squad DIR, the folder of their articles",
            case.id
        )),
        (_, true) if cases.iter().any(|c| c.title().is_none()) => Err(
            "holds questions about the seeds' articles, not SQuAD questions: leave out --squad"
                .into(),
        ),
        _ => Ok(()),
    }
}

/// Answers every case and scores the answers. Article-format cases are answered by
/// `engine`; SQuAD cases by an engine over `<squad_dir>/<title>.txt`, built once per title
/// with `params`. Conversation cases are answered turn by turn in one context.
///
/// Errors: a SQuAD article cannot be loaded, or article cases come without an engine.
pub fn run(
    cases: &[Case],
    engine: Option<&Engine>,
    squad_dir: Option<&Path>,
    params: Params,
) -> Result<Report> {
    let mut engines: HashMap<String, Engine> = HashMap::new();
    let mut predictions = Vec::with_capacity(cases.len());
    for case in cases {
        let engine = match (case.title(), squad_dir, engine) {
            (Some(title), Some(dir), _) => {
                if !engines.contains_key(title) {
                    let corpus = Corpus::load_file(&squad_article_path(dir, title))?;
                    engines.insert(title.to_string(), Engine::new(corpus).with_params(params));
                }
                &engines[title]
            }
            (_, _, Some(engine)) => engine,
            (_, _, None) => {
                return Err(Error::EvalData {
                    path: PathBuf::from("--squad"),
                    line: 0,
                    message: format!("case {} needs an article: pass --squad DIR", case.id),
                });
            }
        };
        predictions.push(answer_case(engine, case));
    }
    let lines = |title: &str| squad_dir.and_then(|dir| read_lines(&squad_article_path(dir, title)));
    let (summary, failures) = score(cases, &predictions, lines);
    Ok(Report {
        summary,
        failures,
        predictions,
    })
}

/// The sentences the engine returns for a case's last turn, each turn answered in the
/// conversation context of the turns before it.
fn answer_case(engine: &Engine, case: &Case) -> Vec<String> {
    engine
        .converse_turns(&case.turns)
        .map(|reply| {
            reply
                .answer
                .quotes()
                .iter()
                .map(|q| q.text.clone())
                .collect()
        })
        .unwrap_or_default()
}

/// Writes `{"id", "sentences"}` lines for the team's scoring scripts.
pub fn write_predictions(path: &Path, cases: &[Case], predictions: &[Vec<String>]) -> Result<()> {
    let io_err = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    let mut file = std::io::BufWriter::new(fs::File::create(path).map_err(io_err)?);
    for (case, sentences) in cases.iter().zip(predictions) {
        let line = serde_json::json!({"id": case.id, "sentences": sentences});
        writeln!(file, "{line}").map_err(io_err)?;
    }
    file.flush().map_err(io_err)
}

/// Scores predictions (`sentences` per case, in order) for `cases`. `paragraphs(title)`
/// gives a SQuAD article's lines.
pub fn score(
    cases: &[Case],
    predictions: &[Vec<String>],
    mut paragraphs: impl FnMut(&str) -> Option<Vec<String>>,
) -> (Summary, Vec<Failure>) {
    let mut s = Summary::default();
    let (mut top1, mut hit3, mut abstained) = (0usize, 0usize, 0usize);
    let mut failures = Vec::new();
    for (case, got) in cases.iter().zip(predictions) {
        let right = |sentence: &str| -> bool {
            match &case.gold {
                Gold::Fragments(fragments) => {
                    let sentence = fold_quotes(sentence);
                    fragments.iter().any(|g| sentence.contains(&fold_quotes(g)))
                }
                Gold::Spans { .. } => false,
            }
        };
        let checks: Vec<bool> = match &case.gold {
            Gold::Spans { title, answers } => {
                let lines = paragraphs(title).unwrap_or_default();
                got.iter()
                    .take(3)
                    .map(|g| span_right(g, &lines, answers))
                    .collect()
            }
            Gold::Fragments(_) => got.iter().take(3).map(|g| right(g)).collect(),
        };
        let ok = if case.answerable() {
            s.answerable += 1;
            let first = checks.first().copied().unwrap_or(false);
            top1 += first as usize;
            hit3 += checks.iter().any(|&c| c) as usize;
            first
        } else {
            s.unanswerable += 1;
            abstained += got.is_empty() as usize;
            got.is_empty()
        };
        if !ok {
            failures.push(Failure {
                id: case.id.clone(),
                question: case.question().to_string(),
                got: got.first().cloned(),
                gold: match &case.gold {
                    Gold::Fragments(f) => f.clone(),
                    Gold::Spans { answers, .. } => answers.iter().map(|a| a.text.clone()).collect(),
                },
            });
        }
    }
    let ratio = |n: usize, d: usize| if d == 0 { 0.0 } else { n as f64 / d as f64 };
    s.top1 = ratio(top1, s.answerable);
    s.hit3 = ratio(hit3, s.answerable);
    s.abstain = ratio(abstained, s.unanswerable);
    s.passed = top1 + abstained;
    s.failed = cases.len() - s.passed;
    s.overall = ratio(s.passed, cases.len());
    (s, failures)
}

/// `score_squad.py`'s rule: the stripped sentence occurs verbatim in the answer's paragraph
/// and some occurrence overlaps the gold span (offsets in characters).
fn span_right(sentence: &str, lines: &[String], answers: &[Span]) -> bool {
    let sentence = sentence.trim();
    if sentence.is_empty() {
        return false;
    }
    let len = sentence.chars().count();
    answers.iter().any(|a| {
        let Some(paragraph) = lines.get(a.paragraph) else {
            return false;
        };
        let (a0, a1) = (a.answer_start, a.answer_start + a.text.chars().count());
        paragraph.match_indices(sentence).any(|(byte, _)| {
            let start = paragraph[..byte].chars().count();
            start < a1 && a0 < start + len
        })
    })
}

/// Curly quotes and apostrophes as straight ones, no-break space as space.
fn fold_quotes(text: &str) -> String {
    text.replace(['\u{2019}', '\u{2018}'], "'")
        .replace(['\u{201C}', '\u{201D}'], "\"")
        .replace('\u{00A0}', " ")
}

/// Where a SQuAD title's article file is: `<dir>/articles/<slug>.txt` or `<dir>/<slug>.txt`,
/// where the slug replaces every character outside `[A-Za-z0-9._-]` with `_`.
pub fn squad_article_path(dir: &Path, title: &str) -> PathBuf {
    let slug: String = title
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let sub = dir.join("articles");
    let root = if sub.is_dir() { sub } else { dir.to_path_buf() };
    root.join(format!("{slug}.txt"))
}

/// Reads an article file's lines as `score_squad.py` does (split on `\n`).
pub fn read_lines(path: &Path) -> Option<Vec<String>> {
    let text = fs::read_to_string(path).ok()?;
    Some(text.split('\n').map(str::to_string).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn article_gold_matches_fragments_with_quotes_folded() {
        let cases = parse_cases(
            "{\"id\":\"a\",\"question\":\"q\",\"gold\":[\"Russia's \\\"deal\\\"\"]}\n\
             {\"id\":\"b\",\"question\":\"q\",\"gold\":[]}\n",
        )
        .unwrap();
        let predictions = vec![vec!["So Russia’s “deal” holds.".to_string()], vec![]];
        let (s, failures) = score(&cases, &predictions, |_| None);
        assert_eq!((s.top1, s.abstain, s.overall), (1.0, 1.0, 1.0));
        assert!(failures.is_empty());
    }

    #[test]
    fn squad_gold_needs_verbatim_sentence_overlapping_the_span() {
        let cases = parse_cases(
            "{\"id\":\"s\",\"title\":\"T\",\"question\":\"q\",\"is_impossible\":false,\
             \"answers\":[{\"text\":\"1973\",\"answer_start\":22,\"paragraph\":0}]}\n",
        )
        .unwrap();
        let lines = || {
            Some(vec![
                "Début. The crisis of 1973 began. Then more.".to_string(),
            ])
        };
        let right = vec![vec!["The crisis of 1973 began.".to_string()]];
        let wrong = vec![vec![
            "Then more.".to_string(),
            "The crisis of 1973 began.".to_string(),
        ]];
        assert_eq!(score(&cases, &right, |_| lines()).0.top1, 1.0);
        let (s, _) = score(&cases, &wrong, |_| lines());
        assert_eq!((s.top1, s.hit3), (0.0, 1.0));
    }

    #[test]
    fn bad_lines_are_reported_with_their_number() {
        let err =
            parse_cases("{\"id\":\"a\",\"question\":\"q\",\"gold\":[]}\nnot json\n").unwrap_err();
        assert_eq!(err.0, 2);
    }
}
