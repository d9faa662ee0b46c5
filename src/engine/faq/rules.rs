//! The rules file: TOML `[[rule]]` tables read one by one, each rule validated on its own (so
//! one rule's problems do not hide another's), quote references resolved against the articles.

use serde::Deserialize;

use super::matcher::build;
use super::positions::{Positions, line_of};
use super::{Basis, Faq, MessageLimit, Problem, Rule};
use crate::corpus::Corpus;
use crate::engine::answer::{Answer, FaqAnswer, Quote};

/// The fields a rule table may have (what [`RawRule`] reads).
const RULE_FIELDS: &[&str] = &[
    "id",
    "questions",
    "keywords",
    "answer",
    "quote",
    "priority",
    "threshold",
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: Option<String>,
    #[serde(default)]
    questions: Vec<String>,
    #[serde(default)]
    keywords: Vec<String>,
    answer: Option<String>,
    #[serde(default)]
    quote: Vec<String>,
    #[serde(default)]
    priority: i32,
    threshold: Option<f32>,
}

/// A parsed rules file: the rules (when there is no error), every error, the rules left out
/// because their quotes do not resolve against these articles, and how many `[[rule]]`
/// tables the file has.
pub(super) struct Parsed {
    pub faq: Option<Faq>,
    pub errors: Vec<Problem>,
    pub skipped: Vec<Problem>,
    pub rules: usize,
}

/// Where in a rule a problem is, to find its line: the rule's header, a key, or item `n`
/// (from 0) of a list.
#[derive(Debug, Clone, Copy)]
enum Place<'k> {
    Rule,
    Key(&'k str),
    Item(&'k str, usize),
}

impl Place<'_> {
    /// The line of this place in rule `rule` (from 0), falling back to the key, then the
    /// rule's header.
    fn line(self, positions: &Positions, rule: usize) -> Option<usize> {
        match self {
            Place::Rule => positions.rule(rule),
            Place::Key(key) => positions.key(rule, key),
            Place::Item(key, n) => positions.item(rule, key, n),
        }
    }
}

/// Why a rule was not taken.
enum Rejected {
    /// The rule itself is wrong (a missing field, a bad value): the file must be fixed.
    Broken(Vec<Problem>),
    /// The rule is well formed but quotes what these articles do not have (an article that
    /// is not loaded, a paragraph past the end, a quote without an article name when there
    /// are several): the rule is left out and the others serve.
    Unresolved(Vec<Problem>),
}

/// Parses and validates a rules file's text against `basis`: the rules (when there is no
/// error, without those whose quotes do not resolve), every error, the unresolved rules, and
/// how many `[[rule]]` tables the file has. Each rule is read on its own, so one rule's
/// problems do not hide another's.
pub(super) fn parse(text: &str, basis: Basis<'_>, limit: &dyn MessageLimit) -> Parsed {
    let positions = Positions::new(text);
    let (entries, mut errors) = match rule_tables(text, &positions) {
        Ok(found) => found,
        Err(problem) => {
            return Parsed {
                faq: None,
                errors: vec![problem],
                skipped: Vec::new(),
                rules: 0,
            };
        }
    };
    let count = entries.len();
    let mut duplicates = duplicate_ids(&entries, &positions).into_iter();
    let mut rules = Vec::new();
    let mut skipped = Vec::new();
    for (i, entry) in entries.into_iter().enumerate() {
        errors.extend(duplicates.next().flatten());
        let name = rule_name(&entry, i);
        let at = Located {
            positions: &positions,
            rule: i,
            name: &name,
        };
        // Unknown fields are reported each at its line, and the rest of the rule is still
        // checked, so one report shows all that is wrong with it.
        let (entry, mut unknown) = without_unknown_fields(entry, &at);
        let checked = RawRule::deserialize(entry.clone())
            .map_err(|e| {
                let place = failing_field(&entry).map_or(Place::Rule, Place::Key);
                let message = match entry.is_table() {
                    true => one_line(e.message()),
                    false => "is not a table: write each rule as a [[rule]] table".to_string(),
                };
                Rejected::Broken(vec![at.problem(place, message)])
            })
            .and_then(|raw| validate_rule(raw, &at, basis, limit));
        match checked {
            Ok(rule) if unknown.is_empty() => rules.push(rule),
            Ok(_) => errors.append(&mut unknown),
            Err(Rejected::Unresolved(mut problems)) if unknown.is_empty() => {
                skipped.append(&mut problems);
            }
            Err(Rejected::Broken(mut problems) | Rejected::Unresolved(mut problems)) => {
                errors.append(&mut unknown);
                errors.append(&mut problems);
            }
        }
    }
    // In file order, as a maintainer reads them.
    errors.sort_by_key(|p| p.line.unwrap_or(usize::MAX));
    if count == 0 && errors.is_empty() {
        errors.push(file_problem(
            Some(1),
            "the file has no [[rule]] tables".into(),
        ));
    }
    let faq = errors
        .is_empty()
        .then(|| build(rules, basis, skipped.clone()));
    Parsed {
        faq,
        errors,
        skipped,
        rules: count,
    }
}

/// A problem of the file as a whole, at `line`.
fn file_problem(line: Option<usize>, message: String) -> Problem {
    Problem {
        line,
        column: None,
        rule: None,
        message,
    }
}

/// A rule being checked: where its parts are, its number (from 0) and how problems name it.
struct Located<'a> {
    positions: &'a Positions,
    rule: usize,
    name: &'a str,
}

impl Located<'_> {
    /// A problem of this rule at `place`.
    fn problem(&self, place: Place<'_>, message: String) -> Problem {
        Problem {
            line: place.line(self.positions, self.rule),
            column: None,
            rule: Some(self.name.to_string()),
            message,
        }
    }
}

/// The rule table without the fields a rule does not have, and an error for each of them at
/// its line.
fn without_unknown_fields(mut entry: toml::Value, at: &Located<'_>) -> (toml::Value, Vec<Problem>) {
    let Some(table) = entry.as_table_mut() else {
        return (entry, Vec::new());
    };
    let unknown: Vec<String> = table
        .keys()
        .filter(|k| !RULE_FIELDS.contains(&k.as_str()))
        .cloned()
        .collect();
    let expected = RULE_FIELDS
        .iter()
        .map(|f| format!("`{f}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let problems = unknown
        .iter()
        .map(|key| {
            table.remove(key);
            let message = format!("unknown field `{key}`, expected one of {expected}");
            at.problem(Place::Key(key), message)
        })
        .collect();
    (entry, problems)
}

/// The field of a rule table that serde refuses: the first unknown one, else the first whose
/// value has the wrong type (tried alone, since every field is optional).
fn failing_field(entry: &toml::Value) -> Option<&str> {
    let table = entry.as_table()?;
    if let Some(unknown) = table.keys().find(|k| !RULE_FIELDS.contains(&k.as_str())) {
        return Some(unknown);
    }
    table
        .iter()
        .map(|(k, v)| (k.as_str(), v))
        .find_map(|(key, value)| {
            let alone = toml::Table::from_iter([(key.to_string(), value.clone())]);
            RawRule::deserialize(toml::Value::Table(alone))
                .is_err()
                .then_some(key)
        })
}

/// The file's `[[rule]]` tables, and the problems of its top level; `Err` when it is not TOML.
fn rule_tables(
    text: &str,
    positions: &Positions,
) -> Result<(Vec<toml::Value>, Vec<Problem>), Problem> {
    let table: toml::Table = text.parse().map_err(|e| toml_error(text, &e))?;
    let mut errors: Vec<Problem> = table
        .keys()
        .filter(|k| k.as_str() != "rule")
        .map(|key| {
            file_problem(
                positions.top_key(key),
                format!("unknown top-level field `{key}`, expected `[[rule]]` tables"),
            )
        })
        .collect();
    let entries = match table.get("rule") {
        None => Vec::new(),
        Some(toml::Value::Array(entries)) => entries.clone(),
        Some(_) => {
            errors.push(file_problem(
                positions.top_key("rule"),
                "`rule` must be a list of `[[rule]]` tables".into(),
            ));
            Vec::new()
        }
    };
    Ok((entries, errors))
}

/// A rule table's non-empty `id`, trimmed.
fn rule_id(entry: &toml::Value) -> Option<String> {
    entry
        .get("id")
        .and_then(toml::Value::as_str)
        .map(|s| s.trim().to_string())
        .filter(|id| !id.is_empty())
}

/// How problems name rule `i` (from 0): its id, or `#n` when it has none.
fn rule_name(entry: &toml::Value, i: usize) -> String {
    rule_id(entry).unwrap_or_else(|| format!("#{}", i + 1))
}

/// For each rule, an error when an earlier rule already has its id (at the `id` line).
fn duplicate_ids(entries: &[toml::Value], positions: &Positions) -> Vec<Option<Problem>> {
    let mut seen: Vec<(String, usize)> = Vec::new();
    let mut problems = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let Some(id) = rule_id(entry) else {
            problems.push(None);
            continue;
        };
        let first = seen.iter().find(|(seen, _)| *seen == id).map(|(_, f)| *f);
        problems.push(first.map(|first| Problem {
            line: positions.key(i, "id"),
            column: None,
            rule: Some(id.clone()),
            message: format!(
                "rule #{} has the same id as rule #{}; ids must be unique",
                i + 1,
                first + 1
            ),
        }));
        seen.push((id, i));
    }
    problems
}

/// A serde or TOML message on one line: its lines trimmed and joined with `; `.
fn one_line(message: &str) -> String {
    message
        .trim()
        .lines()
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("; ")
}

/// The problem of a file that is not TOML, at the line and column of the error.
fn toml_error(text: &str, error: &toml::de::Error) -> Problem {
    let mut problem = file_problem(None, one_line(error.message()));
    if let Some(span) = error.span() {
        let start = span.start.min(text.len());
        let line_start = text.as_bytes()[..start]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |n| n + 1);
        let column = String::from_utf8_lossy(&text.as_bytes()[line_start..start])
            .chars()
            .count();
        problem.line = Some(line_of(text, start));
        problem.column = Some(column + 1);
    }
    problem
}

/// Checks one rule's fields and resolves its quotes: the rule, or every problem it has
/// ([`Rejected::Unresolved`] when its only problems are quotes these articles do not have).
fn validate_rule(
    raw: RawRule,
    at: &Located<'_>,
    basis: Basis<'_>,
    limit: &dyn MessageLimit,
) -> Result<Rule, Rejected> {
    let mut messages = field_problems(&raw);
    let mut quotes = Vec::new();
    let mut unresolved = Vec::new();
    for (n, reference) in raw.quote.iter().enumerate() {
        let place = Place::Item("quote", n);
        match resolve(reference, basis.corpus) {
            Ok(mut resolved) => quotes.append(&mut resolved),
            Err(error) if error.depends_on_articles() => {
                unresolved.push((place, error.to_string()));
            }
            Err(error) => messages.push((place, error.to_string())),
        }
    }
    let problems = |messages: Vec<(Place<'_>, String)>| -> Vec<Problem> {
        messages
            .into_iter()
            .map(|(place, message)| at.problem(place, message))
            .collect()
    };
    if !unresolved.is_empty() {
        return Err(if messages.is_empty() {
            Rejected::Unresolved(problems(unresolved))
        } else {
            messages.append(&mut unresolved);
            Rejected::Broken(problems(messages))
        });
    }
    let raw_has_answer = raw.answer.is_some();
    let rule = Rule {
        id: at.name.to_string(),
        questions: raw.questions,
        keywords: raw.keywords,
        answer: raw.answer.unwrap_or_default().trim().to_string(),
        quotes,
        priority: raw.priority,
        threshold: raw.threshold.unwrap_or(basis.params.faq_threshold),
        own_threshold: raw.threshold,
    };
    let answer = Answer::Faq(FaqAnswer {
        rule: rule.id.clone(),
        text: rule.answer.clone(),
        quotes: rule.quotes.clone(),
        score: 1.0,
    });
    let answer_place = if raw_has_answer {
        Place::Key("answer")
    } else {
        Place::Key("quote")
    };
    messages.extend(limit.exceeded(&answer).map(|m| (answer_place, m)));
    if messages.is_empty() {
        return Ok(rule);
    }
    Err(Rejected::Broken(problems(messages)))
}

/// What is wrong with a rule's own fields (its quotes aside), and where.
fn field_problems(raw: &RawRule) -> Vec<(Place<'static>, String)> {
    let mut problems = Vec::new();
    if raw
        .id
        .as_deref()
        .map(str::trim)
        .unwrap_or_default()
        .is_empty()
    {
        problems.push((Place::Key("id"), "has no id".into()));
    }
    if raw.questions.is_empty() && raw.keywords.is_empty() {
        let message = "has no example questions and no keywords".into();
        problems.push((Place::Key("questions"), message));
    }
    for (n, q) in raw.questions.iter().enumerate() {
        if q.trim().is_empty() {
            let message = format!("example question {} is empty", n + 1);
            problems.push((Place::Item("questions", n), message));
        }
    }
    if let Some(n) = raw.keywords.iter().position(|k| k.trim().is_empty()) {
        problems.push((Place::Item("keywords", n), "has an empty keyword".into()));
    }
    let answer = raw.answer.as_deref().unwrap_or_default();
    if answer.trim().is_empty() && raw.quote.is_empty() {
        let message = "has no answer: give `answer` text, `quote` references, or both".into();
        problems.push((Place::Key("answer"), message));
    }
    if let Some(t) = raw.threshold
        && !(0.0..=1.0).contains(&t)
    {
        let message = format!("threshold {t} is outside 0..=1");
        problems.push((Place::Key("threshold"), message));
    }
    problems
}

/// Why a quote reference does not resolve.
#[derive(Debug, thiserror::Error)]
enum QuoteError {
    /// The reference names an article that is not loaded.
    #[error("quote {reference:?}: no article named {name:?}")]
    NoArticle { reference: String, name: String },
    /// Several articles are loaded and the reference names none.
    #[error("quote {reference:?}: there are several articles; write name:{place}")]
    NoArticleNamed { reference: String, place: String },
    /// Neither `8` nor `8.2`.
    #[error("quote {reference:?}: expected a paragraph number (8) or paragraph.sentence (8.2)")]
    Malformed { reference: String },
    /// The article has fewer paragraphs.
    #[error("quote {reference:?}: {article} has no paragraph {paragraph} (it has {count})")]
    NoParagraph {
        reference: String,
        article: String,
        paragraph: usize,
        count: usize,
    },
    /// The paragraph has fewer sentences.
    #[error(
        "quote {reference:?}: paragraph {paragraph} has no sentence {sentence} (it has {count})"
    )]
    NoSentence {
        reference: String,
        paragraph: usize,
        sentence: usize,
        count: usize,
    },
}

impl QuoteError {
    /// True when the reference is well formed and only these articles lack what it names, so
    /// the same rule may serve another set of articles.
    fn depends_on_articles(&self) -> bool {
        !matches!(self, QuoteError::Malformed { .. })
    }
}

/// Resolves `"8"` (¶8), `"8.2"` (¶8, sentence 2) or `"article:8.2"` to quotes.
fn resolve(reference: &str, corpus: &Corpus) -> Result<Vec<Quote>, QuoteError> {
    let (article_name, place) = match reference.rsplit_once(':') {
        Some((name, place)) => (Some(name.trim()), place.trim()),
        None => (None, reference.trim()),
    };
    let article = match article_name {
        Some(name) => corpus
            .articles
            .iter()
            .find(|a| a.name == name)
            .ok_or_else(|| QuoteError::NoArticle {
                reference: reference.to_string(),
                name: name.to_string(),
            })?,
        None if corpus.articles.len() == 1 => &corpus.articles[0],
        None => {
            return Err(QuoteError::NoArticleNamed {
                reference: reference.to_string(),
                place: place.to_string(),
            });
        }
    };
    let (paragraph, sentence) = place_numbers(place).ok_or_else(|| QuoteError::Malformed {
        reference: reference.to_string(),
    })?;
    let p = article
        .paragraphs
        .iter()
        .find(|p| p.number == paragraph)
        .ok_or_else(|| QuoteError::NoParagraph {
            reference: reference.to_string(),
            article: article.name.clone(),
            paragraph,
            count: article.paragraphs.len(),
        })?;
    let sentences: Vec<_> = match sentence {
        Some(n) => vec![p.sentences.iter().find(|s| s.number == n).ok_or_else(|| {
            QuoteError::NoSentence {
                reference: reference.to_string(),
                paragraph,
                sentence: n,
                count: p.sentences.len(),
            }
        })?],
        None => p.sentences.iter().collect(),
    };
    Ok(sentences
        .into_iter()
        .map(|s| Quote::new(article, p, s, 1.0))
        .collect())
}

/// `8` → (8, None), `8.2` → (8, Some(2)), `¶8` → (8, None); `None` for anything else.
fn place_numbers(place: &str) -> Option<(usize, Option<usize>)> {
    match place.split_once('.') {
        Some((p, s)) => Some((p.trim().parse().ok()?, Some(s.trim().parse().ok()?))),
        None => Some((place.trim_start_matches('¶').parse().ok()?, None)),
    }
}
