//! Conversation: each chat's short context (its last questions, their terms and the last
//! answer's sentences), follow-up detection, and answering a question in that context.
//!
//! A question is a **follow-up** when the chat has a fresh context and the question refers
//! back (`he`, `they`, `it`…), continues (`And Israel?`, `What about Turkey?`, `Why?`), or is
//! too weak on its own (the article would not answer it, or covers under half of it). A
//! follow-up is answered with its own terms plus the previous question's terms at
//! `Params::context_factor`, preferring sentences just after the last answer and sentences
//! not shown yet (see [`crate::search::rerank::Focus`]); a question that stands on its own
//! is answered on its own.
//! Small talk answered by FAQ rules leaves the context as it was.
//!
//! **Bound.** A context keeps at most [`MAX_TURNS`] questions of at most
//! [`MAX_QUESTION_CHARS`] characters, [`MAX_TERMS`] terms each, and the last answer's
//! [`MAX_RANKED`] ranked sentences: under 4 KB in memory or as JSON in Redis.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::engine::answer::Answer;
use crate::search::article_index::SentenceRef;
use crate::search::query::{Query, is_kind_word};
use crate::search::rank::Ranking;
use crate::text::analyze::{Token, TokenKind};
use crate::text::words::QUESTION_WORDS;

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

/// One remembered question.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Remembered {
    /// The question, cut to [`MAX_QUESTION_CHARS`].
    pub question: String,
    /// Its content terms as (surface, stem), with a follow-up's inherited ones.
    pub terms: Vec<(String, String)>,
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
    /// The article the chat asks about (`/article N`), by its name (the file name without
    /// `.txt`, so an article added to the seeds, which renumbers them, does not move the
    /// chat to another one), or `None` for all of them. Kept when the conversation is
    /// forgotten ([`Context::fresh`]: `/reset`, an expired context).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article: Option<String>,
}

impl Context {
    /// A new conversation in the same chat: nothing remembered but the article it asks
    /// about.
    pub fn fresh(&self) -> Context {
        Context {
            article: self.article.clone(),
            ..Context::default()
        }
    }
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
    /// Asks what the article itself is about: answered with its opening sentences.
    AboutTheArticle,
}

impl Decision {
    /// A short label: `no-context`, `standalone`, `follow-up (REASON)`, `faq` or
    /// `about-the-article`.
    pub fn label(&self) -> String {
        match self {
            Decision::NoContext => "no-context".into(),
            Decision::Standalone => "standalone".into(),
            Decision::FollowUp { reason, .. } => format!("follow-up ({reason})"),
            Decision::Faq => "faq".into(),
            Decision::AboutTheArticle => "about-the-article".into(),
        }
    }
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
                    "follow-up ({reason}): added the terms of {previous:?} at reduced weight (context_factor)"
                )
            }
            Decision::Faq => f.write_str("answered by a FAQ rule: context kept as it was"),
            Decision::AboutTheArticle => {
                f.write_str("asks what the article is about: answered with its opening sentences")
            }
        }
    }
}

/// A random answer number with room to count up: the first of a new context. Falls back to
/// the clock's nanoseconds when the operating system has no random source to offer.
fn random_id() -> u64 {
    let random = getrandom::u64().unwrap_or_else(|_| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64)
    });
    (random >> 1).max(1)
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
    pub(crate) fn remember(
        &mut self,
        question: &str,
        terms: Vec<(String, String)>,
        ranking: Option<&Ranking>,
        corpus: u64,
    ) {
        if self.next_id == 0 {
            self.next_id = random_id();
        }
        self.turns.push(Remembered {
            question: question.trim().chars().take(MAX_QUESTION_CHARS).collect(),
            terms: terms
                .into_iter()
                .filter(|(text, stem)| text.len() <= MAX_TERM_BYTES && stem.len() <= MAX_TERM_BYTES)
                .take(MAX_TERMS)
                .collect(),
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

/// Words with which a question points at the text itself ("the article", "this story").
const DOCUMENT_WORDS: &[&str] = &["article", "excerpt", "passage", "piece", "story", "text"];

/// Words that, beside [`DOCUMENT_WORDS`], ask what the text is about rather than about
/// something in it: "What is the *subject* of the story?", "Who is the *main character*?".
const TOPIC_WORDS: &[&str] = &[
    "character",
    "characters",
    "describe",
    "described",
    "describes",
    "discuss",
    "discussed",
    "discusses",
    "discussing",
    "focus",
    "focused",
    "gist",
    "happen",
    "happened",
    "happening",
    "main",
    "mainly",
    "mention",
    "mentioned",
    "mostly",
    "people",
    "person",
    "primarily",
    "subject",
    "summarise",
    "summarize",
    "summary",
    "talk",
    "talking",
    "talks",
    "theme",
    "topic",
];

/// Participles that, after a form of `be`, say a question asks what the text says: "What
/// hash tag is *mentioned*?", "the order being *discussed*".
const SAID_IN_THE_TEXT: &[&str] = &["described", "discussed", "featured", "focused", "mentioned"];

/// Words before a participle of [`SAID_IN_THE_TEXT`] that make it passive.
const BE: &[&str] = &[
    "are", "be", "been", "being", "get", "gets", "got", "is", "was", "were",
];

/// True when a question points at the text itself — a document word after `this`, `the` or
/// `that` ("In what state did *this story* occur?", "the focus of *the article*"), or a
/// passive "is mentioned", "being discussed" — so it asks what the text says and is not
/// off-topic even when its other words are few. "Describe the best pizza recipe" and "a
/// good bedtime story" do not point at the text.
///
/// Input: analysed tokens (lower-cased, stopwords marked); compounds are skipped.
pub fn points_at_the_text(tokens: &[Token]) -> bool {
    let words: Vec<&str> = tokens
        .iter()
        .filter(|t| t.kind == TokenKind::Word)
        .map(|t| t.text.as_str())
        .collect();
    words.windows(2).any(|pair| {
        let [before, word] = [pair[0], pair[1]];
        (DOCUMENT_WORDS.contains(&word) && matches!(before, "this" | "the" | "that"))
            || (SAID_IN_THE_TEXT.contains(&word) && BE.contains(&before))
    })
}

/// True when a question asks what the text itself is about — "What is the article about?",
/// "Who's the main character in this story?", "What is this about?" — rather than about
/// something in it: every content word is a [`DOCUMENT_WORDS`] or [`TOPIC_WORDS`] entry and
/// one of them names the text, or the question has no content word but `about`.
///
/// Input: analysed tokens (lower-cased, stopwords marked); compounds are skipped.
pub fn asks_what_it_is_about(tokens: &[Token]) -> bool {
    let words = || tokens.iter().filter(|t| t.kind != TokenKind::Compound);
    let mut content = words()
        .filter(|t| !t.stop)
        .map(|t| t.text.as_str())
        .peekable();
    if content.peek().is_none() {
        return words().any(|t| t.text == "about");
    }
    let mut names_the_text = false;
    for word in content {
        names_the_text |= DOCUMENT_WORDS.contains(&word);
        if !DOCUMENT_WORDS.contains(&word) && !TOPIC_WORDS.contains(&word) {
            return false;
        }
    }
    names_the_text
}

/// Words that refer back to something said before: English, Russian and Arabic pronouns
/// (the languages of the article's readers; an Arabic verb often carries its subject, so
/// only the separate pronouns and demonstratives are here).
const REFERS_BACK: &[&str] = &[
    "he",
    "her",
    "hers",
    "him",
    "his",
    "it",
    "its",
    "she",
    "their",
    "theirs",
    "them",
    "these",
    "they",
    "this",
    "those",
    // Russian
    "его",
    "ее",
    "её",
    "ей",
    "ему",
    "им",
    "их",
    "него",
    "неё",
    "нее",
    "ней",
    "нему",
    "них",
    "он",
    "она",
    "они",
    "оно",
    "это",
    "эта",
    "эти",
    "этот",
    "этого",
    "этой",
    "этом",
    // Arabic
    "ذلك",
    "تلك",
    "هذا",
    "هذه",
    "هم",
    "هما",
    "هو",
    "هي",
];

/// True when a question asks about a person by a pronoun (`he`, `she`, `they`…; `он`, `هو`…):
/// no FAQ rule about the bot or the article is meant.
pub(crate) fn names_a_person(tokens: &[Token]) -> bool {
    let words = words_of(tokens);
    pronouns(&words).any(|w| !DEMONSTRATIVES.contains(&w))
}

/// The words of [`REFERS_BACK`] that point at a thing, not a person.
const DEMONSTRATIVES: &[&str] = &[
    "it",
    "its",
    "these",
    "this",
    "those",
    "это",
    "эта",
    "эти",
    "этим",
    "этих",
    "этот",
    "эту",
    "этого",
    "этой",
    "этом",
    "оно",
    "ذلك",
    "تلك",
    "هذا",
    "هذه",
];

/// Arabic question words after which `هو`/`هي`/`هم` is the copula of the question itself
/// ("من هو الشرع؟", who is al-Sharaa?; "ما هي القواعد؟", what are the bases?; "كيف هو الطقس
/// في لندن؟", how is the weather in London?), not a pronoun — when a word follows it ("أين
/// هو؟" is where is he?).
const ARABIC_COPULA_AFTER: &[&str] = &["ما", "ماذا", "متى", "من", "أين", "كيف"];

/// The words of a question that refer back ([`REFERS_BACK`]), an Arabic copula left out.
fn pronouns<'a>(words: &'a [&'a str]) -> impl Iterator<Item = &'a str> + 'a {
    (0..words.len()).filter_map(move |i| {
        let word = words[i];
        let copula = matches!(word, "هو" | "هي" | "هم")
            && i > 0
            && i + 1 < words.len()
            && ARABIC_COPULA_AFTER.contains(&words[i - 1]);
        (REFERS_BACK.contains(&word) && !copula).then_some(word)
    })
}

/// A question's words, compounds left out.
fn words_of(tokens: &[Token]) -> Vec<&str> {
    tokens
        .iter()
        .filter(|t| t.kind != TokenKind::Compound)
        .map(|t| t.text.as_str())
        .collect()
}

/// Why a question reads as a follow-up by its words, if it does.
pub(crate) fn follow_up_words(tokens: &[Token]) -> Option<String> {
    let words = words_of(tokens);
    if let Some(word) = pronouns(&words).next() {
        return Some(format!("refers back with {word:?}"));
    }
    if let Some(word) = demonstrative(tokens, &words) {
        return Some(format!("refers back with {word:?}"));
    }
    let asks = words.iter().any(|w| QUESTION_WORDS.contains(w));
    match words.as_slice() {
        ["and" | "also" | "plus", ..] => Some("continues with \"and …\"".into()),
        // In Russian only a fragment: no name in Cyrillic can show a longer one to be about
        // something the article lacks ("А какая погода в Лондоне?").
        ["а" | "и" | "также", ..] if words.len() <= FRAGMENT_WORDS => {
            Some("continues with \"and …\"".into())
        }
        ["what" | "how", "about", ..] => Some(format!("continues with \"{} about …\"", words[0])),
        ["why" | "how" | "when" | "where" | "who"] => Some(format!("a bare {:?}", words[0])),
        [first, ..] if asks && words.len() <= FRAGMENT_WORDS && PREPOSITIONS.contains(first) => {
            Some(format!("continues with \"{first} …\""))
        }
        _ => None,
    }
}

/// `that`, `there` or `then` used as a pro-form, pointing at what was said, in a question
/// (it starts with a question word or an auxiliary): `that` last or after an auxiliary ("Has
/// anybody exceeded that?", "What year did that happen?", "Is that a poor area?"), `there`
/// or `then` last after a word that is no auxiliary, in a question with a content word ("Do
/// women have full rights there?", "What happened then?"; not "Is there a hospital?", "Are
/// you there?", "I didn't know that", "that" of "Did he say that…").
fn demonstrative<'a>(tokens: &[Token], words: &[&'a str]) -> Option<&'a str> {
    let first = words.first()?;
    if !QUESTION_WORDS.contains(first) && !AUXILIARIES.contains(first) {
        return None;
    }
    let content = tokens.iter().any(|t| t.kind == TokenKind::Word && !t.stop);
    let last = words.len() - 1;
    (0..words.len()).find_map(|i| {
        let after_auxiliary = i > 0 && AUXILIARIES.contains(&words[i - 1]);
        let refers = match words[i] {
            "that" => i == last || after_auxiliary,
            "there" | "then" => content && i == last && i > 0 && !after_auxiliary,
            _ => false,
        };
        refers.then_some(words[i])
    })
}

/// Auxiliary verbs: the word before `that` when it is a pronoun ("did that happen").
const AUXILIARIES: &[&str] = &[
    "am", "are", "can", "could", "did", "do", "does", "had", "has", "have", "is", "was", "were",
    "will", "would",
];

/// True when a Russian or Arabic question is a fragment of at most [`FOREIGN_FRAGMENT_WORDS`]
/// words that asks or continues ("بمن التقى؟", whom did he meet?; "وإسرائيل؟", and Israel?;
/// "Почему?"): too short to be about something of its own, so it may be tried in context.
/// "Спасибо!" or "شكرا" asks nothing; a longer question ("Какая столица у Франции?") may
/// name what the article lacks, and no name in Cyrillic or Arabic can be told from the
/// English article's words.
pub(crate) fn is_foreign_fragment(tokens: &[Token]) -> bool {
    let words = words_of(tokens);
    let asks = |word: &str| {
        let bare = (word.strip_prefix(['و', 'ف', 'ب', 'ل'])).filter(|rest| !rest.is_empty());
        FOREIGN_QUESTION_WORDS.contains(&word)
            || bare.is_some_and(|rest| FOREIGN_QUESTION_WORDS.contains(&rest))
            // "وإسرائيل؟": Arabic's `and` is written onto the word it joins.
            || (words.len() == 1 && word.starts_with('و') && word.chars().count() > 2)
    };
    !words.is_empty() && words.len() <= FOREIGN_FRAGMENT_WORDS && words.iter().any(|w| asks(w))
}

/// Russian and Arabic question words, for [`is_foreign_fragment`] (Arabic ones may carry a
/// one-letter prefix: `بمن`, with whom).
const FOREIGN_QUESTION_WORDS: &[&str] = &[
    // Russian
    "где",
    "зачем",
    "как",
    "какая",
    "какие",
    "каким",
    "какой",
    "когда",
    "кого",
    "кому",
    "кем",
    "кто",
    "куда",
    "откуда",
    "почему",
    "сколько",
    "чего",
    "чем",
    "что",
    "чей",
    "чья",
    // Arabic
    "أي",
    "أين",
    "ما",
    "ماذا",
    "متى",
    "من",
    "هل",
    "كم",
    "كيف",
    "لماذا",
];

/// Most words of a question in another script read as a fragment ([`is_foreign_fragment`]).
const FOREIGN_FRAGMENT_WORDS: usize = 2;

/// Most words of a fragment that continues the last question from a preposition and asks
/// with a question word ("In what city?", "At what facility?", "Along with who?"; not "In
/// English please").
const FRAGMENT_WORDS: usize = 4;

/// Prepositions a fragment can start with.
const PREPOSITIONS: &[&str] = &[
    "after", "along", "at", "before", "by", "during", "for", "from", "in", "into", "near", "on",
    "since", "to", "until", "with", "without",
];

/// Words that ask for more of what was said ("Anything else?", "Any more?", "Is that all?").
const ASKS_FOR_MORE: &[&str] = &["all", "another", "else", "more", "other", "others"];

/// Words a question does not end on: a message that does ("what is the") was cut short.
const DANGLING: &[&str] = &[
    "a", "an", "and", "for", "in", "of", "on", "or", "the", "with",
];

/// True when a message of no content word still asks something of the conversation: it
/// has a question word, or asks for more, and does not break off ("How so?", "Why not?",
/// "When was that?", "Anything else?"; not "what is the", "?" or "🙂").
pub(crate) fn asks_without_content(tokens: &[Token]) -> bool {
    let words: Vec<&str> = tokens
        .iter()
        .filter(|t| t.kind == TokenKind::Word)
        .map(|t| t.text.as_str())
        .collect();
    let content =
        (tokens.iter()).any(|t| t.kind == TokenKind::Word && !t.stop && !is_kind_word(&t.text));
    !content
        && words
            .iter()
            .any(|w| QUESTION_WORDS.contains(w) || ASKS_FOR_MORE.contains(w))
        && words.last().is_some_and(|w| !DANGLING.contains(w))
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

/// A question's own content terms as (surface, stem).
pub(crate) fn own_terms(tokens: &[Token]) -> Vec<(String, String)> {
    tokens
        .iter()
        .filter(|t| !t.stop && t.kind != TokenKind::Compound)
        .map(|t| (t.text.clone(), t.stem.clone()))
        .collect()
}

/// A token standing for a remembered term.
pub(crate) fn context_token(text: &str, stem: &str) -> Token {
    Token {
        text: text.to_string(),
        stem: stem.to_string(),
        kind: TokenKind::Word,
        stop: false,
        capitalized: false,
        position: u32::MAX,
    }
}
