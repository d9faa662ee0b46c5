//! Article retrieval: scores paragraphs and sentences by fuzzy keyword overlap with a
//! question, ranks sentences, and measures how much of the question the best one covers.
//!
//! For each question term *q* (weight factor `f`, see [`QueryTerm`]) and each index term
//! *t* it matches with similarity *s* (see [`crate::search::index`]):
//!
//! * sentence score `S(u) = Σ_q max_t f·s·idf(t)·tf_bm25(t, u)`, Okapi BM25 over sentences
//!   (a sentence opening with `This`/`It`… also takes [`Params::anaphor_weight`] of the one
//!   before);
//! * paragraph score `P(g)`, the same over paragraphs;
//! * base score `S(u) + α·P(g(u)) + β·(S(u−1) + S(u+1))`, the neighbours being the sentences
//!   before and after in the same paragraph;
//! * the best [`RERANKED`] by base score are re-scored: the answer-type bonus (or penalty)
//!   for holding (or lacking) what the question asks for — a year for *when*, a number for
//!   *how many*, a name for *who*, a place for *where*, a reason for *why* — that the
//!   question does not hold; proximity of question terms; coverage of the question; an
//!   early-paragraph (lead) bonus; and, for follow-ups, the [`Focus`] adjustments.
//!
//! **Coverage**, the share of the question's IDF weight that the best sentence's paragraph
//! matches, decides abstention: below [`Params::threshold`] the article does not answer.
//! Ties are broken by position, so results are deterministic.

use std::ops::Range;

use crate::corpus::{Article, Corpus, Paragraph, Sentence};
use crate::search::index::{TermId, TermIndex, UnitTerm};
use crate::search::query::QueryView;
pub use crate::search::query::{AnswerType, Overlap, Query, QueryTerm, coverage};
use crate::text::analyze::{Analyzer, Token, TokenKind, with_bigrams};

/// Tunable scoring parameters; [`Params::default`] holds the calibrated values.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Params {
    /// BM25 term-frequency saturation for sentences.
    pub k1: f32,
    /// BM25 length normalisation for sentences (0 = none, 1 = full).
    pub b: f32,
    /// BM25 length normalisation for paragraphs.
    pub paragraph_b: f32,
    /// α: weight of the paragraph score in a sentence's final score.
    pub paragraph_weight: f32,
    /// β: weight of the neighbouring sentences' scores.
    pub neighbor_weight: f32,
    /// γ: answer-type bonus, as a share of the best sentence score.
    pub type_bonus: f32,
    /// Weight of the sentence's own coverage of the question, times the best sentence score.
    pub coverage_weight: f32,
    /// Share of the previous sentence's term scores that a sentence opening with `This`,
    /// `It`, `They`… inherits.
    pub anaphor_weight: f32,
    /// Factor of a question bigram (two neighbouring content words) found as a bigram.
    pub bigram_factor: f32,
    /// Bonus for early paragraphs (news puts the essentials first): this share of the best
    /// sentence score, divided by 1 + the paragraph's index.
    pub lead_weight: f32,
    /// Share of its score a sentence loses when it lacks what the question asks for.
    pub type_penalty: f32,
    /// δ: bonus for question terms that stand next to each other in the sentence too, as a
    /// share of the pair's smaller IDF.
    pub proximity_weight: f32,
    /// Smallest coverage (0..=1) at which the article answers; below it the engine abstains.
    pub threshold: f32,
    /// Weight of a capitalised question word the article never mentions (a name), as a
    /// multiple of the rarest term's IDF.
    pub unknown_name_weight: f32,
    /// Weight of any other question word the article lacks, as a multiple of the rarest
    /// term's IDF.
    pub unknown_weight: f32,
    /// Most sentences returned.
    pub max_sentences: usize,
    /// A sentence after the first is returned only when its score is at least this share
    /// of the first's.
    pub min_relative: f32,
}

impl Default for Params {
    /// The values calibrated on the dev sets (see the README's "How scoring works").
    fn default() -> Self {
        Self {
            k1: 0.3,
            b: 0.75,
            paragraph_b: 0.5,
            paragraph_weight: 0.5,
            neighbor_weight: 0.1,
            type_bonus: 0.2,
            type_penalty: 0.2,
            proximity_weight: 0.15,
            coverage_weight: 0.2,
            anaphor_weight: 0.5,
            bigram_factor: 0.25,
            lead_weight: 0.2,
            threshold: 0.3,
            unknown_name_weight: 2.0,
            unknown_weight: 1.0,
            max_sentences: 3,
            min_relative: 0.6,
        }
    }
}

impl Params {
    /// Sets a parameter by name from text (`"k1"`, `"0.9"`); used by `eval --set`.
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), String> {
        let number: f32 = value
            .parse()
            .map_err(|_| format!("{value:?} is not a number"))?;
        if !number.is_finite() || number < 0.0 {
            return Err(format!("{name} must be a number of 0 or more, not {value}"));
        }
        match name {
            "k1" => self.k1 = number,
            "b" => self.b = number,
            "paragraph_b" => self.paragraph_b = number,
            "paragraph_weight" => self.paragraph_weight = number,
            "neighbor_weight" => self.neighbor_weight = number,
            "type_bonus" => self.type_bonus = number,
            "proximity_weight" => self.proximity_weight = number,
            "type_penalty" => self.type_penalty = number,
            "anaphor_weight" => self.anaphor_weight = number,
            "lead_weight" => self.lead_weight = number,
            "bigram_factor" => self.bigram_factor = number,
            "coverage_weight" => self.coverage_weight = number,
            "threshold" => self.threshold = number,
            "unknown_name_weight" => self.unknown_name_weight = number,
            "unknown_weight" => self.unknown_weight = number,
            "max_sentences" if number >= 1.0 => self.max_sentences = number as usize,
            "min_relative" => self.min_relative = number,
            "max_sentences" => return Err("max_sentences must be at least 1".into()),
            _ => {
                return Err(format!(
                    "unknown parameter {name:?}; known: k1, b, paragraph_b, paragraph_weight, \
                     neighbor_weight, type_bonus, type_penalty, proximity_weight, coverage_weight, \
                     anaphor_weight, bigram_factor, lead_weight, threshold, unknown_name_weight, unknown_weight, \
                     max_sentences, min_relative"
                ));
            }
        }
        Ok(())
    }
}

/// Where one unit of the index stands in the corpus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SentenceRef {
    /// Index into [`Corpus::articles`].
    pub article: u32,
    /// Index into that article's `paragraphs`.
    pub paragraph: u32,
    /// Index into that paragraph's `sentences`.
    pub sentence: u32,
}

impl SentenceRef {
    /// The article, paragraph and sentence this points at in `corpus`, or `None` when it has
    /// no such sentence (a reference from elsewhere, such as an old conversation context).
    pub fn locate(self, corpus: &Corpus) -> Option<(&Article, &Paragraph, &Sentence)> {
        let article = corpus.articles.get(self.article as usize)?;
        let paragraph = article.paragraphs.get(self.paragraph as usize)?;
        let sentence = paragraph.sentences.get(self.sentence as usize)?;
        Some((article, paragraph, sentence))
    }
}

/// The corpus's sentences, analysed and indexed (units = sentences, groups = paragraphs).
#[derive(Debug)]
pub struct ArticleIndex {
    /// The term index.
    pub terms: TermIndex,
    /// Per unit: true when the sentence opens with a word that points back to the one
    /// before (`This led to…`, `It has…`), so it inherits that sentence's terms.
    pub anaphoric: Vec<bool>,
    /// Unit number → where the sentence stands.
    pub sentences: Vec<SentenceRef>,
}

impl ArticleIndex {
    /// Analyses and indexes every sentence of `corpus`.
    pub fn build(analyzer: &Analyzer, corpus: &Corpus) -> Self {
        let mut sentences = Vec::new();
        let mut anaphoric = Vec::new();
        let mut units = Vec::new();
        let mut group = 0u32;
        for (a, article) in corpus.articles.iter().enumerate() {
            for (p, paragraph) in article.paragraphs.iter().enumerate() {
                for (s, sentence) in paragraph.sentences.iter().enumerate() {
                    sentences.push(SentenceRef {
                        article: a as u32,
                        paragraph: p as u32,
                        sentence: s as u32,
                    });
                    let tokens =
                        with_bigrams(analyzer.analyze_document(article.sentence_text(sentence)));
                    let points_back = s > 0
                        && points_back(
                            &tokens,
                            units
                                .last()
                                .map(|(_, t): &(u32, Vec<Token>)| t.as_slice())
                                .unwrap_or_default(),
                        );
                    anaphoric.push(points_back);
                    units.push((group, tokens));
                }
                group += 1;
            }
        }
        let terms = TermIndex::build(units.iter().map(|(g, t)| (*g, t.as_slice())));
        Self {
            terms,
            anaphoric,
            sentences,
        }
    }
}

/// True when a sentence opens with a word that refers to the sentence before: a pronoun
/// (`This led to…`) or `the` + a noun that sentence used (`The expedition was a disaster.`).
fn points_back(tokens: &[Token], previous: &[Token]) -> bool {
    match tokens {
        [first, ..] if ANAPHORS.contains(&first.text.as_str()) => true,
        [first, second, ..] if first.text == "the" && !second.stop => {
            previous.iter().any(|t| t.stem == second.stem)
        }
        _ => false,
    }
}

/// Words that, opening a sentence, refer to something in the sentence before.
const ANAPHORS: &[&str] = &[
    "he", "her", "his", "it", "its", "she", "such", "their", "these", "they", "this", "those",
];

/// One ranked sentence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    /// Unit number in the [`ArticleIndex`].
    pub unit: u32,
    /// Where it stands.
    pub at: SentenceRef,
    /// Final score `F(u)`.
    pub score: f32,
    /// Sentence score `S(u)`.
    pub sentence_score: f32,
    /// Paragraph score `P(g)`.
    pub paragraph_score: f32,
    /// The re-ranking features (zero for sentences below the re-ranked set).
    pub features: Features,
}

/// Features of a sentence for the final ranking, each normalised to about 0..=1.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct Features {
    /// `S(u)` over the best `S`.
    pub sentence: f32,
    /// `P(g)` over the best `P`.
    pub paragraph: f32,
    /// Neighbours' `S` over the best `S`.
    pub neighbors: f32,
    /// Proximity of question-term pairs over the question's weight.
    pub proximity: f32,
    /// Share of the question's weight the sentence matches.
    pub coverage: f32,
    /// Share of the question's weight its paragraph matches.
    pub paragraph_coverage: f32,
    /// 1 when the sentence holds what the question asks for, −1 when not, 0 for other questions.
    pub answer_type: f32,
    /// ln(1 + content terms).
    pub length: f32,
    /// 1 for a paragraph's first sentence.
    pub first: f32,
    /// Share of the sentence's terms that match the question.
    pub precision: f32,
}

/// The result of ranking: the sentences, best first, and the coverage of the best.
#[derive(Debug, Clone, Default)]
pub struct Ranking {
    /// Up to [`Params::max_sentences`] sentences, best first.
    pub hits: Vec<Hit>,
    /// Share (0..=1) of the question's weight matched in the best sentence's paragraph.
    pub coverage: f32,
    /// Paragraphs (group numbers) by paragraph score, best first (up to 5), with scores.
    pub top_paragraphs: Vec<(u32, f32)>,
    /// Every re-ranked sentence, best first (the hits, then the next best): what "More" shows.
    pub ranked: Vec<SentenceRef>,
}

/// Conversation context for ranking a follow-up: what the chat has seen, where it was.
#[derive(Debug, Clone, Default)]
pub struct Focus {
    /// Sentences the last answer showed: a follow-up wants something new.
    pub shown: Vec<SentenceRef>,
    /// (article, paragraph index) of the last answer: nearby paragraphs are preferred.
    pub near: Vec<(u32, u32)>,
}

/// Share of its score a sentence the chat has already seen loses in a follow-up.
pub const SHOWN_PENALTY: f32 = 0.5;
/// Bonus, as a share of the best sentence score, for a follow-up sentence in or next to the
/// last answer's paragraph.
pub const NEAR_BONUS: f32 = 0.2;

/// Scores every sentence against `query` and returns the best, best first. Returns an
/// empty ranking when no term of the question occurs in the article. A `focus` (follow-ups)
/// moves sentences already shown down and sentences near the last answer up, and keeps
/// shown sentences out of the answer unless one is still the best.
pub fn rank(
    index: &ArticleIndex,
    params: &Params,
    query: &Query,
    focus: Option<&Focus>,
) -> Ranking {
    let (sentence, paragraph) = score_terms(index, params, query);
    let mut candidates = best_candidates(index, params, &sentence, &paragraph);
    if candidates.is_empty() {
        return Ranking::default();
    }
    rerank(index, params, query, focus, &paragraph, &mut candidates);
    let top = candidates[0].score;
    // A follow-up does not repeat, beside its best sentence, what the last answer showed; the
    // ranked list ("More") leaves those out too.
    let shown = |h: &Hit| focus.is_some_and(|f| f.shown.contains(&h.at));
    // Beside its best sentence, a follow-up's answer stays next to it: a sentence elsewhere
    // got there on the borrowed terms alone.
    let first = candidates[0].at;
    let beside = |h: &Hit| {
        focus.is_none()
            || (h.at.article == first.article && h.at.paragraph.abs_diff(first.paragraph) <= 1)
    };
    let mut hits: Vec<Hit> = Vec::with_capacity(params.max_sentences.min(candidates.len()));
    let mut rest: Vec<SentenceRef> = Vec::with_capacity(candidates.len());
    for (i, hit) in candidates.into_iter().enumerate() {
        let fits = hits.len() < params.max_sentences
            && (i == 0 || (hit.score >= params.min_relative * top && beside(&hit)));
        if i > 0 && shown(&hit) {
            continue;
        }
        if fits {
            hits.push(hit);
        } else {
            rest.push(hit.at);
        }
    }
    let ranked: Vec<SentenceRef> = hits.iter().map(|h| h.at).chain(rest).collect();
    // The best sentence's paragraph coverage, as `features` computed it.
    let coverage = hits[0].features.paragraph_coverage;
    let mut top_paragraphs: Vec<(u32, f32)> = paragraph
        .iter()
        .enumerate()
        .filter(|(_, s)| **s > 0.0)
        .map(|(g, s)| (g as u32, *s))
        .collect();
    top_paragraphs.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    top_paragraphs.truncate(5);
    Ranking {
        hits,
        coverage,
        top_paragraphs,
        ranked,
    }
}

/// Step 1: BM25 scores of every sentence and every paragraph, each question term counting
/// once per unit (its best match there).
fn score_terms(index: &ArticleIndex, params: &Params, query: &Query) -> (Vec<f32>, Vec<f32>) {
    let terms = &index.terms;
    let mut sentence = vec![0.0f32; terms.unit_count()];
    let mut paragraph = vec![0.0f32; terms.group_count()];
    let mut best = ScratchMax::new(sentence.len());
    let mut best_group = ScratchMax::new(paragraph.len());
    for q in &query.terms {
        for m in &q.matches {
            let weight = q.factor * m.similarity;
            let (idf, group_idf) = terms.idf_of(m.term);
            for p in terms.postings(m.term) {
                let (len, avg) = terms.unit_len(p.unit);
                let value = weight * idf * bm25_tf(p.tf, len, avg, params.k1, params.b);
                best.offer(p.unit, value);
                let next = p.unit as usize + 1;
                if index.anaphoric.get(next).copied().unwrap_or(false) {
                    best.offer(next as u32, params.anaphor_weight * value);
                }
            }
            for p in terms.group_postings(m.term) {
                let (len, avg) = terms.group_len(p.unit);
                let tf = bm25_tf(p.tf, len, avg, params.k1, params.paragraph_b);
                best_group.offer(p.unit, weight * group_idf * tf);
            }
        }
        best.drain_into(&mut sentence);
        best_group.drain_into(&mut paragraph);
    }
    (sentence, paragraph)
}

/// Step 2: the [`RERANKED`] sentences with the best base score (sentence, paragraph and
/// neighbours), best first.
fn best_candidates(
    index: &ArticleIndex,
    params: &Params,
    sentence: &[f32],
    paragraph: &[f32],
) -> Vec<Hit> {
    let terms = &index.terms;
    let mut candidates: Vec<Hit> = (0..sentence.len() as u32)
        .filter(|&u| sentence[u as usize] > 0.0)
        .map(|u| {
            let g = terms.group_of(u);
            let neighbors = neighbors(terms.units_of(g), u)
                .map(|n| sentence[n as usize])
                .sum::<f32>();
            let (s, p) = (sentence[u as usize], paragraph[g as usize]);
            Hit {
                unit: u,
                at: index.sentences[u as usize],
                score: s + params.paragraph_weight * p + params.neighbor_weight * neighbors,
                sentence_score: s,
                paragraph_score: p,
                features: Features {
                    neighbors,
                    ..Features::default()
                },
            }
        })
        .collect();
    let keep = RERANKED.min(candidates.len());
    if candidates.len() > keep {
        candidates.select_nth_unstable_by(keep - 1, compare);
        candidates.truncate(keep);
    }
    by_score(&mut candidates);
    candidates
}

/// Step 3: re-scores the candidates with their features (answer type, proximity, coverage,
/// lead) and the follow-up focus, and sorts them again.
fn rerank(
    index: &ArticleIndex,
    params: &Params,
    query: &Query,
    focus: Option<&Focus>,
    paragraph: &[f32],
    candidates: &mut [Hit],
) {
    let scale = candidates[0].sentence_score;
    let top_paragraph = paragraph
        .iter()
        .copied()
        .fold(0.0f32, f32::max)
        .max(f32::MIN_POSITIVE);
    let view = QueryView::new(query);
    let mut scratch = Scratch::default();
    for hit in candidates.iter_mut() {
        hit.features = features(
            &index.terms,
            query,
            &view,
            hit,
            scale,
            top_paragraph,
            &mut scratch,
        );
        let f = &hit.features;
        if f.answer_type > 0.0 {
            hit.score += params.type_bonus * scale;
        } else if f.answer_type < 0.0 {
            hit.score *= 1.0 - params.type_penalty;
        }
        hit.score += params.proximity_weight * f.proximity * view.total_weight;
        hit.score += params.lead_weight * scale / (1.0 + hit.at.paragraph as f32).sqrt();
        hit.score += params.coverage_weight * scale * f.coverage;
        if let Some(focus) = focus {
            hit.score = focus.adjust(hit, scale);
        }
    }
    by_score(candidates);
}

impl Focus {
    /// A follow-up candidate's score: lower when already shown, higher near the last answer.
    fn adjust(&self, hit: &Hit, scale: f32) -> f32 {
        let mut score = hit.score;
        if self.shown.contains(&hit.at) {
            score *= 1.0 - SHOWN_PENALTY;
        }
        let near = self
            .near
            .iter()
            .any(|&(a, p)| a == hit.at.article && p.abs_diff(hit.at.paragraph) <= 1);
        if near {
            score += NEAR_BONUS * scale;
        }
        score
    }
}

/// How many of the best sentences get the answer-type and proximity re-scoring.
pub const RERANKED: usize = 10;

/// Sum, over pairs of question terms that are neighbours in the question (no other
/// content word between), of the pair's smaller IDF when the sentence also holds them
/// within three words of each other.
fn proximity(terms: &TermIndex, view: &QueryView<'_>, unit: u32) -> f32 {
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
    let mut total = 0.0;
    for (i, pair) in view.own.windows(2).enumerate().take(63) {
        let (a, b) = (1u64 << i, 1u64 << (i + 1));
        let near = marks.iter().any(|&(ma, pa)| {
            ma & a != 0
                && marks
                    .iter()
                    .any(|&(mb, pb)| mb & b != 0 && pa != pb && pa.abs_diff(pb) <= 3)
        });
        if near {
            total += pair[0].weight.min(pair[1].weight);
        }
    }
    total
}

/// Sorts by score, best first, ties by position.
fn by_score(hits: &mut [Hit]) {
    hits.sort_by(compare);
}

/// Better score first; ties by position.
fn compare(a: &Hit, b: &Hit) -> std::cmp::Ordering {
    b.score.total_cmp(&a.score).then(a.unit.cmp(&b.unit))
}

/// Buffers reused across the candidates of one ranking.
#[derive(Default)]
struct Scratch {
    /// Best similarity per question word.
    best: Vec<f32>,
    /// Paragraph coverage already computed: (group, coverage).
    paragraphs: Vec<(u32, f32)>,
}

/// The re-ranking features of one candidate sentence.
fn features(
    terms: &TermIndex,
    query: &Query,
    view: &QueryView<'_>,
    hit: &Hit,
    scale: f32,
    top_paragraph: f32,
    scratch: &mut Scratch,
) -> Features {
    let held = terms.unit_terms(hit.unit);
    let (coverage_here, matched) = view.coverage(held, &mut scratch.best);
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
        sentence: hit.sentence_score / scale,
        paragraph: hit.paragraph_score / top_paragraph,
        neighbors: hit.features.neighbors / scale,
        proximity: proximity(terms, view, hit.unit) / view.total_weight,
        coverage: coverage_here,
        paragraph_coverage,
        answer_type: match query.answer_type {
            AnswerType::Other => 0.0,
            _ if holds_answer_type(terms, held, query.answer_type, &view.literal) => 1.0,
            _ => -1.0,
        },
        length: terms.unit_len(hit.unit).0.ln_1p(),
        first: f32::from(u8::from(terms.units_of(g).start == hit.unit)),
        precision: matched as f32 / held.len().max(1) as f32,
    }
}

/// BM25's saturated, length-normalised term frequency.
fn bm25_tf(tf: u16, len: f32, avg: f32, k1: f32, b: f32) -> f32 {
    let tf = tf as f32;
    tf * (k1 + 1.0) / (tf + k1 * (1.0 - b + b * len / avg))
}

/// The sentences just before and after `unit` within its paragraph.
fn neighbors(range: Range<u32>, unit: u32) -> impl Iterator<Item = u32> {
    [unit.checked_sub(1), unit.checked_add(1)]
        .into_iter()
        .flatten()
        .filter(move |n| range.contains(n))
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
    "januari", "februari", "march", "april", "may", "june", "juli", "august", "septemb", "octob",
    "novemb", "decemb", "centuri", "decad", "year", "earli", "late", "spring", "summer", "autumn",
    "winter",
];

/// Per-unit maximum of one question term's contributions, reset after each term.
struct ScratchMax {
    values: Vec<f32>,
    touched: Vec<u32>,
}

impl ScratchMax {
    fn new(len: usize) -> Self {
        Self {
            values: vec![0.0; len],
            touched: Vec::new(),
        }
    }

    fn offer(&mut self, unit: u32, value: f32) {
        let slot = &mut self.values[unit as usize];
        if *slot == 0.0 {
            self.touched.push(unit);
        }
        if value > *slot {
            *slot = value;
        }
    }

    fn drain_into(&mut self, total: &mut [f32]) {
        for &unit in &self.touched {
            total[unit as usize] += self.values[unit as usize];
            self.values[unit as usize] = 0.0;
        }
        self.touched.clear();
    }
}
