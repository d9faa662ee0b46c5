//! FAQ rules that maintainers write: the rules file (TOML), matching a question against the
//! rules with the scorer article retrieval uses, and the checks behind `faq check`.
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

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;

use crate::corpus::Corpus;
use crate::corpus::error::{Error, Result};
use crate::engine::answer::{Answer, Engine, FaqAnswer, Quote};
use crate::search::index::TermIndex;
use crate::search::overlap::QueryView;
use crate::search::params::Params;
use crate::search::query::Query;
use crate::text::analyze::{Analyzer, Token};

/// How well a question must match a rule, by default (0..=1).
pub const DEFAULT_THRESHOLD: f32 = 0.7;
/// Two rules whose scores for a question differ by less than this are a near-tie.
pub const NEAR_TIE: f32 = 0.05;

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
    /// Smallest score at which the rule answers.
    pub threshold: f32,
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
#[derive(Debug)]
pub struct Faq {
    rules: Vec<Rule>,
    index: TermIndex,
    units: Vec<(usize, Phrasing)>,
    analyzer: Arc<Analyzer>,
    params: Params,
}

/// A problem found in a rules file: one line, naming the rule when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The rule's id (or `#n` for a rule without one), if the problem is in a rule.
    pub rule: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.rule {
            Some(rule) => write!(f, "rule {rule}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// The outcome of checking a rules file.
#[derive(Debug)]
pub struct Checked {
    /// The rules, when there were no errors.
    pub faq: Option<Faq>,
    /// Problems that make the file unusable.
    pub errors: Vec<Problem>,
    /// Problems worth a look that do not stop the file from loading.
    pub warnings: Vec<Problem>,
    /// How many `[[rule]]` tables the file has, valid or not.
    pub rules: usize,
}

impl Faq {
    /// The rules, in file order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The scores of the rules that share a term with `question`, best first (ties: higher
    /// priority, then file order). Rules that share none score 0 and are left out.
    pub fn scores(&self, question: &str) -> Vec<RuleScore> {
        self.scores_of(self.analyzer.analyze(question), &|_| false)
    }

    /// [`Faq::scores`] for a question already analysed.
    /// `known(stem)` tells words known elsewhere (the article's): they are not matched fuzzily.
    pub fn scores_of(&self, tokens: Vec<Token>, known: &dyn Fn(&str) -> bool) -> Vec<RuleScore> {
        let tokens = content_or_all(tokens);
        let fuzzy = |t: &Token| !known(&t.stem);
        let query = Query::from_tokens_with(&self.index, &self.params, tokens, &[], &fuzzy);
        let view = QueryView::new(&query);
        // Only units holding one of the question's terms can score above 0.
        let mut candidates: Vec<u32> = query
            .terms
            .iter()
            .flat_map(|q| &q.matches)
            .flat_map(|m| self.index.postings(m.term))
            .map(|p| p.unit)
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        // Best (score, unit) per rule, among the candidates (units are grouped by rule).
        let mut best: Vec<(usize, f32, u32)> = Vec::new();
        let mut scratch = Vec::new();
        for unit in candidates {
            let (rule, kind) = self.units[unit as usize];
            let overlap = view.overlap(&self.index, self.index.unit_terms(unit), &mut scratch);
            let score = match kind {
                Phrasing::Question(_) => overlap.f1(),
                Phrasing::Keywords => overlap.question,
            };
            match best.last_mut() {
                Some(last) if last.0 == rule => {
                    if score > last.1 {
                        *last = (rule, score, unit);
                    }
                }
                _ => best.push((rule, score, unit)),
            }
        }
        let mut best: Vec<RuleScore> = best
            .into_iter()
            .filter(|&(_, score, _)| score > 0.0)
            .map(|(rule, score, unit)| RuleScore {
                rule,
                score,
                matched: self.units[unit as usize].1,
            })
            .collect();
        best.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(
                    self.rules[b.rule]
                        .priority
                        .cmp(&self.rules[a.rule].priority),
                )
                .then(a.rule.cmp(&b.rule))
        });
        best
    }

    /// The phrasing that gave `score`: an example question, or `keywords: …`; `None` for a
    /// score from another set of rules that this one does not have.
    pub fn matched(&self, score: &RuleScore) -> Option<String> {
        let rule = self.rules.get(score.rule)?;
        match score.matched {
            Phrasing::Question(n) => rule.questions.get(n).cloned(),
            Phrasing::Keywords => Some(format!("keywords: {}", rule.keywords.join(", "))),
        }
    }

    /// The rule that answers `question`: the best-scoring rule whose threshold the score
    /// reaches; `None` when no rule matches well enough.
    pub fn best(&self, question: &str) -> Option<RuleScore> {
        self.best_of(self.analyzer.analyze(question), &|_| false)
    }

    /// [`Faq::best`] for a question already analysed.
    pub fn best_of(&self, tokens: Vec<Token>, known: &dyn Fn(&str) -> bool) -> Option<RuleScore> {
        self.scores_of(tokens, known)
            .into_iter()
            .find(|s| s.score >= self.rules[s.rule].threshold)
    }

    /// The answer a rule gives.
    pub fn answer(&self, score: &RuleScore) -> Answer {
        let rule = &self.rules[score.rule];
        Answer::Faq(FaqAnswer {
            rule: rule.id.clone(),
            text: rule.answer.clone(),
            quotes: rule.quotes.clone(),
            score: score.score,
        })
    }
}

/// Analysed tokens as FAQ matching sees them: question words (`who`, `when`…) count, since
/// they tell `who published it?` from `when was it published?`; and when a question has
/// nothing else (`who are you?`), all its words count, since they are all it has.
fn content_or_all(mut tokens: Vec<Token>) -> Vec<Token> {
    let is_wh = |t: &Token| QUESTION_WORDS.contains(&t.text.as_str());
    let only_question_words = tokens.iter().all(|t| t.stop || is_wh(t));
    for token in &mut tokens {
        if only_question_words || is_wh(token) {
            token.stop = false;
        }
    }
    tokens
}

/// Question words, kept as terms in FAQ matching.
const QUESTION_WORDS: &[&str] = &[
    "how", "what", "when", "where", "which", "who", "whom", "whose", "why",
];

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

/// Reads and validates a rules file (without the warnings, which only `faq check` needs);
/// errors name the file and the first problem.
pub fn load(path: &Path, engine: &Engine, limit: &dyn MessageLimit) -> Result<Faq> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let (faq, errors, _) = validate(&text, engine, limit);
    match (faq, errors.first()) {
        (Some(faq), None) => Ok(faq),
        (_, first) => Err(Error::Faq {
            path: path.to_path_buf(),
            message: match (first, errors.len()) {
                (Some(first), 1) => first.to_string(),
                (Some(first), n) => {
                    format!("{first} (and {} more; run `article-qa faq check`)", n - 1)
                }
                (None, _) => "no rules".to_string(),
            },
        }),
    }
}

/// Checks a rules file's text against the engine's articles. Errors: TOML syntax (with line
/// and column), unknown fields, missing or duplicate ids, empty questions or answers, quotes
/// of paragraphs or sentences that do not exist, answers too long for one Telegram message.
/// Warnings: example questions another rule matches as well or better, and example questions
/// the article already answers (with at least two of their words) with more confidence than
/// the rule's other phrasings would.
pub fn check(text: &str, engine: &Engine, limit: &dyn MessageLimit) -> Checked {
    let (faq, errors, rules) = validate(text, engine, limit);
    let warnings = faq
        .as_ref()
        .map(|faq| warnings(faq, engine))
        .unwrap_or_default();
    Checked {
        faq,
        errors,
        warnings,
        rules,
    }
}

/// Parses and validates a rules file: the rules (when there is no error), every error, and
/// how many `[[rule]]` tables the file has. Each rule is read on its own, so one rule's
/// problems do not hide another's.
fn validate(
    text: &str,
    engine: &Engine,
    limit: &dyn MessageLimit,
) -> (Option<Faq>, Vec<Problem>, usize) {
    let file_problem = |message: String| Problem {
        rule: None,
        message,
    };
    let table: toml::Table = match text.parse() {
        Ok(table) => table,
        Err(e) => return (None, vec![file_problem(toml_error(text, &e))], 0),
    };
    let mut errors = Vec::new();
    for key in table.keys().filter(|k| k.as_str() != "rule") {
        errors.push(file_problem(format!(
            "unknown top-level field `{key}`, expected `[[rule]]` tables"
        )));
    }
    let entries = match table.get("rule") {
        None => Vec::new(),
        Some(toml::Value::Array(entries)) => entries.clone(),
        Some(_) => {
            errors.push(file_problem(
                "`rule` must be a list of `[[rule]]` tables".into(),
            ));
            Vec::new()
        }
    };
    let count = entries.len();
    let mut seen_ids: Vec<(String, usize)> = Vec::new();
    let mut rules = Vec::new();
    for (i, entry) in entries.into_iter().enumerate() {
        let id = entry
            .get("id")
            .and_then(toml::Value::as_str)
            .map(|s| s.trim().to_string());
        let name = id
            .clone()
            .filter(|id| !id.is_empty())
            .unwrap_or_else(|| format!("#{}", i + 1));
        if let Some(id) = id.filter(|id| !id.is_empty()) {
            if let Some((_, first)) = seen_ids.iter().find(|(seen, _)| *seen == id) {
                errors.push(Problem {
                    rule: Some(name.clone()),
                    message: format!(
                        "rule #{} has the same id as rule #{}; ids must be unique",
                        i + 1,
                        first + 1
                    ),
                });
            }
            seen_ids.push((id, i));
        }
        let raw = match RawRule::deserialize(entry) {
            Ok(raw) => raw,
            Err(e) => {
                errors.push(Problem {
                    rule: Some(name),
                    message: e
                        .message()
                        .trim()
                        .lines()
                        .map(str::trim)
                        .collect::<Vec<_>>()
                        .join("; "),
                });
                continue;
            }
        };
        match validate_rule(raw, name, engine.corpus(), limit) {
            Ok(rule) => rules.push(rule),
            Err(mut problems) => errors.append(&mut problems),
        }
    }
    if count == 0 && errors.is_empty() {
        errors.push(file_problem("the file has no [[rule]] tables".into()));
    }
    if !errors.is_empty() {
        return (None, errors, count);
    }
    (Some(build(rules, engine)), errors, count)
}

/// "line L, column C: message" from a TOML error.
fn toml_error(text: &str, error: &toml::de::Error) -> String {
    let message = error
        .message()
        .trim()
        .lines()
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("; ");
    match error.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            format!("line {line}, column {column}: {message}")
        }
        None => message,
    }
}

fn validate_rule(
    raw: RawRule,
    name: String,
    corpus: &Corpus,
    limit: &dyn MessageLimit,
) -> std::result::Result<Rule, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut problem = |message: String| {
        problems.push(Problem {
            rule: Some(name.clone()),
            message,
        })
    };
    if raw
        .id
        .as_deref()
        .map(str::trim)
        .unwrap_or_default()
        .is_empty()
    {
        problem("has no id".into());
    }
    if raw.questions.is_empty() && raw.keywords.is_empty() {
        problem("has no example questions and no keywords".into());
    }
    for (n, q) in raw.questions.iter().enumerate() {
        if q.trim().is_empty() {
            problem(format!("example question {} is empty", n + 1));
        }
    }
    if raw.keywords.iter().any(|k| k.trim().is_empty()) {
        problem("has an empty keyword".into());
    }
    let answer = raw.answer.clone().unwrap_or_default();
    if answer.trim().is_empty() && raw.quote.is_empty() {
        problem("has no answer: give `answer` text, `quote` references, or both".into());
    }
    if let Some(t) = raw.threshold
        && !(0.0..=1.0).contains(&t)
    {
        problem(format!("threshold {t} is outside 0..=1"));
    }
    let mut quotes = Vec::new();
    for reference in &raw.quote {
        match resolve(reference, corpus) {
            Ok(mut resolved) => quotes.append(&mut resolved),
            Err(message) => problem(message),
        }
    }
    let rule = Rule {
        id: name.clone(),
        questions: raw.questions,
        keywords: raw.keywords,
        answer: answer.trim().to_string(),
        quotes,
        priority: raw.priority,
        threshold: raw.threshold.unwrap_or(DEFAULT_THRESHOLD),
    };
    let answer = Answer::Faq(FaqAnswer {
        rule: rule.id.clone(),
        text: rule.answer.clone(),
        quotes: rule.quotes.clone(),
        score: 1.0,
    });
    if let Some(why) = limit.exceeded(&answer) {
        problem(why);
    }
    if problems.is_empty() {
        Ok(rule)
    } else {
        Err(problems)
    }
}

/// Resolves `"8"` (¶8), `"8.2"` (¶8, sentence 2) or `"article:8.2"` to quotes.
fn resolve(reference: &str, corpus: &Corpus) -> std::result::Result<Vec<Quote>, String> {
    let (article_name, place) = match reference.rsplit_once(':') {
        Some((name, place)) => (Some(name.trim()), place.trim()),
        None => (None, reference.trim()),
    };
    let article = match article_name {
        Some(name) => corpus
            .articles
            .iter()
            .find(|a| a.name == name)
            .ok_or_else(|| format!("quote {reference:?}: no article named {name:?}"))?,
        None if corpus.articles.len() == 1 => &corpus.articles[0],
        None => {
            return Err(format!(
                "quote {reference:?}: there are several articles; write name:{place}"
            ));
        }
    };
    let bad = || {
        format!("quote {reference:?}: expected a paragraph number (8) or paragraph.sentence (8.2)")
    };
    let (paragraph, sentence) = match place.split_once('.') {
        Some((p, s)) => (
            p.trim().parse::<usize>().map_err(|_| bad())?,
            Some(s.trim().parse::<usize>().map_err(|_| bad())?),
        ),
        None => (
            place
                .trim_start_matches('¶')
                .parse::<usize>()
                .map_err(|_| bad())?,
            None,
        ),
    };
    let p = article
        .paragraphs
        .iter()
        .find(|p| p.number == paragraph)
        .ok_or_else(|| {
            format!(
                "quote {reference:?}: {} has no paragraph {paragraph} (it has {})",
                article.name,
                article.paragraphs.len()
            )
        })?;
    let sentences: Vec<_> = match sentence {
        Some(n) => vec![p.sentences.iter().find(|s| s.number == n).ok_or_else(|| {
            format!(
                "quote {reference:?}: paragraph {paragraph} has no sentence {n} (it has {})",
                p.sentences.len()
            )
        })?],
        None => p.sentences.iter().collect(),
    };
    Ok(sentences
        .into_iter()
        .map(|s| Quote::new(article, p, s, 1.0))
        .collect())
}

/// Indexes the rules' example questions and keywords.
fn build(rules: Vec<Rule>, engine: &Engine) -> Faq {
    let analyzer = engine.analyzer();
    let mut units = Vec::new();
    let mut analysed: Vec<(u32, Vec<Token>)> = Vec::new();
    for (r, rule) in rules.iter().enumerate() {
        for (n, question) in rule.questions.iter().enumerate() {
            units.push((r, Phrasing::Question(n)));
            analysed.push((r as u32, content_or_all(analyzer.analyze(question))));
        }
        if !rule.keywords.is_empty() {
            units.push((r, Phrasing::Keywords));
            analysed.push((
                r as u32,
                content_or_all(analyzer.analyze(&rule.keywords.join(" "))),
            ));
        }
    }
    let index = TermIndex::build(analysed.iter().map(|(g, t)| (*g, t.as_slice())));
    Faq {
        rules,
        index,
        units,
        analyzer,
        params: *engine.params(),
    }
}

/// Near-ties between rules, and example questions the article answers better.
fn warnings(faq: &Faq, engine: &Engine) -> Vec<Problem> {
    let known = |stem: &str| engine.index().terms.contains(stem);
    let mut warnings = Vec::new();
    for (r, rule) in faq.rules.iter().enumerate() {
        for question in &rule.questions {
            let scores = faq.scores_of(faq.analyzer.analyze(question), &known);
            let own = scores.iter().find(|s| s.rule == r).map_or(0.0, |s| s.score);
            let rival = scores
                .iter()
                .find(|s| s.rule != r && s.score >= own - NEAR_TIE);
            if let Some(other) = rival {
                let relation = if other.score > own {
                    "matched better"
                } else {
                    "matched as well"
                };
                warnings.push(Problem {
                    rule: Some(rule.id.clone()),
                    message: format!(
                        "example {question:?} is {relation} by rule {} ({:.2} vs {own:.2}); ties go to the higher priority, then the earlier rule",
                        faq.rules[other.rule].id, other.score
                    ),
                });
            }
            let (query, ranking) = engine.ranking(question);
            let found_words = query.words().filter(|q| !q.matches.is_empty()).count();
            let article_answers =
                matches!(engine.decide(&query, &ranking), Answer::Article(_)) && found_words >= 2;
            let without = faq.score_without(r, question);
            if article_answers && ranking.coverage > without {
                let rule_side = if rule.questions.len() == 1 && rule.keywords.is_empty() {
                    "and this is the rule's only phrasing, so the rule hides that answer"
                        .to_string()
                } else {
                    format!("better than the rule's other phrasings match it ({without:.2})")
                };
                warnings.push(Problem {
                    rule: Some(rule.id.clone()),
                    message: format!(
                        "example {question:?} is already answered by the article (coverage {:.2}), {rule_side}",
                        ranking.coverage
                    ),
                });
            }
        }
    }
    warnings
}

impl Faq {
    /// A rule's score for `question` counting only its other phrasings and its keywords (the
    /// example itself left out), as the checker compares it with the article.
    fn score_without(&self, rule: usize, question: &str) -> f32 {
        let tokens = content_or_all(self.analyzer.analyze(question));
        let query = Query::from_tokens(&self.index, &self.params, tokens, &[]);
        let view = QueryView::new(&query);
        let mut scratch = Vec::new();
        let mut best = 0.0f32;
        for (unit, &(r, kind)) in self.units.iter().enumerate() {
            if r != rule {
                continue;
            }
            let score = match kind {
                Phrasing::Question(n) if self.rules[r].questions[n] == question => continue,
                Phrasing::Question(_) => view
                    .overlap(
                        &self.index,
                        self.index.unit_terms(unit as u32),
                        &mut scratch,
                    )
                    .f1(),
                Phrasing::Keywords => {
                    view.overlap(
                        &self.index,
                        self.index.unit_terms(unit as u32),
                        &mut scratch,
                    )
                    .question
                }
            };
            best = best.max(score);
        }
        best
    }
}
