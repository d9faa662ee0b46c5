//! `ask --explain`: why the engine answered as it did — the question's terms and what each
//! matched, the FAQ rules' scores, the best paragraphs, the best sentences with the record
//! of their scores that ranking itself summed ([`crate::search::rank::explain`]), and the
//! abstention threshold.

use std::fmt::{self, Display};

use crate::engine::answer::Answer;
use crate::engine::faq::RuleScore;
use crate::engine::qa::Engine;
use crate::search::explain;
use crate::search::matcher::MatchKind;
use crate::search::query::Query;
use crate::search::rank::{self, Ranking};

/// Paragraphs listed, best first.
const TOP_PARAGRAPHS: usize = 5;
/// FAQ rules listed, best first.
const TOP_RULES: usize = 3;
/// Characters of a sentence shown beside its score.
const SHOWN_CHARS: usize = 90;

/// Everything behind one answer, ready to print.
pub struct Explanation {
    question: String,
    answer: Answer,
    terms: Vec<TermLine>,
    rules: Vec<RuleLine>,
    /// (article name, paragraph number, `P(g)`), best first.
    paragraphs: Vec<(String, usize, f32)>,
    sentences: Vec<SentenceLine>,
    coverage: f32,
    threshold: f32,
    /// Why an answer below the threshold was given anyway.
    over_threshold: &'static str,
    /// Extra lines (conversation context decisions).
    notes: Vec<String>,
}

/// A question term and the index terms it matched: (stem, kind, similarity, IDF).
struct TermLine {
    text: String,
    stem: String,
    factor: f32,
    weight: f32,
    matches: Vec<(String, MatchKind, f32, f32)>,
}

/// A FAQ rule's score for the question, its threshold and the phrasing that matched.
struct RuleLine {
    score: RuleScore,
    id: String,
    threshold: f32,
    matched: String,
}

/// A returned sentence and the record of its score.
struct SentenceLine {
    paragraph: usize,
    sentence: usize,
    text: String,
    score: explain::Explanation,
}

impl Explanation {
    /// Explains how `engine` answered `question` with `answer`, given the query and ranking
    /// it used: the sentences' scores are recorded by the ranking's own code.
    pub fn new(
        engine: &Engine,
        question: &str,
        answer: Answer,
        query: &Query,
        ranking: &Ranking,
    ) -> Self {
        Self {
            question: question.to_string(),
            answer,
            terms: term_lines(engine, query),
            rules: rule_lines(engine, question),
            paragraphs: paragraph_lines(engine, ranking),
            sentences: sentence_lines(engine, query, ranking),
            coverage: ranking.coverage,
            threshold: engine.params().threshold,
            notes: Vec::new(),
            over_threshold: over_threshold(engine, query, ranking),
        }
    }

    /// Adds a line to the explanation (used for conversation context decisions).
    pub fn note(&mut self, line: String) {
        self.notes.push(line);
    }
}

fn term_lines(engine: &Engine, query: &Query) -> Vec<TermLine> {
    let index = &engine.index().terms;
    let line = |q: &crate::search::query::QueryTerm| TermLine {
        text: q.token.text.clone(),
        stem: q.token.stem.clone(),
        factor: q.factor,
        weight: q.weight,
        matches: (q.matches.iter())
            .map(|m| {
                let stem = index.stem(m.term).to_string();
                (stem, m.kind, m.similarity, index.idf_of(m.term).0)
            })
            .collect(),
    };
    query.terms.iter().map(line).collect()
}

fn rule_lines(engine: &Engine, question: &str) -> Vec<RuleLine> {
    let Some(faq) = engine.faq() else {
        return Vec::new();
    };
    let line = |score: RuleScore| {
        let rule = &faq.rules()[score.rule];
        let matched = faq.matched(&score).unwrap_or_default();
        RuleLine {
            id: rule.id.clone(),
            threshold: rule.threshold,
            score,
            matched,
        }
    };
    let scores = engine.faq_scores(question);
    scores.into_iter().take(TOP_RULES).map(line).collect()
}

fn paragraph_lines(engine: &Engine, ranking: &Ranking) -> Vec<(String, usize, f32)> {
    let index = engine.index();
    let line = |(group, score): (u32, f32)| {
        let unit = index.terms.units_of(group).start as usize;
        let located = index.sentences[unit].locate(engine.corpus());
        debug_assert!(located.is_some(), "the index points outside its corpus");
        let (article, paragraph, _) = located?;
        Some((article.name.clone(), paragraph.number, score))
    };
    let top = ranking.top_paragraphs(TOP_PARAGRAPHS);
    top.into_iter().filter_map(line).collect()
}

fn sentence_lines(engine: &Engine, query: &Query, ranking: &Ranking) -> Vec<SentenceLine> {
    let line = |hit: &crate::search::rerank::Hit| {
        let located = hit.at.locate(engine.corpus());
        debug_assert!(located.is_some(), "a hit points outside the corpus");
        let (article, paragraph, sentence) = located?;
        Some(SentenceLine {
            paragraph: paragraph.number,
            sentence: sentence.number,
            text: article.sentence_text(sentence).to_string(),
            score: rank::explain(engine.index(), engine.params(), query, hit),
        })
    };
    ranking.hits.iter().filter_map(line).collect()
}

impl Explanation {
    fn write_terms(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "\nterms (after analysis; weight = IDF, factor scales it):"
        )?;
        if self.terms.is_empty() {
            writeln!(f, "  (none: the question has no content word)")?;
        }
        for t in &self.terms {
            write!(
                f,
                "  {:<18} stem {:<16} weight {:.2}",
                t.text, t.stem, t.weight
            )?;
            if t.factor != 1.0 {
                write!(f, " ×{:.2}", t.factor)?;
            }
            if t.matches.is_empty() {
                write!(f, "  (not in the article)")?;
            }
            writeln!(f)?;
            for (stem, kind, similarity, idf) in &t.matches {
                let kind = kind_name(*kind);
                writeln!(
                    f,
                    "      → {stem} ({kind}, similarity {similarity:.2}, idf {idf:.2})"
                )?;
            }
        }
        Ok(())
    }

    fn write_rules(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.rules.is_empty() {
            return Ok(());
        }
        writeln!(f, "\nFAQ rules (best first):")?;
        for RuleLine {
            score,
            id,
            threshold,
            matched,
        } in &self.rules
        {
            let verdict = if score.score >= *threshold {
                "matches"
            } else {
                "below"
            };
            let score = score.score;
            writeln!(
                f,
                "  {id:<18} {score:.2} ({verdict} its threshold {threshold:.2}) via {matched:?}"
            )?;
        }
        Ok(())
    }

    fn write_sentences(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "\nparagraphs (BM25 over paragraphs):")?;
        for (article, number, score) in &self.paragraphs {
            writeln!(f, "  {article} ¶{number:<3} {score:.2}")?;
        }
        writeln!(f, "\nsentences (the parts ranking summed, in its order):")?;
        for s in &self.sentences {
            let text = crate::corpus::unwrapped(&s.text);
            let text: String = text.chars().take(SHOWN_CHARS).collect();
            writeln!(f, "  ¶{}.{:<2} {text}…", s.paragraph, s.sentence)?;
            for line in s.score.to_string().lines() {
                writeln!(f, "    {line}")?;
            }
        }
        Ok(())
    }
}

impl Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "question: {:?}", self.question)?;
        for note in &self.notes {
            writeln!(f, "context: {note}")?;
        }
        self.write_terms(f)?;
        self.write_rules(f)?;
        self.write_sentences(f)?;
        writeln!(
            f,
            "\ncoverage of the best paragraph: {:.2} (threshold {:.2}: below it the engine abstains)",
            self.coverage, self.threshold
        )?;
        let decision = match &self.answer {
            Answer::Faq(faq) => format!("FAQ rule {} (score {:.2})", faq.rule, faq.score),
            Answer::Article(quotes) if self.coverage < self.threshold => format!(
                "the article, {} sentence(s), below the threshold: {}",
                quotes.len(),
                self.over_threshold
            ),
            Answer::Article(quotes) => format!("the article, {} sentence(s)", quotes.len()),
            Answer::NotFound(reason) => format!("abstain ({reason:?})"),
        };
        write!(f, "answer: {decision}")
    }
}

/// Why the engine answers a question whose coverage is below the threshold, if it does.
fn over_threshold(engine: &Engine, query: &Query, ranking: &Ranking) -> &'static str {
    if ranking.hits.first().is_some_and(|h| h.features.lead) {
        "it asks what the article is about"
    } else if query.points_at_text {
        "it points at the text itself (\"this story\", \"is mentioned\")"
    } else if engine.has_meaning() {
        "by meaning (the best similarity stands semantic_margin above the article's mean), or as a follow-up"
    } else {
        "as a follow-up in the conversation"
    }
}

fn kind_name(kind: MatchKind) -> &'static str {
    match kind {
        MatchKind::Exact => "exact",
        MatchKind::Stem => "stem",
        MatchKind::Derived => "related form",
        MatchKind::Related => "WordNet relative",
        MatchKind::Fuzzy => "fuzzy",
    }
}
