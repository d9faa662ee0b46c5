//! The question side of retrieval: a question analysed and looked up in an index
//! ([`Query`]), and what it asks for ([`AnswerType`]). How a query overlaps a unit is in
//! [`crate::search::overlap`].

use crate::search::index::TermIndex;
use crate::search::matcher::{MatchKind, Matcher, TermMatch};
use crate::search::params::Params;
use crate::text::analyze::{Analyzer, Token, TokenKind, with_bigrams};
use crate::text::thesaurus::{is_everyday_word, is_mostly_verb};
use crate::text::words::{QUESTION_WORDS, is_function_word};

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
    /// True when the question points at the text itself ("this story", "is mentioned"):
    /// set by the engine, which knows such phrases; then low coverage does not refuse it.
    pub points_at_text: bool,
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
        let matcher = Matcher::new(index, params);
        let asked = tokens
            .into_iter()
            .filter(|t| !t.stop && !framing.contains(&t.position));
        let own = asked.map(|t| {
            let factor = match t.kind {
                TokenKind::Compound => params.compound_factor,
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
            let matches = matcher.lookup(&token, fuzzy(&token));
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
        Self {
            terms,
            answer_type,
            points_at_text: false,
        }
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

/// Edits (Damerau–Levenshtein) between a misspelt first word and the question word it is
/// mended to; with more, "who" would be mended from any three-letter word.
const MEND_EDITS: usize = 1;
/// Shortest first word that is mended ("wat" is, "wo" is not).
const MEND_MIN_CHARS: usize = 3;

/// Mends a misspelt question word ("Wheer are the bases?", "Hwy did they go?"): the
/// question's first word, when it is no stopword, no everyday word ("whole", "show") and
/// not in the article, and it is [`MEND_EDITS`] edit (Damerau–Levenshtein) from a question
/// word, becomes a stopword — not an unknown term that lowers the coverage. It becomes that
/// question word, which tells the answer type, when one is nearest: the only one, or the
/// only one it is the start of with a letter dropped ("wher" is `where`, not `when`); when
/// several are as near ("hwo": `who` or `how`), it keeps its spelling and asks for nothing
/// in particular.
pub fn mend_question_word(tokens: &mut [Token], index: &TermIndex) {
    let Some(first) = tokens
        .iter_mut()
        .find(|t| t.position == 0 && t.kind == TokenKind::Word)
    else {
        return;
    };
    if first.stop
        || first.text.chars().count() < MEND_MIN_CHARS
        || index.contains(&first.stem)
        || is_everyday_word(&first.stem)
    {
        return;
    }
    let near: Vec<&str> = QUESTION_WORDS
        .iter()
        .copied()
        .filter(|w| strsim::damerau_levenshtein(w, &first.text) == MEND_EDITS)
        .collect();
    let started: Vec<&str> = (near.iter().copied())
        .filter(|w| w.starts_with(first.text.as_str()))
        .collect();
    let word = match (near.as_slice(), started.as_slice()) {
        ([], _) => return,
        ([only], _) | (_, [only]) => Some(*only),
        _ => None,
    };
    if let Some(word) = word {
        first.text = word.to_string();
        first.stem = word.to_string();
    }
    first.stop = true;
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

/// Reads the answer type from the question words: the first question word that tells it
/// decides (`when`, `how many`, `what year`, `who`, `where`, `why`, `which country`…).
fn answer_type(tokens: &[Token]) -> AnswerType {
    let words: Vec<&str> = tokens.iter().map(|t| t.text.as_str()).collect();
    for (i, word) in words.iter().enumerate() {
        let next = words.get(i + 1).copied().unwrap_or_default();
        // After another question word, `when` joins a clause ("What can the steam not do
        // when the event is too short?"): it asks for no time.
        // ("How and when did Russia intervene?" still asks when.)
        let joined = i > 0 && matches!(words[i - 1], "and" | "or");
        let asked_before = !joined && words[..i].iter().any(|w| QUESTION_WORDS.contains(w));
        let asked = match *word {
            "when" if !asked_before => Some(AnswerType::Time),
            "how" if HOW_QUANTITY.contains(&next) => Some(AnswerType::Quantity),
            "what" | "which" if TIME_NOUNS.contains(&next) => Some(AnswerType::Time),
            "what" | "which" if QUANTITY_NOUNS.contains(&next) => Some(AnswerType::Quantity),
            "who" | "whom" | "whose" => Some(AnswerType::Name),
            "where" => Some(AnswerType::Place),
            "why" => Some(AnswerType::Reason),
            "what" | "which" if NAME_NOUNS.contains(&next) => Some(AnswerType::Name),
            _ => None,
        };
        if let Some(asked) = asked {
            return asked;
        }
    }
    AnswerType::Other
}

/// True when `word` only names the kind of answer asked for (`city` in "In what city?",
/// `year`, `times` in "How many times?", `one` in "Which one?"): a question of such words
/// alone has no topic of its own.
pub fn is_kind_word(word: &str) -> bool {
    [
        HOW_QUANTITY,
        TIME_NOUNS,
        QUANTITY_NOUNS,
        NAME_NOUNS,
        KIND_NOUNS,
    ]
    .iter()
    .any(|list| list.contains(&word))
}

/// Other nouns that name the kind of answer (`what kind`, `which ones`, `how many times`).
const KIND_NOUNS: &[&str] = &[
    "kind", "type", "sort", "one", "ones", "times", "name", "place", "town", "state", "way",
];

/// Words after `how` that ask for a number (`how many`, `how long`).
const HOW_QUANTITY: &[&str] = &["many", "much", "long", "old", "far", "big", "large"];

/// Nouns after `what`/`which` that ask for a date.
const TIME_NOUNS: &[&str] = &[
    "year", "years", "date", "century", "decade", "month", "day", "time", "period",
];

/// Nouns after `what`/`which` that ask for a number.
const QUANTITY_NOUNS: &[&str] = &["percentage", "percent", "number", "amount", "size"];

/// Nouns after `what`/`which` that ask for a name.
const NAME_NOUNS: &[&str] = &[
    "country",
    "city",
    "group",
    "person",
    "company",
    "organization",
    "party",
    "king",
    "river",
];

impl Query {
    /// True when the question names (capitalised, and at its start no everyday word, as in
    /// "Erdogan?") something the article never mentions: then it is about that, and a
    /// sentence close in meaning does not answer it. Only Latin words count: a Cyrillic or
    /// Arabic one only says another language.
    pub fn names_an_unknown(&self) -> bool {
        self.words().any(|q| {
            q.token.capitalized
                && (q.token.position > 0 || !is_everyday_word(&q.token.stem))
                && q.matches.is_empty()
                && !q.token.stop
                && q.token.text.chars().next().is_some_and(is_latin)
        })
    }

    /// True when the question asks about someone the article names for something it never
    /// mentions: every own content word the article has is (part of) a name, capitalised
    /// and not the first word, and what is asked is a word it lacks that is no name and no
    /// verb ("How tall is Putin?", "Who is al-Sharaa's wife?"; a verb it lacks is likely
    /// said in other words, as "take" for "overran"). The article says who; not that.
    pub fn asks_the_unsaid_about_a_name(&self) -> bool {
        let named = self.name_positions();
        let mut matched = self.own_words().filter(|q| matched_by_form(q)).peekable();
        matched.peek().is_some()
            && matched.all(|q| named.contains(&q.token.position))
            && self.asks_the_unsaid(&named)
    }

    /// True when an own word the question typed that is no name (not at `named`), no verb
    /// and no word of the kind of answer asked for (`year`, `city`), and that the article
    /// lacks, is what the question asks.
    fn asks_the_unsaid(&self, named: &[u32]) -> bool {
        (self.own_words()).any(|q| {
            !matched_by_form(q)
                && !named.contains(&q.token.position)
                && !is_kind_word(&q.token.text)
                && q.token.kind != TokenKind::Expansion
                && !is_mostly_verb(&q.token.stem)
                && q.token.text.chars().any(char::is_alphabetic)
        })
    }

    /// Positions of the words that are (part of) a name: capitalised and not the first
    /// word, with every part of a compound one of whose parts is (`al` in "al-Sharaa").
    fn name_positions(&self) -> Vec<u32> {
        let words: Vec<&Token> = self.words().map(|q| &q.token).collect();
        let mut named: Vec<u32> = (words.iter())
            .filter(|t| t.kind != TokenKind::Compound && t.capitalized && t.position > 0)
            .map(|t| t.position)
            .collect();
        for compound in words.iter().filter(|t| t.kind == TokenKind::Compound) {
            // Its parts are the words just before it whose texts spell it, last part first.
            let parts: Vec<&Token> = (words.iter().copied())
                .filter(|t| !matches!(t.kind, TokenKind::Compound | TokenKind::Expansion))
                .filter(|t| t.position <= compound.position)
                .filter(|t| compound.position - t.position < LONGEST_COMPOUND)
                .collect();
            let mut spelt = String::new();
            let mut span = Vec::new();
            for part in parts.iter().rev() {
                spelt.insert_str(0, &part.text);
                span.push(part.position);
                if spelt == compound.text {
                    break;
                }
            }
            if spelt == compound.text && span.iter().any(|p| named.contains(p)) {
                named.extend(span);
            }
        }
        named
    }

    /// True when some content word is a word of a language: an everyday English word, or a
    /// word in another script (Cyrillic, Arabic…). Keyboard mashing ("asdfgh", "xxxxx") has
    /// none, and a sentence close to it in meaning answers nothing.
    pub fn has_words(&self) -> bool {
        self.words().any(|q| {
            let text = &q.token.text;
            is_everyday_word(&q.token.stem)
                || text.chars().any(|c| c.is_alphabetic() && !is_latin(c))
        })
    }

    /// True when the question has content words, each holds a letter and none is in the
    /// Latin script the article's words are matched in ("С кем он встретился?", "بمن
    /// التقى؟"): only its meaning can tell what it is about.
    pub fn only_in_another_script(&self) -> bool {
        let mut words = self.own_words().peekable();
        words.peek().is_some()
            && words.all(|q| {
                let text = &q.token.text;
                q.matches.is_empty()
                    && text.chars().any(char::is_alphabetic)
                    && text.chars().all(|c| !c.is_alphabetic() || !is_latin(c))
            })
    }

    /// True when the article has every one of the question's own content words (or it has
    /// none): nothing in it is about something else.
    pub fn own_words_all_found(&self) -> bool {
        self.own_words().all(|q| !q.matches.is_empty())
    }

    /// How many of the question's own content words (not small words, not borrowed from
    /// context) the article has.
    pub fn own_words_found(&self) -> usize {
        self.own_words().filter(|q| !q.matches.is_empty()).count()
    }

    /// The question's own content words: not small words, not borrowed from context, not
    /// compounds' parts or bigrams.
    fn own_words(&self) -> impl Iterator<Item = &QueryTerm> {
        self.words()
            .filter(|q| q.factor >= 1.0 && !is_function_word(&q.token.text))
    }
}

/// Most parts of a hyphenated compound looked back over for [`Query::name_positions`].
const LONGEST_COMPOUND: u32 = 8;

/// True when the article has `q` by its own spelling or a derived form of it ("intervene" →
/// `intervention`): a WordNet relation ("weather" → `condition`) is too loose to say the
/// article speaks of it.
fn matched_by_form(q: &QueryTerm) -> bool {
    q.matches.iter().any(|m| m.kind != MatchKind::Related)
}

/// True for a Latin letter: the script the article's own words are matched in.
fn is_latin(c: char) -> bool {
    c.is_ascii_alphabetic() || ('\u{c0}'..='\u{24f}').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Corpus;
    use crate::search::article_index::ArticleIndex;

    fn mended(question: &str) -> String {
        let analyzer = Analyzer::new();
        let corpus = Corpus::from_text("t", "The whey was sold in Tartus.").unwrap();
        let index = ArticleIndex::build(&analyzer, &corpus);
        let mut tokens = analyzer.analyze(question);
        mend_question_word(&mut tokens, &index.terms);
        let first = &tokens[0];
        format!("{} {}", first.text, first.stop)
    }

    #[test]
    fn the_answer_type_comes_from_the_question_word_that_asks() {
        let analyzer = Analyzer::new();
        let asked = |question: &str| answer_type(&analyzer.analyze(question));
        assert_eq!(asked("When did Assad fall?"), AnswerType::Time);
        assert_eq!(
            asked("In what year did Russia intervene?"),
            AnswerType::Time
        );
        assert_eq!(
            asked("How many bases does Russia have?"),
            AnswerType::Quantity
        );
        assert_eq!(asked("Who led the delegation?"), AnswerType::Name);
        assert_eq!(asked("Where are the bases?"), AnswerType::Place);
        assert_eq!(asked("Why did Russia call?"), AnswerType::Reason);
        assert_eq!(asked("What did they discuss?"), AnswerType::Other);
        // `when` after another question word joins a clause and asks for no time.
        assert_eq!(
            asked("What does water turn into when heated?"),
            AnswerType::Other
        );
        assert_eq!(
            asked("How and when did Russia intervene?"),
            AnswerType::Time
        );
    }

    #[test]
    fn a_misspelt_first_question_word_is_mended_to_the_nearest() {
        assert_eq!(mended("Wheer are the bases?"), "where true");
        assert_eq!(mended("hwy did they go"), "why true");
        // A dropped last letter: `where`, though `when` is one edit away too.
        assert_eq!(mended("wher are the bases"), "where true");
        // One transposition from both `who` and `how`: a question word, but which one is
        // not known.
        assert_eq!(mended("hwo led them"), "hwo true");
        // One edit from `who`, `why` and `what`: the same.
        assert_eq!(mended("Wht is it"), "wht true");
        // Everyday words one edit from a question word are not typos.
        assert_eq!(mended("Whole families fled?"), "whole false");
        assert_eq!(mended("Show me the bases"), "show false");
        // A word the article has is not a typo (`whey`, one edit from `why` and `when`).
        assert_eq!(mended("Whey prices?"), "whey false");
        // Only the first word.
        assert_eq!(mended("Bases wheer?"), "bases false");
    }
}
