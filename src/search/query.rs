//! The question side of retrieval: a question analysed and looked up in an index
//! ([`Query`]), what it asks for ([`AnswerType`]), and the overlap between a question and a
//! unit — the one scorer that article sentences and FAQ example questions share
//! ([`Overlap`]), plus the coverage that decides abstention.

use crate::search::index::{MatchKind, TermId, TermIndex, TermMatch, UnitTerm};
use crate::search::rank::Params;
use crate::text::analyze::{Analyzer, Token, TokenKind, with_bigrams};

/// What a question asks for, read from its question words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AnswerType {
    /// *when*, *what year*: a date or year.
    Time,
    /// *how many*, *how much*, *what percentage*: a number.
    Quantity,
    /// *who*, *whom*, *whose*, *which country*: a name.
    Name,
    /// *where*: a place, named after `in`, `at`, `near`…
    Place,
    /// *why*: a reason or a purpose (`because`, `due to`, `critical`, `enables`…).
    Reason,
    /// Anything else.
    #[default]
    Other,
}

/// A question term with the index terms it matched.
#[derive(Debug, Clone)]
pub struct QueryTerm {
    /// The analysed token.
    pub token: Token,
    /// Weight factor: 1 for a plain word, less for compounds and context terms.
    pub factor: f32,
    /// Index terms it matched (empty when the article never mentions it).
    pub matches: Vec<TermMatch>,
    /// Its IDF weight in the coverage sum (the rarest matched term's IDF, or the
    /// unknown-term IDF).
    pub weight: f32,
}

/// A question, analysed and looked up in an index.
#[derive(Debug, Clone, Default)]
pub struct Query {
    /// Content terms, deduplicated by stem.
    pub terms: Vec<QueryTerm>,
    /// What the question asks for.
    pub answer_type: AnswerType,
}

impl Query {
    /// Analyses `question` and looks its terms up in `index`. `extra` are terms from an
    /// earlier question (conversation context) added with `extra_factor`.
    pub fn new(
        analyzer: &Analyzer,
        index: &TermIndex,
        params: &Params,
        question: &str,
        extra: &[(Token, f32)],
    ) -> Self {
        Self::from_tokens(
            index,
            params,
            with_bigrams(analyzer.analyze(question)),
            extra,
        )
    }

    /// Builds a query from analysed tokens (stopwords are left out) and looks them up.
    pub fn from_tokens(
        index: &TermIndex,
        params: &Params,
        tokens: Vec<Token>,
        extra: &[(Token, f32)],
    ) -> Self {
        Self::from_tokens_with(index, params, tokens, extra, &|_| true)
    }

    /// [`Query::from_tokens`], matching fuzzily only the tokens `fuzzy` allows.
    pub fn from_tokens_with(
        index: &TermIndex,
        params: &Params,
        tokens: Vec<Token>,
        extra: &[(Token, f32)],
        fuzzy: &dyn Fn(&Token) -> bool,
    ) -> Self {
        let answer_type = answer_type(&tokens);
        let framing = framing_positions(&tokens);
        let mut terms: Vec<QueryTerm> = Vec::new();
        let asked = tokens
            .into_iter()
            .filter(|t| !t.stop && !framing.contains(&t.position));
        let own = asked.map(|t| {
            let factor = match t.kind {
                TokenKind::Compound => 0.5,
                TokenKind::Bigram => params.bigram_factor,
                _ => 1.0,
            };
            (t, factor)
        });
        for (token, factor) in own.chain(extra.iter().cloned()) {
            if let Some(seen) = terms.iter_mut().find(|q| q.token.stem == token.stem) {
                seen.factor = seen.factor.max(factor);
                continue;
            }
            let matches = index.lookup_with(&token, fuzzy(&token));
            let weight = match matches
                .iter()
                .map(|m| index.idf_of(m.term).0)
                .reduce(f32::max)
            {
                Some(idf) => idf,
                None if token.capitalized && token.kind == TokenKind::Word => {
                    index.unit_idf(0) * params.unknown_name_weight
                }
                None => index.unit_idf(0) * params.unknown_weight,
            };
            terms.push(QueryTerm {
                token,
                factor,
                matches,
                weight,
            });
        }
        Self { terms, answer_type }
    }

    /// True when the question has no content term at all (`?`, `the`, emoji).
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// The question's single-word terms (its bigrams left out).
    pub fn words(&self) -> impl Iterator<Item = &QueryTerm> {
        self.terms
            .iter()
            .filter(|q| q.token.kind != TokenKind::Bigram)
    }
}

/// Positions of words that only frame the question (`many` in `how many`, `much` in `how
/// much`): the answer is a number, not the word.
fn framing_positions(tokens: &[Token]) -> Vec<u32> {
    tokens
        .windows(2)
        .filter(|pair| pair[0].text == "how" && matches!(pair[1].text.as_str(), "many" | "much"))
        .map(|pair| pair[1].position)
        .collect()
}

/// Reads the answer type from the question words.
fn answer_type(tokens: &[Token]) -> AnswerType {
    let words: Vec<&str> = tokens.iter().map(|t| t.text.as_str()).collect();
    for (i, word) in words.iter().enumerate() {
        let next = words.get(i + 1).copied().unwrap_or_default();
        match *word {
            "when" => return AnswerType::Time,
            "how"
                if matches!(
                    next,
                    "many" | "much" | "long" | "old" | "far" | "big" | "large"
                ) =>
            {
                return AnswerType::Quantity;
            }
            "what" | "which"
                if matches!(
                    next,
                    "year"
                        | "years"
                        | "date"
                        | "century"
                        | "decade"
                        | "month"
                        | "day"
                        | "time"
                        | "period"
                ) =>
            {
                return AnswerType::Time;
            }
            "what" | "which"
                if matches!(
                    next,
                    "percentage" | "percent" | "number" | "amount" | "size"
                ) =>
            {
                return AnswerType::Quantity;
            }
            "who" | "whom" | "whose" => return AnswerType::Name,
            "where" => return AnswerType::Place,
            "why" => return AnswerType::Reason,
            "what" | "which"
                if matches!(
                    next,
                    "country"
                        | "city"
                        | "group"
                        | "person"
                        | "company"
                        | "organization"
                        | "party"
                        | "king"
                        | "river"
                ) =>
            {
                return AnswerType::Name;
            }
            _ => {}
        }
    }
    AnswerType::Other
}

/// Facts about the question computed once per ranking (or per FAQ match).
pub(crate) struct QueryView<'q> {
    /// The same without fuzzy matches: the terms the question itself holds.
    pub(crate) literal: Vec<TermId>,
    /// The question's own matched words in order, for proximity.
    pub(crate) own: Vec<&'q QueryTerm>,
    /// Index term → bit set of the `own` words it matches, sorted by term.
    pub(crate) own_bits: Vec<(TermId, u64)>,
    /// Index term → (word number in `weights`, similarity), sorted by term.
    pub(crate) term_hits: Vec<(TermId, u32, f32)>,
    /// Bit `term % 256` set for every term in `term_hits`.
    pub(crate) term_mask: [u64; 4],
    /// Each question word's weight, `factor · weight`.
    pub(crate) weights: Vec<f32>,
    /// Sum of the question words' weights.
    pub(crate) total_weight: f32,
}

impl<'q> QueryView<'q> {
    pub(crate) fn new(query: &'q Query) -> Self {
        let mut literal: Vec<TermId> = query
            .words()
            .flat_map(|q| &q.matches)
            .filter(|m| m.kind != MatchKind::Fuzzy)
            .map(|m| m.term)
            .collect();
        literal.sort_unstable();
        literal.dedup();
        let own: Vec<&QueryTerm> = query
            .words()
            .filter(|q| q.factor >= 1.0 && !q.matches.is_empty())
            .take(64)
            .collect();
        let mut own_bits: Vec<(TermId, u64)> = Vec::new();
        for (i, q) in own.iter().enumerate() {
            for m in &q.matches {
                match own_bits.iter_mut().find(|(t, _)| *t == m.term) {
                    Some((_, bits)) => *bits |= 1 << i,
                    None => own_bits.push((m.term, 1 << i)),
                }
            }
        }
        own_bits.sort_unstable();
        let mut term_hits = Vec::new();
        let mut weights = Vec::new();
        for (i, q) in query.words().enumerate() {
            weights.push(q.factor * q.weight);
            term_hits.extend(q.matches.iter().map(|m| (m.term, i as u32, m.similarity)));
        }
        term_hits.sort_unstable_by_key(|&(term, word, _)| (term, word));
        let mut term_mask = [0u64; 4];
        for &(term, _, _) in &term_hits {
            term_mask[(term as usize / 64) % 4] |= 1 << (term % 64);
        }
        Self {
            literal,
            own,
            own_bits,
            total_weight: weights.iter().sum::<f32>().max(f32::MIN_POSITIVE),
            term_hits,
            term_mask,
            weights,
        }
    }

    /// The entries of `term_hits` for `term` (a quick mask test first: most of a sentence's
    /// terms are not the question's).
    fn hits_of(&self, term: TermId) -> &[(TermId, u32, f32)] {
        if self.term_mask[(term as usize / 64) % 4] & (1 << (term % 64)) == 0 {
            return &[];
        }
        let start = self.term_hits.partition_point(|h| h.0 < term);
        let end = start
            + self.term_hits[start..]
                .iter()
                .take_while(|h| h.0 == term)
                .count();
        &self.term_hits[start..end]
    }

    /// How the question and one unit (a sentence, a FAQ example) overlap: the shared scorer
    /// of article retrieval and FAQ matching. `best` is scratch space.
    pub(crate) fn overlap(
        &self,
        index: &TermIndex,
        held: &[UnitTerm],
        best: &mut Vec<f32>,
    ) -> Overlap {
        let (question, matched) = self.coverage(held, best);
        let (mut covered, mut total) = (0.0, 0.0);
        for t in held {
            let idf = index.idf_of(t.term).0;
            total += idf;
            let similarity = self
                .hits_of(t.term)
                .iter()
                .map(|h| h.2)
                .fold(0.0f32, f32::max);
            covered += idf * similarity;
        }
        let unit = if total > 0.0 { covered / total } else { 0.0 };
        Overlap {
            question,
            unit,
            matched,
        }
    }

    /// Share of the question's weight matched by these sentence terms, and how many of the
    /// terms match. `best` is scratch space.
    pub(crate) fn coverage(&self, held: &[UnitTerm], best: &mut Vec<f32>) -> (f32, usize) {
        best.clear();
        best.resize(self.weights.len(), 0.0);
        let mut matched = 0;
        for t in held {
            let mut any = false;
            for &(_, word, similarity) in self.hits_of(t.term) {
                let slot = &mut best[word as usize];
                *slot = slot.max(similarity);
                any = true;
            }
            matched += usize::from(any);
        }
        let covered: f32 = best.iter().zip(&self.weights).map(|(s, w)| s * w).sum();
        (covered / self.total_weight, matched)
    }
}

/// How much a question and a unit share.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Overlap {
    /// Share (0..=1) of the question's IDF weight the unit matches.
    pub question: f32,
    /// Share (0..=1) of the unit's IDF weight the question matches.
    pub unit: f32,
    /// How many of the unit's terms match.
    pub matched: usize,
}

impl Overlap {
    /// The harmonic mean of the two shares: 1 when question and unit say the same thing.
    pub fn f1(&self) -> f32 {
        let sum = self.question + self.unit;
        if sum > 0.0 {
            2.0 * self.question * self.unit / sum
        } else {
            0.0
        }
    }
}

/// Share of the question's weight matched somewhere in paragraph `group`.
pub fn coverage(terms: &TermIndex, query: &Query, group: u32) -> f32 {
    let mut matched = 0.0;
    let mut total = 0.0;
    for q in query.words() {
        total += q.factor * q.weight;
        let similarity = q
            .matches
            .iter()
            .filter(|m| {
                terms
                    .group_postings(m.term)
                    .binary_search_by_key(&group, |p| p.unit)
                    .is_ok()
            })
            .map(|m| m.similarity)
            .fold(0.0f32, f32::max);
        matched += q.factor * q.weight * similarity;
    }
    if total > 0.0 { matched / total } else { 0.0 }
}
