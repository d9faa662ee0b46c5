//! Scoring predictions: the four figures ([`Summary`]) and the failures, by the same rules
//! as the team's `score_article.py` and `score_squad.py`.

use std::fmt;

use serde::Serialize;

use crate::app::eval::cases::{Case, Gold, Span};

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

/// A kind of evaluation case, for the figures per kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An answerable question asked first (one turn).
    Standalone,
    /// An answerable later turn of a conversation.
    FollowUp,
    /// A question the article does not answer.
    Unanswerable,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Standalone => "standalone",
            Kind::FollowUp => "follow-up",
            Kind::Unanswerable => "unanswerable",
        })
    }
}

/// One line of figures for a kind of case: `standalone     50  top-1 0.420  hit@3 0.580`.
pub fn kind_line(kind: Kind, summary: &Summary) -> String {
    match kind {
        Kind::Unanswerable => format!(
            "{kind:<13} {:>5}  abstain {:.3}",
            summary.unanswerable, summary.abstain
        ),
        _ => format!(
            "{kind:<13} {:>5}  top-1 {:.3}  hit@3 {:.3}",
            summary.answerable, summary.top1, summary.hit3
        ),
    }
}

/// The outcome of [`run`](super::run).
#[derive(Debug, Clone)]
pub struct Report {
    /// The four figures.
    pub summary: Summary,
    /// The figures per kind of case, when the set has more than one kind.
    pub kinds: Vec<(Kind, Summary)>,
    /// The questions answered wrongly.
    pub failures: Vec<Failure>,
    /// Each case's returned sentences, in case order.
    pub predictions: Vec<Vec<String>>,
    /// How each case's last turn was read (`Decision::label`), in case order.
    pub decisions: Vec<String>,
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
        let ok = if case.answerable() {
            let checks = first_three_right(case, got, &mut paragraphs);
            s.answerable += 1;
            let first = checks.first().copied().unwrap_or(false);
            top1 += usize::from(first);
            hit3 += usize::from(checks.iter().any(|&c| c));
            first
        } else {
            s.unanswerable += 1;
            abstained += usize::from(got.is_empty());
            got.is_empty()
        };
        if !ok {
            failures.push(Failure::new(case, got));
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

/// For each of the first three returned sentences, whether it is right for `case`.
fn first_three_right(
    case: &Case,
    got: &[String],
    paragraphs: &mut impl FnMut(&str) -> Option<Vec<String>>,
) -> Vec<bool> {
    match &case.gold {
        Gold::Spans { title, answers } => {
            let lines = paragraphs(title).unwrap_or_default();
            got.iter()
                .take(3)
                .map(|g| span_right(g, &lines, answers))
                .collect()
        }
        Gold::Fragments(fragments) => got
            .iter()
            .take(3)
            .map(|g| fragment_right(g, fragments))
            .collect(),
    }
}

impl Failure {
    /// The failure record of `case`, answered with `got`.
    fn new(case: &Case, got: &[String]) -> Self {
        Failure {
            id: case.id.clone(),
            question: case.question().to_string(),
            got: got.first().cloned(),
            gold: match &case.gold {
                Gold::Fragments(f) => f.clone(),
                Gold::Spans { answers, .. } => answers.iter().map(|a| a.text.clone()).collect(),
            },
        }
    }
}

/// `score_article.py`'s rule: the sentence contains a gold fragment, quotes folded. The
/// sentence is read as it is shown, on one line: a sentence of a hard-wrapped article has its
/// line breaks as spaces (text without line breaks, as in every dev set, is unchanged).
fn fragment_right(sentence: &str, fragments: &[String]) -> bool {
    let sentence = fold_quotes(&crate::corpus::unwrapped(sentence));
    fragments.iter().any(|g| sentence.contains(&fold_quotes(g)))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::eval::cases::parse_cases;

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
        assert_eq!(err.line(), 2);
        assert!(err.to_string().starts_with("line 2: "), "{err}");
    }
}
