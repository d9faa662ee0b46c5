//! Conversation: each chat's short context (its last questions, their terms and the paragraphs
//! that answered them), follow-up detection, and answering a question in that context.
//!
//! A question is a **follow-up** when the chat has a fresh context and the question refers
//! back (`he`, `they`, `it`…), continues (`And Israel?`, `What about Turkey?`, `Why?`), or is
//! too weak on its own (the article would not answer it, or covers under half of it). A
//! follow-up is answered with its own terms plus the previous question's terms at half
//! weight, preferring paragraphs next to the last answer and sentences not shown yet (see
//! [`crate::search::rerank::Focus`]); a question that stands on its own is answered on its own.
//! Small talk answered by FAQ rules leaves the context as it was.
//!
//! **Bound.** A context keeps at most [`MAX_TURNS`] questions of at most
//! [`MAX_QUESTION_CHARS`] characters, [`MAX_TERMS`] terms each, and the last answer's
//! [`MAX_RANKED`] ranked sentences: under 4 KB in memory or as JSON in Redis.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::engine::answer::{Answer, Engine};
use crate::search::article_index::SentenceRef;
use crate::search::query::Query;
use crate::search::rank::Ranking;
use crate::search::rerank::Focus;
use crate::text::analyze::{Token, TokenKind, with_bigrams};

/// Most questions a context remembers.
pub const MAX_TURNS: usize = 3;
/// Longest question text kept, in characters.
pub const MAX_QUESTION_CHARS: usize = 300;
/// Most terms kept per question.
pub const MAX_TERMS: usize = 16;
/// Longest term kept, in bytes (longer words are not remembered).
pub const MAX_TERM_BYTES: usize = 40;
/// Most ranked sentences kept for "More" (all the ranking re-ranks).
pub const MAX_RANKED: usize = 10;
/// Idle time after which a chat's context is forgotten, unless the front end sets another.
pub const DEFAULT_TTL: Duration = Duration::from_secs(30 * 60);
/// Weight factor of the previous question's terms in a follow-up.
pub const CONTEXT_FACTOR: f32 = 0.5;
/// Below this coverage on its own, a question counts as too weak to stand alone.
pub const STANDALONE_COVERAGE: f32 = 0.5;

/// One remembered question.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Remembered {
    /// The question, cut to [`MAX_QUESTION_CHARS`].
    pub question: String,
    /// Its content terms as (surface, stem), with a follow-up's inherited ones.
    pub terms: Vec<(String, String)>,
    /// (article, paragraph index) of the sentences that answered it.
    pub paragraphs: Vec<(u32, u32)>,
}

/// The last article answer, for the "More" and "Show paragraph" buttons.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LastAnswer {
    /// Number of the answer in this chat (buttons carry it; older buttons are stale).
    pub id: u64,
    /// The ranked sentences, best first.
    pub ranked: Vec<SentenceRef>,
    /// How many of them have been shown.
    pub shown: usize,
    /// [`Engine::fingerprint`] of the engine that ranked them (0 in contexts saved before
    /// it existed: never matches).
    #[serde(default)]
    pub corpus: u64,
}

/// A chat's conversation context.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Context {
    /// Recent questions, oldest first.
    pub turns: Vec<Remembered>,
    /// The last article answer.
    pub answer: Option<LastAnswer>,
    /// Number the next answer gets. A new context starts numbering at a random point, so
    /// buttons of answers before a reset, an expiry or a restart never match a newer answer.
    pub next_id: u64,
    /// When the chat last spoke, in seconds since the Unix epoch.
    pub updated: u64,
}

/// Why a question was or was not answered in context (shown by `ask --explain`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// No context to use (none yet, expired, or reset).
    NoContext,
    /// The question stands on its own.
    Standalone,
    /// A follow-up: the reason, and the earlier question whose terms were added.
    FollowUp {
        /// Why it counts as a follow-up.
        reason: String,
        /// The question it follows.
        previous: String,
    },
    /// Answered by a FAQ rule; the context is kept as it was.
    Faq,
}

impl std::fmt::Display for Decision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Decision::NoContext => {
                f.write_str("no earlier question in this chat: answered on its own")
            }
            Decision::Standalone => {
                f.write_str("stands on its own: answered without the earlier questions")
            }
            Decision::FollowUp { reason, previous } => {
                write!(
                    f,
                    "follow-up ({reason}): added the terms of {previous:?} at half weight"
                )
            }
            Decision::Faq => f.write_str("answered by a FAQ rule: context kept as it was"),
        }
    }
}

/// A random answer number with room to count up: the first of a new context.
fn random_id() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    (hasher.finish() >> 1).max(1)
}

/// Seconds since the Unix epoch, now.
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Context {
    /// True when the context has expired: idle for longer than `ttl` at `now`.
    pub fn expired(&self, now: u64, ttl: Duration) -> bool {
        self.updated.saturating_add(ttl.as_secs()) < now
    }

    /// The context with what `question` and its answer add, kept within the bounds.
    fn remember(
        &mut self,
        question: &str,
        terms: Vec<(String, String)>,
        ranking: Option<&Ranking>,
        corpus: u64,
    ) {
        if self.next_id == 0 {
            self.next_id = random_id();
        }
        let paragraphs = ranking
            .map(|r| {
                r.hits
                    .iter()
                    .map(|h| (h.at.article, h.at.paragraph))
                    .take(3)
                    .collect()
            })
            .unwrap_or_default();
        self.turns.push(Remembered {
            question: question.trim().chars().take(MAX_QUESTION_CHARS).collect(),
            terms: terms
                .into_iter()
                .filter(|(text, stem)| text.len() <= MAX_TERM_BYTES && stem.len() <= MAX_TERM_BYTES)
                .take(MAX_TERMS)
                .collect(),
            paragraphs,
        });
        if self.turns.len() > MAX_TURNS {
            self.turns.remove(0);
        }
        self.answer = ranking.filter(|r| !r.hits.is_empty()).map(|r| {
            let id = self.next_id;
            self.next_id = self.next_id.saturating_add(1);
            LastAnswer {
                id,
                ranked: r.ranked.iter().copied().take(MAX_RANKED).collect(),
                shown: r.hits.len(),
                corpus,
            }
        });
    }
}

/// Words that refer back to something said before.
const REFERS_BACK: &[&str] = &[
    "he", "her", "hers", "him", "his", "it", "its", "she", "their", "theirs", "them", "these",
    "they", "this", "those",
];

/// Why a question reads as a follow-up by its words, if it does.
fn follow_up_words(tokens: &[Token]) -> Option<String> {
    let words: Vec<&str> = tokens
        .iter()
        .filter(|t| t.kind != TokenKind::Compound)
        .map(|t| t.text.as_str())
        .collect();
    if let Some(word) = words.iter().find(|w| REFERS_BACK.contains(w)) {
        return Some(format!("refers back with {word:?}"));
    }
    match words.as_slice() {
        ["and" | "also" | "plus", ..] => Some("continues with \"and …\"".into()),
        ["what" | "how", "about", ..] => Some(format!("continues with \"{} about …\"", words[0])),
        ["why" | "how" | "when" | "where" | "who"] => Some(format!("a bare {:?}", words[0])),
        _ => None,
    }
}

/// The outcome of [`Engine::converse`].
#[derive(Debug, Clone)]
pub struct Conversed {
    /// The answer.
    pub answer: Answer,
    /// Whether the earlier questions were used, and why.
    pub decision: Decision,
    /// The query the answer came from (empty for FAQ answers).
    pub query: Query,
    /// Its ranking.
    pub ranking: Ranking,
}

impl Engine {
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
    ///     He later met the new foreign minister there.").unwrap();
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
            *context = Context::default();
        }
        context.updated = now;
        let tokens = self.analyzer().analyze(question);
        let refers_back = follow_up_words(&tokens);
        // A question that refers back is about the conversation's topic, before any FAQ rule.
        if let Some(reason) = &refers_back
            && let Some(reply) = self.follow_up(question, &tokens, reason, context)
        {
            return reply;
        }
        let faq = self.faq().and_then(|faq| {
            faq.best_of(tokens.clone(), &|stem| self.index().terms.contains(stem))
                .map(|best| faq.answer(&best))
        });
        if let Some(answer) = faq {
            return Conversed {
                answer,
                decision: Decision::Faq,
                query: Query::default(),
                ranking: Ranking::default(),
            };
        }
        let query = self.query_tokens(with_bigrams(tokens.clone()), &[]);
        let ranking = self.rank(&query, None);
        let answer = self.decide(&query, &ranking);
        let weak = !matches!(answer, Answer::Article(_)) || ranking.coverage < STANDALONE_COVERAGE;
        if weak
            && refers_back.is_none()
            && let Some(reply) = self.follow_up(question, &tokens, "too weak on its own", context)
        {
            return reply;
        }
        let decision = match (context.turns.is_empty(), &refers_back) {
            (true, _) => Decision::NoContext,
            (false, Some(reason)) => Decision::FollowUp {
                reason: format!("{reason}, but the earlier questions did not help"),
                previous: context
                    .turns
                    .last()
                    .map(|t| t.question.clone())
                    .unwrap_or_default(),
            },
            (false, None) => Decision::Standalone,
        };
        let answered = matches!(answer, Answer::Article(_)).then_some(&ranking);
        context.remember(question, own_terms(&tokens), answered, self.fingerprint());
        Conversed {
            answer,
            decision,
            query,
            ranking,
        }
    }

    /// Answers `question` as a follow-up of the chat's last question: its terms plus the
    /// last question's at [`CONTEXT_FACTOR`], near the last answer, preferring sentences not
    /// shown yet. `None` (context untouched) when there is no earlier question or the article
    /// does not answer even so.
    fn follow_up(
        &self,
        question: &str,
        tokens: &[Token],
        reason: &str,
        context: &mut Context,
    ) -> Option<Conversed> {
        let previous = context.turns.last()?.clone();
        let own = own_terms(tokens);
        let extra: Vec<(Token, f32)> = previous
            .terms
            .iter()
            .filter(|(_, stem)| !own.iter().any(|(_, s)| s == stem))
            .map(|(text, stem)| (context_token(text, stem), CONTEXT_FACTOR))
            .collect();
        let focus = Focus {
            shown: context
                .answer
                .as_ref()
                .map(|a| a.ranked[..a.shown.min(a.ranked.len())].to_vec())
                .unwrap_or_default(),
            near: previous.paragraphs.clone(),
        };
        let query = self.query_tokens(with_bigrams(tokens.to_vec()), &extra);
        let ranking = self.rank(&query, Some(&focus));
        let answer = self.decide(&query, &ranking);
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

/// A question's own content terms as (surface, stem).
fn own_terms(tokens: &[Token]) -> Vec<(String, String)> {
    tokens
        .iter()
        .filter(|t| !t.stop && t.kind != TokenKind::Compound)
        .map(|t| (t.text.clone(), t.stem.clone()))
        .collect()
}

/// A token standing for a remembered term.
fn context_token(text: &str, stem: &str) -> Token {
    Token {
        text: text.to_string(),
        stem: stem.to_string(),
        kind: TokenKind::Word,
        stop: false,
        capitalized: false,
        position: u32::MAX,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Corpus;

    fn engine() -> Engine {
        Engine::new(
            Corpus::from_text(
                "t",
                "Mikhail Bogdanov led the Russian delegation to Damascus in January.\n\
                 Iran has been notably silent on the transition.\n\
                 Israel faces new security challenges on its border.\n\
                 The bases in Tartus matter because they project power into the Mediterranean.\n",
            )
            .unwrap(),
        )
    }

    const TTL: Duration = Duration::from_secs(1800);

    #[test]
    fn follow_ups_borrow_the_previous_question() {
        let engine = engine();
        let mut context = Context::default();
        let reply = engine.converse("Who led the Russian delegation?", &mut context, 10, TTL);
        assert_eq!(reply.decision, Decision::NoContext);
        let reply = engine.converse("When did he go?", &mut context, 20, TTL);
        assert!(
            matches!(reply.decision, Decision::FollowUp { .. }),
            "{:?}",
            reply.decision
        );
        assert!(reply.answer.quotes()[0].text.contains("January"));
    }

    #[test]
    fn a_question_that_stands_alone_is_answered_alone() {
        let engine = engine();
        let mut context = Context::default();
        engine.converse("Who led the Russian delegation?", &mut context, 10, TTL);
        let reply = engine.converse(
            "What is Iran's position on the transition?",
            &mut context,
            20,
            TTL,
        );
        assert_eq!(reply.decision, Decision::Standalone);
        assert!(reply.answer.quotes()[0].text.starts_with("Iran"));
    }

    #[test]
    fn context_expires_after_the_idle_time() {
        let engine = engine();
        let mut context = Context::default();
        engine.converse("Who led the Russian delegation?", &mut context, 10, TTL);
        let reply = engine.converse("When did he go?", &mut context, 10 + 1801, TTL);
        assert_eq!(reply.decision, Decision::NoContext);
        assert_eq!(context.turns.len(), 1);
    }

    #[test]
    fn contexts_stay_within_their_bounds() {
        let engine = engine();
        let mut context = Context::default();
        let long = "Bogdanov ".repeat(500);
        // Long words in multi-byte scripts: their terms are capped in bytes, not characters.
        let cyrillic: String = (0..60)
            .map(|i| format!("{} ", "Богданов".repeat(10 + i)))
            .collect();
        let arabic: String = (0..60)
            .map(|i| format!("{} ", "الشرع".repeat(10 + i)))
            .collect();
        let emoji = "🇸🇾".repeat(3000);
        for i in 0..20 {
            let question = match i % 4 {
                0 => format!("{long} delegation {i}"),
                1 => format!("{cyrillic} Bogdanov {i}"),
                2 => format!("{arabic} al-Sharaa {i}"),
                _ => format!("{emoji} Putin {i}"),
            };
            engine.converse(&question, &mut context, 10 + i, TTL);
            assert!(
                serde_json::to_string(&context).unwrap().len() < 4096,
                "turn {i}"
            );
        }
        assert!(context.turns.len() <= MAX_TURNS);
        assert!(context.turns.iter().all(
            |t| t.question.chars().count() <= MAX_QUESTION_CHARS && t.terms.len() <= MAX_TERMS
        ));
        assert!(
            context
                .answer
                .as_ref()
                .is_none_or(|a| a.ranked.len() <= MAX_RANKED)
        );
        assert!(serde_json::to_string(&context).unwrap().len() < 4096);
    }
}
