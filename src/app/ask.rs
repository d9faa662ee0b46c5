//! The `ask` command: answers one question, or each line of standard input, and prints the
//! answer as plain text, as JSON ([`AskJson`], the format external evaluation reads) or with
//! its explanation.

use std::io::{self, BufRead, Write};
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use serde::{Deserialize, Serialize};

use crate::app::cli::AskArgs;
use crate::app::config::Config;
use crate::app::setup;
use crate::chat::lang::Lang;
use crate::chat::reply::{Fixed, Plain};
use crate::engine::conversation::Decision;
use crate::engine::explain::Explanation;
use crate::engine::{Abstention, Answer, Engine, Quote};

/// One answer as `ask --json` prints it, keys in this order: `{"question", "source",
/// "sentences": [{"text", "article", "title", "paragraph", "sentence", "score"}]}`, plus
/// `"rule"` and `"text"` for a FAQ answer, `"reason"` for an abstention and `"error"` for an
/// input line that is not a question.
#[derive(Debug, Serialize)]
pub struct AskJson<'a> {
    /// The question answered, as asked.
    pub question: &'a str,
    /// `"article"`, `"faq"` or `"none"`.
    pub source: &'static str,
    /// The quoted sentences, best first (a FAQ rule's quotes in its order).
    pub sentences: Vec<SentenceJson<'a>>,
    /// The FAQ rule's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<&'a str>,
    /// The FAQ rule's own text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<&'a str>,
    /// Why the engine abstained (`"no_terms"`, `"no_match"`, `"low_coverage"`, `"unsaid"`,
    /// `"no_number"`, `"no_date"`, `"unknown_script"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<Abstention>,
    /// Why an input line was not answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// One quoted sentence in [`AskJson`]; `paragraph` and `sentence` are 1-based and `score`
/// is rounded to three decimals.
#[derive(Debug, Serialize)]
pub struct SentenceJson<'a> {
    /// The sentence exactly as it stands in the article.
    pub text: &'a str,
    /// The article's file name without `.txt`.
    pub article: &'a str,
    /// The article's title.
    pub title: &'a str,
    /// 1-based paragraph number.
    pub paragraph: usize,
    /// 1-based sentence number within the paragraph.
    pub sentence: usize,
    /// Ranking score, rounded to three decimals.
    pub score: f64,
}

impl<'a> SentenceJson<'a> {
    fn new(quote: &'a Quote) -> Self {
        SentenceJson {
            text: &quote.text,
            article: &quote.article,
            title: &quote.title,
            paragraph: quote.paragraph,
            sentence: quote.sentence,
            score: (f64::from(quote.score) * 1000.0).round() / 1000.0,
        }
    }
}

impl<'a> AskJson<'a> {
    /// `answer` to `question`.
    pub fn new(question: &'a str, answer: &'a Answer) -> Self {
        let (rule, text, reason) = match answer {
            Answer::Faq(faq) => (Some(faq.rule.as_str()), Some(faq.text.as_str()), None),
            Answer::NotFound(reason) => (None, None, Some(*reason)),
            Answer::Article(_) => (None, None, None),
        };
        AskJson {
            question,
            source: answer.source(),
            sentences: answer.quotes().iter().map(SentenceJson::new).collect(),
            rule,
            text,
            reason,
            error: None,
        }
    }

    /// The line `line`, not answered because of `error`.
    pub fn unanswered(line: &'a str, error: &LineError) -> Self {
        AskJson {
            question: line,
            source: "none",
            sentences: Vec::new(),
            rule: None,
            text: None,
            reason: None,
            error: Some(error.to_string()),
        }
    }
}

/// Why a line of `ask -` input is not a question.
#[derive(Debug, thiserror::Error)]
pub enum LineError {
    /// A JSON object with neither non-empty `"turns"` nor `"question"`.
    #[error("a JSON line needs \"turns\": [\"question\", …] (not empty) or \"question\"")]
    Shape,
    /// A JSON object whose fields have the wrong types.
    #[error("not a question line: {0}")]
    Fields(serde_json::Error),
    /// With `--json`, a line that is JSON but not an object (`[1,2]`, `"text"`, `42`).
    #[error("a JSON line must be an object: {{\"question\": …}} or {{\"turns\": […]}}")]
    NotAnObject,
}

/// `ask`: answers the question (or each line of standard input for `-`: a question, or a
/// JSON object `{"turns": [...]}` whose last turn is answered in the context of the others).
///
/// Errors: the question is empty, the engine cannot be built, or standard input or output
/// fails.
pub fn run(config: &Config, args: &AskArgs) -> Result<ExitCode> {
    let question = args.question.join(" ");
    if question.trim().is_empty() {
        anyhow::bail!(
            "the question is empty: ask something about the article, or - to read questions from standard input"
        );
    }
    let engine = setup::engine(config)?;
    let stdout = io::stdout();
    let mut out = stdout.lock();
    if args.question.len() == 1 && args.question[0] == "-" {
        answer_lines(&engine, args, io::stdin().lock(), &mut out)?;
    } else {
        print_answer(&engine, &[question], args, &mut out)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// One answer per input line, in order, blank lines included; bytes that are not UTF-8 are
/// replaced rather than ending the batch.
fn answer_lines(
    engine: &Engine,
    args: &AskArgs,
    mut input: impl BufRead,
    out: &mut impl Write,
) -> Result<()> {
    let mut line = Vec::new();
    while input
        .read_until(b'\n', &mut line)
        .context("cannot read standard input")?
        > 0
    {
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\n', '\r']);
        match turns_of(text, args.json) {
            Ok(turns) => print_answer(engine, &turns, args, out)?,
            Err(why) if args.json => writeln!(
                out,
                "{}",
                serde_json::to_string(&AskJson::unanswered(text, &why))?
            )?,
            Err(why) => writeln!(out, "error: {why}")?,
        }
        out.flush()?;
        line.clear();
    }
    Ok(())
}

/// The turns a line of `ask -` input holds: `{"turns": [...]}`, `{"question": "..."}`, or
/// the line itself as one question (also a line that starts with a brace but is not JSON).
/// With `json` (`ask --json -`), a line that parses as JSON must be an object.
///
/// Errors: a JSON object of another shape, or with `json` a JSON value that is not an
/// object ([`LineError`]).
pub fn turns_of(line: &str, json: bool) -> Result<Vec<String>, LineError> {
    // Other fields (an eval set's "id", "gold", "title"…) are ignored.
    #[derive(Deserialize)]
    struct Line {
        turns: Option<Vec<String>>,
        question: Option<String>,
    }
    if !line.trim_start().starts_with('{') {
        let parsed = || serde_json::from_str::<serde_json::Value>(line).is_ok();
        if json && !line.trim().is_empty() && parsed() {
            return Err(LineError::NotAnObject);
        }
        return Ok(vec![line.to_string()]);
    }
    let Ok(value) = serde_json::from_str::<serde_json::Value>(line) else {
        // Not JSON after all: a question that happens to start with a brace.
        return Ok(vec![line.to_string()]);
    };
    match serde_json::from_value::<Line>(value) {
        Ok(Line {
            turns: Some(turns), ..
        }) if !turns.is_empty() => Ok(turns),
        Ok(Line {
            question: Some(question),
            turns: None,
        }) => Ok(vec![question]),
        Ok(_) => Err(LineError::Shape),
        Err(e) => Err(LineError::Fields(e)),
    }
}

/// Answers the last of `turns` in the context of the ones before and prints it.
fn print_answer(
    engine: &Engine,
    turns: &[String],
    args: &AskArgs,
    out: &mut impl Write,
) -> Result<()> {
    let (Some(reply), Some(last)) = (engine.converse_turns(turns), turns.last()) else {
        return Ok(());
    };
    let earlier = &turns[..turns.len() - 1];
    if args.explain {
        // A FAQ answer skips retrieval; show what the article would have answered beside it.
        let (query, ranking) = match reply.decision {
            Decision::Faq => engine.ranking(last),
            _ => (reply.query, reply.ranking),
        };
        let mut explanation = Explanation::new(engine, last, reply.answer, &query, &ranking);
        if !earlier.is_empty() || reply.decision == Decision::AboutTheArticle {
            explanation.note(reply.decision.to_string());
        }
        writeln!(out, "{explanation}\n")?;
    } else if args.json {
        let json = serde_json::to_string(&AskJson::new(last, &reply.answer))?;
        writeln!(out, "{json}")?;
    } else if let Answer::NotFound(why) = reply.answer {
        // `ask` is for scripts and evaluation: its words stay English whatever the locale,
        // and short, except to say which languages it reads.
        let said = match why {
            Abstention::UnknownScript => Fixed::UnknownScript,
            _ => Fixed::NotFoundShort,
        };
        writeln!(out, "{}", said.text(Lang::En))?;
    } else {
        writeln!(out, "{}", Plain(&reply.answer, Lang::En))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_lines_are_questions_or_json_turns() {
        for json in [false, true] {
            assert_eq!(turns_of("Who called?", json).unwrap(), ["Who called?"]);
            assert_eq!(turns_of("{not json", json).unwrap(), ["{not json"]);
            assert_eq!(turns_of("", json).unwrap(), [""]);
            assert_eq!(
                turns_of(r#"{"turns": ["a", "b"], "id": "x"}"#, json).unwrap(),
                ["a", "b"]
            );
            assert_eq!(turns_of(r#"{"question": "q"}"#, json).unwrap(), ["q"]);
            assert!(matches!(
                turns_of(r#"{"turns": []}"#, json),
                Err(LineError::Shape)
            ));
            assert!(matches!(
                turns_of(r#"{"turns": ["a", 5]}"#, json),
                Err(LineError::Fields(_))
            ));
        }
        // With --json, JSON that is not an object is an error, not a question; as plain
        // text it is a question like any other.
        for line in ["[1,2]", r#""just a string""#, "42", "null"] {
            assert!(
                matches!(turns_of(line, true), Err(LineError::NotAnObject)),
                "{line}"
            );
            assert_eq!(turns_of(line, false).unwrap(), [line]);
        }
    }

    #[test]
    fn json_keeps_its_key_order_and_rounds_scores() {
        let quote = Quote {
            text: "It rained.".into(),
            article: "a".into(),
            title: "A".into(),
            paragraph: 2,
            sentence: 1,
            score: 0.123_456,
        };
        let answer = Answer::Article(vec![quote]);
        let json = serde_json::to_string(&AskJson::new("q", &answer)).unwrap();
        assert_eq!(
            json,
            r#"{"question":"q","source":"article","sentences":[{"text":"It rained.","article":"a","title":"A","paragraph":2,"sentence":1,"score":0.123}]}"#
        );
        let none = Answer::NotFound(Abstention::NoMatch);
        let json = serde_json::to_string(&AskJson::new("q", &none)).unwrap();
        assert_eq!(
            json,
            r#"{"question":"q","source":"none","sentences":[],"reason":"no_match"}"#
        );
    }
}
