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
use crate::search::rank::Params;

pub use cases::{Case, Gold, Span, check_format, load_cases, parse_cases};
pub use score::{Failure, Report, Summary, score};

/// Answers every case and scores the answers. Article-format cases are answered by
/// `engine`; SQuAD cases by an engine over `<squad_dir>/<title>.txt`, built once per title
/// with `params`. Conversation cases are answered turn by turn in one context.
///
/// Errors: [`Error::Corpus`] when a SQuAD article cannot be loaded, [`Error::NoArticles`]
/// when article cases come without an engine.
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
                return Err(Error::NoArticles {
                    id: case.id.clone(),
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
///
/// Errors: [`Error::Write`] when the file cannot be created or written.
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
