//! The checks behind `article-qa faq check`: the loader's errors, plus warnings about rules
//! that shadow each other or hide what the article already answers.

use super::positions::Positions;
use super::rules::parse;
use super::{Faq, MessageLimit, Problem};
use crate::engine::answer::Answer;
use crate::engine::qa::Engine;

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

/// Checks a rules file's text against the engine's articles. Errors: TOML syntax (with line
/// and column), unknown fields, missing or duplicate ids, empty questions or answers, quotes
/// of articles, paragraphs or sentences that do not exist (rules the loader leaves out),
/// answers too long for one Telegram message.
/// Warnings: example questions another rule matches as well or better, and example questions
/// the article already answers (with at least two of their words) with more confidence than
/// the rule's other phrasings would. Every problem carries its line in the file
/// ([`Problem::line`]).
pub fn check(text: &str, engine: &Engine, limit: &dyn MessageLimit) -> Checked {
    let parsed = parse(text, engine.faq_basis(), limit);
    let warnings = parsed
        .faq
        .as_ref()
        .map(|faq| warnings(faq, engine, &Positions::new(text)))
        .unwrap_or_default();
    // A rule the loader would leave out is an error here: the maintainer should fix it.
    let mut errors = parsed.errors;
    errors.extend(parsed.skipped);
    Checked {
        faq: parsed.faq.filter(|_| errors.is_empty()),
        errors,
        warnings,
        rules: parsed.rules,
    }
}

/// Near-ties between rules, and example questions the article answers better, each at the
/// line of its example question.
fn warnings(faq: &Faq, engine: &Engine, positions: &Positions) -> Vec<Problem> {
    let known = |stem: &str| engine.index().terms.contains(stem);
    let mut warnings = Vec::new();
    for (r, rule) in faq.rules.iter().enumerate() {
        let in_file = positions.rule_with_id(&rule.id);
        for (n, question) in rule.questions.iter().enumerate() {
            let line = in_file.and_then(|i| positions.item(i, "questions", n));
            let scores = faq.scores_of(faq.analyzer.analyze(question), &known);
            let own = scores.iter().find(|s| s.rule == r).map_or(0.0, |s| s.score);
            let rival = scores
                .iter()
                .find(|s| s.rule != r && s.score >= own - engine.params().faq_near_tie);
            if let Some(other) = rival {
                let relation = if other.score > own {
                    "matched better"
                } else {
                    "matched as well"
                };
                warnings.push(Problem {
                    line,
                    column: None,
                    rule: Some(rule.id.clone()),
                    message: format!(
                        "example {question:?} is {relation} by rule {} ({:.2} vs {own:.2}); ties go to the higher priority, then the earlier rule",
                        faq.rules[other.rule].id, other.score
                    ),
                });
            }
            let (query, ranking) = engine.ranking(question);
            let found_words = query.words().filter(|q| !q.matches.is_empty()).count();
            let article_answers = matches!(
                engine.decide(&query, &ranking, None, false),
                Answer::Article(_)
            ) && found_words >= 2;
            let without = faq.score_without(r, question);
            if article_answers && ranking.coverage > without {
                let rule_side = if rule.questions.len() == 1 && rule.keywords.is_empty() {
                    "and this is the rule's only phrasing, so the rule hides that answer"
                        .to_string()
                } else {
                    format!("better than the rule's other phrasings match it ({without:.2})")
                };
                warnings.push(Problem {
                    line,
                    column: None,
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
