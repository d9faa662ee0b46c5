//! Flood protection, per chat and in all: a cap on the updates one chat may have waiting
//! ([`Backlog`]), identical questions repeated within seconds answered once ([`Repeats`]), and
//! outgoing messages paced below Telegram's documented limits ([`Pacing`]): about 30 messages
//! a second in all and 20 a minute to one group, for all replicas together when they share
//! the updates through Redis. A chat's replies leave in order, as its
//! updates are handled one at a time.

use std::collections::HashMap;
use std::hash::{Hash as _, Hasher as _};
use std::num::{NonZeroU32, NonZeroUsize};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use governor::{DefaultDirectRateLimiter, DefaultKeyedRateLimiter, Quota, RateLimiter};
use lru::LruCache;
use teloxide::types::{ChatId, Update};
use tracing::warn;

use super::metrics;
use super::stream::Stream;

/// The most updates one chat may have waiting to be handled; past it, that chat's further
/// updates are dropped (with one log line) until it catches up, so one flooding chat cannot
/// fill the dispatcher and hold up the others.
pub const CHAT_BACKLOG: usize = 32;
/// A message from one chat with the same text (a question or a command) as the one before
/// it, sent within this many seconds of it, is not answered again.
pub const REPEAT_WINDOW: Duration = Duration::from_secs(5);
/// How many chats' last question (a hash of it, never the text) are remembered.
const REPEATS_REMEMBERED: NonZeroUsize = NonZeroUsize::new(10_000).expect("not zero");
/// Messages the bot sends at once before pacing starts, in all.
const ALL_BURST: NonZeroU32 = NonZeroU32::new(5).expect("not zero");
/// The interval between messages in all once the burst is spent (20 a second): with the
/// burst, never more than 25 in any second, below Telegram's ~30.
const ALL_INTERVAL: Duration = Duration::from_millis(50);
/// Messages the bot sends at once to one group (or channel) before pacing starts.
const GROUP_BURST: NonZeroU32 = NonZeroU32::new(5).expect("not zero");
/// The interval between messages to one group once its burst is spent: with the burst,
/// never more than 20 in any minute, Telegram's limit for a group. Private chats are not
/// paced (Telegram allows them short bursts).
const GROUP_INTERVAL: Duration = Duration::from_secs(4);
/// Past this many groups tracked, the pacing state of groups that went quiet is dropped.
const GROUPS_TRACKED: usize = 10_000;

/// The chat whose worker handles `update` (as teloxide's dispatcher distributes them).
pub fn chat_of(update: &Update) -> Option<ChatId> {
    update.chat().map(|c| c.id)
}

/// Updates handed to the dispatcher and not yet taken up by their chat's handler.
#[derive(Default)]
pub struct Backlog {
    waiting: Mutex<HashMap<ChatId, usize>>,
}

impl Backlog {
    /// Whether an update of `chat` may be handed on: false when the chat already has
    /// [`CHAT_BACKLOG`] waiting (logged once, when the chat starts being dropped).
    pub fn admit(&self, chat: ChatId) -> bool {
        let Ok(mut waiting) = self.waiting.lock() else {
            return true;
        };
        let count = waiting.entry(chat).or_insert(0);
        if *count >= CHAT_BACKLOG {
            if *count == CHAT_BACKLOG {
                warn!(
                    "a chat sent more than {CHAT_BACKLOG} updates faster than they could be answered; its further updates are dropped until it catches up"
                );
                // One past the cap marks the chat as being dropped (logged once).
                *count += 1;
            }
            return false;
        }
        *count += 1;
        metrics::QUEUED.inc();
        true
    }

    /// An update of `chat` was taken up by its handler.
    pub fn taken(&self, chat: ChatId) {
        let Ok(mut waiting) = self.waiting.lock() else {
            return;
        };
        if let Some(count) = waiting.get_mut(&chat) {
            metrics::QUEUED.dec();
            // A chat marked as dropped had `CHAT_BACKLOG` waiting, not one more.
            *count = (*count).min(CHAT_BACKLOG).saturating_sub(1);
            if *count == 0 {
                waiting.remove(&chat);
            }
        }
    }
}

/// The last message with text in each chat: a hash of its text (never the text) and when it
/// was sent.
pub struct Repeats {
    last: Mutex<LruCache<ChatId, (u64, i64)>>,
    /// Off when replicas share the updates (the Redis stream): each then sees only some of a
    /// chat's messages, out of order, and would take a question for a repeat of one asked
    /// before the message in between.
    off: AtomicBool,
}

impl Default for Repeats {
    fn default() -> Self {
        Self {
            last: Mutex::new(LruCache::new(REPEATS_REMEMBERED)),
            off: AtomicBool::new(false),
        }
    }
}

impl Repeats {
    /// True when `text`, sent at `sent` (Unix seconds, Telegram's clock), repeats the message
    /// before it in `chat` less than [`REPEAT_WINDOW`] after that one was answered; otherwise
    /// it becomes the chat's last message.
    pub fn is_repeat(&self, chat: ChatId, text: &str, sent: i64) -> bool {
        if self.off.load(Ordering::Relaxed) {
            return false;
        }
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        text.trim().to_lowercase().hash(&mut hasher);
        let hash = hasher.finish();
        let Ok(mut last) = self.last.lock() else {
            return false;
        };
        let window = i64::try_from(REPEAT_WINDOW.as_secs()).unwrap_or(i64::MAX);
        if let Some(&(seen, at)) = last.get(&chat)
            && seen == hash
            && (0..window).contains(&sent.saturating_sub(at))
        {
            return true;
        }
        last.put(chat, (hash, sent));
        false
    }

    /// No message is a repeat from now on (replicas share the updates).
    pub fn turn_off(&self) {
        self.off.store(true, Ordering::Relaxed);
    }

    /// A message without text came in `chat`: the next one is not a repeat.
    pub fn forget(&self, chat: ChatId) {
        if let Ok(mut last) = self.last.lock() {
            last.pop(&chat);
        }
    }
}

/// Whether outgoing messages are paced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pace {
    /// Below Telegram's limits, as the module says.
    Telegram,
    /// Not at all (benchmarks against a fake Bot API).
    Unlimited,
}

/// The rate limiters outgoing messages wait on: this process's own, and with the Redis
/// stream the limits all replicas share ([`super::stream::Stream::take_turn`]).
pub struct Pacing {
    all: Option<DefaultDirectRateLimiter>,
    groups: Option<DefaultKeyedRateLimiter<i64>>,
    shared: OnceLock<Arc<Stream>>,
}

impl Pacing {
    /// Limiters for `pace`.
    pub fn new(pace: Pace) -> Self {
        match pace {
            Pace::Unlimited => Self {
                all: None,
                groups: None,
                shared: OnceLock::new(),
            },
            Pace::Telegram => Self {
                all: Quota::with_period(ALL_INTERVAL)
                    .map(|q| RateLimiter::direct(q.allow_burst(ALL_BURST))),
                groups: Quota::with_period(GROUP_INTERVAL)
                    .map(|q| RateLimiter::keyed(q.allow_burst(GROUP_BURST))),
                shared: OnceLock::new(),
            },
        }
    }

    /// Replicas share the updates through `stream`: Telegram's limits are kept for them all
    /// together, in Redis (unless pacing is off).
    pub fn share(&self, stream: Arc<Stream>) {
        if self.all.is_some() {
            let _ = self.shared.set(stream);
        }
    }

    /// Waits until one more message may go to `chat`.
    pub async fn ready(&self, chat: ChatId) {
        if let Some(groups) = &self.groups
            && !chat.is_user()
        {
            if groups.len() > GROUPS_TRACKED {
                groups.retain_recent();
            }
            groups.until_key_ready(&chat.0).await;
        }
        if let Some(all) = &self.all {
            all.until_ready().await;
        }
        if let Some(shared) = self.shared.get() {
            shared.take_turn(chat.0).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chat_past_its_backlog_is_dropped_until_it_catches_up() {
        let backlog = Backlog::default();
        let chat = ChatId(5);
        for _ in 0..CHAT_BACKLOG {
            assert!(backlog.admit(chat));
        }
        assert!(!backlog.admit(chat));
        assert!(!backlog.admit(chat));
        assert!(backlog.admit(ChatId(6)), "another chat was held up");
        backlog.taken(chat);
        assert!(backlog.admit(chat));
    }

    #[test]
    fn a_repeat_within_the_window_is_told_apart_from_a_new_question() {
        let repeats = Repeats::default();
        let chat = ChatId(1);
        assert!(!repeats.is_repeat(chat, "Who led it?", 100));
        assert!(repeats.is_repeat(chat, " who led it? ", 101));
        assert!(!repeats.is_repeat(ChatId(2), "Who led it?", 101));
        assert!(!repeats.is_repeat(chat, "Who led it?", 100 + 5));
        assert!(!repeats.is_repeat(chat, "Where?", 106));
        repeats.forget(chat);
        assert!(!repeats.is_repeat(chat, "Where?", 106));
    }
}
