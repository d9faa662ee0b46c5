//! A fake Telegram Bot API server on 127.0.0.1 (axum), for running the real bot against it
//! through `TELOXIDE_API_URL`. It serves `getMe`, `getUpdates` (long polling),
//! `setMyCommands`, `sendMessage`, `editMessageText`, `answerCallbackQuery` and the webhook
//! calls; records every request; checks HTML like Telegram does (and that only forum chats
//! get a `message_thread_id`); injects faults; and, when asked, enforces Telegram's limits on
//! sending (30 messages a second in all, 20 a minute to a group) with 429s it counts.

#![allow(dead_code)]

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};
use tokio::sync::Notify;

pub use super::faults::Fault;
use super::html::{check_html, strip_tags};

/// The token the fake accepts. Obviously fake; shaped like a real one.
pub const TOKEN: &str = "12345:FAKE-TOKEN-for-loopback-tests";
/// The bot's username.
pub const BOT_USERNAME: &str = "ArticleQaTestBot";
/// The bot's user id.
pub const BOT_ID: i64 = 12345;

/// One recorded request.
#[derive(Debug, Clone)]
pub struct Request {
    /// Bot API method (`sendMessage`).
    pub method: String,
    /// Its JSON parameters.
    pub body: Arc<Value>,
    /// When it arrived.
    pub at: Instant,
    /// True when it came to Telegram's test environment (`/bot<token>/test/<method>`).
    pub test_env: bool,
}

#[derive(Default)]
struct Inner {
    updates: Vec<Value>,
    requests: Vec<Request>,
    /// Method → indexes into `requests`.
    by_method: HashMap<String, Vec<usize>>,
    faults: HashMap<String, VecDeque<Fault>>,
    next_message_id: i64,
    chats: HashMap<i64, Value>,
    /// Updates below this id were confirmed (as Telegram forgets them for the next poller).
    confirmed: i64,
    /// Whether Telegram's sending limits are enforced.
    limits: bool,
    /// The webhook URL set (`setWebhook`; empty when none, as Telegram reports it).
    webhook: String,
    /// Messages taken: chat and when (for the limits).
    taken: Vec<(i64, Instant)>,
    /// 429s served for going over the limits.
    over_limit: usize,
}

/// The fake server. Dropping it stops nothing (its thread ends with the test process).
#[derive(Clone)]
pub struct FakeTelegram {
    inner: Arc<Mutex<Inner>>,
    new_update: Arc<Notify>,
    /// Count of `sendMessage` calls, signalled on each.
    sent: Arc<(Mutex<usize>, std::sync::Condvar)>,
    /// Where it listens.
    pub addr: SocketAddr,
}

impl FakeTelegram {
    /// Starts the server on a free loopback port in a thread of its own.
    pub fn start() -> Self {
        let inner = Arc::new(Mutex::new(Inner {
            next_message_id: 1000,
            ..Inner::default()
        }));
        let new_update = Arc::new(Notify::new());
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let fake = Self {
            inner,
            new_update,
            sent: Arc::new((Mutex::new(0), std::sync::Condvar::new())),
            addr,
        };
        let server = fake.clone();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .thread_name("fake-telegram")
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                let app = Router::new()
                    .route("/{bot}/{method}", post(handle))
                    .route("/{bot}/test/{method}", post(handle_test))
                    .with_state(server);
                axum::serve(listener, app).await.unwrap();
            });
        });
        fake
    }

    /// The URL to put in `TELOXIDE_API_URL`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Makes the next call of `method` fail with `fault` (faults queue up in order).
    pub fn fail_next(&self, method: &str, fault: Fault) {
        self.inner
            .lock()
            .unwrap()
            .faults
            .entry(method.to_string())
            .or_default()
            .push_back(fault);
    }

    /// Answers `sendMessage` with 429 whenever the bot goes over Telegram's limits: 30
    /// messages in any second in all, 20 in any minute to one group.
    pub fn enforce_limits(&self) {
        self.inner.lock().unwrap().limits = true;
    }

    /// How many 429s the enforced limits served.
    pub fn over_limit(&self) -> usize {
        self.inner.lock().unwrap().over_limit
    }

    /// How many injected faults for `method` have not been used yet.
    pub fn faults_left(&self, method: &str) -> usize {
        self.inner
            .lock()
            .unwrap()
            .faults
            .get(method)
            .map_or(0, VecDeque::len)
    }

    /// Queues an update; `kind` is `message`, `edited_message`, `channel_post`,
    /// `callback_query`…, and `payload` its object. Returns the update id.
    pub fn push_update(&self, kind: &str, payload: Value) -> i64 {
        let id = {
            let mut inner = self.inner.lock().unwrap();
            let id = inner.updates.len() as i64 + 1;
            inner.updates.push(json!({"update_id": id, kind: payload}));
            id
        };
        self.new_update.notify_waiters();
        id
    }

    /// Queues an update given as raw JSON text (`make` gets its id), for text a JSON value
    /// cannot hold: a lone surrogate (`\ud800`), nesting past serde's depth limit. Returns
    /// the update id.
    pub fn push_raw_update(&self, make: impl FnOnce(i64) -> String) -> i64 {
        let id = {
            let mut inner = self.inner.lock().unwrap();
            let id = inner.updates.len() as i64 + 1;
            inner.updates.push(json!({"update_id": id, RAW: make(id)}));
            id
        };
        self.new_update.notify_waiters();
        id
    }

    /// Queues a message update in `chat`, sent now, with these extra fields (`text`,
    /// `sticker`, `reply_to_message`, a `date` of its own…). Returns the message id.
    pub fn push_message(&self, chat: &Chat, fields: Value) -> i64 {
        let message_id = {
            let mut inner = self.inner.lock().unwrap();
            inner.next_message_id += 1;
            inner.chats.insert(chat.id, chat.json());
            inner.next_message_id
        };
        let mut message = json!({
            "message_id": message_id,
            "date": now(),
            "chat": chat.json(),
            "from": chat.sender(),
        });
        for (k, v) in fields.as_object().expect("fields object") {
            message[k] = v.clone();
        }
        self.push_update("message", message);
        message_id
    }

    /// A text message update in `chat`, as Telegram would post it to a webhook (numbered as
    /// queued updates are; the fake does not hand it out by `getUpdates`, a webhook bot does
    /// not poll).
    pub fn text_update(&self, chat: &Chat, text: &str) -> Value {
        let message_id = self.push_text(chat, text);
        let inner = self.inner.lock().unwrap();
        let update = inner.updates.last().unwrap().clone();
        assert_eq!(update["message"]["message_id"], message_id);
        update
    }

    /// The id of the last update queued (0 before any).
    pub fn last_update_id(&self) -> i64 {
        self.inner.lock().unwrap().updates.len() as i64
    }

    /// Queues a text message; returns its message id.
    pub fn push_text(&self, chat: &Chat, text: &str) -> i64 {
        self.push_message(chat, json!({"text": text}))
    }

    /// Forgets the recorded requests (benchmarks call it between batches so the record does
    /// not grow without bound).
    pub fn clear_requests(&self) {
        let mut inner = self.inner.lock().unwrap();
        inner.requests.clear();
        inner.by_method.clear();
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Request> {
        self.inner.lock().unwrap().requests.clone()
    }

    /// The requests of `method` from the `skip`-th on (cheap to call often).
    pub fn requests_of(&self, method: &str, skip: usize) -> Vec<Request> {
        let inner = self.inner.lock().unwrap();
        let list = inner
            .by_method
            .get(method)
            .map(Vec::as_slice)
            .unwrap_or_default();
        list.iter()
            .skip(skip)
            .map(|&i| inner.requests[i].clone())
            .collect()
    }

    /// Blocks until more than `seen` `sendMessage` calls arrived or `timeout` passed;
    /// returns the count.
    pub fn wait_sent_count(&self, seen: usize, timeout: Duration) -> usize {
        let (count, signal) = &*self.sent;
        let guard = count.lock().unwrap();
        let (guard, _) = signal
            .wait_timeout_while(guard, timeout, |n| *n <= seen)
            .unwrap();
        *guard
    }

    /// How many requests of `method` arrived so far.
    pub fn count(&self, method: &str) -> usize {
        self.inner
            .lock()
            .unwrap()
            .by_method
            .get(method)
            .map_or(0, Vec::len)
    }

    /// Waits until more than `seen` requests of `method` arrived; false when `timeout` passed
    /// first.
    pub fn wait_count(&self, method: &str, seen: usize, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while self.count(method) <= seen {
            if Instant::now() > deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        true
    }

    /// The `sendMessage` requests to `chat_id` so far.
    pub fn sent_to(&self, chat_id: i64) -> Vec<Value> {
        self.requests_of("sendMessage", 0)
            .into_iter()
            .filter(|r| r.body["chat_id"] == chat_id)
            .map(|r| (*r.body).clone())
            .collect()
    }

    /// Waits until `count` `sendMessage` requests went to `chat_id`; returns them.
    pub fn wait_sent(&self, chat_id: i64, count: usize, timeout: Duration) -> Vec<Value> {
        let deadline = Instant::now() + timeout;
        loop {
            let sent = self.sent_to(chat_id);
            if sent.len() >= count || Instant::now() > deadline {
                return sent;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Waits until the bot replied in `chat_id` to message `message_id` (a `sendMessage`
    /// whose `reply_parameters` name it); returns every message sent to that chat up to and
    /// including that reply (fewer, without it, when `timeout` passed first). As the bot
    /// handles a chat's updates one at a time and in order, everything it sent for earlier
    /// updates of the chat comes before: send a question after X and wait for its reply to
    /// see all the bot said to X, without sleeping.
    pub fn wait_reply_to(&self, chat_id: i64, message_id: i64, timeout: Duration) -> Vec<Value> {
        let is_reply = |m: &Value| m["reply_parameters"]["message_id"] == message_id;
        let deadline = Instant::now() + timeout;
        loop {
            let sent = self.sent_to(chat_id);
            if let Some(at) = sent.iter().position(is_reply) {
                return sent[..=at].to_vec();
            }
            if Instant::now() > deadline {
                return sent;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// The position among all recorded requests of the first one satisfying `predicate`.
    pub fn position(&self, predicate: impl Fn(&Request) -> bool) -> Option<usize> {
        self.requests().iter().position(predicate)
    }

    /// Waits until some request satisfies `predicate`.
    pub fn wait_for(
        &self,
        timeout: Duration,
        predicate: impl Fn(&Request) -> bool,
    ) -> Option<Request> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(r) = self.requests().into_iter().find(|r| predicate(r)) {
                return Some(r);
            }
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Waits until the bot polls for updates after `update_id`, i.e. has taken that update.
    pub fn wait_consumed(&self, update_id: i64, timeout: Duration) -> bool {
        self.wait_for(timeout, |r| {
            r.method == "getUpdates" && r.body["offset"].as_i64().unwrap_or(0) > update_id
        })
        .is_some()
    }
}

/// A chat to send updates from.
#[derive(Debug, Clone)]
pub struct Chat {
    /// Chat id (negative for groups).
    pub id: i64,
    /// The sender's user id.
    pub user_id: i64,
    /// `private`, `group` or `supergroup`.
    pub kind: &'static str,
    /// The sender's app language (`language_code`), when the sender has one.
    pub language: Option<&'static str>,
}

impl Chat {
    /// A private chat with user `id`.
    pub fn private(id: i64) -> Self {
        Self {
            id,
            user_id: id,
            kind: "private",
            language: None,
        }
    }

    /// A group chat, with messages from user `user_id`.
    pub fn group(id: i64, user_id: i64) -> Self {
        Self {
            id,
            user_id,
            kind: "group",
            language: None,
        }
    }

    /// A supergroup (no forum), with messages from user `user_id`.
    pub fn supergroup(id: i64, user_id: i64) -> Self {
        Self {
            id,
            user_id,
            kind: "supergroup",
            language: None,
        }
    }

    /// A supergroup with forum topics, with messages from user `user_id`.
    pub fn forum(id: i64, user_id: i64) -> Self {
        Self {
            id,
            user_id,
            kind: "forum",
            language: None,
        }
    }

    /// The same chat, its messages sent by a user whose Telegram app is set to the language
    /// `code` (`language_code`, as `"ru"` or `"pt-br"`).
    pub fn speaking(mut self, code: &'static str) -> Self {
        self.language = Some(code);
        self
    }

    /// The sender of its messages as the Bot API shows it (`from`).
    pub fn sender(&self) -> Value {
        let mut user = json!({"id": self.user_id, "is_bot": false, "first_name": "Tester"});
        if let Some(code) = self.language {
            user["language_code"] = json!(code);
        }
        user
    }

    /// The chat as the Bot API shows it.
    pub fn json(&self) -> Value {
        match self.kind {
            "private" => json!({"id": self.id, "type": "private", "first_name": "Tester"}),
            "forum" => {
                json!({"id": self.id, "type": "supergroup", "title": "Test forum", "is_forum": true})
            }
            kind => json!({"id": self.id, "type": kind, "title": "Test group"}),
        }
    }
}

async fn handle(
    State(fake): State<FakeTelegram>,
    Path((bot, method)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    answer(fake, bot, method, body, false).await
}

/// A call to Telegram's test environment, answered as any other (and recorded as such).
async fn handle_test(
    State(fake): State<FakeTelegram>,
    Path((bot, method)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    answer(fake, bot, method, body, true).await
}

async fn answer(
    fake: FakeTelegram,
    bot: String,
    method: String,
    body: Bytes,
    test_env: bool,
) -> Response {
    // teloxide sends most calls as JSON, `setWebhook` as a multipart form.
    let params: Arc<Value> = Arc::new(
        serde_json::from_slice(&body)
            .ok()
            .or_else(|| multipart_fields(&body))
            .unwrap_or(Value::Null),
    );
    // Bot API method names are case-insensitive; teloxide sends `GetMe`. Record `getMe`.
    let method = match method.chars().next() {
        Some(first) => first
            .to_lowercase()
            .chain(method.chars().skip(1))
            .collect::<String>(),
        None => method,
    };
    if bot != format!("bot{TOKEN}") {
        return error(401, "Unauthorized");
    }
    if let Some(fault) = fake.record(&method, &params, test_env) {
        return faulty(fault);
    }
    match method.as_str() {
        "getMe" => ok(json!({
            "id": BOT_ID, "is_bot": true, "first_name": "Article QA", "username": BOT_USERNAME,
            "can_join_groups": true, "can_read_all_group_messages": false, "supports_inline_queries": false,
            "can_connect_to_business": false, "has_main_web_app": false,
        })),
        "getWebhookInfo" => {
            let url = fake.inner.lock().unwrap().webhook.clone();
            ok(json!({"url": url, "has_custom_certificate": false, "pending_update_count": 0}))
        }
        "setWebhook" => {
            fake.inner.lock().unwrap().webhook = params["url"].as_str().unwrap_or("").into();
            ok(json!(true))
        }
        "deleteWebhook" => {
            fake.inner.lock().unwrap().webhook.clear();
            ok(json!(true))
        }
        "getUpdates" => get_updates(&fake, &params).await,
        "sendMessage" | "editMessageText" => send_message(&fake, &params),
        "setMyCommands" if valid_commands(&params) => ok(json!(true)),
        "setMyCommands" => error(400, "Bad Request: BOT_COMMAND_INVALID"),
        _ => ok(json!(true)),
    }
}

impl FakeTelegram {
    /// Records a request; returns the fault queued for its method, if any.
    fn record(&self, method: &str, params: &Arc<Value>, test_env: bool) -> Option<Fault> {
        let mut inner = self.inner.lock().unwrap();
        let index = inner.requests.len();
        inner
            .by_method
            .entry(method.to_string())
            .or_default()
            .push(index);
        inner.requests.push(Request {
            method: method.to_string(),
            body: Arc::clone(params),
            at: Instant::now(),
            test_env,
        });
        inner.faults.get_mut(method).and_then(VecDeque::pop_front)
    }
}

/// A multipart form's text fields as a JSON object, each value read as JSON where it is
/// (`40`, `["message"]`) and as a string otherwise.
fn multipart_fields(body: &[u8]) -> Option<Value> {
    let text = std::str::from_utf8(body).ok()?;
    let boundary = text.lines().next()?.trim_end();
    if !boundary.starts_with("--") {
        return None;
    }
    let mut fields = serde_json::Map::new();
    for part in text.split(boundary).skip(1) {
        let Some((head, value)) = part.split_once("\r\n\r\n") else {
            continue;
        };
        let Some(name) = head
            .split("name=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
        else {
            continue;
        };
        let value = value.strip_suffix("\r\n").unwrap_or(value);
        let parsed = serde_json::from_str(value).unwrap_or_else(|_| Value::from(value));
        fields.insert(name.to_string(), parsed);
    }
    Some(Value::Object(fields))
}

/// The response a fault gives.
fn faulty(fault: Fault) -> Response {
    match fault {
        Fault::Status(status, body) => {
            (StatusCode::from_u16(status).unwrap(), axum::Json(body)).into_response()
        }
        Fault::Close => {
            // Unwinding ends the connection's task: the connection closes with no answer.
            // `resume_unwind` skips the panic hook, so nothing is printed.
            std::panic::resume_unwind(Box::new("connection closed by the fake"))
        }
        Fault::Hang => Response::builder()
            .header("content-type", "application/json")
            .body(Body::from_stream(futures::stream::pending::<
                Result<Bytes, std::io::Error>,
            >()))
            .unwrap(),
        Fault::Drop => {
            // The status and the body's start go out first; the rest never comes.
            let start = futures::stream::once(async { Ok(Bytes::from_static(b"{\"ok\":")) });
            let broken = futures::stream::once(async {
                tokio::time::sleep(Duration::from_millis(100)).await;
                Err::<Bytes, _>(std::io::Error::other("connection dropped"))
            });
            let broken = futures::StreamExt::chain(start, broken);
            Response::builder()
                .header("content-type", "application/json")
                .header("content-length", "1000")
                .body(Body::from_stream(broken))
                .unwrap()
        }
    }
}

/// `setMyCommands` parameters as Telegram accepts them: names of 1-32 lower-case letters,
/// digits or `_`, descriptions of 1-256 characters.
fn valid_commands(params: &Value) -> bool {
    params["commands"].as_array().is_some_and(|commands| {
        commands.iter().all(|c| {
            let name = c["command"].as_str().unwrap_or_default();
            (1..=32).contains(&name.len())
                && name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
                && c["description"]
                    .as_str()
                    .is_some_and(|d| (1..=256).contains(&d.chars().count()))
        })
    })
}

async fn get_updates(fake: &FakeTelegram, params: &Value) -> Response {
    let offset = {
        let mut inner = fake.inner.lock().unwrap();
        let asked = params["offset"].as_i64().unwrap_or(0);
        inner.confirmed = inner.confirmed.max(asked);
        inner.confirmed
    };
    let timeout = Duration::from_secs(params["timeout"].as_u64().unwrap_or(0).min(30));
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let notified = fake.new_update.notified();
        let ready: Vec<Value> = {
            let inner = fake.inner.lock().unwrap();
            // Update ids are 1, 2, 3…: the update with id `offset` sits at `offset - 1`.
            let first = (offset.max(1) - 1) as usize;
            inner
                .updates
                .iter()
                .skip(first)
                .take(params["limit"].as_u64().unwrap_or(100) as usize)
                .cloned()
                .collect()
        };
        if !ready.is_empty() || tokio::time::Instant::now() >= deadline {
            return updates_answer(ready);
        }
        let _ = tokio::time::timeout_at(deadline, notified).await;
    }
}

/// Where [`FakeTelegram::push_raw_update`] keeps an update's raw text.
const RAW: &str = "raw JSON text";

/// A `getUpdates` answer; updates queued as raw text go out as that text.
fn updates_answer(updates: Vec<Value>) -> Response {
    if updates.iter().all(|u| u.get(RAW).is_none()) {
        return ok(Value::Array(updates));
    }
    let texts: Vec<String> = (updates.iter())
        .map(|u| match u[RAW].as_str() {
            Some(raw) => raw.to_string(),
            None => u.to_string(),
        })
        .collect();
    let body = format!(r#"{{"ok":true,"result":[{}]}}"#, texts.join(","));
    ([("content-type", "application/json")], body).into_response()
}

fn send_message(fake: &FakeTelegram, params: &Value) -> Response {
    let text = params["text"].as_str().unwrap_or_default();
    if text.trim().is_empty() {
        return error(400, "Bad Request: message text is empty");
    }
    let visible = if params["parse_mode"] == "HTML" {
        if let Err(why) = check_html(text) {
            return error(400, &format!("Bad Request: can't parse entities: {why}"));
        }
        strip_tags(text)
    } else {
        text.to_string()
    };
    if visible.encode_utf16().count() > 4096 {
        return error(400, "Bad Request: message is too long");
    }
    let chat_id = params["chat_id"].as_i64().unwrap_or_default();
    let (message_id, chat) = {
        let mut inner = fake.inner.lock().unwrap();
        if inner.limits {
            let now = Instant::now();
            let within = |span: u64, group: Option<i64>| {
                inner
                    .taken
                    .iter()
                    .filter(|(chat, at)| {
                        now.duration_since(*at) < Duration::from_secs(span)
                            && group.is_none_or(|g| g == *chat)
                    })
                    .count()
            };
            if within(1, None) >= 30 || (chat_id < 0 && within(60, Some(chat_id)) >= 20) {
                inner.over_limit += 1;
                drop(inner);
                return faulty(Fault::flood(1));
            }
            inner.taken.push((chat_id, now));
        }
        inner.next_message_id += 1;
        let chat = inner.chats.get(&chat_id).cloned();
        (inner.next_message_id, chat)
    };
    let chat =
        chat.unwrap_or_else(|| json!({"id": chat_id, "type": "private", "first_name": "Tester"}));
    // Topics exist in forums only; elsewhere Telegram refuses a thread id.
    if !params["message_thread_id"].is_null() && chat["is_forum"] != true {
        return error(400, "Bad Request: message thread not found");
    }
    {
        let (count, signal) = &*fake.sent;
        *count.lock().unwrap() += 1;
        signal.notify_all();
    }
    ok(json!({
        "message_id": message_id,
        "date": 1_740_000_001,
        "chat": chat,
        "from": {"id": BOT_ID, "is_bot": true, "first_name": "Article QA", "username": BOT_USERNAME},
        "text": visible,
    }))
}

/// The time now in Unix seconds, as Telegram dates messages.
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn ok(result: Value) -> Response {
    axum::Json(json!({"ok": true, "result": result})).into_response()
}

fn error(status: u16, description: &str) -> Response {
    let body = json!({"ok": false, "error_code": status, "description": description});
    (StatusCode::from_u16(status).unwrap(), axum::Json(body)).into_response()
}
