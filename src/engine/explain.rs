//! `ask --explain`: why the engine answered as it did — the question's terms and what each
//! matched, the FAQ rules' scores, the best paragraphs and sentences with their scores, and
//! the abstention threshold.

use std::fmt::{self, Display};

use crate::engine::answer::Answer;
use crate::engine::faq::RuleScore;
use crate::engine::qa::Engine;
use crate::search::index::MatchKind;
use crate::search::rank::{Params, Query, Ranking};

/// Everything behind one answer, ready to print.
pub struct Explanation {
    question: String,
    answer: Answer,
    terms: Vec<TermLine>,
    /// FAQ rules: score, id, threshold, the phrasing that matched.
    rules: Vec<(RuleScore, String, f32, String)>,
    paragraphs: Vec<(String, usize, f32)>,
    sentences: Vec<SentenceLine>,
    coverage: f32,
    params: Params,
    /// Extra lines (conversation context decisions).
    notes: Vec<String>,
}

struct TermLine {
    text: String,
    stem: String,
    factor: f32,
    weight: f32,
    matches: Vec<(String, MatchKind, f32, f32)>,
}

struct SentenceLine {
    paragraph: usize,
    sentence: usize,
    score: f32,
    sentence_score: f32,
    paragraph_score: f32,
    text: String,
}

impl Explanation {
    /// Explains how `engine` answers `question` (given the query and ranking it used).
    pub fn new(
        engine: &Engine,
        question: &str,
        answer: Answer,
        query: &Query,
        ranking: &Ranking,
    ) -> Self {
        let index = &engine.index().terms;
        let terms = query
            .terms
            .iter()
            .map(|q| TermLine {
                text: q.token.text.clone(),
                stem: q.token.stem.clone(),
                factor: q.factor,
                weight: q.weight,
                matches: q
                    .matches
                    .iter()
                    .map(|m| {
                        (
                            index.stem(m.term).to_string(),
                            m.kind,
                            m.similarity,
                            index.idf_of(m.term).0,
                        )
                    })
                    .collect(),
            })
            .collect();
        let rules = match engine.faq() {
            Some(faq) => engine
                .faq_scores(question)
                .into_iter()
                .take(3)
                .map(|s| {
                    let rule = &faq.rules()[s.rule];
                    let (id, threshold) = (rule.id.clone(), rule.threshold);
                    let matched = faq.matched(&s).unwrap_or_default();
                    (s, id, threshold, matched)
                })
                .collect(),
            None => Vec::new(),
        };
        let corpus = engine.corpus();
        let paragraphs = ranking
            .top_paragraphs
            .iter()
            .filter_map(|&(group, score)| {
                let unit = index.units_of(group).start as usize;
                let located = engine.index().sentences[unit].locate(corpus);
                debug_assert!(located.is_some(), "the index points outside its corpus");
                let (article, paragraph, _) = located?;
                Some((article.name.clone(), paragraph.number, score))
            })
            .collect();
        let sentences = ranking
            .hits
            .iter()
            .filter_map(|h| {
                let located = h.at.locate(corpus);
                debug_assert!(located.is_some(), "a hit points outside the corpus");
                let (article, paragraph, sentence) = located?;
                Some(SentenceLine {
                    paragraph: paragraph.number,
                    sentence: sentence.number,
                    score: h.score,
                    sentence_score: h.sentence_score,
                    paragraph_score: h.paragraph_score,
                    text: article.sentence_text(sentence).to_string(),
                })
            })
            .collect();
        Self {
            question: question.to_string(),
            answer,
            terms,
            rules,
            paragraphs,
            sentences,
            coverage: ranking.coverage,
            params: *engine.params(),
            notes: Vec::new(),
        }
    }

    /// Adds a line to the explanation (used for conversation context decisions).
    pub fn note(&mut self, line: String) {
        self.notes.push(line);
    }
}

impl Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "question: {:?}", self.question)?;
        for note in &self.notes {
            writeln!(f, "context: {note}")?;
        }
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
                writeln!(
                    f,
                    "      → {stem} ({}, similarity {similarity:.2}, idf {idf:.2})",
                    kind_name(*kind)
                )?;
            }
        }
        if !self.rules.is_empty() {
            writeln!(f, "\nFAQ rules (best first):")?;
            for (score, id, threshold, matched) in &self.rules {
                let verdict = if score.score >= *threshold {
                    "matches"
                } else {
                    "below"
                };
                writeln!(
                    f,
                    "  {id:<18} {:.2} ({verdict} its threshold {threshold:.2}) via {:?}",
                    score.score, matched
                )?;
            }
        }
        writeln!(f, "\nparagraphs (BM25 over paragraphs):")?;
        for (article, number, score) in &self.paragraphs {
            writeln!(f, "  {article} ¶{number:<3} {score:.2}")?;
        }
        writeln!(
            f,
            "\nsentences (final = sentence + paragraph + neighbours + bonuses):"
        )?;
        for s in &self.sentences {
            let text: String = crate::corpus::unwrapped(&s.text).chars().take(90).collect();
            writeln!(
                f,
                "  ¶{}.{:<2} final {:.2}  sentence {:.2}  paragraph {:.2}  {text}…",
                s.paragraph, s.sentence, s.score, s.sentence_score, s.paragraph_score
            )?;
        }
        writeln!(
            f,
            "\ncoverage of the best paragraph: {:.2} (threshold {:.2}: below it the engine abstains)",
            self.coverage, self.params.threshold
        )?;
        let decision = match &self.answer {
            Answer::Faq(faq) => format!("FAQ rule {} (score {:.2})", faq.rule, faq.score),
            Answer::Article(quotes) => format!("the article, {} sentence(s)", quotes.len()),
            Answer::NotFound(reason) => format!("abstain ({reason:?})"),
        };
        write!(f, "answer: {decision}")
    }
}

fn kind_name(kind: MatchKind) -> &'static str {
    match kind {
        MatchKind::Exact => "exact",
        MatchKind::Stem => "stem",
        MatchKind::Related => "related form",
        MatchKind::Fuzzy => "fuzzy",
    }
}
