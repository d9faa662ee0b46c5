//! Sending replies: HTML split to fit, the answer buttons, 429 "retry after" waited out,
//! users who blocked the bot skipped, and panics in a handler contained.

use std::future::Future;
use std::panic::AssertUnwindSafe;

use futures::FutureExt as _;
use serde::Serialize;
use serde::de::IgnoredAny;
use teloxide::payloads::SendMessage;
use teloxide::prelude::*;
use teloxide::requests::{JsonRequest, Payload};
use teloxide::types::{
    InlineKeyboardButton, InlineKeyboardMarkup, MessageId, ParseMode, ReplyParameters,
};
use teloxide::{ApiError, RequestError};
use tracing::{debug, error, info, warn};

use super::BotT;
use super::state::State;
use crate::chat::buttons::{Action, Button};
use crate::chat::reply;

/// How many times one message is retried after 429 "retry after" answers.
const FLOOD_RETRIES: u32 = 3;

/// What a handler returns; errors go to the dispatcher's (redacting) error handler.
pub type HandlerResult = Result<(), RequestError>;

/// The "More" and "Show paragraph" buttons for answer `answer` in `chat`.
pub fn answer_buttons(state: &State, chat: i64, answer: u64) -> InlineKeyboardMarkup {
    let data = |action| state.key.encode(chat, Button { action, answer });
    InlineKeyboardMarkup::new([[
        InlineKeyboardButton::callback(reply::MORE_BUTTON, data(Action::More)),
        InlineKeyboardButton::callback(reply::PARAGRAPH_BUTTON, data(Action::Paragraph)),
    ]])
}

/// Sends HTML messages to `chat`, the first replying to `reply_to`, the last carrying
/// `buttons`. A 429 "retry after" is waited out and the message resent (up to
/// [`FLOOD_RETRIES`] times). A user who blocked the bot (403) is logged once and skipped.
pub async fn send(
    bot: &BotT,
    state: &State,
    chat: ChatId,
    reply_to: Option<MessageId>,
    messages: Vec<String>,
    buttons: Option<InlineKeyboardMarkup>,
) -> HandlerResult {
    let last = messages.len().saturating_sub(1);
    for (i, html) in messages.into_iter().enumerate() {
        let mut payload = SendMessage::new(chat, html);
        payload.parse_mode = Some(ParseMode::Html);
        if let (0, Some(id)) = (i, reply_to) {
            payload.reply_parameters = Some(ReplyParameters::new(id).allow_sending_without_reply());
        }
        if let (true, Some(markup)) = (i == last, &buttons) {
            payload.reply_markup = Some(markup.clone().into());
        }
        let request = JsonRequest::new(bot.clone(), Reply(payload));
        let mut attempt = 0;
        let result = loop {
            match request.send_ref().await {
                Err(RequestError::RetryAfter(wait)) if attempt < FLOOD_RETRIES => {
                    attempt += 1;
                    warn!("flood limit: resending in {}s", wait.seconds());
                    tokio::time::sleep(wait.duration()).await;
                }
                other => break other,
            }
        };
        match result {
            Ok(_) => {}
            Err(RequestError::Api(
                ApiError::BotBlocked | ApiError::UserDeactivated | ApiError::BotKicked,
            )) => {
                let first_time = state
                    .blocked
                    .lock()
                    .map(|mut blocked| blocked.put(chat, ()).is_none())
                    .unwrap_or(false);
                if first_time {
                    info!("the user blocked the bot or left the chat; reply skipped");
                }
                return Ok(());
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// A `sendMessage` call whose answer is not parsed: teloxide would read the sent message
/// back into a full `Message` (flattened, untagged enums tried in turn), which profiles of the
/// Telegram benchmark showed as the costliest step of a reply, and the bot never looks at
/// it. Errors (429, 403, …) are still read as usual.
#[derive(Serialize)]
#[serde(transparent)]
struct Reply(SendMessage);

impl Payload for Reply {
    type Output = IgnoredAny;
    const NAME: &'static str = SendMessage::NAME;
}

/// Runs a handler body, turning a panic into a log line and an apology in `chat`, so the
/// chat's worker never dies (in teloxide 0.17 a dead worker makes the dispatcher panic on
/// that chat's next update).
///
/// The body and the apology are boxed: the dispatcher moves handler futures around by value,
/// and unboxed they came to 19 KB a message (the apology's request future alone is most of
/// it), which showed up as `memmove` in profiles of the Telegram benchmark.
pub fn guarded<'a>(
    bot: &'a BotT,
    chat: ChatId,
    body: impl Future<Output = HandlerResult> + Send + 'a,
) -> impl Future<Output = HandlerResult> + Send + 'a {
    let body = Box::pin(body);
    async move {
        match contain_panic(body).await {
            Ok(result) => result,
            Err(what) => {
                error!("a handler panicked; the chat was told something went wrong");
                debug!("the handler's panic: {what}");
                let apology = bot.send_message(chat, reply::SOMETHING_WENT_WRONG).send();
                let _ = Box::pin(apology).await;
                Ok(())
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
}
