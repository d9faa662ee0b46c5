//! Where conversation contexts live, behind one small interface: in memory (bounded: the
//! least recently used context is evicted past [`MEMORY_CAPACITY`] chats), or in Redis when
//! `REDIS_URL` is set, so contexts survive restarts and are shared by the instances that use
//! the same server (one replacing another during a deploy, say; two instances cannot poll
//! one token at once). Contexts expire after the idle time in both.
//!
//! Each chat's `/language` choice is kept beside its context, but apart from it, as it is a
//! setting rather than a conversation: it does not expire with the context and `/reset`
//! keeps it. In memory it lasts until the bot restarts (the least recently chosen are
//! forgotten past [`LANGUAGES_REMEMBERED`] chats); in Redis, under
//! `article-qa:language:<chat id>` with no expiry, until `/language auto` clears it.
//!
//! Redis trouble never drops a question: a failed load answers without context and that
//! context is not saved (so it cannot overwrite the real one when Redis comes back); after a
//! failure the store does not try Redis again for [`REDIS_RETRY`], so a slow or dead server
//! costs each question nothing; a warning is logged at most once a minute.

use std::num::NonZeroUsize;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use lru::LruCache;
use tracing::warn;

use crate::chat::lang::Lang;
use crate::engine::conversation::Context;

/// Most contexts kept in memory; each is under 4 KB, so the store stays under 40 MB even
/// when every slot holds a full context (a typical one is about 1 KB).
pub const MEMORY_CAPACITY: usize = 10_000;
/// How long one Redis call may take before the bot answers without context.
pub const REDIS_TIMEOUT: Duration = Duration::from_millis(300);
/// After a Redis failure, how long the store answers without context before trying again.
pub const REDIS_RETRY: Duration = Duration::from_secs(5);
/// Most chats whose `/language` choice is kept in memory (a few bytes each).
pub const LANGUAGES_REMEMBERED: usize = 100_000;
/// Key prefix of contexts in Redis.
const KEY_PREFIX: &str = "article-qa:context:";
/// Key prefix of the chats' `/language` choices in Redis.
const LANGUAGE_PREFIX: &str = "article-qa:language:";

/// The context store.
pub enum ContextStore {
    /// In this process.
    Memory(MemoryStore),
    /// In a Redis server.
    Redis(Box<RedisStore>),
}

impl ContextStore {
    /// An in-memory store of at most `capacity` contexts.
    pub fn memory(capacity: usize) -> Self {
        ContextStore::Memory(MemoryStore::new(capacity))
    }

    /// A Redis store at `url` (`redis://host:port/db`). Connecting happens on first use.
    ///
    /// Errors: the URL is not a Redis URL.
    pub fn redis(url: &str, ttl: Duration) -> Result<Self, redis::RedisError> {
        Ok(ContextStore::Redis(Box::new(RedisStore::new(url, ttl)?)))
    }

    /// The chat's context (empty when it has none), or `None` when Redis is unavailable:
    /// then answer without context and do not save. The memory store hands the context over
    /// rather than copying it: [`ContextStore::save`] it back after use (a chat's updates are
    /// handled one at a time, so nobody else needs it meanwhile).
    pub async fn load(&self, chat: i64) -> Option<Context> {
        match self {
            ContextStore::Memory(store) => Some(store.load(chat)),
            ContextStore::Redis(store) => store.load(chat).await,
        }
    }

    /// Saves the chat's context (in Redis with the idle time as its expiry).
    pub async fn save(&self, chat: i64, context: Context) {
        match self {
            ContextStore::Memory(store) => store.save(chat, context),
            ContextStore::Redis(store) => store.save(chat, &context).await,
        }
    }

    /// The language `/language` chose for the chat; `None` when it chose none (or Redis is
    /// unavailable: the sender's language applies then).
    pub async fn language(&self, chat: i64) -> Option<Lang> {
        match self {
            ContextStore::Memory(store) => store.language(chat),
            ContextStore::Redis(store) => store.language(chat).await,
        }
    }

    /// Keeps `lang` as the chat's `/language` choice; `None` forgets it (`/language auto`).
    pub async fn set_language(&self, chat: i64, lang: Option<Lang>) {
        match self {
            ContextStore::Memory(store) => store.set_language(chat, lang),
            ContextStore::Redis(store) => store.set_language(chat, lang).await,
        }
    }

    /// Moves chat `from`'s context and language choice to chat `to` (a group upgraded to a
    /// supergroup gets a new id). Nothing happens when `from` has none, so a second notice of
    /// the same move cannot wipe the moved ones.
    pub async fn move_chat(&self, from: i64, to: i64) {
        if let Some(lang) = self.language(from).await {
            self.set_language(to, Some(lang)).await;
            self.set_language(from, None).await;
        }
        let Some(context) = self.load(from).await else {
            return;
        };
        if context == Context::default() {
            return;
        }
        self.save(to, context).await;
        self.clear(from).await;
    }

    /// Whether the store can be used now (`/readyz`): memory always; Redis when it answers
    /// `PING`.
    pub async fn reachable(&self) -> bool {
        match self {
            ContextStore::Memory(_) => true,
            ContextStore::Redis(store) => {
                let pong: Option<String> = store.run(redis::cmd("PING")).await;
                pong.is_some()
            }
        }
    }

    /// Forgets the chat's context (`/reset`).
    pub async fn clear(&self, chat: i64) {
        match self {
            ContextStore::Memory(store) => store.clear(chat),
            ContextStore::Redis(store) => store.clear(chat).await,
        }
    }
}

/// Contexts in memory, least recently used evicted first; and the chats' language choices.
pub struct MemoryStore {
    contexts: Mutex<LruCache<i64, Context>>,
    /// Each chat's `/language` choice, least recently chosen forgotten first.
    languages: Mutex<LruCache<i64, Lang>>,
}

impl MemoryStore {
    /// A store of at most `capacity` contexts (at least one) and
    /// [`LANGUAGES_REMEMBERED`] language choices.
    pub fn new(capacity: usize) -> Self {
        let capacity = NonZeroUsize::new(capacity).unwrap_or(NonZeroUsize::MIN);
        let languages = NonZeroUsize::new(LANGUAGES_REMEMBERED).unwrap_or(NonZeroUsize::MIN);
        Self {
            contexts: Mutex::new(LruCache::new(capacity)),
            languages: Mutex::new(LruCache::new(languages)),
        }
    }

    fn language(&self, chat: i64) -> Option<Lang> {
        self.languages.lock().ok()?.peek(&chat).copied()
    }

    fn set_language(&self, chat: i64, lang: Option<Lang>) {
        if let Ok(mut languages) = self.languages.lock() {
            match lang {
                Some(lang) => languages.put(chat, lang),
                None => languages.pop(&chat),
            };
        }
    }

    fn load(&self, chat: i64) -> Context {
        self.contexts
            .lock()
            .ok()
            .and_then(|mut c| c.pop(&chat))
            .unwrap_or_default()
    }

    fn save(&self, chat: i64, context: Context) {
        if let Ok(mut contexts) = self.contexts.lock() {
            contexts.put(chat, context);
        }
    }

    fn clear(&self, chat: i64) {
        if let Ok(mut contexts) = self.contexts.lock() {
            contexts.pop(&chat);
        }
    }

    /// How many contexts are held.
    pub fn len(&self) -> usize {
        self.contexts.lock().map_or(0, |c| c.len())
    }

    /// True when no context is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Contexts in Redis, as JSON under `article-qa:context:<chat id>` with an expiry.
pub struct RedisStore {
    client: redis::Client,
    connection: tokio::sync::Mutex<Option<redis::aio::MultiplexedConnection>>,
    ttl: Duration,
    /// Until when Redis counts as down (no calls are tried).
    down_until: Mutex<Option<Instant>>,
    last_warning: Mutex<Option<Instant>>,
}

impl RedisStore {
    fn new(url: &str, ttl: Duration) -> Result<Self, redis::RedisError> {
        Ok(Self {
            client: redis::Client::open(url)?,
            connection: tokio::sync::Mutex::new(None),
            ttl,
            down_until: Mutex::new(None),
            last_warning: Mutex::new(None),
        })
    }

    /// A connection, made (again) when there is none; `None` when Redis cannot be reached or
    /// failed less than [`REDIS_RETRY`] ago.
    async fn connection(&self) -> Option<redis::aio::MultiplexedConnection> {
        if self.is_down() {
            return None;
        }
        let mut slot = self.connection.lock().await;
        // Checked again under the lock: handlers queued behind a failed attempt give up at
        // once instead of each waiting out its own connection timeout.
        if slot.is_none() && self.is_down() {
            return None;
        }
        if slot.is_none() {
            let connecting = self.client.get_multiplexed_async_connection();
            match tokio::time::timeout(REDIS_TIMEOUT, connecting).await {
                Ok(Ok(connection)) => *slot = Some(connection),
                Ok(Err(e)) => self.failed(&format!("cannot connect: {e}")),
                Err(_) => self.failed("connecting timed out"),
            }
        }
        slot.clone()
    }

    /// Runs one command with a timeout; on failure drops the connection.
    async fn run<T: redis::FromRedisValue>(&self, command: redis::Cmd) -> Option<T> {
        let mut connection = self.connection().await?;
        let outcome =
            tokio::time::timeout(REDIS_TIMEOUT, command.query_async::<T>(&mut connection)).await;
        let why = match outcome {
            Ok(Ok(value)) => return Some(value),
            Ok(Err(e)) => e.to_string(),
            Err(_) => "command timed out".to_string(),
        };
        // Marked down before the connection is dropped, so nobody waiting for the lock sees
        // "no connection, not down" and tries to connect meanwhile.
        self.failed(&why);
        self.connection.lock().await.take();
        None
    }

    async fn load(&self, chat: i64) -> Option<Context> {
        let json: Option<String> = self.run(redis::cmd("GET").arg(key(chat)).clone()).await?;
        Some(
            json.and_then(|json| serde_json::from_str(&json).ok())
                .unwrap_or_default(),
        )
    }

    async fn save(&self, chat: i64, context: &Context) {
        let Ok(json) = serde_json::to_string(context) else {
            return;
        };
        let seconds = self.ttl.as_secs().max(1);
        let command = redis::cmd("SET")
            .arg(key(chat))
            .arg(json)
            .arg("EX")
            .arg(seconds)
            .clone();
        let _: Option<()> = self.run(command).await;
    }

    async fn clear(&self, chat: i64) {
        let _: Option<()> = self.run(redis::cmd("DEL").arg(key(chat)).clone()).await;
    }

    async fn language(&self, chat: i64) -> Option<Lang> {
        let key = language_key(chat);
        let code: Option<String> = self.run(redis::cmd("GET").arg(key).clone()).await?;
        Lang::from_code(&code?)
    }

    async fn set_language(&self, chat: i64, lang: Option<Lang>) {
        let command = match lang {
            Some(lang) => redis::cmd("SET")
                .arg(language_key(chat))
                .arg(lang.code())
                .clone(),
            None => redis::cmd("DEL").arg(language_key(chat)).clone(),
        };
        let _: Option<()> = self.run(command).await;
    }

    /// True while Redis counts as down (less than [`REDIS_RETRY`] since it failed).
    fn is_down(&self) -> bool {
        let down = self.down_until.lock().ok().and_then(|d| *d);
        down.is_some_and(|until| Instant::now() < until)
    }

    /// Marks Redis as down for [`REDIS_RETRY`] and warns (at most once a minute).
    fn failed(&self, what: &str) {
        super::metrics::REDIS_ERRORS.inc();
        if let Ok(mut down) = self.down_until.lock() {
            *down = Some(Instant::now() + REDIS_RETRY);
        }
        self.warn(what);
    }

    fn warn(&self, what: &str) {
        let Ok(mut last) = self.last_warning.lock() else {
            return;
        };
        if last.is_none_or(|at| at.elapsed() > Duration::from_secs(60)) {
            *last = Some(Instant::now());
            warn!("Redis unavailable ({what}): answering without conversation context");
        }
    }
}

fn key(chat: i64) -> String {
    format!("{KEY_PREFIX}{chat}")
}

fn language_key(chat: i64) -> String {
    format!("{LANGUAGE_PREFIX}{chat}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::conversation::Remembered;

    fn context(question: &str) -> Context {
        Context {
            turns: vec![Remembered {
                question: question.into(),
                ..Remembered::default()
            }],
            ..Context::default()
        }
    }

    #[tokio::test]
    async fn memory_store_keeps_loads_and_clears() {
        let store = ContextStore::memory(10);
        assert_eq!(store.load(1).await, Some(Context::default()));
        store.save(1, context("a")).await;
        let loaded = store.load(1).await.unwrap();
        assert_eq!(loaded.turns[0].question, "a");
        store.save(1, loaded).await;
        store.clear(1).await;
        assert_eq!(store.load(1).await, Some(Context::default()));
    }

    #[tokio::test]
    async fn a_moved_context_is_under_the_new_chat_only_and_moving_twice_keeps_it() {
        let store = ContextStore::memory(10);
        store.save(1, context("a")).await;
        store.set_language(1, Some(Lang::Ru)).await;
        store.move_chat(1, 2).await;
        store.move_chat(1, 2).await;
        assert_eq!(store.load(1).await, Some(Context::default()));
        assert_eq!(store.load(2).await.unwrap().turns[0].question, "a");
        assert_eq!(store.language(1).await, None);
        assert_eq!(store.language(2).await, Some(Lang::Ru));
    }

    #[tokio::test]
    async fn a_language_choice_outlives_a_reset_and_is_forgotten_by_auto() {
        let store = ContextStore::memory(10);
        assert_eq!(store.language(1).await, None);
        store.set_language(1, Some(Lang::Ar)).await;
        store.save(1, context("a")).await;
        store.clear(1).await;
        assert_eq!(store.language(1).await, Some(Lang::Ar));
        assert_eq!(store.language(2).await, None);
        store.set_language(1, None).await;
        assert_eq!(store.language(1).await, None);
    }

    #[tokio::test]
    async fn a_hundred_thousand_chats_stay_within_the_capacity() {
        let store = MemoryStore::new(MEMORY_CAPACITY);
        for chat in 0..100_000 {
            store.save(chat, context("Who led the Russian delegation to Damascus?"));
        }
        assert_eq!(store.len(), MEMORY_CAPACITY);
        assert_eq!(store.load(99_999).turns.len(), 1, "the newest chat is kept");
        assert_eq!(
            store.load(0),
            Context::default(),
            "the oldest chat was evicted"
        );
    }

    /// The Redis store inside `store`.
    fn redis(store: &ContextStore) -> &RedisStore {
        match store {
            ContextStore::Redis(redis) => redis,
            ContextStore::Memory(_) => panic!("not a Redis store"),
        }
    }

    #[tokio::test]
    async fn redis_down_gives_no_context_and_is_left_alone_for_a_while() {
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("redis://{}/", closed.local_addr().unwrap());
        drop(closed);
        let store = ContextStore::redis(&url, Duration::from_secs(60)).unwrap();
        assert!(!redis(&store).is_down());
        store.save(1, context("a")).await;
        assert!(redis(&store).is_down(), "a refused connection is a failure");
        assert_eq!(store.load(1).await, None);
        store.clear(1).await;
    }

    #[tokio::test]
    async fn a_redis_that_never_answers_is_tried_once_then_left_alone() {
        // Accepts connections, reports each one's peer, and never says a word.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let (accepted, peers) = std::sync::mpsc::channel();
        let _hold = std::thread::spawn(move || {
            let mut open = Vec::new();
            for stream in listener.incoming().flatten() {
                let _ = accepted.send(stream.peer_addr().ok());
                open.push(stream);
            }
        });
        let store =
            ContextStore::redis(&format!("redis://{addr}/"), Duration::from_secs(60)).unwrap();
        assert_eq!(
            store.load(1).await,
            None,
            "a silent server gives no context"
        );
        assert!(redis(&store).is_down());
        for chat in 0..100 {
            assert_eq!(store.load(chat).await, None);
        }
        // Connections are accepted in the order they were made: once this marker is, every
        // connection the store made before it has been counted.
        let marker = std::net::TcpStream::connect(addr).unwrap();
        let marker = marker.local_addr().ok();
        let mut by_store = 0;
        loop {
            let peer = peers
                .recv_timeout(Duration::from_secs(10))
                .expect("the marker connection was accepted");
            if peer == marker {
                break;
            }
            by_store += 1;
        }
        assert_eq!(
            by_store, 1,
            "the store kept trying a server that never answers"
        );
    }
}
