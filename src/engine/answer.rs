//! What the engine answers: [`Answer`] (quoted sentences, a FAQ answer, or an abstention)
//! and its parts. Plain values, the leaves of the engine layer.

use serde::Serialize;

use crate::corpus::{Article, Paragraph, Sentence};

/// One quoted sentence and where it stands.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quote {
    /// The sentence exactly as it stands in the article.
    pub text: String,
    /// The article's file name without `.txt`.
    pub article: String,
    /// The article's title.
    pub title: String,
    /// 1-based paragraph number.
    pub paragraph: usize,
    /// 1-based sentence number within the paragraph.
    pub sentence: usize,
    /// Ranking score (higher is better; comparable within one question only).
    pub score: f32,
}

impl Quote {
    /// `sentence` of `paragraph` of `article`, quoted verbatim, with `score`.
    pub fn new(article: &Article, paragraph: &Paragraph, sentence: &Sentence, score: f32) -> Self {
        Quote {
            text: article.sentence_text(sentence).to_string(),
            article: article.name.clone(),
            title: article.title.clone(),
            paragraph: paragraph.number,
            sentence: sentence.number,
            score,
        }
    }
}

/// Why the engine gave no article sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Abstention {
    /// The question has no content word (empty, `?`, emoji, only stopwords or small function
    /// words such as `before` or `not`).
    NoTerms,
    /// None of its content words occurs in the article (small words alone do not count).
    NoMatch,
    /// Its words occur, but the best passage covers too little of the question.
    LowCoverage,
    /// Every word of it the article has is a name, and what it asks about them the article
    /// never mentions ("What is Bogdanov's salary?"), nor does any sentence stand out in
    /// meaning
    /// ([`crate::search::query::Query::asks_the_unsaid_about_a_name`]).
    Unsaid,
    /// It asks for an age ("How old…?") and no sentence found holds one.
    NoNumber,
    /// It asks when, the article matches its words weakly (coverage below
    /// [`crate::search::params::Params::dated_coverage`]), and no sentence found holds a
    /// date ("When was Putin born?" about an article that only names him).
    NoDate,
    /// It is written in a script the sentence model cannot read (Hebrew, Chinese: its
    /// vocabulary keeps the Latin, Greek, Cyrillic and Arabic scripts), and the words of it
    /// that the article has are too few to answer it.
    UnknownScript,
}

/// A maintainer-written FAQ answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FaqAnswer {
    /// The rule's id.
    pub rule: String,
    /// The rule's own text (may be empty when it only quotes the article).
    pub text: String,
    /// Article sentences the rule quotes, in the rule's order.
    pub quotes: Vec<Quote>,
    /// How well the question matched the rule (0..=1).
    pub score: f32,
}

/// What the engine answers.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// Sentences from the article, best first (one to three).
    Article(Vec<Quote>),
    /// A FAQ rule's answer.
    Faq(FaqAnswer),
    /// The article does not answer the question.
    NotFound(Abstention),
}

impl Answer {
    /// `"article"`, `"faq"` or `"none"`, as in the JSON output's `source` field.
    pub fn source(&self) -> &'static str {
        match self {
            Answer::Article(_) => "article",
            Answer::Faq(_) => "faq",
            Answer::NotFound(_) => "none",
        }
    }

    /// The quoted article sentences: the retrieved ones, or those a FAQ rule quotes.
    pub fn quotes(&self) -> &[Quote] {
        match self {
            Answer::Article(quotes) => quotes,
            Answer::Faq(faq) => &faq.quotes,
            Answer::NotFound(_) => &[],
        }
    }
}
