//! Sending replies: HTML split to fit, the answer buttons, into the forum topic the question
//! came from, paced below Telegram's limits (`flood`), and nothing lost to a passing failure.
//! Each message is retried by what Telegram answered: 429 "retry after N" waits N seconds (at
//! most [`FLOOD_WAIT_LIMIT`] in all); a 5xx or a network failure is retried with teloxide's
//! back-off ([`SERVER_ATTEMPTS`] attempts, none starting later than [`SERVER_RETRY_WINDOW`]
//! after the first attempt began); HTML Telegram cannot parse (400) is resent once as plain
//! text; a group upgraded to a supergroup gets the reply (and its conversation) at its new id;
//! a chat the bot may not write to (403) is logged once and skipped. A reply that still fails
//! is given up with one warning. Every wait gives up at once when the bot is stopping, and a
//! message being sent then gets [`STOP_GRACE`] more, so a stop is never held up past the
//! service manager's patience. Panics in a handler are
//! contained.
//!
//! `sendMessage` goes out through the bot's own HTTP client rather than teloxide's request
//! path, which drops the HTTP status and `error_code` (a 502 reads like any unknown error)
//! and sleeps 10 s inside every 5xx answer before the caller can decide anything. teloxide's
//! payload type builds the request body; the answer's `parameters` are read as Telegram
//! documents them.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::time::{Duration, Instant};

use futures::FutureExt as _;
use serde::Deserialize;
use teloxide::RequestError;
use teloxide::backoff::exponential_backoff_strategy;
use teloxide::payloads::SendMessage;
use teloxide::prelude::*;
use teloxide::types::{
    InlineKeyboardButton, InlineKeyboardMarkup, MaybeInaccessibleMessage, MessageId, ParseMode,
    ReplyParameters, ThreadId,
};
use tracing::{debug, error, info, warn};

use super::BotT;
use super::html::{text_html, visible_text};
use super::metrics;
use super::state::State;
use super::stream;
use crate::chat::buttons::{Action, Button};
use crate::chat::lang::Lang;
use crate::chat::reply::{self, Fixed};

/// The longest one message waits out Telegram's 429 "retry after" answers in all. A wait
/// asked for beyond it is not started: the message is given up at once (Telegram asks for
/// hours only when a bot is far over its limits).
pub const FLOOD_WAIT_LIMIT: Duration = Duration::from_secs(5 * 60);
/// How many times one message is tried when the Bot API answers 5xx or the connection fails;
/// the waits between are teloxide's back-off (1, 2, 4, 8 s).
pub const SERVER_ATTEMPTS: u32 = 5;
/// No new attempt after a 5xx or network failure starts later than this after the first
/// attempt began (each attempt may take up to the HTTP client's 17 s timeout, so the last
/// one may end up to that much later).
pub const SERVER_RETRY_WINDOW: Duration = Duration::from_secs(30);
/// How long the messages already being sent when the bot is told to stop may still take, all
/// together (a Bot API that does not answer would otherwise hold the stop up for the HTTP
/// client's 17 s timeout, past Docker's 10 s before SIGKILL).
pub const STOP_GRACE: Duration = Duration::from_secs(3);
/// The wait after a 429 that names no `retry_after` (Telegram always names one).
const FLOOD_WAIT_UNNAMED: Duration = Duration::from_secs(5);
/// How much of a refused HTML message is logged (at debug) to find what Telegram disliked.
const REFUSED_HTML_SHOWN: usize = 200;

/// Why a handler could not finish; the dispatcher's error handler logs it as one line.
#[derive(Debug, thiserror::Error)]
pub enum HandlerError {
    /// A reply Telegram did not take, after the retries its answer allowed.
    #[error("a reply was not delivered: {0}")]
    Undelivered(#[from] Undelivered),
    /// Another Bot API call (answering a button press) failed.
    #[error("a request to Telegram failed: {}", super::shown(.0))]
    Request(#[from] RequestError),
}

/// What a handler returns; errors go to the dispatcher's (redacting) error handler.
pub type HandlerResult = Result<(), HandlerError>;

/// Why a message was given up.
#[derive(Debug, thiserror::Error)]
pub enum Undelivered {
    /// Telegram asked for a wait past [`FLOOD_WAIT_LIMIT`].
    #[error(
        "Telegram's flood limit (429) asked for {asked}s more after {waited}s of waiting; a message waits at most {}s",
        FLOOD_WAIT_LIMIT.as_secs()
    )]
    FloodTooLong {
        /// Seconds already waited for this message.
        waited: u64,
        /// Seconds Telegram asked for next.
        asked: u64,
    },
    /// The Bot API kept failing (5xx or network) through every attempt.
    #[error("the Bot API failed {attempts} time(s) over {seconds}s, last with {last}")]
    ServerKeptFailing {
        /// Attempts made.
        attempts: u32,
        /// Seconds from the first attempt to giving up.
        seconds: u64,
        /// The last failure.
        last: Refusal,
    },
    /// Refused for a reason no retry can mend (or refused again after the mending resend).
    #[error("{0}")]
    Refused(Refusal),
    /// The bot is stopping: it did not wait (for Telegram's limits, or to retry) any longer.
    #[error("the bot is stopping, so it did not wait {0}")]
    ShuttingDown(String),
}

/// What the Bot API answered instead of taking a message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// 429 Too Many Requests: wait this long.
    #[error("429 retry after {}s", .0.as_secs())]
    Flood(Duration),
    /// 400 with `migrate_to_chat_id`: the group is now the supergroup with this id.
    #[error("400 the group became supergroup {0}")]
    Migrated(ChatId),
    /// Another 400 Bad Request (HTML Telegram cannot parse, among others).
    #[error("400 {0}")]
    BadRequest(String),
    /// 403 Forbidden: the user blocked the bot, the bot was removed from the chat, or it may
    /// not write there.
    #[error("403 {0}")]
    Forbidden(String),
    /// 5xx: the Bot API's own trouble.
    #[error("{status} {description}")]
    Server {
        /// The HTTP status.
        status: u16,
        /// Telegram's description, or the status's reason.
        description: String,
    },
    /// The request or its answer was lost on the way (refused, dropped, timed out).
    #[error("a network error ({0})")]
    Network(String),
    /// Any other answer.
    #[error("{status} {description}")]
    Other {
        /// The HTTP status.
        status: u16,
        /// Telegram's description, or the status's reason.
        description: String,
    },
}

impl Refusal {
    /// The HTTP status as a metric label (`network` when no answer came).
    fn code(&self) -> String {
        match self {
            Self::Flood(_) => "429".into(),
            Self::Migrated(_) | Self::BadRequest(_) => "400".into(),
            Self::Forbidden(_) => "403".into(),
            Self::Server { status, .. } | Self::Other { status, .. } => status.to_string(),
            Self::Network(_) => "network".into(),
        }
    }
}

/// Where a reply goes: the chat, the forum topic (when the question was asked in one) and the
/// message it answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    /// The chat.
    pub chat: ChatId,
    /// The forum topic; `None` outside forum topics.
    pub thread: Option<ThreadId>,
    /// The message the first part replies to.
    pub reply_to: Option<MessageId>,
}

impl Target {
    /// A reply to `msg`, in its topic if it was sent in one.
    pub fn reply_to(msg: &Message) -> Self {
        Self {
            chat: msg.chat.id,
            thread: topic(msg),
            reply_to: Some(msg.id),
        }
    }

    /// A reply under the message a button was pressed on, in that message's topic.
    pub fn under(message: &MaybeInaccessibleMessage) -> Self {
        let thread = match message {
            MaybeInaccessibleMessage::Regular(msg) => topic(msg),
            MaybeInaccessibleMessage::Inaccessible(_) => None,
        };
        Self {
            chat: message.chat().id,
            thread,
            reply_to: Some(message.id()),
        }
    }
}

/// The forum topic `msg` was sent in. Telegram also numbers reply threads outside forums;
/// those are not topics and a reply names none.
fn topic(msg: &Message) -> Option<ThreadId> {
    msg.thread_id.filter(|_| msg.is_topic_message)
}

/// The buttons under an answer: "More" and "Show paragraph" for answer `answer`, and "Read
/// the article" when its article's metadata has a `url`, labelled in `lang`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Buttons {
    /// The answer the buttons act on (the chat context's answer id).
    pub answer: u64,
    /// The article's web address, when its metadata has one.
    pub url: Option<url::Url>,
    /// The language of the labels.
    pub lang: Lang,
}

/// The buttons of `buttons` in `chat`: "More" and "Show paragraph" (signed for the chat), and
/// below them "Read the article" when there is a URL.
pub fn answer_buttons(state: &State, chat: i64, buttons: &Buttons) -> InlineKeyboardMarkup {
    let answer = buttons.answer;
    let label = |fixed: Fixed| fixed.text(buttons.lang);
    let data = |action| state.key.encode(chat, Button { action, answer });
    let mut rows = vec![vec![
        InlineKeyboardButton::callback(label(Fixed::MoreButton), data(Action::More)),
        InlineKeyboardButton::callback(label(Fixed::ParagraphButton), data(Action::Paragraph)),
    ]];
    if let Some(url) = &buttons.url {
        rows.push(vec![InlineKeyboardButton::url(
            label(Fixed::ReadArticleButton),
            url.clone(),
        )]);
    }
    InlineKeyboardMarkup::new(rows)
}

/// The buttons under a reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Keyboard {
    /// An answer's buttons.
    Answer(Buttons),
    /// One button for each language, labelled with its name (under `/language`).
    Languages,
    /// Under `/articles`: one button for each article, labelled with its number and title,
    /// and one for all of them (labelled in the language given).
    Articles(Vec<String>, Lang),
}

/// Most article buttons under `/articles` (Telegram allows 100 buttons in a keyboard); with
/// more articles there are none, and `/article N` is the way.
pub const MAX_ARTICLE_BUTTONS: usize = 50;

/// Longest article title on a button, in characters (longer ones end in `…`).
const BUTTON_TITLE_CHARS: usize = 40;

/// The keyboard under `/articles` for articles with these `titles`, in `lang`: a row for each
/// article (`2 · Title`), then "All articles"; `None` past [`MAX_ARTICLE_BUTTONS`].
pub fn article_keyboard(titles: &[String], lang: Lang) -> Option<InlineKeyboardMarkup> {
    if titles.len() > MAX_ARTICLE_BUTTONS {
        return None;
    }
    let mut rows: Vec<Vec<InlineKeyboardButton>> = (titles.iter().enumerate())
        .map(|(i, title)| {
            let mut short: String = title.chars().take(BUTTON_TITLE_CHARS).collect();
            if title.chars().count() > BUTTON_TITLE_CHARS {
                short.push('…');
            }
            let data = super::buttons::article_data(Some(i + 1));
            vec![InlineKeyboardButton::callback(
                format!("{} · {short}", i + 1),
                data,
            )]
        })
        .collect();
    rows.push(vec![InlineKeyboardButton::callback(
        Fixed::AllArticlesButton.text(lang),
        super::buttons::article_data(None),
    )]);
    Some(InlineKeyboardMarkup::new(rows))
}

impl From<Buttons> for Keyboard {
    fn from(buttons: Buttons) -> Self {
        Keyboard::Answer(buttons)
    }
}

/// The keyboard `keyboard` in `chat` (an answer's buttons are signed for the chat).
fn markup(state: &State, chat: i64, keyboard: &Keyboard) -> InlineKeyboardMarkup {
    match keyboard {
        Keyboard::Answer(buttons) => answer_buttons(state, chat, buttons),
        Keyboard::Languages => InlineKeyboardMarkup::new([Lang::ALL.map(|lang| {
            InlineKeyboardButton::callback(
                reply::language_name(lang),
                super::buttons::language_data(lang),
            )
        })]),
        Keyboard::Articles(titles, lang) => article_keyboard(titles, *lang).unwrap_or_default(),
    }
}

/// Sends HTML messages to `target` (every part in its topic), the first replying to its
/// message, the last carrying `keyboard` (an answer's buttons signed for the chat the reply
/// lands in). Retries as the module says; a chat the bot may not write to is logged once and
/// skipped.
///
/// Errors: a message given up ([`Undelivered`]); the parts after it are not sent.
pub async fn send(
    bot: &BotT,
    state: &State,
    target: &Target,
    messages: Vec<String>,
    keyboard: Option<Keyboard>,
) -> HandlerResult {
    send_reply(bot, state, target, messages, keyboard)
        .await
        .map(|_| ())
}

/// [`send`], returning the id of the first message sent (when Telegram's answer said it).
///
/// Errors: as [`send`].
pub async fn send_reply(
    bot: &BotT,
    state: &State,
    target: &Target,
    messages: Vec<String>,
    keyboard: Option<Keyboard>,
) -> Result<Option<MessageId>, HandlerError> {
    let mut first = None;
    let mut chat = target.chat;
    let last = messages.len().saturating_sub(1);
    for (i, html) in messages.into_iter().enumerate() {
        let part = Part {
            html,
            thread: target.thread,
            reply_to: target.reply_to.filter(|_| i == 0),
            keyboard: keyboard.clone().filter(|_| i == last),
        };
        let delivered = deliver(bot, state, &mut chat, part).await;
        if delivered.is_err() && i == 0 {
            // Nothing of the reply went out: with the Redis stream, another replica (or this
            // one, later) takes the update up again.
            stream::gave_up();
        }
        match delivered? {
            Delivered::Sent(id) if i == 0 => first = id,
            Delivered::Sent(_) => {}
            Delivered::ChatGone => return Ok(None),
        }
    }
    Ok(first)
}

/// One message to send.
struct Part {
    html: String,
    thread: Option<ThreadId>,
    reply_to: Option<MessageId>,
    /// The buttons that go under it.
    keyboard: Option<Keyboard>,
}

/// How a message ended when it was not given up.
enum Delivered {
    /// Sent (its id, when Telegram's answer could be read).
    Sent(Option<MessageId>),
    /// The bot may not write to the chat (403): skipped.
    ChatGone,
}

/// Sends one message, retrying by what Telegram answers; `chat` follows a migration, so the
/// following parts go to the new chat too.
async fn deliver(
    bot: &BotT,
    state: &State,
    chat: &mut ChatId,
    part: Part,
) -> Result<Delivered, Undelivered> {
    let mut plain = false;
    let mut migrated = false;
    let mut flood_waited = Duration::ZERO;
    let mut server_failures = 0;
    let first_attempt = Instant::now();
    let shutdown = &state.shutdown;
    loop {
        // When the bot is stopping, a message goes without waiting for its turn (a 429 for it
        // is then given up at once).
        tokio::select! {
            () = state.pacing.ready(*chat) => {}
            () = shutdown.cancelled() => {}
        }
        // With the Redis stream, an update another replica answered is not answered again.
        if !stream::may_send().await {
            return Ok(Delivered::Sent(None));
        }
        let payload = payload(state, *chat, &part, plain);
        let posted = tokio::select! {
            posted = post(bot, &payload) => posted,
            () = stop_grace_over(state) => {
                return Err(Undelivered::ShuttingDown(format!(
                    "past {}s for Telegram to answer a message being sent",
                    STOP_GRACE.as_secs()
                )));
            }
        };
        let refusal = match posted {
            Ok(id) => return Ok(Delivered::Sent(id)),
            Err(refusal) => refusal,
        };
        metrics::API_ERRORS
            .with_label_values(&[&refusal.code()])
            .inc();
        match refusal {
            Refusal::Flood(wait) => {
                if flood_waited.saturating_add(wait) > FLOOD_WAIT_LIMIT {
                    return Err(Undelivered::FloodTooLong {
                        waited: flood_waited.as_secs(),
                        asked: wait.as_secs(),
                    });
                }
                info!("flood limit: resending in {}s", wait.as_secs());
                metrics::RETRIES.inc();
                if !pause(shutdown, wait).await {
                    return Err(Undelivered::ShuttingDown(format!(
                        "out Telegram's flood limit (429 retry after {}s)",
                        wait.as_secs()
                    )));
                }
                flood_waited += wait;
            }
            Refusal::Migrated(to) if !migrated => {
                info!("the group became a supergroup: its conversation moved, reply resent there");
                metrics::RETRIES.inc();
                state.contexts.move_chat(chat.0, to.0).await;
                *chat = to;
                migrated = true;
            }
            Refusal::BadRequest(why) if !plain && unparsable(&why) => {
                warn!("Telegram refused an HTML reply (400 {why}); resending it as plain text");
                metrics::RETRIES.inc();
                debug!(
                    "the refused HTML begins: {:?}",
                    &part.html[..part.html.floor_char_boundary(REFUSED_HTML_SHOWN)]
                );
                plain = true;
            }
            failure @ (Refusal::Server { .. } | Refusal::Network(_)) => {
                server_failures += 1;
                let since_first = first_attempt.elapsed();
                let Some(backoff) = server_retry(server_failures, since_first) else {
                    return Err(Undelivered::ServerKeptFailing {
                        attempts: server_failures,
                        seconds: since_first.as_secs(),
                        last: failure,
                    });
                };
                info!(
                    "sending failed ({failure}); retrying in {}s",
                    backoff.as_secs()
                );
                metrics::RETRIES.inc();
                if !pause(shutdown, backoff).await {
                    return Err(Undelivered::ShuttingDown(format!(
                        "to retry after {failure}"
                    )));
                }
            }
            Refusal::Forbidden(why) => {
                let first_time = state
                    .blocked
                    .lock()
                    .map(|mut blocked| blocked.put(*chat, ()).is_none())
                    .unwrap_or(false);
                if first_time {
                    if chat_gone(&why) {
                        info!(
                            "the user blocked the bot or the bot was removed from the chat; replies there are skipped"
                        );
                    } else {
                        warn!(
                            "Telegram does not let the bot write to a chat (403 {why}); replies there are skipped"
                        );
                    }
                }
                return Ok(Delivered::ChatGone);
            }
            other => return Err(Undelivered::Refused(other)),
        }
    }
}

/// The wait before the next attempt after `failures` 5xx or network failures in a row, the
/// first attempt having begun `since_first` ago; `None` to give up: [`SERVER_ATTEMPTS`] made,
/// or the next would start past [`SERVER_RETRY_WINDOW`] (counted from the first attempt, so
/// attempts that each took the client's timeout count in full).
fn server_retry(failures: u32, since_first: Duration) -> Option<Duration> {
    let backoff = exponential_backoff_strategy(failures.saturating_sub(1));
    (failures < SERVER_ATTEMPTS && since_first + backoff <= SERVER_RETRY_WINDOW).then_some(backoff)
}

/// Returns [`STOP_GRACE`] after a send first saw the bot stopping: one deadline for every
/// message still being sent then or later, however many parts and resends there are.
async fn stop_grace_over(state: &State) {
    state.shutdown.cancelled().await;
    let seen = *state.stop_seen.get_or_init(tokio::time::Instant::now);
    tokio::time::sleep_until(seen + STOP_GRACE).await;
}

/// Sleeps for `wait`; false (at once) when the bot is stopping.
async fn pause(shutdown: &tokio_util::sync::CancellationToken, wait: Duration) -> bool {
    tokio::select! {
        () = tokio::time::sleep(wait) => !shutdown.is_cancelled(),
        () = shutdown.cancelled() => false,
    }
}

/// True for a 400 saying Telegram could not read the message's HTML ("can't parse entities:
/// …"), which a plain-text resend mends; other 400s ("message thread not found", "chat not
/// found"…) would be refused again.
fn unparsable(description: &str) -> bool {
    let description = description.to_lowercase();
    description.contains("can't parse") || description.contains("entities")
}

/// True for a 403 saying the user blocked the bot, or the bot is no longer in the chat (as
/// against missing rights, which an admin can mend).
fn chat_gone(description: &str) -> bool {
    let description = description.to_lowercase();
    [
        "blocked",
        "kicked",
        "deactivated",
        "not a member",
        "chat was deleted",
    ]
    .iter()
    .any(|what| description.contains(what))
}

/// The `sendMessage` parameters for `part` in `chat`: HTML, or its visible text without a
/// parse mode when `plain`.
fn payload(state: &State, chat: ChatId, part: &Part, plain: bool) -> SendMessage {
    let mut payload = if plain {
        SendMessage::new(chat, visible_text(&part.html))
    } else {
        let mut html = SendMessage::new(chat, part.html.clone());
        html.parse_mode = Some(ParseMode::Html);
        html
    };
    payload.message_thread_id = part.thread;
    payload.reply_parameters = part
        .reply_to
        .map(|id| ReplyParameters::new(id).allow_sending_without_reply());
    payload.reply_markup =
        (part.keyboard.as_ref()).map(|keyboard| markup(state, chat.0, keyboard).into());
    payload
}

/// A successful `sendMessage` answer, as far as the bot reads it: the sent message's id.
#[derive(Deserialize)]
struct SentAnswer {
    result: SentMessage,
}

#[derive(Deserialize)]
struct SentMessage {
    message_id: i32,
}

/// An error answer of the Bot API, as far as the bot reads it.
#[derive(Debug, Default, Deserialize)]
struct ErrorAnswer {
    description: Option<String>,
    #[serde(default)]
    parameters: Parameters,
}

/// The `parameters` of an error answer (Telegram's `ResponseParameters`).
#[derive(Debug, Default, Deserialize)]
struct Parameters {
    retry_after: Option<u64>,
    migrate_to_chat_id: Option<i64>,
}

/// Posts one `sendMessage` and reads the answer's status. A 2xx is a sent message whatever
/// happens to the rest of the answer (of the sent message only its id is read, when it can
/// be, so an edited question can have its answer edited), so a body lost on the way never
/// makes a message arrive twice.
async fn post(bot: &BotT, payload: &SendMessage) -> Result<Option<MessageId>, Refusal> {
    let mut url = bot.api_url();
    url.path_segments_mut()
        .map_err(|()| Refusal::Network("the Bot API URL cannot take a path".into()))?
        .push(&format!("bot{}", bot.token()))
        .push("sendMessage");
    let body = serde_json::to_vec(payload).map_err(|e| Refusal::Other {
        status: 0,
        description: format!("unsendable: {e}"),
    })?;
    let network = |e: reqwest::Error| Refusal::Network(super::e_without_url(&e.without_url()));
    let response = bot
        .client()
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(body)
        .send()
        .await
        .map_err(network)?;
    let status = response.status();
    if status.is_success() {
        // Read to the end so the connection can be used again; a failure changes nothing.
        return match response.bytes().await {
            Ok(body) => Ok(serde_json::from_slice::<SentAnswer>(&body)
                .ok()
                .map(|sent| MessageId(sent.result.message_id))),
            Err(e) => {
                debug!(
                    "the answer to a sent message broke off: {}",
                    super::e_without_url(&e.without_url())
                );
                Ok(None)
            }
        };
    }
    let text = response.text().await.map_err(network)?;
    Err(refusal(status, &text))
}

/// What an error answer with `status` and body `text` means for the message.
fn refusal(status: reqwest::StatusCode, text: &str) -> Refusal {
    let answer: ErrorAnswer = serde_json::from_str(text).unwrap_or_default();
    let description = answer.description.unwrap_or_else(|| {
        status
            .canonical_reason()
            .unwrap_or("no description")
            .to_string()
    });
    match (status.as_u16(), answer.parameters) {
        (429, Parameters { retry_after, .. }) => {
            Refusal::Flood(retry_after.map_or(FLOOD_WAIT_UNNAMED, Duration::from_secs))
        }
        (
            _,
            Parameters {
                migrate_to_chat_id: Some(to),
                ..
            },
        ) => Refusal::Migrated(ChatId(to)),
        (400, _) => Refusal::BadRequest(description),
        (403, _) => Refusal::Forbidden(description),
        (status @ 500..=599, _) => Refusal::Server {
            status,
            description,
        },
        (status, _) => Refusal::Other {
            status,
            description,
        },
    }
}

/// Runs a handler body, turning a panic into a log line and an apology at `target` (in its
/// topic, in `lang`), so the chat's worker never dies (in teloxide 0.17 a dead worker makes the
/// dispatcher panic on that chat's next update).
///
/// The body and the apology are boxed: the dispatcher moves handler futures around by value,
/// and unboxed they came to 19 KB a message (the apology's request future alone is most of
/// it), which showed up as `memmove` in profiles of the Telegram benchmark.
pub fn guarded<'a>(
    bot: &'a BotT,
    state: &'a State,
    target: Target,
    lang: Lang,
    body: impl Future<Output = HandlerResult> + Send + 'a,
) -> impl Future<Output = HandlerResult> + Send + 'a {
    let body = Box::pin(body);
    async move {
        match contain_panic(body).await {
            Ok(result) => result,
            Err(what) => {
                error!("a handler panicked; the chat was told something went wrong");
                debug!("the handler's panic: {what}");
                let apology = text_html(&Fixed::SomethingWentWrong.text(lang), lang);
                Box::pin(send(bot, state, &target, apology, None)).await
            }
        }
    }
}

/// A handler body that panicked, with the panic's message.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Panicked(pub String);

/// Runs `body` to completion, or returns the panic's message if it panicked.
pub async fn contain_panic<T>(body: impl Future<Output = T>) -> Result<T, Panicked> {
    AssertUnwindSafe(body)
        .catch_unwind()
        .await
        .map_err(|panic| Panicked(crate::app::logging::panic_message(panic.as_ref())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panicking_handler_body_is_contained() {
        let panicked = contain_panic(async { panic!("boom {}", 1) }).await;
        assert_eq!(panicked.unwrap_err().to_string(), "boom 1");
        let fine = contain_panic(async { 7 }).await;
        assert_eq!(fine.unwrap(), 7);
    }

    /// A Bot API on loopback that records every `sendMessage` body and answers it as sent.
    async fn recording_bot_api() -> (
        url::Url,
        std::sync::Arc<std::sync::Mutex<Vec<serde_json::Value>>>,
    ) {
        use axum::{Json, Router, extract::State as Recorded, routing::post};
        use serde_json::{Value, json};
        use std::sync::{Arc, Mutex};
        type Sent = Arc<Mutex<Vec<Value>>>;
        async fn record(Recorded(sent): Recorded<Sent>, Json(body): Json<Value>) -> Json<Value> {
            let answer = json!({"ok": true, "result": {
                "message_id": 100, "date": 1_740_000_001,
                "chat": {"id": body["chat_id"], "type": "supergroup", "title": "Forum", "is_forum": true},
                "text": body["text"],
            }});
            sent.lock().unwrap().push(body);
            Json(answer)
        }
        let sent: Sent = Arc::default();
        let app = Router::new()
            .route("/{bot}/sendMessage", post(record))
            .with_state(sent.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        (url::Url::parse(&url).unwrap(), sent)
    }

    /// A panic while answering a question or a button press asked in a forum topic: the
    /// apology goes to that topic (issue: it went to the chat's general topic).
    #[tokio::test]
    async fn a_panicking_handler_apologises_in_the_forum_topic_it_was_asked_in() {
        use crate::app::cli::Cli;
        use crate::app::config::{BotToken, Config};
        use clap::Parser as _;
        const TOKEN: &str = "123456:test-token";
        let (api, sent) = recording_bot_api().await;
        let bot = Bot::new(TOKEN).set_api_url(api);
        let cli = Cli::try_parse_from(["article-qa"]).unwrap();
        let config = Config::from_sources(&cli, |_| None).unwrap();
        let corpus = crate::corpus::Corpus::from_text("t", "One sentence. Another.\n").unwrap();
        let token = BotToken::new(TOKEN).unwrap();
        let pace = super::super::flood::Pace::Unlimited;
        let state = State::new(crate::engine::Engine::new(corpus), &config, &token, pace)
            .await
            .unwrap();
        let question: Message = serde_json::from_value(serde_json::json!({
            "message_id": 42, "date": 1_740_000_000, "message_thread_id": 7,
            "is_topic_message": true, "text": "Who?",
            "chat": {"id": -100123, "type": "supergroup", "title": "Forum", "is_forum": true},
        }))
        .unwrap();
        let under = MaybeInaccessibleMessage::Regular(Box::new(question.clone()));
        for target in [Target::reply_to(&question), Target::under(&under)] {
            let outcome = guarded(&bot, &state, target, Lang::En, async { panic!("boom") }).await;
            assert!(outcome.is_ok(), "{outcome:?}");
        }
        let sent = sent.lock().unwrap();
        assert_eq!(sent.len(), 2, "{sent:?}");
        for apology in sent.iter() {
            assert_eq!(apology["chat_id"], -100123, "{apology}");
            assert_eq!(apology["message_thread_id"], 7, "{apology}");
            assert_eq!(apology["reply_parameters"]["message_id"], 42, "{apology}");
            let text = apology["text"].as_str().unwrap_or_default();
            assert!(text.contains("something went wrong"), "{apology}");
        }
    }

    #[test]
    fn error_answers_are_read_by_status_and_parameters() {
        use reqwest::StatusCode;
        let flood = r#"{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 7","parameters":{"retry_after":7}}"#;
        assert_eq!(
            refusal(StatusCode::TOO_MANY_REQUESTS, flood),
            Refusal::Flood(Duration::from_secs(7))
        );
        let migrated = r#"{"ok":false,"error_code":400,"description":"Bad Request: group chat was upgraded to a supergroup chat","parameters":{"migrate_to_chat_id":-1001234}}"#;
        assert_eq!(
            refusal(StatusCode::BAD_REQUEST, migrated),
            Refusal::Migrated(ChatId(-1001234))
        );
        assert_eq!(
            refusal(StatusCode::BAD_GATEWAY, "<html>nginx</html>"),
            Refusal::Server {
                status: 502,
                description: "Bad Gateway".into()
            }
        );
        assert!(matches!(
            refusal(StatusCode::BAD_REQUEST, r#"{"ok":false,"description":"Bad Request: can't parse entities: x"}"#),
            Refusal::BadRequest(why) if why.contains("can't parse entities")
        ));
        assert!(matches!(
            refusal(
                StatusCode::FORBIDDEN,
                r#"{"ok":false,"description":"Forbidden: bot was kicked from the supergroup chat"}"#
            ),
            Refusal::Forbidden(_)
        ));
    }

    #[test]
    fn five_attempts_none_starting_past_the_window_from_the_first_attempt() {
        let secs = Duration::from_secs;
        assert_eq!(server_retry(1, Duration::ZERO), Some(secs(1)));
        assert_eq!(server_retry(4, secs(15)), Some(secs(8)));
        assert_eq!(server_retry(5, secs(15)), None);
        // Two attempts that each ran into the 17 s timeout: a third would start at 36 s.
        assert_eq!(server_retry(2, secs(34)), None);
        assert_eq!(server_retry(1, secs(17)), Some(secs(1)));
    }

    #[test]
    fn only_unparsable_html_is_resent_and_only_a_gone_chat_is_called_gone() {
        assert!(unparsable(
            "Bad Request: can't parse entities: Unsupported start tag"
        ));
        assert!(!unparsable("Bad Request: message thread not found"));
        assert!(chat_gone("Forbidden: bot was blocked by the user"));
        assert!(chat_gone("Forbidden: bot was kicked from the group chat"));
        assert!(!chat_gone(
            "Forbidden: not enough rights to send text messages to the chat"
        ));
    }
}
