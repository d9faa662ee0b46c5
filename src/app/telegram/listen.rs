//! Long polling, one update at a time: `getUpdates` is read as JSON and each update on its
//! own, so an update teloxide cannot read costs that update only and is logged by id, kind
//! and where reading failed — never its content (teloxide's own polling logs such an update
//! whole, message text and usernames included). Message entities of a type teloxide does not
//! know (a newer Bot API's) are dropped before reading, so a text with one is still text.
//! An update not even JSON values can hold (a lone surrogate, nesting past serde's limit)
//! makes its whole answer unreadable: updates are then asked for one at a time, and the one
//! at fault is skipped by the id in its raw text, so it cannot stall the chats after it.
//!
//! Failed polls are retried with teloxide's back-off (or after Telegram's `retry_after`). A
//! 409 Conflict (another instance polls with the token, as in a deploy overlap) is waited
//! out: before the first successful poll for [`STARTUP_CONFLICT_PATIENCE`] (the old instance
//! is being stopped), after it for [`CONFLICT_PATIENCE`]; a run of 409s ends only after that
//! long without one, so two instances polling in turn both stop. A 409 because a webhook is
//! set stops the bot at once with that reason.
//!
//! On the way in, messages older than the configured age (sent while the bot was down) are
//! skipped with one line saying how many, and a chat with [`CHAT_BACKLOG`](super::flood::CHAT_BACKLOG) updates waiting
//! has its further updates dropped. When polling stops, the bot's shutdown is signalled, so
//! replies waiting out a flood limit give up at once.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use futures::Stream;
use serde::{Deserialize as _, Serialize};
use serde_json::Value;
use teloxide::backoff::exponential_backoff_strategy;
use teloxide::payloads::GetUpdates;
use teloxide::prelude::*;
use teloxide::requests::{JsonRequest, Payload};
use teloxide::stop::{StopFlag, StopToken, mk_stop_token};
use teloxide::types::{AllowedUpdate, MessageEntity, UpdateKind};
use teloxide::update_listeners::{StatefulListener, UpdateListener};
use teloxide::{ApiError, RequestError};
use tracing::{debug, info, warn};

use super::flood::chat_of;
use super::metrics;
use super::state::State;

/// How long a 409 Conflict may go on after the bot has been polling (another instance
/// started over it, as in a deploy) before the bot gives up and stops.
pub const CONFLICT_PATIENCE: Duration = Duration::from_secs(60);
/// How long a 409 Conflict may go on before the bot has polled once: the old instance of a
/// deploy polls on until it is stopped, which takes a few seconds.
pub const STARTUP_CONFLICT_PATIENCE: Duration = Duration::from_secs(15);
/// The most updates one `getUpdates` answer holds (Telegram's default `limit`).
const BATCH: usize = 100;
/// Longest kind name (an update's key) put in a log line.
const KIND_SHOWN: usize = 40;

/// Why a poll failed, as the listener's error handler needs it.
#[derive(Debug, thiserror::Error)]
pub enum PollError {
    /// Polling cannot go on; the reason, one line a person can act on.
    #[error("{0}")]
    Fatal(String),
    /// A failed poll; polling goes on after a pause.
    #[error("getting updates failed, retrying: {}", super::shown(.0))]
    Passing(RequestError),
}

/// `getUpdates` with its answer kept as JSON values, to read each update on its own.
#[derive(Serialize)]
#[serde(transparent)]
struct RawUpdates(GetUpdates);

impl Payload for RawUpdates {
    type Output = Vec<Value>;
    const NAME: &'static str = GetUpdates::NAME;
}

/// The polling state.
pub struct Poller {
    bot: Bot,
    /// How long one long poll waits for updates.
    timeout: Duration,
    /// The next update id wanted (Telegram forgets those before it).
    offset: i32,
    /// The update kinds the dispatcher handles, sent with every poll.
    allowed: Option<Vec<AllowedUpdate>>,
    token: StopToken,
    flag: StopFlag,
    /// Updates read and not yet handed on.
    ready: VecDeque<Update>,
    /// Failed polls in a row (for the back-off).
    failures: u32,
    /// An answer could not be read as JSON: updates are asked for one at a time, to find the
    /// one at fault and skip it by its id; this many more single updates at most (the one at
    /// fault is among the first [`BATCH`] of the answer that failed).
    one_at_a_time: usize,
    /// The wait before the next poll, after a failure.
    pause: Option<Duration>,
    /// A poll has succeeded: the bot is running.
    polled: bool,
    /// When the current run of 409 Conflicts began.
    conflict_since: Option<Instant>,
    /// When the last 409 Conflict came.
    last_conflict: Option<Instant>,
    /// Old messages skipped and not yet logged.
    skipped_old: usize,
    /// The shared state: the shutdown signal, the chats' backlog, the oldest message answered.
    state: Arc<State>,
    done: bool,
}

/// A long-polling listener for `bot`, each poll waiting up to `timeout`.
pub fn listener(
    bot: Bot,
    timeout: Duration,
    state: Arc<State>,
) -> impl UpdateListener<Err = PollError> + Send + 'static {
    let (token, flag) = mk_stop_token();
    let poller = Poller {
        bot,
        timeout,
        offset: 0,
        allowed: None,
        token,
        flag,
        ready: VecDeque::new(),
        failures: 0,
        one_at_a_time: 0,
        pause: None,
        polled: false,
        conflict_since: None,
        last_conflict: None,
        skipped_old: 0,
        state,
        done: false,
    };
    StatefulListener::new_with_hints(poller, updates, stop_token, Some(hint_allowed))
}

fn updates(poller: &mut Poller) -> impl Stream<Item = Result<Update, PollError>> + Send + '_ {
    futures::stream::unfold(poller, |poller| async move {
        let next = poller.next().await?;
        Some((next, poller))
    })
}

fn stop_token(poller: &mut Poller) -> StopToken {
    poller.token.clone()
}

fn hint_allowed(poller: &mut Poller, hint: &mut dyn Iterator<Item = AllowedUpdate>) {
    poller.allowed = Some(hint.collect());
}

impl Poller {
    /// The next update, a failed poll, or `None` once stopped.
    async fn next(&mut self) -> Option<Result<Update, PollError>> {
        loop {
            if let Some(update) = self.ready.pop_front() {
                return Some(Ok(update));
            }
            if self.done {
                return None;
            }
            if let Some(pause) = self.pause.take() {
                tokio::select! {
                    () = tokio::time::sleep(pause) => {}
                    () = &mut self.flag => {}
                }
            }
            if self.flag.is_stopped() {
                self.state.shutdown.cancel();
                self.confirm().await;
                return None;
            }
            let poll = poll(
                &self.bot,
                self.offset,
                self.allowed.clone(),
                self.timeout,
                (self.one_at_a_time > 0).then_some(1),
            );
            let answer = tokio::select! {
                answer = poll => Some(answer),
                () = &mut self.flag => None,
            };
            let Some(answer) = answer else {
                self.state.shutdown.cancel();
                self.confirm().await;
                return None;
            };
            match answer {
                Ok(values) => {
                    // A run of 409s is not ended by a poll in between: two instances polling
                    // in turn each get every other poll through.
                    self.failures = 0;
                    self.polled = true;
                    // Back to batches once Telegram has nothing more, or the answer that
                    // failed has been read through (it was not an update's fault).
                    self.one_at_a_time = match values.is_empty() {
                        true => 0,
                        false => self.one_at_a_time.saturating_sub(1),
                    };
                    self.read(values);
                }
                Err(RequestError::InvalidJson { source, raw })
                    if self.unreadable(&source, &raw) => {}
                Err(error) => {
                    if let Some(error) = self.failed(error) {
                        return Some(Err(error));
                    }
                }
            }
        }
    }

    /// Tells Telegram the updates handed on are done with, so the next poller (this bot
    /// restarted) does not get them again; once stopped.
    async fn confirm(&mut self) {
        self.done = true;
        let confirming = poll(&self.bot, self.offset, None, Duration::ZERO, Some(1));
        if let Err(e) = confirming.await {
            debug!("confirming the last update failed: {e}");
        }
    }

    /// Reads a batch: each update on its own, an unreadable one logged and skipped, an old
    /// message skipped (counted, and logged once the backlog is read), an update of a chat
    /// with [`CHAT_BACKLOG`](super::flood::CHAT_BACKLOG) waiting dropped.
    fn read(&mut self, values: Vec<Value>) {
        let full = values.len() >= BATCH;
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        for value in values {
            let id = value.get("update_id").and_then(Value::as_i64);
            let id = id.and_then(|id| i32::try_from(id).ok());
            if let Some(next) = id.and_then(|id| id.checked_add(1)) {
                self.offset = self.offset.max(next);
            }
            if id.is_some_and(|id| !self.state.first_delivery(id)) {
                info!("update {id:?} delivered again; skipped");
                continue;
            }
            match take_in(&self.state, value, now) {
                Taken::Ready(update) => self.ready.push_back(*update),
                Taken::Old => self.skipped_old += 1,
                Taken::Dropped => {}
            }
        }
        if !full && self.skipped_old > 0 {
            info!(
                "skipped {} message(s) older than {} min (sent while the bot was not running)",
                self.skipped_old,
                self.state.max_update_age.map_or(0, |d| d.as_secs() / 60)
            );
            self.skipped_old = 0;
        }
    }

    /// An answer serde could not read (a lone surrogate in a text, nesting past its depth
    /// limit): one such update would fail every batch holding it, for every chat. The first
    /// time, updates are then asked for one at a time; when the one asked for cannot be read
    /// either, it is skipped by the id in its raw text. False when there is no id to skip by
    /// (not an update at all: an HTML page), which is then a failed poll like any other.
    fn unreadable(&mut self, error: &serde_json::Error, raw: &str) -> bool {
        // An answer cut short is no update's fault: retried as any failed poll.
        if error.is_eof() {
            return false;
        }
        if self.one_at_a_time == 0 {
            warn!(
                "an answer of getUpdates could not be read (line {}, column {}); reading updates one at a time to find the one at fault",
                error.line(),
                error.column()
            );
            self.one_at_a_time = BATCH;
            return true;
        }
        self.one_at_a_time = 0;
        let next = first_update_id(raw)
            .filter(|&id| id >= i64::from(self.offset))
            .and_then(|id| {
                i32::try_from(id.checked_add(1)?)
                    .ok()
                    .map(|next| (id, next))
            });
        let Some((id, next)) = next else {
            return false;
        };
        warn!(
            "update {id} skipped: its JSON cannot be read (line {}, column {}: {:?})",
            error.line(),
            error.column(),
            error.classify()
        );
        self.offset = next;
        true
    }

    /// Decides what a failed poll means: the error to hand on (fatal, or passing with a pause
    /// set), or `None` for a conflict being waited out (logged here).
    fn failed(&mut self, error: RequestError) -> Option<PollError> {
        if let RequestError::Api(ApiError::InvalidToken) = error {
            return Some(PollError::Fatal(
                "Telegram rejected the bot token (401 Unauthorized): it was revoked or changed; check TELOXIDE_TOKEN".into(),
            ));
        }
        if let Some(conflict) = conflict(&error) {
            return self.conflicted(conflict, error);
        }
        let pause = match &error {
            RequestError::RetryAfter(wait) => wait.duration(),
            _ => exponential_backoff_strategy(self.failures),
        };
        self.failures = self.failures.saturating_add(1);
        self.pause = Some(pause);
        Some(PollError::Passing(error))
    }

    fn conflicted(&mut self, conflict: Conflict, error: RequestError) -> Option<PollError> {
        let now = Instant::now();
        // A 409 a full patience after the last one starts a new run.
        let new_run = self
            .last_conflict
            .is_none_or(|last| now.duration_since(last) >= CONFLICT_PATIENCE);
        if new_run {
            self.conflict_since = Some(now);
        }
        self.last_conflict = Some(now);
        let lasted = self
            .conflict_since
            .map_or(Duration::ZERO, |since| now.duration_since(since));
        match conflict_verdict(conflict, self.polled, lasted) {
            Verdict::Stop(reason) => Some(PollError::Fatal(reason)),
            Verdict::Wait => {
                if new_run {
                    let patience = if self.polled {
                        CONFLICT_PATIENCE
                    } else {
                        STARTUP_CONFLICT_PATIENCE
                    };
                    warn!(
                        "another instance is polling with the same token (409 Conflict); backing off, and stopping if it goes on for {}s",
                        patience.as_secs()
                    );
                }
                debug!("409 while polling: {}", super::shown(&error));
                self.pause = Some(exponential_backoff_strategy(self.failures));
                self.failures = self.failures.saturating_add(1);
                None
            }
        }
    }
}

/// One `getUpdates` from `offset` (the first also naming the `allowed` update kinds).
async fn poll(
    bot: &Bot,
    offset: i32,
    allowed: Option<Vec<AllowedUpdate>>,
    timeout: Duration,
    limit: Option<u8>,
) -> Result<Vec<Value>, RequestError> {
    let mut payload = GetUpdates::new();
    payload.offset = Some(offset);
    payload.timeout = Some(u32::try_from(timeout.as_secs()).unwrap_or(u32::MAX));
    payload.limit = limit;
    payload.allowed_updates = allowed;
    JsonRequest::new(bot.clone(), RawUpdates(payload))
        .send()
        .await
}

/// The first `"update_id": N` in a raw `getUpdates` answer, read without parsing the rest.
fn first_update_id(raw: &str) -> Option<i64> {
    const KEY: &str = "\"update_id\"";
    let after = raw[raw.find(KEY)? + KEY.len()..].trim_start();
    let number = after.strip_prefix(':')?.trim_start();
    let digits = number
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(number.len());
    number[..digits].parse().ok()
}

/// Which 409 Conflict Telegram answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Conflict {
    /// Another `getUpdates` poller holds the token.
    OtherPoller,
    /// A webhook is set, so `getUpdates` is refused.
    Webhook,
}

/// The conflict `error` is, if it is a 409. teloxide recognises one wording of the poller
/// conflict; any other `Conflict: …` text is a conflict too.
pub(super) fn conflict(error: &RequestError) -> Option<Conflict> {
    match error {
        RequestError::Api(ApiError::TerminatedByOtherGetUpdates) => Some(Conflict::OtherPoller),
        RequestError::Api(ApiError::Unknown(text)) if text.starts_with("Conflict") => {
            Some(if text.contains("webhook") {
                Conflict::Webhook
            } else {
                Conflict::OtherPoller
            })
        }
        _ => None,
    }
}

/// What to do about a 409.
#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    /// Back off and poll again.
    Wait,
    /// Stop, with this reason.
    Stop(String),
}

/// A webhook stops the bot at once; another poller once the conflict has `lasted`
/// [`STARTUP_CONFLICT_PATIENCE`] before the first successful poll (`polled`), or
/// [`CONFLICT_PATIENCE`] after it.
fn conflict_verdict(conflict: Conflict, polled: bool, lasted: Duration) -> Verdict {
    match conflict {
        Conflict::Webhook => Verdict::Stop(
            "Telegram has a webhook set for this bot (409 Conflict: can't use getUpdates while a webhook is active), so it cannot poll; \
             the bot deletes a webhook when it starts, so something set it again: stop that, or delete it with the Bot API's deleteWebhook method"
                .into(),
        ),
        Conflict::OtherPoller => {
            let patience = if polled {
                CONFLICT_PATIENCE
            } else {
                STARTUP_CONFLICT_PATIENCE
            };
            if lasted >= patience {
                Verdict::Stop(format!(
                    "another instance of this bot has been polling with the same token for {}s (409 Conflict): stop it first",
                    patience.as_secs()
                ))
            } else {
                Verdict::Wait
            }
        }
    }
}

/// True for a message (new or edited, in any chat) sent or edited more than `max` before
/// `now` (Unix seconds). Button presses and other updates carry no date of their own.
fn too_old(update: &Value, now: u64, max: Duration) -> bool {
    let Some(message) = [
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_message",
        "edited_business_message",
    ]
    .iter()
    .find_map(|kind| update.get(kind)) else {
        return false;
    };
    let date = message
        .get("edit_date")
        .or_else(|| message.get("date"))
        .and_then(Value::as_u64);
    date.is_some_and(|date| now.saturating_sub(date) > max.as_secs())
}

/// An update teloxide could not read: its id, kind and where reading failed.
#[derive(Debug, thiserror::Error)]
#[error("update {} ({kind}) skipped: teloxide cannot read it ({position})", .id.map_or("without an id".to_string(), |id| id.to_string()))]
struct Unreadable {
    id: Option<i64>,
    kind: String,
    position: String,
}

/// What became of an update received.
pub(super) enum Taken {
    /// Read, and to be handled.
    Ready(Box<Update>),
    /// A message older than the configured age: skipped (the caller counts these).
    Old,
    /// Unreadable (logged) or from a chat with too many waiting: dropped.
    Dropped,
}

/// Takes in one update as received (polled or posted to the webhook), `now` in Unix seconds:
/// counts it by kind, skips it when too old, reads it (an unreadable one is logged by id,
/// kind and position, never its content) and admits it to its chat's backlog.
pub(super) fn take_in(state: &State, value: Value, now: u64) -> Taken {
    if state
        .max_update_age
        .is_some_and(|max| too_old(&value, now, max))
    {
        return Taken::Old;
    }
    match read_update(value) {
        Ok(update) => {
            metrics::UPDATES
                .with_label_values(&[kind_label(&update.kind)])
                .inc();
            if chat_of(&update).is_none_or(|chat| state.backlog.admit(chat)) {
                Taken::Ready(Box::new(update))
            } else {
                Taken::Dropped
            }
        }
        Err(unreadable) => {
            metrics::UPDATES.with_label_values(&["unreadable"]).inc();
            warn!("{unreadable}");
            Taken::Dropped
        }
    }
}

/// An update's kind as a metric label.
fn kind_label(kind: &UpdateKind) -> &'static str {
    match kind {
        UpdateKind::Message(_) => "message",
        UpdateKind::EditedMessage(_) => "edited_message",
        UpdateKind::ChannelPost(_) => "channel_post",
        UpdateKind::EditedChannelPost(_) => "edited_channel_post",
        UpdateKind::InlineQuery(_) => "inline_query",
        UpdateKind::CallbackQuery(_) => "callback_query",
        UpdateKind::MyChatMember(_) => "my_chat_member",
        UpdateKind::ChatMember(_) => "chat_member",
        _ => "other",
    }
}

/// Reads one update, dropping entities teloxide does not know first.
fn read_update(mut value: Value) -> Result<Update, Unreadable> {
    if drop_unknown_entities(&mut value) {
        debug!("dropped message entities of a type teloxide does not know");
    }
    if let Ok(update) = Update::deserialize(&value)
        && !matches!(update.kind, UpdateKind::Error(_))
    {
        return Ok(update);
    }
    let kind = value
        .as_object()
        .and_then(|fields| fields.keys().find(|k| *k != "update_id"))
        .map_or("no kind".to_string(), |k| {
            k.chars().take(KIND_SHOWN).collect()
        });
    let position = position(&kind, &value[kind.as_str()]);
    Err(Unreadable {
        id: value.get("update_id").and_then(Value::as_i64),
        kind,
        position,
    })
}

/// Where reading an update of `kind` fails, as line and column of its JSON (never the
/// text of serde's message, which can quote the content).
fn position(kind: &str, payload: &Value) -> String {
    let json = payload.to_string();
    let error = match kind {
        "message"
        | "edited_message"
        | "channel_post"
        | "edited_channel_post"
        | "business_message"
        | "edited_business_message" => serde_json::from_str::<Message>(&json).err(),
        "callback_query" => serde_json::from_str::<CallbackQuery>(&json).err(),
        _ => return "a kind of update it does not know".into(),
    };
    match error {
        Some(e) => format!(
            "{:?} error at line {} column {} of the {kind} object",
            e.classify(),
            e.line(),
            e.column()
        ),
        None => "it reads on its own but not within the update".into(),
    }
}

/// Drops, anywhere in `value`, the entries of `…entities` lists that teloxide cannot read as
/// a [`MessageEntity`]; true when any was dropped.
fn drop_unknown_entities(value: &mut Value) -> bool {
    match value {
        Value::Object(fields) => {
            let mut dropped = false;
            for (key, field) in fields.iter_mut() {
                match field {
                    Value::Array(list) if key.ends_with("entities") => {
                        let before = list.len();
                        list.retain(|entity| MessageEntity::deserialize(entity).is_ok());
                        dropped |= list.len() != before;
                    }
                    _ => dropped |= drop_unknown_entities(field),
                }
            }
            dropped
        }
        Value::Array(items) => {
            let mut dropped = false;
            for item in items {
                dropped |= drop_unknown_entities(item);
            }
            dropped
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn message(extra: Value) -> Value {
        let mut message = json!({"message_id": 5, "date": 1, "chat": {"id": 1, "type": "private", "first_name": "T"},
            "from": {"id": 1, "is_bot": false, "first_name": "T"}, "text": "Who led it?"});
        for (k, v) in extra.as_object().unwrap() {
            message[k] = v.clone();
        }
        json!({"update_id": 9, "message": message})
    }

    #[test]
    fn text_with_an_entity_type_teloxide_does_not_know_is_still_text() {
        let update = message(json!({"entities": [
            {"type": "bold", "offset": 0, "length": 3},
            {"type": "date_time_of_the_future", "offset": 4, "length": 3}
        ]}));
        let update = read_update(update).unwrap();
        let UpdateKind::Message(msg) = update.kind else {
            panic!("not a message: {update:?}")
        };
        assert_eq!(msg.text(), Some("Who led it?"));
        assert_eq!(msg.entities().map(<[_]>::len), Some(1));
    }

    #[test]
    fn an_unreadable_update_is_named_without_its_content() {
        let update = message(
            json!({"date": "secret words", "from": {"id": 1, "is_bot": false, "first_name": "T", "username": "secret_user"}}),
        );
        let error = read_update(update).unwrap_err().to_string();
        assert!(error.starts_with("update 9 (message) skipped"), "{error}");
        assert!(error.contains("column"), "{error}");
        assert!(
            !error.contains("secret") && !error.contains("Who led"),
            "{error}"
        );
        let unknown = json!({"update_id": 10, "future_kind": {"text": "secret"}});
        let error = read_update(unknown).unwrap_err().to_string();
        assert!(error.contains("update 10 (future_kind)"), "{error}");
        assert!(!error.contains("secret"), "{error}");
    }

    #[test]
    fn a_conflict_is_waited_out_for_a_while_at_start_up_and_longer_later() {
        let stops = |v: Verdict| matches!(v, Verdict::Stop(_));
        let poller = Conflict::OtherPoller;
        let secs = Duration::from_secs;
        assert_eq!(
            conflict_verdict(poller, false, Duration::ZERO),
            Verdict::Wait
        );
        assert_eq!(conflict_verdict(poller, false, secs(5)), Verdict::Wait);
        assert!(stops(conflict_verdict(
            poller,
            false,
            STARTUP_CONFLICT_PATIENCE
        )));
        assert_eq!(conflict_verdict(poller, true, secs(20)), Verdict::Wait);
        assert!(stops(conflict_verdict(poller, true, CONFLICT_PATIENCE)));
        let Verdict::Stop(webhook) = conflict_verdict(Conflict::Webhook, true, Duration::ZERO)
        else {
            panic!("a webhook is waited out")
        };
        assert!(webhook.contains("deleteWebhook") && !webhook.contains("another instance"));
    }

    #[test]
    fn the_first_update_id_is_read_from_raw_text() {
        let raw = r#"{"ok":true,"result":[{"update_id" : 42,"message":{"text":"\ud800"}}]}"#;
        assert_eq!(first_update_id(raw), Some(42));
        assert_eq!(first_update_id(r#"{"update_id":"x"}"#), None);
        assert_eq!(first_update_id("<html>Bad Gateway</html>"), None);
    }

    #[test]
    fn only_messages_older_than_the_limit_are_too_old() {
        let max = Duration::from_secs(300);
        let old = json!({"update_id": 1, "message": {"date": 1000}});
        assert!(too_old(&old, 1000 + 301, max));
        assert!(!too_old(&old, 1000 + 300, max));
        let edited = json!({"update_id": 2, "edited_message": {"date": 10, "edit_date": 1000}});
        assert!(!too_old(&edited, 1100, max));
        let press = json!({"update_id": 3, "callback_query": {"message": {"date": 10}}});
        assert!(!too_old(&press, 100_000, max));
    }

    #[test]
    fn conflicts_are_told_apart_by_wording() {
        let api = |text: &str| RequestError::Api(ApiError::Unknown(text.into()));
        assert_eq!(
            conflict(&api(
                "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
            )),
            Some(Conflict::Webhook)
        );
        assert_eq!(
            conflict(&api("Conflict: another poller")),
            Some(Conflict::OtherPoller)
        );
        assert_eq!(
            conflict(&RequestError::Api(ApiError::TerminatedByOtherGetUpdates)),
            Some(Conflict::OtherPoller)
        );
        assert_eq!(conflict(&api("Bad Gateway")), None);
    }
}
