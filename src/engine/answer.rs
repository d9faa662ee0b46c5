//! The answer engine: one call turns a question into an [`Answer`] — the article's own
//! sentences, best first, or an abstention. Telegram, the console chat and `ask` only render it.

use std::sync::Arc;

use serde::Serialize;

use crate::corpus::{Article, Corpus, Paragraph, Sentence};
use crate::engine::faq::Faq;
use crate::search::article_index::{ArticleIndex, SentenceRef};
use crate::search::params::Params;
use crate::search::query::Query;
use crate::search::rank::{self, Ranking};
use crate::search::rerank::{Focus, Hit};
use crate::text::analyze::{Analyzer, Token};

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

    /// The answer as the JSON object `ask --json` prints: `{"question", "source",
    /// "sentences": [{"text", "article", "paragraph", "sentence", "score"}]}`, plus `"rule"`
    /// and `"text"` for a FAQ answer and `"reason"` for an abstention.
    pub fn to_json(&self, question: &str) -> serde_json::Value {
        let sentences: Vec<serde_json::Value> = self
            .quotes()
            .iter()
            .map(|q| {
                serde_json::json!({
                    "text": q.text,
                    "article": q.article,
                    "title": q.title,
                    "paragraph": q.paragraph,
                    "sentence": q.sentence,
                    "score": (f64::from(q.score) * 1000.0).round() / 1000.0,
                })
            })
            .collect();
        let mut json = serde_json::json!({
            "question": question,
            "source": self.source(),
            "sentences": sentences,
        });
        match self {
            Answer::Faq(faq) => {
                json["rule"] = faq.rule.clone().into();
                json["text"] = faq.text.clone().into();
            }
            Answer::NotFound(reason) => {
                json["reason"] = serde_json::to_value(reason).unwrap_or_default()
            }
            Answer::Article(_) => {}
        }
        json
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

/// The engine: the corpus, its index, the FAQ rules and the scoring parameters. Cheap to
/// clone (the parts are shared).
#[derive(Debug, Clone)]
pub struct Engine {
    analyzer: Arc<Analyzer>,
    corpus: Arc<Corpus>,
    index: Arc<ArticleIndex>,
    faq: Option<Arc<Faq>>,
    params: Params,
    fingerprint: u64,
}

impl Engine {
    /// Analyses and indexes `corpus` with the default parameters.
    pub fn new(corpus: Corpus) -> Self {
        let analyzer = Analyzer::new();
        let index = ArticleIndex::build(&analyzer, &corpus);
        let fingerprint = fingerprint(&corpus);
        Self {
            fingerprint,
            analyzer: Arc::new(analyzer),
            corpus: Arc::new(corpus),
            index: Arc::new(index),
            faq: None,
            params: Params::default(),
        }
    }

    /// The same articles with these FAQ rules (replacing any before).
    pub fn with_faq(&self, faq: Faq) -> Self {
        Self {
            faq: Some(Arc::new(faq)),
            ..self.clone()
        }
    }

    /// A hash of the articles' names and texts: a remembered answer made with other articles
    /// (contexts outlive restarts in Redis) no longer fits this engine.
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// The FAQ rules' scores for `question`, as [`Engine::answer`] computes them (words the
    /// article knows are not matched fuzzily against the rules), best first.
    pub fn faq_scores(&self, question: &str) -> Vec<crate::engine::faq::RuleScore> {
        match &self.faq {
            Some(faq) => faq.scores_of(self.analyzer.analyze(question), &|stem| {
                self.index.terms.contains(stem)
            }),
            None => Vec::new(),
        }
    }

    /// The FAQ rules in use, if any.
    pub fn faq(&self) -> Option<&Faq> {
        self.faq.as_deref()
    }

    /// The analyser (shared with the FAQ rules).
    pub fn analyzer(&self) -> Arc<Analyzer> {
        Arc::clone(&self.analyzer)
    }

    /// The same engine with other scoring parameters.
    pub fn with_params(mut self, params: Params) -> Self {
        self.params = params;
        self
    }

    /// The articles answered from.
    pub fn corpus(&self) -> &Corpus {
        &self.corpus
    }

    /// The scoring parameters in use.
    pub fn params(&self) -> &Params {
        &self.params
    }

    /// Answers a question: a FAQ rule that matches well enough wins; otherwise the article's
    /// best sentences; otherwise the engine abstains.
    ///
    /// Any text is accepted; only its first 4,096 bytes are read.
    ///
    /// ```
    /// use article_qa::{Answer, Corpus, Engine};
    ///
    /// let corpus = Corpus::from_text("talks", "The Kremlin confirmed the call on February 12. \
    ///     Putin spoke with Syria's new leader.\nThe delegation was led by Mikhail Bogdanov.").unwrap();
    /// let engine = Engine::new(corpus);
    /// let answer = engine.answer("Who led the delegation?");
    /// assert_eq!(answer.quotes()[0].text, "The delegation was led by Mikhail Bogdanov.");
    /// assert_eq!(answer.quotes()[0].paragraph, 2);
    /// assert!(matches!(engine.answer("What is the capital of France?"), Answer::NotFound(_)));
    /// ```
    pub fn answer(&self, question: &str) -> Answer {
        let mut fresh = crate::engine::conversation::Context::default();
        self.converse(
            question,
            &mut fresh,
            0,
            crate::engine::conversation::DEFAULT_TTL,
        )
        .answer
    }

    /// A query from analysed tokens (and context terms with their factors).
    pub(crate) fn query_tokens(&self, tokens: Vec<Token>, extra: &[(Token, f32)]) -> Query {
        Query::from_tokens(&self.index.terms, &self.params, tokens, extra)
    }

    /// Ranks the article's sentences for a query.
    pub(crate) fn rank(&self, query: &Query, focus: Option<&Focus>) -> Ranking {
        rank::rank(&self.index, &self.params, query, focus)
    }

    /// Answers from the article alone (no FAQ rules).
    pub fn article_answer(&self, question: &str) -> Answer {
        let query = self.query(question);
        let ranking = rank::rank(&self.index, &self.params, &query, None);
        self.decide(&query, &ranking)
    }

    /// The full ranking behind [`Engine::answer`], for explanations and diagnostics.
    pub fn ranking(&self, question: &str) -> (Query, Ranking) {
        let query = self.query(question);
        let ranking = rank::rank(&self.index, &self.params, &query, None);
        (query, ranking)
    }

    /// The article index (for diagnostics).
    pub fn index(&self) -> &ArticleIndex {
        &self.index
    }

    /// Analyses a question and looks its terms up in the article index.
    pub fn query(&self, question: &str) -> Query {
        Query::new(
            &self.analyzer,
            &self.index.terms,
            &self.params,
            question,
            &[],
        )
    }

    /// Turns a ranking into an answer, abstaining below the coverage threshold.
    pub(crate) fn decide(&self, query: &Query, ranking: &Ranking) -> Answer {
        let mut content = query
            .words()
            .filter(|q| !crate::text::words::is_function_word(&q.token.text))
            .peekable();
        if content.peek().is_none() {
            return Answer::NotFound(Abstention::NoTerms);
        }
        // Only small words ("not", "before") found in the article is no match: "not json"
        // is not about the sentences that say "not".
        let content_matched = content.any(|q| !q.matches.is_empty());
        if ranking.hits.is_empty() || !content_matched {
            return Answer::NotFound(Abstention::NoMatch);
        }
        if ranking.coverage < self.params.threshold {
            return Answer::NotFound(Abstention::LowCoverage);
        }
        Answer::Article(ranking.hits.iter().map(|hit| self.quote(hit)).collect())
    }

    fn quote(&self, hit: &Hit) -> Quote {
        let mut quote = self
            .quote_at(hit.at)
            .expect("hits come from this engine's index");
        quote.score = hit.score;
        quote
    }

    /// The sentence at `at` as a quote (score 0), or `None` when the corpus has no such
    /// sentence (a reference from elsewhere, such as an old context).
    pub fn quote_at(&self, at: SentenceRef) -> Option<Quote> {
        let (article, paragraph, sentence) = at.locate(&self.corpus)?;
        Some(Quote::new(article, paragraph, sentence, 0.0))
    }
}

/// See [`Engine::fingerprint`]: stable for one build of the program and one set of articles.
fn fingerprint(corpus: &Corpus) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::hash::DefaultHasher::new();
    for article in &corpus.articles {
        article.name.hash(&mut hasher);
        article.text.hash(&mut hasher);
        // How the text was split, too: a new version may split the same text differently.
        for paragraph in &article.paragraphs {
            paragraph.span.hash(&mut hasher);
            for sentence in &paragraph.sentences {
                sentence.span.hash(&mut hasher);
            }
        }
    }
    hasher.finish()
}
