//! Evaluation on question sets: top-1, hit@3, abstention and overall accuracy, scored by the
//! same rules as the team's `score_article.py` and `score_squad.py`.
//!
//! Two formats are read, one JSON object per line:
//!
//! * article sets: `{"id", "question", "gold": [fragment, …]}` (or `"turns": [q1, q2, …]`
//!   for a conversation whose last turn is scored). A returned sentence is right when it
//!   contains a gold fragment, curly and straight quotes alike, read on one line as it is
//!   shown (a hard-wrapped sentence's line breaks are spaces); `gold: []` means abstain.
//! * SQuAD sets: `{"id", "title", "question", "is_impossible", "answers": [{"text",
//!   "answer_start", "paragraph"}]}`; the article is `<dir>/<title>.txt` (or
//!   `<dir>/articles/<title>.txt`), one paragraph per line, `paragraph` 0-based and
//!   `answer_start` a character offset. A returned sentence is right when it occurs verbatim
//!   in the answer's paragraph and overlaps a gold span.
//!
//! [`cases`] reads the sets, [`mod@score`] scores the answers; this module answers them.

pub mod cases;
pub mod score;

use std::collections::HashMap;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::app::error::{Error, Result};
use crate::corpus::Corpus;
use crate::engine::Engine;
use crate::engine::conversation::{Context, DEFAULT_TTL};

pub use cases::{Case, Gold, Span, check_format, load_cases, parse_cases};
pub use score::{Failure, Kind, Report, Summary, score};

/// Where a case's own article comes from, when it has one: SQuAD cases name a `title` in
/// `squad`, multi-article cases an `article` in `articles`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sources<'a> {
    /// Folder of SQuAD articles (`<title>.txt`, or an `articles/` subfolder).
    pub squad: Option<&'a Path>,
    /// Folder of `<article>.txt` for cases that name their article.
    pub articles: Option<&'a Path>,
}

/// Answers every case and scores the answers. Cases about the seeds are answered by
/// `engine`; SQuAD and multi-article cases by an engine over their own article (from
/// `sources`), built once per article with `build`. Conversation cases are answered turn by
/// turn in one context.
///
/// Errors: [`Error::Corpus`] when a case's article cannot be loaded, [`Error::NoArticles`]
/// when cases about the seeds come without an engine.
pub fn run(
    cases: &[Case],
    engine: Option<&Engine>,
    sources: Sources<'_>,
    build: &dyn Fn(Corpus) -> Engine,
) -> Result<Report> {
    let mut engines: HashMap<PathBuf, Engine> = HashMap::new();
    let mut predictions = Vec::with_capacity(cases.len());
    let mut decisions = Vec::with_capacity(cases.len());
    let mut replay = Replay::default();
    for case in cases {
        let own = own_article(case, sources);
        let engine = match (&own, engine) {
            (Some(path), _) => {
                if !engines.contains_key(path) {
                    let corpus = Corpus::load_file(path)?;
                    engines.insert(path.clone(), build(corpus));
                }
                &engines[path]
            }
            (None, Some(engine)) => engine,
            (None, None) => {
                return Err(Error::NoArticles {
                    id: case.id.clone(),
                });
            }
        };
        let (sentences, decision) = replay.answer(engine, own, case);
        predictions.push(sentences);
        decisions.push(decision);
    }
    let lines = |title: &str| {
        sources
            .squad
            .and_then(|dir| read_lines(&squad_article_path(dir, title)))
    };
    let (summary, failures) = score(cases, &predictions, lines);
    let kinds = by_kind(cases, &predictions, lines);
    Ok(Report {
        summary,
        kinds,
        failures,
        predictions,
        decisions,
    })
}

/// The file a case is answered from, when it has an article of its own.
fn own_article(case: &Case, sources: Sources<'_>) -> Option<PathBuf> {
    match (case.title(), &case.article) {
        (Some(title), _) => sources.squad.map(|dir| squad_article_path(dir, title)),
        (None, Some(article)) => sources
            .articles
            .map(|dir| dir.join(format!("{article}.txt"))),
        (None, None) => None,
    }
}

/// The figures per kind of case — standalone questions (one turn), follow-ups (a later turn
/// of a conversation) and unanswerable ones — when the set has more than one kind.
fn by_kind(
    cases: &[Case],
    predictions: &[Vec<String>],
    lines: impl Fn(&str) -> Option<Vec<String>> + Copy,
) -> Vec<(Kind, Summary)> {
    let kind_of = |case: &Case| match (case.answerable(), case.turns.len()) {
        (false, _) => Kind::Unanswerable,
        (true, 1) => Kind::Standalone,
        (true, _) => Kind::FollowUp,
    };
    let present: Vec<Kind> = [Kind::Standalone, Kind::FollowUp, Kind::Unanswerable]
        .into_iter()
        .filter(|k| cases.iter().any(|c| kind_of(c) == *k))
        .collect();
    if present.len() < 2 {
        return Vec::new();
    }
    present
        .into_iter()
        .map(|kind| {
            let (some, got): (Vec<Case>, Vec<Vec<String>>) = cases
                .iter()
                .zip(predictions)
                .filter(|(c, _)| kind_of(c) == kind)
                .map(|(c, p)| (c.clone(), p.clone()))
                .unzip();
            (kind, score(&some, &got, lines).0)
        })
        .collect()
}

/// Answers conversation cases without replaying them: a set lists a conversation of n
/// turns as n cases (turns 1, turns 1–2, …), so the context after the previous case is kept
/// and reused when the next case continues it on the same article. The answers are the same
/// as replaying every case from its first turn (`Engine::converse_turns`).
#[derive(Default)]
struct Replay {
    /// The article and turns answered last, and the context after them.
    last: Option<(Option<PathBuf>, Vec<String>, Context)>,
}

impl Replay {
    /// The sentences the engine returns for a case's last turn, each turn answered in the
    /// conversation context of the turns before it, and how that turn was read.
    fn answer(
        &mut self,
        engine: &Engine,
        article: Option<PathBuf>,
        case: &Case,
    ) -> (Vec<String>, String) {
        let Some((question, earlier)) = case.turns.split_last() else {
            return (Vec::new(), String::new());
        };
        let mut context = match self.last.take() {
            Some((a, turns, context)) if a == article && turns == earlier => context,
            _ => {
                let mut context = Context::default();
                for turn in earlier {
                    engine.converse(turn, &mut context, 0, DEFAULT_TTL);
                }
                context
            }
        };
        let reply = engine.converse(question, &mut context, 0, DEFAULT_TTL);
        self.last = Some((article, case.turns.clone(), context));
        let sentences = reply
            .answer
            .quotes()
            .iter()
            .map(|q| q.text.clone())
            .collect();
        (sentences, reply.decision.label())
    }
}

/// Writes `{"id", "sentences", "decision"}` lines for the team's scoring scripts (which
/// read `id` and `sentences`); `decision` says how the question was read, for diagnosis.
///
/// Errors: [`Error::Write`] when the file cannot be created or written.
pub fn write_predictions(path: &Path, cases: &[Case], report: &Report) -> Result<()> {
    let io_err = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    let mut file = std::io::BufWriter::new(fs::File::create(path).map_err(io_err)?);
    let decisions = report.decisions.iter().map(String::as_str);
    let rows = cases.iter().zip(&report.predictions).zip(decisions);
    for ((case, sentences), decision) in rows {
        let line = serde_json::json!({"id": case.id, "sentences": sentences, "decision": decision});
        writeln!(file, "{line}").map_err(io_err)?;
    }
    file.flush().map_err(io_err)
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
