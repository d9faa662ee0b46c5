//! What every Telegram handler shares: the engine (swapped whole on `/reload`), the
//! conversation contexts, the admins, the unanswered-question log, the button key, flood
//! protection and the shutdown signal.

use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use anyhow::Result;
use lru::LruCache;
use teloxide::types::{ChatId, MessageId, User};
use tokio_util::sync::CancellationToken;
use tracing::{error, info, warn};

use super::buttons::Key;
use super::flood::{Backlog, Pace, Pacing, Repeats};
use super::store::{ContextStore, MEMORY_CAPACITY};
use crate::app::config::{BotToken, Config};
use crate::app::turns;
use crate::app::unanswered::UnansweredLog;
use crate::chat::Response;
use crate::chat::lang::{Choice, Lang};
use crate::engine::Engine;

/// How many answered questions are remembered for edits.
const ANSWERS_REMEMBERED: NonZeroUsize = NonZeroUsize::new(10_000).expect("not zero");
/// How many update ids are remembered, so an update delivered twice is handled once.
const UPDATES_REMEMBERED: NonZeroUsize = NonZeroUsize::new(10_000).expect("not zero");
/// How many chats that blocked the bot are remembered (so each is logged once).
const BLOCKED_REMEMBERED: NonZeroUsize = NonZeroUsize::new(10_000).expect("not zero");

/// The bot's shared state.
pub struct State {
    engine: RwLock<Arc<Engine>>,
    /// Chats whose user blocked the bot (403), so each is logged once; the least recently
    /// blocked are forgotten past [`BLOCKED_REMEMBERED`].
    pub(super) blocked: Mutex<LruCache<ChatId, ()>>,
    /// User ids allowed to `/reload`.
    admins: Vec<u64>,
    /// The FAQ rules file `/reload` reads.
    faq_path: Option<PathBuf>,
    /// Where abstained questions go, when logging is on.
    unanswered: Option<UnansweredLog>,
    /// Conversation contexts, per chat.
    pub(super) contexts: ContextStore,
    /// Idle time after which a chat's context expires.
    pub(super) ttl: Duration,
    /// Signs the buttons' callback data.
    pub(super) key: Key,
    /// Cancelled when the bot stops: replies still waiting give up.
    pub(super) shutdown: CancellationToken,
    /// When a message being sent first saw the bot stopping: every send still in flight gives
    /// up [`STOP_GRACE`](super::send::STOP_GRACE) after it, together.
    pub(super) stop_seen: std::sync::OnceLock<tokio::time::Instant>,
    /// Each chat's updates waiting to be handled.
    pub(super) backlog: Backlog,
    /// Each chat's last question, so a repeat within seconds is answered once.
    pub(super) repeats: Repeats,
    /// Outgoing messages paced below Telegram's limits.
    pub(super) pacing: Pacing,
    /// Messages older than this when received are skipped; `None` answers all.
    pub(super) max_update_age: Option<Duration>,
    /// Questions answered, by chat and message id: the answer's first message and when it
    /// was sent (Unix seconds), so an edited question can have its answer edited.
    answered: Mutex<LruCache<(i64, i32), (MessageId, u64)>>,
    /// How long after its answer an edited question is answered again; `None`: never.
    pub(super) edit_window: Option<Duration>,
    /// The ids of the updates taken in lately (without the Redis stream, which keeps its own
    /// record across replicas).
    updates_seen: Mutex<LruCache<i32, ()>>,
}

impl State {
    /// State around an engine, with the configuration's admins, rules file, log and context
    /// store (Redis when `REDIS_URL` is set, else memory), and replies paced as `pace` says.
    ///
    /// Errors: the unanswered-question log cannot be opened, or `REDIS_URL` is not a Redis URL.
    pub async fn new(
        engine: Engine,
        config: &Config,
        token: &BotToken,
        pace: Pace,
    ) -> Result<Self> {
        let unanswered = match &config.unanswered_log {
            Some(path) => Some(UnansweredLog::open(path)?),
            None => None,
        };
        let contexts = match &config.redis_url {
            Some(url) => {
                let store = ContextStore::redis(url, config.context_ttl)
                    .map_err(|e| anyhow::anyhow!("REDIS_URL is not valid: {e}"))?;
                info!("conversation context in Redis");
                store
            }
            None => ContextStore::memory(MEMORY_CAPACITY),
        };
        Ok(Self {
            engine: RwLock::new(Arc::new(engine)),
            blocked: Mutex::new(LruCache::new(BLOCKED_REMEMBERED)),
            admins: config.admins.clone(),
            faq_path: config.faq.clone(),
            unanswered,
            contexts,
            ttl: config.context_ttl,
            key: Key::from_token(token.expose()),
            shutdown: CancellationToken::new(),
            stop_seen: std::sync::OnceLock::new(),
            backlog: Backlog::default(),
            repeats: Repeats::default(),
            pacing: Pacing::new(pace),
            max_update_age: config.max_update_age,
            answered: Mutex::new(LruCache::new(ANSWERS_REMEMBERED)),
            edit_window: config.service.edit_window,
            updates_seen: Mutex::new(LruCache::new(UPDATES_REMEMBERED)),
        })
    }

    /// True the first time update `id` is seen (of the last [`UPDATES_REMEMBERED`]): a
    /// webhook update Telegram sent again because its 200 was lost, or one a proxy repeated
    /// in a batch, is handled once.
    pub(super) fn first_delivery(&self, id: i32) -> bool {
        self.updates_seen
            .lock()
            .map_or(true, |mut seen| seen.put(id, ()).is_none())
    }

    /// Remembers that the question `question` in `chat` was answered by message `answer`.
    pub(super) fn answered(&self, chat: ChatId, question: MessageId, answer: MessageId) {
        if let Ok(mut answered) = self.answered.lock() {
            answered.put(
                (chat.0, question.0),
                (answer, crate::engine::conversation::now()),
            );
        }
    }

    /// The answer to the question `question` in `chat`, when it was answered within the edit
    /// window.
    pub(super) fn answer_to(&self, chat: ChatId, question: MessageId) -> Option<MessageId> {
        let window = self.edit_window?.as_secs();
        let (answer, at) = *self.answered.lock().ok()?.get(&(chat.0, question.0))?;
        (crate::engine::conversation::now().saturating_sub(at) <= window).then_some(answer)
    }

    /// The engine in use now.
    pub fn engine(&self) -> Arc<Engine> {
        match self.engine.read() {
            Ok(engine) => Arc::clone(&engine),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// True when `user` may use `/reload`.
    pub(super) fn is_admin(&self, user: u64) -> bool {
        self.admins.contains(&user)
    }

    /// `/reload` from an admin: swaps in the new rules, or keeps the old ones and says why
    /// (in `lang`; the log says it in English). The log names the rules file by its full
    /// path; the chat by its file name only (people in a group have no business with the
    /// server's folders).
    pub(super) fn reload(&self, lang: Lang) -> Response {
        let reloaded = turns::reload(&self.engine(), self.faq_path.as_deref());
        let logged = reloaded.response(Lang::En).to_plain(Lang::En);
        let response = reloaded.response(lang);
        match reloaded.engine {
            Some(engine) => {
                info!("{logged}");
                if let Ok(mut current) = self.engine.write() {
                    *current = Arc::new(engine);
                }
                // Inline results found with the old rules are not served again.
                super::inline::forget_cached();
            }
            None => error!("FAQ reload rejected: {}", logged.replace('\n', " ")),
        }
        match &self.faq_path {
            Some(path) => file_name_only(response, path),
            None => response,
        }
    }

    /// How to choose the reply language in `chat` for a message from `from`: the chat's
    /// `/language` choice (from the store), else the sender's Telegram `language_code`.
    pub(super) async fn choice(&self, chat: ChatId, from: Option<&User>) -> Choice {
        let chosen = self.contexts.language(chat.0).await;
        Choice::new(chosen, from.and_then(|u| u.language_code.as_deref()))
    }

    /// Appends an abstained question to the log, if logging is on.
    pub(super) fn log_unanswered(&self, question: &str, response: &Response) {
        if let Some(warning) = turns::log_unanswered(self.unanswered.as_ref(), question, response) {
            warn!("{warning}");
        }
    }
}

/// `response` with every mention of the file at `path` cut to the file's name.
fn file_name_only(response: Response, path: &Path) -> Response {
    let (Response::Text(text), Some(name)) = (&response, path.file_name()) else {
        return response;
    };
    let full = path.display().to_string();
    Response::Text(text.replace(&full, &name.to_string_lossy()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reload_reply_names_the_file_without_its_folders() {
        let path = Path::new("/srv/bot/seeds/faq.toml");
        let text = "bad FAQ rules in /srv/bot/seeds/faq.toml: rule a: no answer";
        assert_eq!(
            file_name_only(Response::Text(text.into()), path),
            Response::Text("bad FAQ rules in faq.toml: rule a: no answer".into())
        );
    }
}
