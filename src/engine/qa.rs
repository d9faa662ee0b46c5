//! The engine: the corpus, its index, the FAQ rules and the scoring parameters, and the one
//! call that answers a question ([`Engine::answer`], or [`Engine::converse`] in a chat's
//! context). Telegram, the console chat and `ask` only render what it returns.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use crate::corpus::Corpus;
use crate::embed::{EmbedError, Encoder};
use crate::engine::answer::{Abstention, Answer, Quote};
use crate::engine::conversation::{
    Context, Conversed, DEFAULT_TTL, Decision, asks_what_it_is_about, asks_without_content,
    context_token, follow_up_words, is_foreign_fragment, names_a_person, own_terms,
    points_at_the_text,
};
use crate::engine::faq::{self, Faq};
use crate::engine::meaning::Meaning;
use crate::search::article_index::{ArticleIndex, SentenceRef};
use crate::search::params::Params;
use crate::search::query::{AnswerType, Query, mend_question_word};
use crate::search::rank::{self, Ranking};
use crate::search::rerank::{Fit, Focus, Hit};
use crate::search::semantic;
use crate::text::analyze::{Analyzer, Token, with_bigrams};
use crate::text::words::is_function_word;

/// The engine: the corpus, its index, the FAQ rules and the scoring parameters. Cheap to
/// clone (the parts are shared).
#[derive(Debug, Clone)]
pub struct Engine {
    analyzer: Arc<Analyzer>,
    corpus: Arc<Corpus>,
    index: Arc<ArticleIndex>,
    faq: Option<Arc<Faq>>,
    meaning: Option<Arc<Meaning>>,
    params: Params,
    fingerprint: u64,
    /// With several articles, an engine for each one alone, made on first use (what a chat
    /// that chose one with `/article N` is answered from, [`Engine::scoped`]).
    parts: Arc<Parts>,
}

/// The engines of each article alone ([`Engine::per_article`]): one cell per article, in the
/// corpus's order, filled by [`Engine::scoped`] the first time a chat asks about it; none
/// with one article or before [`Engine::per_article`].
#[derive(Debug, Default)]
struct Parts {
    cells: Vec<OnceLock<Engine>>,
    /// Where an article's keyword index is cached ([`Engine::with_index_cache`]).
    cache_dir: Option<PathBuf>,
}

impl Parts {
    /// Cells for `count` articles, none made yet.
    fn new(count: usize, cache_dir: Option<PathBuf>) -> Self {
        let cells = (0..count).map(|_| OnceLock::new()).collect();
        Self { cells, cache_dir }
    }

    /// The same articles with nothing made: for an engine whose rules, parameters or
    /// semantic stage changed, so its parts are made again from it.
    fn emptied(&self) -> Arc<Self> {
        Arc::new(Self::new(self.cells.len(), self.cache_dir.clone()))
    }
}

impl Engine {
    /// Analyses and indexes `corpus` with the default parameters.
    pub fn new(corpus: Corpus) -> Self {
        Self::with_index_cache(corpus, None)
    }

    /// As [`Engine::new`], the keyword index read from the cache folder `cache_dir` when a
    /// valid file for this corpus is there, else built and saved there
    /// ([`super::index_cache`]; small corpora are always built).
    pub fn with_index_cache(corpus: Corpus, cache_dir: Option<&Path>) -> Self {
        let analyzer = Analyzer::new();
        let index = match cache_dir {
            Some(dir) => super::index_cache::load_or_build(&analyzer, &corpus, dir).0,
            None => ArticleIndex::build(&analyzer, &corpus),
        };
        let fingerprint = fingerprint(&corpus);
        Self {
            parts: Arc::default(),
            fingerprint,
            analyzer: Arc::new(analyzer),
            corpus: Arc::new(corpus),
            index: Arc::new(index),
            faq: None,
            meaning: None,
            params: Params::default(),
        }
    }

    /// The same engine with the semantic stage: every sentence encoded by `encoder` (read
    /// from `cache_dir` when a valid cache file is there, else encoded and saved).
    ///
    /// Errors: the encoder failed ([`EmbedError`]).
    pub fn with_meaning(
        mut self,
        encoder: Arc<Encoder>,
        cache_dir: Option<&Path>,
    ) -> Result<Self, EmbedError> {
        let meaning = Meaning::build(encoder, &self.corpus, &self.index, cache_dir)?;
        self.meaning = Some(Arc::new(meaning));
        self.parts = self.parts.emptied();
        Ok(self)
    }

    /// The same engine able to answer from one article alone ([`Engine::scoped`]): with
    /// several articles, an engine for each is made from this one the first time a chat asks
    /// about that article (its keyword index read from `cache_dir` as
    /// [`Engine::with_index_cache`] does; its sentence vectors taken from this engine's, not
    /// encoded again; the same parameters and FAQ rules). Costs nothing until then; with one
    /// article it changes nothing.
    pub fn per_article(mut self, cache_dir: Option<&Path>) -> Self {
        let count = self.corpus.articles.len();
        if count >= 2 {
            self.parts = Arc::new(Parts::new(count, cache_dir.map(Path::to_path_buf)));
        }
        self
    }

    /// The engine that answers from article `article` alone (an index into the corpus's
    /// articles; a chat keeps the article's name in [`Context::article`]), made now if no
    /// chat asked about it before: itself with one article, when `article` is `None` or past
    /// the last article (all articles then), and when [`Engine::per_article`] was not called.
    /// Making it takes as long as indexing that article (about 1 ms for a news article).
    pub fn scoped(&self, article: Option<usize>) -> &Engine {
        match article.and_then(|i| Some((i, self.parts.cells.get(i)?))) {
            Some((i, cell)) => cell.get_or_init(|| self.part(i)),
            None => self,
        }
    }

    /// The engine of article `i` alone, made from this one.
    fn part(&self, i: usize) -> Engine {
        let alone = Corpus {
            articles: self.corpus.articles.get(i).cloned().into_iter().collect(),
        };
        let cache_dir = self.parts.cache_dir.as_deref();
        let mut part = Engine::with_index_cache(alone, cache_dir).with_params(self.params);
        // The same sentences with the same neighbours: their vectors are the whole's.
        let units = self.index.units_of_article(i);
        part.meaning = (self.meaning.as_ref()).map(|meaning| Arc::new(meaning.part(units)));
        part.faq = self.faq.clone();
        part
    }

    /// True when answers use the semantic stage beside the keywords.
    pub fn has_meaning(&self) -> bool {
        self.meaning.is_some()
    }

    /// The cosine of `text` with every sentence, when the semantic stage is on and its
    /// model can read `text`.
    fn cosines(&self, text: &str) -> Option<Vec<f32>> {
        self.meaning.as_ref()?.cosines(text, &self.params)
    }

    /// The cosines of `text` for a question of `tokens` (`text` may hold earlier turns too);
    /// for one asked in another script, raised for the sentences that hold the names it
    /// writes in that script ([`semantic::add_transliterated_names`]).
    fn question_cosines(&self, text: &str, query: &Query, tokens: &[Token]) -> Option<Vec<f32>> {
        let mut cosines = self.cosines(text)?;
        if query.only_in_another_script() {
            let (index, params) = (&self.index.terms, &self.params);
            semantic::add_transliterated_names(index, params, &self.analyzer, tokens, &mut cosines);
        }
        Some(cosines)
    }

    /// True when the semantic stage is on and its model cannot read `text` (a script its
    /// vocabulary lacks, [`Meaning::reads`]).
    fn unreadable(&self, text: &str) -> bool {
        (self.meaning.as_ref()).is_some_and(|m| !m.reads(text, &self.params))
    }

    /// The same articles with these FAQ rules (replacing any before).
    pub fn with_faq(&self, faq: Faq) -> Self {
        Self {
            parts: self.parts.emptied(),
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
    pub fn faq_scores(&self, question: &str) -> Vec<faq::RuleScore> {
        match &self.faq {
            Some(faq) => faq.scores_of(self.analyzer.analyze(question), &|stem| {
                self.index.terms.contains(stem)
            }),
            None => Vec::new(),
        }
    }

    /// What FAQ rules are read against: this engine's articles, analyser and parameters.
    pub fn faq_basis(&self) -> faq::Basis<'_> {
        faq::Basis {
            analyzer: &self.analyzer,
            corpus: &self.corpus,
            params: &self.params,
        }
    }

    /// The same articles with the rules of the file at `path` (replacing any before), checked
    /// against these articles and the front end's message `limit`.
    ///
    /// Errors: the file cannot be read, or it fails its check ([`faq::FaqError`]).
    pub fn with_faq_file(
        &self,
        path: &Path,
        limit: &dyn faq::MessageLimit,
    ) -> Result<Self, faq::FaqError> {
        Ok(self.with_faq(faq::load(path, self.faq_basis(), limit)?))
    }

    /// The FAQ rules in use, if any.
    pub fn faq(&self) -> Option<&Faq> {
        self.faq.as_deref()
    }

    /// The analyser (shared with the FAQ rules).
    pub fn analyzer(&self) -> Arc<Analyzer> {
        Arc::clone(&self.analyzer)
    }

    /// The same engine with other scoring parameters (its FAQ rules too).
    pub fn with_params(mut self, params: Params) -> Self {
        self.parts = self.parts.emptied();
        self.faq = self.faq.map(|faq| Arc::new(faq.with_params(&params)));
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
        let mut fresh = Context::default();
        self.converse(question, &mut fresh, 0, DEFAULT_TTL).answer
    }

    /// A query from analysed tokens (and context terms with their factors).
    pub(crate) fn query_tokens(&self, tokens: Vec<Token>, extra: &[(Token, f32)]) -> Query {
        let points_at_text = points_at_the_text(&tokens);
        let mut query = Query::from_tokens(&self.index.terms, &self.params, tokens, extra);
        query.points_at_text = points_at_text;
        query
    }

    /// Ranks the article's sentences for a query (and, with the semantic stage, the
    /// sentences' `cosines` with the question).
    pub(crate) fn rank(
        &self,
        query: &Query,
        focus: Option<&Focus>,
        cosines: Option<&[f32]>,
    ) -> Ranking {
        rank::rank(&self.index, &self.params, query, focus, cosines)
    }

    /// The full ranking behind [`Engine::answer`], for explanations and diagnostics.
    pub fn ranking(&self, question: &str) -> (Query, Ranking) {
        let tokens = self.analyze(question);
        let query = self.query_tokens(with_bigrams(tokens.clone()), &[]);
        let cosines = self.question_cosines(question, &query, &tokens);
        let ranking = self.rank(&query, None, cosines.as_deref());
        (query, ranking)
    }

    /// The article index (for diagnostics).
    pub fn index(&self) -> &ArticleIndex {
        &self.index
    }

    /// Analyses a question and looks its terms up in the article index.
    pub fn query(&self, question: &str) -> Query {
        self.query_tokens(with_bigrams(self.analyze(question)), &[])
    }

    /// A question's tokens, its misspelt question word mended ([`mend_question_word`]).
    fn analyze(&self, question: &str) -> Vec<Token> {
        let mut tokens = self.analyzer.analyze(question);
        mend_question_word(&mut tokens, &self.index.terms);
        tokens
    }

    /// Turns a ranking into an answer, abstaining below the coverage threshold — unless the
    /// semantic stage's best cosine stands [`Params::semantic_margin`] above the article's
    /// mean and the question names nothing the article lacks. A question whose only words
    /// found are names, asking what the article never mentions
    /// ([`Query::asks_the_unsaid_about_a_name`]), is refused as [`Abstention::Unsaid`] unless
    /// its best cosine stands [`Params::unsaid_margin`] above the mean. A question the
    /// keywords refuse and the model cannot read (`unreadable`: Hebrew, even with a name the
    /// article has) is refused as [`Abstention::UnknownScript`].
    pub(crate) fn decide(
        &self,
        query: &Query,
        ranking: &Ranking,
        cosines: Option<&[f32]>,
        unreadable: bool,
    ) -> Answer {
        let mut content = query
            .words()
            .filter(|q| !is_function_word(&q.token.text))
            .peekable();
        if content.peek().is_none() {
            return Answer::NotFound(Abstention::NoTerms);
        }
        // Only small words ("not", "before") found in the article is no match: "not json"
        // is not about the sentences that say "not".
        let content_matched = content.any(|q| !q.matches.is_empty());
        // Only with the semantic stage, which can still answer it by meaning, in other words
        // ("Who was Margaret's husband?" — "Malcolm married Margaret").
        let unsaid = cosines.is_some() && query.asks_the_unsaid_about_a_name();
        let refused = if ranking.hits.is_empty() || !content_matched {
            Some(Abstention::NoMatch)
        } else if unsaid {
            Some(Abstention::Unsaid)
        } else if ranking.coverage < self.params.threshold {
            Some(Abstention::LowCoverage)
        } else {
            None
        };
        let needed = if unsaid {
            self.params.unsaid_margin
        } else if content_matched {
            self.params.semantic_margin
        } else {
            self.params.semantic_margin_unmatched
        };
        let by_meaning = || {
            cosines.is_some_and(|c| semantic::margin(c) >= needed)
                && !ranking.hits.is_empty()
                && !query.names_an_unknown()
                && (content_matched || query.has_words())
        };
        if let Some(why) = self.lacks_what_is_asked_for(query, ranking) {
            return Answer::NotFound(why);
        }
        // A question that points at the text ("What state did this story happen in?") asks
        // what the text says: it is answered unless it names something the text lacks.
        let about_the_text =
            || query.points_at_text && !ranking.hits.is_empty() && !query.names_an_unknown();
        match refused {
            // Refused by keywords, and no meaning to read: its script is what stops it.
            Some(_) if unreadable && !about_the_text() => {
                Answer::NotFound(Abstention::UnknownScript)
            }
            Some(why) if !by_meaning() && !about_the_text() => Answer::NotFound(why),
            _ => Answer::Article(ranking.hits.iter().map(|hit| self.quote(hit)).collect()),
        }
    }

    /// Why the sentences found cannot answer a question that asks for an age or a date they
    /// do not hold ([`lacks_the_age_asked_for`], [`lacks_the_date_asked_for`]), if they cannot.
    fn lacks_what_is_asked_for(&self, query: &Query, ranking: &Ranking) -> Option<Abstention> {
        if lacks_the_age_asked_for(self, query, ranking) {
            Some(Abstention::NoNumber)
        } else if lacks_the_date_asked_for(&self.params, query, ranking) {
            Some(Abstention::NoDate)
        } else {
            None
        }
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

    /// Answers the last of `turns` in a fresh conversation, the turns before it asked first
    /// (for `ask -` and `eval`, where a line or case is one whole conversation). `None` when
    /// `turns` is empty.
    pub fn converse_turns(&self, turns: &[String]) -> Option<Conversed> {
        let (last, earlier) = turns.split_last()?;
        let mut context = Context::default();
        for turn in earlier {
            self.converse(turn, &mut context, 0, DEFAULT_TTL);
        }
        Some(self.converse(last, &mut context, 0, DEFAULT_TTL))
    }

    /// Answers `question` in a chat's `context` and updates the context. An expired context
    /// (idle longer than `ttl` at `now`, seconds since the epoch) is dropped first.
    ///
    /// ```
    /// use article_qa::{Corpus, Engine, engine::conversation::{Context, Decision}};
    /// use std::time::Duration;
    ///
    /// let corpus = Corpus::from_text("a", "Mikhail Bogdanov led the delegation to Damascus.\n\
    ///     He later met the foreign minister, Asaad al-Shaibani.").unwrap();
    /// let engine = Engine::new(corpus);
    /// let mut context = Context::default();
    /// let ttl = Duration::from_secs(1800);
    /// engine.converse("Who led the delegation?", &mut context, 100, ttl);
    /// let reply = engine.converse("Who did he meet?", &mut context, 160, ttl);
    /// assert!(matches!(reply.decision, Decision::FollowUp { .. }));
    /// assert!(reply.answer.quotes()[0].text.contains("foreign minister"));
    /// ```
    pub fn converse(
        &self,
        question: &str,
        context: &mut Context,
        now: u64,
        ttl: Duration,
    ) -> Conversed {
        if context.expired(now, ttl) {
            *context = context.fresh();
        }
        context.updated = now;
        let tokens = self.analyze(question);
        let query = self.query_tokens(with_bigrams(tokens.clone()), &[]);
        // A question that refers back is about the conversation's topic, before any FAQ rule;
        // one with enough words of its own found in the article is about those ("Is Syria
        // willing to let Russia keep its bases?": `its` is Russia's).
        let own_words = query.own_words_found();
        let refers_back =
            follow_up_words(&tokens).filter(|_| own_words < self.params.standalone_words);
        // Small talk ("thanks for this!": no word the article has) is the FAQ's before it can
        // read as a follow-up — unless it asks about a person ("how old is he?" after a
        // question about Bogdanov is not "how old is this article?").
        if own_words == 0
            && !names_a_person(&tokens)
            && let Some(reply) = self.faq_reply(&tokens)
        {
            return reply;
        }
        if let Some(reason) = &refers_back
            && let Some(reply) = self.follow_up(question, &tokens, reason, true, context)
        {
            return reply;
        }
        if !names_a_person(&tokens)
            && let Some(reply) = self.faq_reply(&tokens)
        {
            return reply;
        }
        if asks_what_it_is_about(&tokens) {
            return self.lead_reply(question, &tokens, context);
        }
        let cosines = self.question_cosines(question, &query, &tokens);
        let ranking = self.rank(&query, None, cosines.as_deref());
        let answer = self.decide(
            &query,
            &ranking,
            cosines.as_deref(),
            self.unreadable(question),
        );
        // Keyword coverage says nothing of a question in another script (none of its words
        // can match): answered on its own by meaning, it stands on its own ("Кто возглавлял
        // делегацию?" after a question about Turkey is still about the delegation).
        let weak = !matches!(answer, Answer::Article(_))
            || (ranking.coverage < self.params.standalone_coverage
                && own_words < self.params.standalone_words
                && !query.only_in_another_script());
        // A question refused on its own is read in context when it refers back ("What party
        // does he belong to?": a pronoun, though it has words of its own), asks with no
        // content word ("How so?", "Anything else?") or has no word the article lacks ("Who
        // won?", "In what city?"); "how is the weather today?" after a question about the
        // bases is still off-topic, and "what is the", an escape sequence or "🙂" are no
        // questions to carry on.
        // (An `Unsaid` refusal has its words found only as names: they carry nothing on.)
        let refers = follow_up_words(&tokens).is_some()
            || asks_without_content(&tokens)
            || (!query.is_empty()
                && query.own_words_all_found()
                && answer != Answer::NotFound(Abstention::Unsaid));
        // A short Russian or Arabic question that asks, refused on its own, is tried in
        // context too, by meaning, still through the usual decision ("بمن التقى؟", whom did
        // he meet?: the pronoun is in the verb).
        let foreign = query.only_in_another_script() && is_foreign_fragment(&tokens);
        let carries_on = refers || foreign || matches!(answer, Answer::Article(_));
        let reason = "too weak on its own";
        if weak
            && carries_on
            && refers_back.is_none()
            && let Some(reply) = self.follow_up(question, &tokens, reason, refers, context)
        {
            return reply;
        }
        let decision = standalone_decision(context, refers_back.as_deref());
        let answered = matches!(answer, Answer::Article(_)).then_some(&ranking);
        context.remember(question, own_terms(&tokens), answered, self.fingerprint());
        Conversed {
            answer,
            decision,
            query,
            ranking,
        }
    }

    /// The answer to a question about the article itself ("What is the story about?"): its
    /// opening sentences, which in news say who did what ([`rank::lead`]).
    fn lead_reply(&self, question: &str, tokens: &[Token], context: &mut Context) -> Conversed {
        let ranking = rank::lead(&self.index, &self.params);
        let answer = Answer::Article(ranking.hits.iter().map(|hit| self.quote(hit)).collect());
        context.remember(
            question,
            own_terms(tokens),
            Some(&ranking),
            self.fingerprint(),
        );
        Conversed {
            answer,
            decision: Decision::AboutTheArticle,
            query: Query::default(),
            ranking,
        }
    }

    /// The FAQ rule's answer to a question, when one matches well enough (the context is kept
    /// as it was). Words the article knows are not matched fuzzily against the rules.
    /// A rule that quotes an article this engine does not have (one article's engine,
    /// [`Engine::scoped`], and a rule about another) does not answer here.
    fn faq_reply(&self, tokens: &[Token]) -> Option<Conversed> {
        let faq = self.faq()?;
        let known = |stem: &str| self.index().terms.contains(stem);
        let ours = |rule: &faq::Rule| {
            (rule.quotes.iter()).all(|q| self.corpus.articles.iter().any(|a| a.name == q.article))
        };
        let best = faq.best_of(tokens.to_vec(), &known, &ours)?;
        Some(Conversed {
            answer: faq.answer(&best),
            decision: Decision::Faq,
            query: Query::default(),
            ranking: Ranking::default(),
        })
    }

    /// Answers `question` as a follow-up of the chat's last question: its terms plus the
    /// last question's at [`Params::context_factor`], near the last answer, preferring
    /// sentences not shown yet. A question that `refers` back by its words ("Why?", "Did he
    /// survive?") is about what was being discussed, so no coverage threshold refuses it —
    /// only a name the article lacks (in CoQA's conversations 99% of the follow-ups are
    /// answerable, and the threshold refused one in six); one that is only too weak on its
    /// own must pass the usual decision ("how is the weather today?" after a question about
    /// the bases is still off-topic). `None` (context untouched) when there is no earlier
    /// question or the article does not answer even so.
    fn follow_up(
        &self,
        question: &str,
        tokens: &[Token],
        reason: &str,
        refers: bool,
        context: &mut Context,
    ) -> Option<Conversed> {
        let previous = context.turns.last()?.clone();
        let own = own_terms(tokens);
        let extra: Vec<(Token, f32)> = previous
            .terms
            .iter()
            .filter(|(_, stem)| !own.iter().any(|(_, s)| s == stem))
            .map(|(text, stem)| (context_token(text, stem), self.params.context_factor))
            .collect();
        // The last answer's sentences, unless they point into other articles (a context
        // saved before the articles changed).
        let last = (context.answer.as_ref()).filter(|a| a.corpus == self.fingerprint());
        let focus = Focus {
            shown: last
                .map(|a| a.ranked[..a.shown.min(a.ranked.len())].to_vec())
                .unwrap_or_default(),
            last: (last.and_then(|a| a.ranked.first())).and_then(|&at| self.index.unit_of(at)),
        };
        let query = self.query_tokens(with_bigrams(tokens.to_vec()), &extra);
        // By meaning, a follow-up ("Why?") is read together with the question it follows.
        // (Alone when the two together are more than the model can read: an earlier
        // question in Hebrew.)
        let together = if query.only_in_another_script() {
            // No keyword of a Russian or Arabic follow-up carries the context, so the last
            // answer's own words do ("С кем он встретился?" after the delegation's leader).
            let said = (last.and_then(|a| a.ranked.first()))
                .and_then(|&at| self.quote_at(at))
                .map(|quote| quote.text)
                .unwrap_or_default();
            format!("{} {said} {question}", previous.question)
        } else {
            format!("{} {question}", previous.question)
        };
        let cosines = (self.question_cosines(&together, &query, tokens))
            .or_else(|| self.question_cosines(question, &query, tokens));
        let ranking = self.rank(&query, Some(&focus), cosines.as_deref());
        let answer = match refers {
            _ if ranking.hits.is_empty() || query.names_an_unknown() => return None,
            // "How old is he?", "When was he born?": about him, but the article gives no age
            // or date (final: no FAQ rule about the article's age answers it instead).
            true if let Some(why) = self.lacks_what_is_asked_for(&query, &ranking) => {
                return Some(Conversed {
                    answer: Answer::NotFound(why),
                    decision: Decision::FollowUp {
                        reason: reason.to_string(),
                        previous: previous.question,
                    },
                    query,
                    ranking,
                });
            }
            true => Answer::Article(ranking.hits.iter().map(|hit| self.quote(hit)).collect()),
            false => self.decide(
                &query,
                &ranking,
                cosines.as_deref(),
                self.unreadable(question),
            ),
        };
        if !matches!(answer, Answer::Article(_)) {
            return None;
        }
        let mut terms = own;
        terms.extend(extra.into_iter().map(|(t, _)| (t.text, t.stem)));
        context.remember(question, terms, Some(&ranking), self.fingerprint());
        Some(Conversed {
            answer,
            decision: Decision::FollowUp {
                reason: reason.to_string(),
                previous: previous.question,
            },
            query,
            ranking,
        })
    }
}

/// How a question answered on its own stands to the chat's `context`: the first question, one
/// that stands alone, or one that `refers_back` though the earlier questions did not help.
fn standalone_decision(context: &Context, refers_back: Option<&str>) -> Decision {
    match (context.turns.last(), refers_back) {
        (None, _) => Decision::NoContext,
        (Some(last), Some(reason)) => Decision::FollowUp {
            reason: format!("{reason}, but the earlier questions did not help"),
            previous: last.question.clone(),
        },
        (Some(_), None) => Decision::Standalone,
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

/// True when the question asks for an age ("How old is Putin?", "how old is he?") and none
/// of the sentences found holds one ([`holds_an_age`]): the article does not say. Only ages:
/// a count can be answered by a list ("How many bases?" — "Tartus and Hmeimim"; in CoQA one
/// "how many" answer in five holds no number) and a duration by a year ("since 2015"), but
/// every "how old" answer in CoQA holds an age. On every eval set it changes nothing.
fn lacks_the_age_asked_for(engine: &Engine, query: &Query, ranking: &Ranking) -> bool {
    query.answer_type == AnswerType::Quantity
        && query
            .words()
            .any(|q| q.token.text == "old" && q.factor >= 1.0)
        && !ranking.hits.is_empty()
        && !(ranking.hits.iter())
            .filter_map(|hit| engine.quote_at(hit.at))
            .any(|quote| holds_an_age(&quote.text))
}

/// True when the question asks when, the article matches its words weakly (coverage below
/// [`Params::dated_coverage`]) and none of the sentences found holds a date or a word of
/// time ([`Fit::Holds`] for [`AnswerType::Time`]): the article does not say when.
fn lacks_the_date_asked_for(params: &Params, query: &Query, ranking: &Ranking) -> bool {
    query.answer_type == AnswerType::Time
        && ranking.coverage < params.dated_coverage
        && !ranking.hits.is_empty()
        && !(ranking.hits.iter()).any(|hit| hit.features.answer_type == Fit::Holds)
}

/// True when `text` holds something that reads as an age: a number up to [`OLDEST`] that is
/// no day of a month ("Greg Malloy, 44, was", "She was 45."; not "February 12"), a decade of
/// life ("in his 40s") or an `…-year-old` ("27-year-old", "five-year-old").
fn holds_an_age(text: &str) -> bool {
    let words: Vec<&str> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .filter(|w| !w.is_empty())
        .collect();
    // "may" is a month only as "May".
    let is_month = |w: Option<&&str>| {
        w.is_some_and(|w| {
            *w == "May"
                || (MONTHS.contains(&w.to_lowercase().as_str()) && !w.eq_ignore_ascii_case("may"))
        })
    };
    words.iter().enumerate().any(|(i, word)| {
        let number = word.parse::<u32>().is_ok_and(|n| (1..=OLDEST).contains(&n));
        let day =
            is_month(i.checked_sub(1).and_then(|p| words.get(p))) || is_month(words.get(i + 1));
        let decade = word
            .strip_suffix('s')
            .is_some_and(|d| d.len() == 2 && d.ends_with('0') && d.parse::<u32>().is_ok());
        (number && !day) || decade || word.to_lowercase().ends_with("-year-old")
    })
}

/// Oldest age read as one: a larger number is a count, a year or a page.
const OLDEST: u32 = 130;

/// English month names, for telling a day of a month from an age.
const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

#[cfg(test)]
#[path = "qa_tests.rs"]
mod tests;
