//! Re-ranking: the best candidates by base score re-scored with their features — the
//! answer-type bonus (or penalty) for holding (or lacking) what the question asks for (a year
//! for *when*, a number for *how many*, a name for *who*, a place for *where*, a reason for
//! *why*) that the question does not hold; proximity of question terms; the sentence's
//! coverage of the question; and an early-paragraph (lead) bonus. `rescore` is that formula,
//! summed into a plain score while ranking and into an
//! [`crate::search::explain::Explanation`] for `--explain`. A follow-up's [`Focus`] (shown
//! sentences, nearness to the last answer) is `refocus`, applied last, after the semantic
//! fusion.

use crate::search::article_index::SentenceRef;
use crate::search::explain::Tally;
use crate::search::index::{TermId, TermIndex, UnitTerm};
use crate::search::overlap::{QueryView, coverage};
use crate::search::params::Params;
use crate::search::query::{AnswerType, Query};
use crate::text::analyze::TokenKind;

/// One ranked sentence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    /// Unit number in the [`crate::search::article_index::ArticleIndex`].
    pub unit: u32,
    /// Where it stands.
    pub at: SentenceRef,
    /// Final score `F(u)`.
    pub score: f32,
    /// Sentence score `S(u)`.
    pub sentence_score: f32,
    /// Paragraph score `P(g)`.
    pub paragraph_score: f32,
    /// What the score was made of beside `S(u)` and `P(g)`.
    pub features: Features,
}

/// Whether a sentence holds what the question asks for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Fit {
    /// The question asks for no particular kind of answer.
    #[default]
    NotAsked,
    /// The sentence holds a term of the kind asked for that the question does not hold.
    Holds,
    /// It does not.
    Lacks,
}

/// What a candidate's final score is made of beside `S(u)` and `P(g)`: the inputs of
/// `rescore` (zero for a sentence that was not re-ranked).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Features {
    /// Sum of `S` of the sentences just before and after in the same paragraph.
    pub neighbors: f32,
    /// The best candidate's `S(u)`: the bonuses are shares of it.
    pub scale: f32,
    /// Proximity of question-term pairs over the question's weight.
    pub proximity: f32,
    /// The question's weight (sum of its words' `factor · weight`).
    pub question_weight: f32,
    /// Share of the question's weight the sentence matches.
    pub coverage: f32,
    /// Share of the question's weight its paragraph matches.
    pub paragraph_coverage: f32,
    /// Whether it holds what the question asks for.
    pub answer_type: Fit,
    /// A follow-up's sentence the chat has seen already.
    pub shown: bool,
    /// A follow-up's sentence near the last answer: 1 just after it (within
    /// [`Params::near_after`] sentences), [`Params::near_before_factor`] just before it
    /// (within [`Params::near_before`]), else 0.
    pub near: f32,
    /// A follow-up's best score before the focus step: its bonus is a share of it.
    pub focus_top: f32,
    /// Semantic stage: the sentence's cosine with the question (0 when the stage is off).
    pub cosine: f32,
    /// Semantic stage: the best keyword score among the candidates, which the fusion
    /// divides by.
    pub keyword_top: f32,
    /// True when the final score fuses the keyword score with the cosine.
    pub fused: bool,
    /// True for one of the article's opening sentences given for a question about the
    /// article itself ([`crate::search::rank::lead`]): its score is its place, not a sum.
    pub lead: bool,
}

/// Conversation context for ranking a follow-up: what the chat has seen, where it was.
#[derive(Debug, Clone, Default)]
pub struct Focus {
    /// Sentences the last answer showed: a follow-up wants something new.
    pub shown: Vec<SentenceRef>,
    /// Unit of the last answer's best sentence: in a conversation the next answer usually
    /// stands just after it (in CoQA about half of the next answers are within a few
    /// sentences after the last, a quarter before it).
    pub last: Option<u32>,
}

impl Focus {
    /// How near unit `unit` stands to the last answer, as [`Features::near`]; `sentences`
    /// are the index's units (a unit of another article is never near).
    pub(crate) fn nearness(&self, params: &Params, sentences: &[SentenceRef], unit: u32) -> f32 {
        let Some(last) = self.last else {
            return 0.0;
        };
        let article = |u: u32| sentences.get(u as usize).map(|s| s.article);
        if article(unit).is_none() || article(unit) != article(last) {
            return 0.0;
        }
        match unit.cmp(&last) {
            std::cmp::Ordering::Greater if unit - last <= params.near_after => 1.0,
            std::cmp::Ordering::Less if last - unit <= params.near_before => {
                params.near_before_factor
            }
            _ => 0.0,
        }
    }

    /// The units a follow-up also considers: those just after and before the last answer in
    /// its article (`sentences`, the index's units).
    pub(crate) fn neighbourhood<'a>(
        &'a self,
        params: &'a Params,
        sentences: &'a [SentenceRef],
    ) -> impl Iterator<Item = u32> + 'a {
        let around = self.last.map(|last| {
            let start = last.saturating_sub(params.near_before);
            let end = (last.saturating_add(params.near_after).saturating_add(1))
                .min(sentences.len() as u32);
            start..end
        });
        around
            .into_iter()
            .flatten()
            .filter(move |&u| self.nearness(params, sentences, u) > 0.0)
    }
}

/// Re-scores the candidates (best first by base score) with their features and the
/// follow-up focus, and sorts them again.
pub(crate) fn rerank(
    terms: &TermIndex,
    params: &Params,
    query: &Query,
    focus: Option<&Focus>,
    candidates: &mut [Hit],
) {
    let scale = candidates[0].sentence_score;
    let view = QueryView::new(query);
    let mut scratch = Scratch::default();
    for hit in candidates.iter_mut() {
        let mut f = features(terms, params, query, &view, hit, &mut scratch);
        f.scale = scale;
        if let Some(focus) = focus {
            f.shown = focus.shown.contains(&hit.at);
        }
        hit.features = f;
        rescore(params, &hit.features, hit.at.paragraph, &mut hit.score);
    }
    by_score(candidates);
}

/// The re-ranking part of a score: adds to (or scales) the base score in `score` what the
/// features of a sentence in paragraph `paragraph` (its index) bring.
pub(crate) fn rescore<T: Tally>(params: &Params, f: &Features, paragraph: u32, score: &mut T) {
    let scale = f.scale;
    match f.answer_type {
        Fit::Holds => score.add(params.type_bonus * scale, || {
            format!("holds what the question asks for: type_bonus × best S {scale:.3}")
        }),
        Fit::Lacks => score.times(1.0 - params.type_penalty, || {
            "lacks what the question asks for: 1 − type_penalty".into()
        }),
        Fit::NotAsked => {}
    }
    score.add(
        params.proximity_weight * f.proximity * f.question_weight,
        || {
            format!(
                "proximity_weight × near pairs {:.3} of question weight {:.3}",
                f.proximity, f.question_weight
            )
        },
    );
    score.add(
        params.lead_weight * scale / (1.0 + paragraph as f32).sqrt(),
        || format!("lead_weight × best S / √(1 + paragraph index {paragraph})"),
    );
    score.add(params.coverage_weight * scale * f.coverage, || {
        format!("coverage_weight × best S × coverage {:.3}", f.coverage)
    });
}

/// The follow-up step, last (after the semantic fusion, which would drown it): a sentence
/// the chat has seen loses [`Params::shown_penalty`] of its score, one near the last answer
/// gains [`Params::near_bonus`] of the best score, times its [`Features::near`].
pub(crate) fn refocus<T: Tally>(params: &Params, f: &Features, score: &mut T) {
    if f.shown {
        score.times(1.0 - params.shown_penalty, || {
            "shown already: 1 − shown_penalty".into()
        });
    }
    if f.near > 0.0 {
        score.add(params.near_bonus * f.focus_top * f.near, || {
            format!(
                "near the last answer: near_bonus × best score {:.3} × nearness {:.2}",
                f.focus_top, f.near
            )
        });
    }
}

/// Applies [`refocus`] to every candidate of a follow-up (`sentences`: the index's units,
/// for nearness) and sorts them again.
pub(crate) fn refocus_all(
    params: &Params,
    focus: &Focus,
    sentences: &[SentenceRef],
    candidates: &mut [Hit],
) {
    let top = candidates.iter().map(|h| h.score).fold(0.0f32, f32::max);
    for hit in candidates.iter_mut() {
        hit.features.focus_top = top;
        hit.features.near = focus.nearness(params, sentences, hit.unit);
        refocus(params, &hit.features, &mut hit.score);
    }
    by_score(candidates);
}

/// Sorts by score, best first, ties by position.
pub(crate) fn by_score(hits: &mut [Hit]) {
    hits.sort_by(compare);
}

/// Better score first; ties by position.
pub(crate) fn compare(a: &Hit, b: &Hit) -> std::cmp::Ordering {
    b.score.total_cmp(&a.score).then(a.unit.cmp(&b.unit))
}

/// Sum, over pairs of question terms that are neighbours in the question (no other
/// content word between), of the pair's smaller IDF when the sentence also holds them
/// within [`Params::proximity_window`] words of each other.
fn proximity(terms: &TermIndex, params: &Params, view: &QueryView<'_>, unit: u32) -> f32 {
    if view.own.len() < 2 {
        return 0.0;
    }
    // Which of the question's own words (bits) each content word of the sentence matches.
    let marks: Vec<(u64, u32)> = terms
        .unit_sequence(unit)
        .iter()
        .filter_map(|&(term, position)| {
            let i = view
                .own_bits
                .binary_search_by_key(&term, |&(t, _)| t)
                .ok()?;
            Some((view.own_bits[i].1, position))
        })
        .collect();
    let window = params.proximity_window;
    let mut total = 0.0;
    for (i, pair) in view.own.windows(2).enumerate().take(63) {
        let (a, b) = (1u64 << i, 1u64 << (i + 1));
        let near = marks.iter().any(|&(ma, pa)| {
            ma & a != 0
                && marks
                    .iter()
                    .any(|&(mb, pb)| mb & b != 0 && pa != pb && pa.abs_diff(pb) <= window)
        });
        if near {
            total += pair[0].weight.min(pair[1].weight);
        }
    }
    total
}

/// Buffers reused across the candidates of one ranking.
#[derive(Default)]
struct Scratch {
    /// Best similarity per question word.
    best: Vec<f32>,
    /// Paragraph coverage already computed: (group, coverage).
    paragraphs: Vec<(u32, f32)>,
}

/// The features of one candidate sentence read from the index (the focus and scale are
/// the caller's).
fn features(
    terms: &TermIndex,
    params: &Params,
    query: &Query,
    view: &QueryView<'_>,
    hit: &Hit,
    scratch: &mut Scratch,
) -> Features {
    let held = terms.unit_terms(hit.unit);
    let (coverage_here, _) = view.coverage(held, &mut scratch.best);
    let g = terms.group_of(hit.unit);
    let paragraph_coverage = match scratch.paragraphs.iter().find(|(group, _)| *group == g) {
        Some(&(_, c)) => c,
        None => {
            let c = coverage(terms, query, g);
            scratch.paragraphs.push((g, c));
            c
        }
    };
    Features {
        neighbors: hit.features.neighbors,
        proximity: proximity(terms, params, view, hit.unit) / view.total_weight,
        question_weight: view.total_weight,
        coverage: coverage_here,
        paragraph_coverage,
        answer_type: match query.answer_type {
            AnswerType::Other => Fit::NotAsked,
            _ if holds_answer_type(terms, held, query.answer_type, &view.literal) => Fit::Holds,
            _ => Fit::Lacks,
        },
        ..Features::default()
    }
}

/// True when a sentence holds a term of the kind the question asks for that the question
/// itself does not hold (`literal`: the question's own terms, sorted).
fn holds_answer_type(
    terms: &TermIndex,
    unit_terms: &[UnitTerm],
    wanted: AnswerType,
    literal: &[TermId],
) -> bool {
    unit_terms.iter().any(|t| {
        let fits = match wanted {
            AnswerType::Time => {
                t.kind == TokenKind::Number || TIME_WORDS.contains(&terms.stem(t.term))
            }
            AnswerType::Quantity => {
                t.kind == TokenKind::Number || NUMBER_WORDS.contains(&terms.stem(t.term))
            }
            AnswerType::Name => t.capitalized,
            AnswerType::Place => t.place,
            AnswerType::Reason => REASON_WORDS.contains(&terms.stem(t.term)),
            AnswerType::Other => false,
        };
        fits && literal.binary_search(&t.term).is_err()
    })
}

/// Stems of number words (`twelve`, `a hundred`, `dozens`).
const NUMBER_WORDS: &[&str] = &[
    "billion", "dozen", "eight", "eighti", "eleven", "fifteen", "fifti", "five", "forti", "four",
    "fourteen", "half", "hundr", "million", "nine", "nineti", "one", "seven", "seventi", "six",
    "sixti", "ten", "thirteen", "thirti", "thousand", "three", "twelv", "twenti", "two",
];

/// Stems of words that give a reason or a purpose.
const REASON_WORDS: &[&str] = &[
    "aim", "allow", "becaus", "caus", "critic", "crucial", "due", "enabl", "essenti", "import",
    "key", "led", "purpos", "reason", "result", "sinc", "therefor", "thus", "vital",
];

/// Stems of words that date an event.
const TIME_WORDS: &[&str] = &[
    "januari",
    "februari",
    "march",
    "april",
    "may",
    "june",
    "juli",
    "august",
    "septemb",
    "octob",
    "novemb",
    "decemb",
    "centuri",
    "decad",
    "year",
    "earli",
    "late",
    "spring",
    "summer",
    "autumn",
    "winter",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "ago",
    "yesterday",
    "today",
    "tomorrow",
    "week",
    "month",
    "era",
    "dynasti",
    "reign",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn just_after_the_last_answer_is_nearer_than_just_before_it() {
        let params = Params::default();
        let focus = Focus {
            shown: Vec::new(),
            last: Some(10),
        };
        // One article of 30 units, and the same units split into two articles at 12.
        let units = |split: u32| -> Vec<SentenceRef> {
            (0..30)
                .map(|u| SentenceRef {
                    article: u32::from(u >= split),
                    paragraph: 0,
                    sentence: u,
                })
                .collect()
        };
        let (one, two) = (units(u32::MAX), units(12));
        let near = |u| focus.nearness(&params, &one, u);
        assert_eq!(near(10), 0.0, "the last answer itself is shown, not near");
        assert_eq!(near(11), 1.0);
        assert_eq!(near(10 + params.near_after), 1.0);
        assert_eq!(near(11 + params.near_after), 0.0);
        assert_eq!(near(9), params.near_before_factor);
        assert_eq!(near(9 - params.near_before), 0.0);
        assert_eq!(near(40), 0.0, "beyond the index");
        assert_eq!(focus.nearness(&params, &two, 12), 0.0, "another article");
        let around: Vec<u32> = focus.neighbourhood(&params, &two).collect();
        assert_eq!(around, [9, 11], "within the last answer's article");
        assert_eq!(Focus::default().nearness(&params, &one, 3), 0.0);
    }
}
