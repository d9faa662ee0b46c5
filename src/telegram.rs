//! The Telegram front end: start-up checks, the routing table, small handlers that only
//! translate between Telegram and [`crate::chat`], and sending replies that survive flood
//! limits, blocked users and panics.
//!
//! Replies go out at once; when Telegram answers 429 "retry after N", [`send`] waits N seconds
//! and resends (teloxide's `Throttle` adaptor was tried and dropped: it releases queued
//! messages in 250 ms ticks, which puts a quarter second on every reply). Long polling
//! retries network errors with back-off.

use std::collections::HashSet;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use futures::FutureExt as _;
use teloxide::dispatching::UpdateHandler;
use teloxide::error_handlers::ErrorHandler;
use teloxide::prelude::*;
use teloxide::stop::StopToken;
use teloxide::types::{Me, ParseMode, ReplyParameters};
use teloxide::update_listeners::{Polling, UpdateListener as _};
use teloxide::utils::command::BotCommands;
use teloxide::{ApiError, RequestError};
use tracing::{error, info, warn};

use crate::answer::Engine;
use crate::chat::{self, Command, Response, Turn};
use crate::config::{BotToken, Config};
use crate::logging::Secrets;
use crate::reply;
use crate::unanswered::UnansweredLog;

/// The bot type every handler receives.
pub type BotT = Bot;

/// How many times one message is retried after 429 "retry after" answers.
const FLOOD_RETRIES: u32 = 3;

type HandlerResult = Result<(), RequestError>;

/// How long one `getUpdates` long poll waits for updates (below the HTTP client's 17 s
/// request timeout, or every idle poll would end in a timeout error).
const POLL_TIMEOUT: Duration = Duration::from_secs(10);

/// What every handler shares.
pub struct State {
    engine: RwLock<Arc<Engine>>,
    /// Chats whose user blocked the bot (403), logged once each.
    blocked: Mutex<HashSet<ChatId>>,
    /// User ids allowed to `/reload`.
    admins: Vec<u64>,
    /// The FAQ rules file `/reload` reads.
    faq_path: Option<PathBuf>,
    /// Where abstained questions go, when logging is on.
    unanswered: Option<UnansweredLog>,
}

impl State {
    /// State around an engine, with the configuration's admins, rules file and log.
    ///
    /// Errors: the unanswered-question log cannot be opened.
    pub fn new(engine: Engine, config: &Config) -> Result<Self> {
        let unanswered = match &config.unanswered_log {
            Some(path) => Some(UnansweredLog::open(path)?),
            None => None,
        };
        Ok(Self {
            engine: RwLock::new(Arc::new(engine)),
            blocked: Mutex::new(HashSet::new()),
            admins: config.admins.clone(),
            faq_path: config.faq.clone(),
            unanswered,
        })
    }

    /// `/reload` from an admin: swaps in the new rules, or keeps the old ones and says why.
    fn reload(&self) -> Response {
        let (reloaded, response) = chat::reload(&self.engine(), self.faq_path.as_deref());
        match reloaded {
            Some(engine) => {
                info!("{}", response.to_plain());
                if let Ok(mut current) = self.engine.write() {
                    *current = Arc::new(engine);
                }
            }
            None => error!(
                "FAQ reload rejected: {}",
                response.to_plain().replace('\n', " ")
            ),
        }
        response
    }

    /// Appends an abstained question to the log, if logging is on.
    fn log_unanswered(&self, question: &str, response: &Response) {
        if let (Some(log), true) = (&self.unanswered, response.abstained())
            && let Err(e) = log.record(question)
        {
            warn!(
                "cannot write the unanswered-question log {}: {e}",
                log.path().display()
            );
        }
    }

    /// The engine in use now.
    pub fn engine(&self) -> Arc<Engine> {
        match self.engine.read() {
            Ok(engine) => Arc::clone(&engine),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }
}

/// Runs the bot with long polling until Ctrl-C or SIGTERM.
///
/// Errors (each one line): no token; Telegram rejects the token (401); the Bot API cannot be
/// reached; another instance is polling with the same token (409); the token is revoked
/// while running.
pub async fn run(config: &Config, engine: Engine, secrets: &Secrets) -> Result<()> {
    let Some(token) = &config.token else {
        bail!("no bot token: put TELOXIDE_TOKEN=<token from @BotFather> in .env (see README)");
    };
    secrets.add(token.expose());
    let bot = client(token, config)?;
    let me = check_token(&bot, config).await?;
    if let Err(e) = bot.set_my_commands(menu()).await {
        warn!(
            "could not register the command menu: {}",
            secrets.scrub(&e.to_string())
        );
    }
    info!(
        "@{} answers questions about {} article(s); press Ctrl-C to stop",
        me.username(),
        engine.corpus().articles.len()
    );
    let state = Arc::new(State::new(engine, config)?);
    let mut dispatcher = Dispatcher::builder(bot.clone(), schema())
        .dependencies(dptree::deps![state])
        .default_handler(|_| async {})
        .error_handler(Arc::new(LogErrors(secrets.clone())))
        .enable_ctrlc_handler()
        .build();
    let mut listener = Polling::builder(bot)
        .timeout(POLL_TIMEOUT)
        .delete_webhook()
        .await
        .build();
    // Stopping the listener (not the dispatcher's shutdown token, whose wake-up can be missed
    // while an update is being handled) ends polling, then the dispatcher finishes its work.
    let stop = listener.stop_token();
    tokio::spawn(stop_on_sigterm(stop.clone()));
    let listener_errors = Arc::new(ListenerErrors {
        secrets: secrets.clone(),
        stop,
        fatal: Mutex::new(None),
    });
    dispatcher
        .try_dispatch_with_listener(listener, Arc::clone(&listener_errors))
        .await
        .map_err(|e| anyhow::anyhow!(secrets.scrub(&describe(&e, config))))?;
    let fatal = listener_errors
        .fatal
        .lock()
        .map(|f| f.clone())
        .unwrap_or_default();
    match fatal {
        Some(reason) => bail!(reason),
        None => {
            info!("stopped");
            Ok(())
        }
    }
}

/// The command menu for `setMyCommands`: names without the leading `/`, as the Bot API
/// requires.
fn menu() -> Vec<teloxide::types::BotCommand> {
    Command::bot_commands()
        .into_iter()
        .map(|mut c| {
            c.command = c.command.trim_start_matches('/').to_string();
            c
        })
        .collect()
}

/// The Bot API client: the token, teloxide's long-polling HTTP settings and the API URL.
fn client(token: &BotToken, config: &Config) -> Result<Bot> {
    let http = teloxide::net::default_reqwest_settings()
        .build()
        .context("cannot set up the HTTP client")?;
    let bot = Bot::with_client(token.expose(), http);
    Ok(match &config.api_url {
        Some(url) => bot.set_api_url(url.clone()),
        None => bot,
    })
}

/// Calls `getMe` to check the token and the API URL before anything else.
async fn check_token(bot: &Bot, config: &Config) -> Result<Me> {
    let me = bot
        .get_me()
        .await
        .map_err(|e| anyhow::anyhow!(describe(&e, config)))?;
    if me.user.username.is_none() {
        bail!(
            "the Bot API returned a bot without a username; is TELOXIDE_API_URL a Bot API server?"
        );
    }
    Ok(me)
}

/// One line a person can act on, never holding the token (reqwest errors print the URL).
fn describe(error: &RequestError, config: &Config) -> String {
    let api = config
        .api_url
        .as_ref()
        .map_or("https://api.telegram.org".to_string(), |u| u.to_string());
    match error {
        RequestError::Api(ApiError::InvalidToken) => {
            "Telegram rejected the bot token (401 Unauthorized): check TELOXIDE_TOKEN, or get a new token from @BotFather".into()
        }
        RequestError::Api(ApiError::TerminatedByOtherGetUpdates) => {
            "another instance of this bot is already polling with the same token (409 Conflict): stop it first".into()
        }
        RequestError::Network(e) => {
            let e = e.as_ref();
            let what = if e.is_timeout() { "timed out" } else if e.is_connect() { "connection failed" } else { "request failed" };
            format!("cannot reach the Bot API at {api}: {what} ({})", e_without_url(e))
        }
        other => format!("the Bot API at {api} answered with an error: {other}"),
    }
}

fn e_without_url(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    if let Some(url) = error.url() {
        text = text.replace(url.as_str(), "<url>");
    }
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        text = format!("{text}: {inner}");
        source = inner.source();
    }
    text
}

/// The routing table: commands, questions, other messages, callback queries.
pub fn schema() -> UpdateHandler<RequestError> {
    let commands = teloxide::filter_command::<Command, _>().endpoint(answer_command);
    let questions = dptree::filter_map(addressed_question).endpoint(answer_question);
    let unknown_commands = dptree::filter(|msg: Message| {
        msg.chat.is_private() && msg.text().is_some_and(|t| t.starts_with('/'))
    })
    .endpoint(answer_unknown_command);
    let others = dptree::filter(|msg: Message| msg.chat.is_private()).endpoint(answer_other);
    let messages = Update::filter_message()
        .branch(commands)
        .branch(questions)
        .branch(unknown_commands)
        .branch(others);
    let callbacks = Update::filter_callback_query().endpoint(answer_callback);
    dptree::entry().branch(messages).branch(callbacks)
}

/// A question addressed to the bot, with any mention of the bot removed.
#[derive(Debug, Clone)]
struct Question(String);

/// The text or caption of a message addressed to the bot: any text in a private chat; in a
/// group, one that mentions the bot or replies to one of its messages. Commands for other
/// bots (`/help@OtherBot`) are not questions.
fn addressed_question(msg: Message, me: Me) -> Option<Question> {
    let text = msg.text().or_else(|| msg.caption())?;
    if text.starts_with('/') {
        return None;
    }
    let mention = format!("@{}", me.username());
    if msg.chat.is_private() {
        return Some(Question(strip_mention(text, &mention)));
    }
    let mentioned = find_mention(text, &mention).is_some();
    let replies_to_bot = msg
        .reply_to_message()
        .and_then(|m| m.from.as_ref())
        .is_some_and(|u| u.id == me.user.id);
    (mentioned || replies_to_bot).then(|| Question(strip_mention(text, &mention)))
}

fn strip_mention(text: &str, mention: &str) -> String {
    match find_mention(text, mention) {
        Some(i) => {
            let (before, after) = (text[..i].trim_end(), text[i + mention.len()..].trim_start());
            format!("{before} {after}").trim().to_string()
        }
        None => text.trim().to_string(),
    }
}

/// Byte offset of `mention` (ASCII, as Telegram usernames are) in `text`, ignoring case.
fn find_mention(text: &str, mention: &str) -> Option<usize> {
    text.char_indices().map(|(i, _)| i).find(|&i| {
        text.as_bytes()
            .get(i..i + mention.len())
            .is_some_and(|window| window.eq_ignore_ascii_case(mention.as_bytes()))
    })
}

async fn answer_command(
    bot: BotT,
    msg: Message,
    command: Command,
    state: Arc<State>,
) -> HandlerResult {
    guarded(&bot, &msg, async {
        let started = Instant::now();
        let is_admin = msg
            .from
            .as_ref()
            .is_some_and(|u| state.admins.contains(&u.id.0));
        let response = match &command {
            Command::Reload if is_admin => state.reload(),
            command => chat::respond(&state.engine(), &Turn::Command(command.clone())),
        };
        if response == Response::UnknownCommand && !msg.chat.is_private() {
            return Ok(());
        }
        send(&bot, &msg, &state, &response).await?;
        let question = match &command {
            Command::Ask(question) => question.as_str(),
            _ => "",
        };
        state.log_unanswered(question, &response);
        log_update(&msg, question.chars().count(), &response, started);
        Ok(())
    })
    .await
}

/// A command the bot does not have, in a private chat (groups: other bots' commands).
async fn answer_unknown_command(bot: BotT, msg: Message, state: Arc<State>) -> HandlerResult {
    guarded(&bot, &msg, async {
        send(&bot, &msg, &state, &Response::UnknownCommand).await
    })
    .await
}

async fn answer_question(
    bot: BotT,
    msg: Message,
    question: Question,
    state: Arc<State>,
) -> HandlerResult {
    guarded(&bot, &msg, async {
        let started = Instant::now();
        let response = chat::respond(&state.engine(), &Turn::Question(question.0.clone()));
        send(&bot, &msg, &state, &response).await?;
        state.log_unanswered(&question.0, &response);
        log_update(&msg, question.0.chars().count(), &response, started);
        Ok(())
    })
    .await
}

/// Stickers, photos without a caption, voice, locations…: a hint that only text is read.
async fn answer_other(bot: BotT, msg: Message, state: Arc<State>) -> HandlerResult {
    guarded(&bot, &msg, async {
        let response = Response::Text(reply::TEXT_ONLY.to_string());
        send(&bot, &msg, &state, &response).await
    })
    .await
}

/// Callback queries: always answered, so the client stops its spinner.
async fn answer_callback(bot: BotT, query: CallbackQuery) -> HandlerResult {
    bot.answer_callback_query(query.id).await?;
    Ok(())
}

/// Runs a handler body, turning a panic into a log line and an apology, so a chat's worker
/// never dies (in teloxide 0.17 a dead worker makes the dispatcher panic on that chat's
/// next update).
async fn guarded(
    bot: &BotT,
    msg: &Message,
    body: impl Future<Output = HandlerResult>,
) -> HandlerResult {
    match contain_panic(body).await {
        Ok(result) => result,
        Err(what) => {
            error!(chat = chat_kind(msg), "handler panicked: {what}");
            let _ = bot
                .send_message(msg.chat.id, reply::SOMETHING_WENT_WRONG)
                .await;
            Ok(())
        }
    }
}

/// Runs `body` to completion, or returns the panic's message if it panicked.
async fn contain_panic<T>(body: impl Future<Output = T>) -> Result<T, String> {
    AssertUnwindSafe(body)
        .catch_unwind()
        .await
        .map_err(|panic| {
            panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into())
        })
}

/// Sends a response as replies to `msg`: HTML, split to fit, never empty. A 429 "retry
/// after" is waited out and the message resent (up to [`FLOOD_RETRIES`] times). A user who
/// blocked the bot (403) is logged once and skipped.
async fn send(bot: &BotT, msg: &Message, state: &State, response: &Response) -> HandlerResult {
    for (i, html) in response.to_html().into_iter().enumerate() {
        let mut request = bot
            .send_message(msg.chat.id, html)
            .parse_mode(ParseMode::Html);
        if i == 0 {
            request = request
                .reply_parameters(ReplyParameters::new(msg.id).allow_sending_without_reply());
        }
        let mut attempt = 0;
        let result = loop {
            match request.send_ref().await {
                Err(RequestError::RetryAfter(wait)) if attempt < FLOOD_RETRIES => {
                    attempt += 1;
                    warn!(
                        chat = chat_kind(msg),
                        "flood limit: resending in {}s",
                        wait.seconds()
                    );
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
                    .map(|mut b| b.insert(msg.chat.id))
                    .unwrap_or(false);
                if first_time {
                    info!(
                        chat = chat_kind(msg),
                        "the user blocked the bot or left; not sending to this chat"
                    );
                }
                return Ok(());
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// One info line per handled update: chat type, question length, answer source, latency.
/// Never the text.
fn log_update(msg: &Message, question_chars: usize, response: &Response, started: Instant) {
    info!(
        chat = chat_kind(msg),
        question_chars,
        source = response.source(),
        ms = %format_args!("{:.1}", started.elapsed().as_secs_f64() * 1000.0),
        "answered"
    );
}

fn chat_kind(msg: &Message) -> &'static str {
    if msg.chat.is_private() {
        "private"
    } else if msg.chat.is_group() {
        "group"
    } else if msg.chat.is_supergroup() {
        "supergroup"
    } else {
        "channel"
    }
}

/// Logs handler errors with secrets scrubbed.
struct LogErrors(Secrets);

impl ErrorHandler<RequestError> for LogErrors {
    fn handle_error(
        self: Arc<Self>,
        error: RequestError,
    ) -> futures::future::BoxFuture<'static, ()> {
        warn!(
            "a request to Telegram failed: {}",
            self.0.scrub(&error.to_string())
        );
        Box::pin(async {})
    }
}

/// Handles long-polling errors: network trouble is logged (polling retries with back-off);
/// a revoked token or a second instance stops the bot with that reason.
struct ListenerErrors {
    secrets: Secrets,
    stop: StopToken,
    fatal: Mutex<Option<String>>,
}

impl ErrorHandler<RequestError> for ListenerErrors {
    fn handle_error(
        self: Arc<Self>,
        error: RequestError,
    ) -> futures::future::BoxFuture<'static, ()> {
        let fatal = match &error {
            RequestError::Api(ApiError::InvalidToken) => Some(
                "Telegram rejected the bot token (401 Unauthorized): it was revoked or changed; check TELOXIDE_TOKEN",
            ),
            RequestError::Api(ApiError::TerminatedByOtherGetUpdates) => Some(
                "another instance of this bot is polling with the same token (409 Conflict): stop it first",
            ),
            _ => None,
        };
        match fatal {
            Some(reason) => {
                if let Ok(mut slot) = self.fatal.lock()
                    && slot.is_none()
                {
                    *slot = Some(reason.to_string());
                    self.stop.stop();
                }
            }
            None => warn!(
                "getting updates failed, retrying: {}",
                self.secrets.scrub(&error.to_string())
            ),
        }
        Box::pin(async {})
    }
}

/// Stops polling on SIGTERM, as systemd and container runtimes send it.
async fn stop_on_sigterm(stop: StopToken) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let Ok(mut term) = signal(SignalKind::terminate()) else {
            return;
        };
        if term.recv().await.is_some() {
            info!("SIGTERM received, stopping");
            stop.stop();
        }
    }
    #[cfg(not(unix))]
    std::future::pending::<()>().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panicking_handler_body_is_contained() {
        let panicked = contain_panic(async { panic!("boom {}", 1) }).await;
        assert_eq!(panicked.unwrap_err(), "boom 1");
        let fine = contain_panic(async { 7 }).await;
        assert_eq!(fine.unwrap(), 7);
    }

    #[test]
    fn the_command_menu_has_names_without_slashes() {
        let names: Vec<String> = menu().into_iter().map(|c| c.command).collect();
        assert!(
            names.iter().all(|n| !n.starts_with('/') && !n.is_empty()),
            "{names:?}"
        );
        assert!(names.contains(&"ask".to_string()));
    }

    #[test]
    fn mentions_are_removed_from_questions() {
        assert_eq!(strip_mention("@Bot who led it?", "@Bot"), "who led it?");
        assert_eq!(strip_mention("who led it, @bot?", "@Bot"), "who led it, ?");
        assert_eq!(strip_mention("no mention", "@Bot"), "no mention");
        assert_eq!(strip_mention("İİİ @BOT Было ли?", "@Bot"), "İİİ Было ли?");
    }
}
