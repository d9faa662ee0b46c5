//! Matching a question against the rules: each example question (and a rule's keyword list)
//! is a unit of a small term index, scored with the overlap article retrieval uses.

use std::sync::Arc;

use super::{Basis, Faq, Phrasing, Problem, Rule, RuleScore};
use crate::engine::answer::{Answer, FaqAnswer};
use crate::search::index::TermIndex;
use crate::search::overlap::QueryView;
use crate::search::params::Params;
use crate::search::query::Query;
use crate::text::analyze::Token;
use crate::text::words::QUESTION_WORDS;

impl Faq {
    /// The same rules matched with other scoring parameters: rules without a threshold of
    /// their own take the new [`Params::faq_threshold`].
    pub fn with_params(&self, params: &Params) -> Self {
        let mut faq = self.clone();
        for rule in &mut faq.rules {
            rule.threshold = rule.own_threshold.unwrap_or(params.faq_threshold);
        }
        faq.params = *params;
        faq
    }

    /// The rules, in file order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Why rules of the file were left out: each is well formed but quotes what the articles
    /// do not have (an article that is not loaded, a paragraph past the end, a quote without
    /// an article name when there are several). The front ends warn about these; `faq check`
    /// reports them as errors.
    pub fn skipped(&self) -> &[Problem] {
        &self.skipped
    }

    /// The scores of the rules that share a term with the analysed question, best first
    /// (ties: higher priority, then file order). Rules that share none score 0 and are left out.
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
        self.best_of(self.analyzer.analyze(question), &|_| false, &|_| true)
    }

    /// [`Faq::best`] for a question already analysed, among the rules `allowed` lets answer
    /// (those whose threshold is reached but are not allowed are passed over).
    pub fn best_of(
        &self,
        tokens: Vec<Token>,
        known: &dyn Fn(&str) -> bool,
        allowed: &dyn Fn(&Rule) -> bool,
    ) -> Option<RuleScore> {
        self.scores_of(tokens, known).into_iter().find(|s| {
            let rule = &self.rules[s.rule];
            s.score >= rule.threshold && allowed(rule)
        })
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

impl Faq {
    /// A rule's score for `question` counting only its other phrasings and its keywords (the
    /// example itself left out), as the checker compares it with the article.
    pub(super) fn score_without(&self, rule: usize, question: &str) -> f32 {
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

/// Analysed tokens as FAQ matching sees them: question words (`who`, `when`…) count, since
/// they tell `who published it?` from `when was it published?`; and when a question has
/// nothing else (`who are you?`), all its words count, since they are all it has.
pub(super) fn content_or_all(mut tokens: Vec<Token>) -> Vec<Token> {
    let is_wh = |t: &Token| QUESTION_WORDS.contains(&t.text.as_str());
    let only_question_words = tokens.iter().all(|t| t.stop || is_wh(t));
    for token in &mut tokens {
        if only_question_words || is_wh(token) {
            token.stop = false;
        }
    }
    tokens
}

/// Indexes the rules' example questions and keywords; `skipped` are the problems of the rules
/// left out (see [`Faq::skipped`]).
pub(super) fn build(rules: Vec<Rule>, basis: Basis<'_>, skipped: Vec<Problem>) -> Faq {
    let analyzer = Arc::clone(basis.analyzer);
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
        params: *basis.params,
        skipped,
    }
}
