//! The Telegram front end: start-up checks, long polling or a webhook, and shutdown. The
//! routing table and its small handlers are in `handlers`, the commands as teloxide reads
//! them in `commands`, HTML rendering in [`html`], the buttons' signed callback data in
//! `buttons`, getting updates in `listen` (polling) and `webhook`, the HTTP side (webhook,
//! health, metrics) in `service`, the metrics in `metrics`, Telegram's test environment in
//! `test_env`, sending replies in `send`, shared state in `state`, conversation contexts in
//! [`store`].
//!
//! Replies go out paced below Telegram's limits (`flood`); when Telegram answers 429 "retry
//! after N" all the same, the sender waits N seconds and resends, and other failures are
//! retried as `send` says (teloxide's `Throttle` adaptor was tried and dropped: it releases
//! queued messages in 250 ms ticks, which puts a quarter second on every reply). A chat's
//! updates are handled one at a time, so its replies keep their order through every wait.
//! Long polling retries failed polls with back-off (`listen` says which failures stop the
//! bot). On Ctrl-C or SIGTERM polling stops, replies still waiting give up at once, and the
//! dispatcher finishes the updates it holds.

mod buttons;
mod commands;
mod flood;
mod handlers;
pub mod html;
mod inline;
mod listen;
mod metrics;
mod send;
mod service;
mod state;
pub mod store;
mod stream;
mod test_env;
mod webhook;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context as _, Result, bail};
use teloxide::error_handlers::ErrorHandler;
use teloxide::prelude::*;
use teloxide::stop::StopToken;
use teloxide::types::{AllowedUpdate, Me};
use teloxide::update_listeners::UpdateListener;
use teloxide::{ApiError, RequestError};
use tracing::{info, warn};

use crate::app::config::{BotToken, Config};
use crate::app::logging::Secrets;
use crate::chat::lang::Lang;
use crate::engine::Engine;
use commands::menu;
pub use flood::Pace;
pub use handlers::schema;
pub use state::State;

/// The bot type every handler receives.
pub type BotT = Bot;

/// How long one `getUpdates` long poll waits for updates (below the HTTP client's 17 s
/// request timeout, or every idle poll would end in a timeout error).
const POLL_TIMEOUT: Duration = Duration::from_secs(10);
/// The dispatcher's queue for one chat's updates. Above [`flood::CHAT_BACKLOG`], the most the
/// listener lets one chat have waiting, so a flooding chat never fills its queue and never
/// holds up the dispatcher (and so every other chat).
const WORKER_QUEUE: usize = 2 * flood::CHAT_BACKLOG;

/// The bot's username, asked of Telegram with the configured token (`article-qa link`).
///
/// Errors: no token; Telegram rejects it; the Bot API cannot be reached (one line each).
pub async fn username(config: &Config, secrets: &Secrets) -> Result<String> {
    let Some(token) = &config.token else {
        bail!("no bot username: pass --bot USERNAME, or configure TELOXIDE_TOKEN to ask Telegram");
    };
    secrets.add(token.expose());
    let bot = client(token, config).await?;
    let me = check_token(&bot, config).await?;
    Ok(me.username().to_string())
}

/// Runs the bot with long polling until Ctrl-C or SIGTERM, pacing replies below Telegram's
/// limits.
///
/// Errors (each one line): no token; Telegram rejects the token (401); the Bot API cannot be
/// reached; another instance is polling with the same token (409); the token is revoked
/// while running.
pub async fn run(config: &Config, engine: Engine, secrets: &Secrets) -> Result<()> {
    run_paced(config, engine, secrets, Pace::Telegram).await
}

/// [`run`] with replies paced as `pace` says (benchmarks against a fake Bot API turn pacing
/// off).
///
/// Errors: as [`run`].
pub async fn run_paced(
    config: &Config,
    engine: Engine,
    secrets: &Secrets,
    pace: Pace,
) -> Result<()> {
    let Some(token) = &config.token else {
        bail!("no bot token: put TELOXIDE_TOKEN=<token from @BotFather> in .env (see README)");
    };
    secrets.add(token.expose());
    if let Some(hook) = &config.service.webhook {
        secrets.add(hook.secret.expose());
    }
    let bot = client(token, config).await?;
    let me = check_token(&bot, config).await?;
    register_menus(&bot, secrets).await;
    info!(
        "@{} answers questions about {} article(s); press Ctrl-C to stop",
        me.username(),
        engine.corpus().articles.len()
    );
    let state = Arc::new(State::new(engine, config, token, pace).await?);
    let dispatcher = |schema| {
        Dispatcher::builder(bot.clone(), schema)
            .dependencies(dptree::deps![Arc::clone(&state)])
            .default_handler(|_| async {})
            .error_handler(Arc::new(LogErrors(secrets.clone())))
            .worker_queue_size(WORKER_QUEUE)
            .build()
    };
    match &config.service.webhook {
        Some(hook) => {
            let (inbox, updates) = tokio::sync::mpsc::channel(webhook::INBOX);
            // With Redis, updates go through the stream every replica reads; without, to this
            // process alone.
            let stream = match &config.redis_url {
                Some(url) => {
                    Some(stream::Stream::open(url, me.id.0, config.service.claim_idle).await?)
                }
                None => None,
            };
            let queue = match &stream {
                Some(stream) => {
                    state.repeats.turn_off();
                    state.pacing.share(Arc::clone(stream));
                    let consuming = Arc::clone(stream).consume(inbox, state.shutdown.clone());
                    tokio::spawn(consuming);
                    service::Queue::Stream(Arc::clone(stream))
                }
                None => service::Queue::Inbox(inbox),
            };
            let service = service::Service::webhook(Arc::clone(&state), hook.secret.clone(), queue);
            let listener = service::bind(hook.listen).await?;
            let router = service::router(Arc::clone(&service), hook.url.path());
            tokio::spawn(service::serve(listener, router, state.shutdown.clone()));
            service::announce(hook.listen, true);
            register_webhook(&bot, hook, secrets).await?;
            service.registered();
            if stream.is_none() {
                info!(
                    "webhook mode without REDIS_URL: updates are handled in this process only (run one replica)"
                );
            }
            let schema = match &stream {
                Some(stream) => stream::acknowledged(schema(), Arc::clone(stream)),
                None => schema(),
            };
            let listener = webhook::listener(updates, stream, Arc::clone(&state));
            dispatch(dispatcher(schema), listener, &state, secrets, config).await
        }
        None => {
            if let Some(address) = config.service.metrics_listen {
                let listener = service::bind(address).await?;
                let router = service::router(service::Service::polling(Arc::clone(&state)), "/");
                tokio::spawn(service::serve(listener, router, state.shutdown.clone()));
                service::announce(address, false);
            }
            if config.service.webhook_unused {
                warn!(
                    "ARTICLE_QA_WEBHOOK_URL is set, but without --webhook the bot polls: polling deletes the webhook, so replicas in webhook mode stop getting updates"
                );
            }
            delete_webhook(&bot, secrets).await;
            let listener = listen::listener(bot.clone(), POLL_TIMEOUT, Arc::clone(&state));
            dispatch(dispatcher(schema()), listener, &state, secrets, config).await
        }
    }
}

/// Registers the command menu with `setMyCommands` once per language: English for everyone
/// (no `language_code`), and each other language for users whose app is set to it. A menu
/// Telegram refuses is logged and the bot goes on.
async fn register_menus(bot: &Bot, secrets: &Secrets) {
    for lang in Lang::ALL {
        let mut request = bot.set_my_commands(menu(lang));
        if lang != Lang::En {
            request = request.language_code(lang.code());
        }
        if let Err(e) = request.await {
            warn!(
                "could not register the command menu ({}): {}",
                lang.code(),
                secrets.scrub(&e.to_string())
            );
        }
    }
}

/// The update kinds the bot handles: what `setWebhook` asks Telegram for.
const ALLOWED_UPDATES: [AllowedUpdate; 4] = [
    AllowedUpdate::Message,
    AllowedUpdate::EditedMessage,
    AllowedUpdate::CallbackQuery,
    AllowedUpdate::InlineQuery,
];

/// Calls `setWebhook` with the URL, the secret, the update kinds handled and
/// `max_connections`. Errors: Telegram refuses it (one line, never the secret or token).
async fn register_webhook(
    bot: &Bot,
    hook: &crate::app::config::Webhook,
    secrets: &Secrets,
) -> Result<()> {
    bot.set_webhook(hook.url.clone())
        .secret_token(hook.secret.expose().to_string())
        .allowed_updates(ALLOWED_UPDATES)
        .max_connections(hook.max_connections)
        .await
        .map_err(|e| {
            anyhow::anyhow!(
                "Telegram refused the webhook {}: {}",
                hook.url,
                secrets.scrub(&shown(&e))
            )
        })?;
    info!("webhook registered: Telegram posts updates to {}", hook.url);
    Ok(())
}

/// Runs the dispatcher on `listener` until it stops (Ctrl-C, SIGTERM, a fatal polling
/// error); then the dispatcher finishes the updates it holds.
async fn dispatch<L>(
    mut dispatcher: Dispatcher<Bot, send::HandlerError, teloxide::dispatching::DefaultKey>,
    mut listener: L,
    state: &State,
    secrets: &Secrets,
    config: &Config,
) -> Result<()>
where
    L: UpdateListener<Err = listen::PollError> + Send,
{
    // Stopping the listener (not the dispatcher's shutdown token, whose wake-up can be missed
    // while an update is being handled) ends getting updates, then the dispatcher finishes its
    // work; the shutdown signal makes replies still waiting give up.
    let stop = listener.stop_token();
    tokio::spawn(stop_on_signals(stop.clone(), state.shutdown.clone()));
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

/// The Bot API client: the token, teloxide's long-polling HTTP settings and the API URL (in
/// Telegram's test environment, the loopback proxy in front of it).
async fn client(token: &BotToken, config: &Config) -> Result<Bot> {
    let http = teloxide::net::default_reqwest_settings()
        .build()
        .context("cannot set up the HTTP client")?;
    let bot = Bot::with_client(token.expose(), http);
    let api = match &config.api_url {
        Some(url) => url.clone(),
        None => bot.api_url(),
    };
    Ok(match config.service.test_env {
        true => bot.set_api_url(test_env::start(api).await?),
        false => bot.set_api_url(api),
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

/// A request error as one log line that holds no message text: an answer teloxide could not
/// read is named by where reading failed (teloxide's own text quotes the whole answer), a
/// network error without its URL (which holds the token).
pub(super) fn shown(error: &RequestError) -> String {
    match error {
        RequestError::InvalidJson { source, .. } => format!(
            "the Bot API's answer could not be read ({:?} error at line {} column {})",
            source.classify(),
            source.line(),
            source.column()
        ),
        RequestError::Network(e) => format!("a network error: {}", e_without_url(e)),
        other => other.to_string(),
    }
}

/// One line a person can act on, never holding the token (reqwest errors print the URL).
fn describe(error: &RequestError, config: &Config) -> String {
    let api = config
        .api_url
        .as_ref()
        .map_or("https://api.telegram.org".to_string(), |u| u.to_string());
    match error {
        // teloxide reads 404 Not Found as a bad token too: with an API URL of one's own, a
        // wrong path is as likely.
        RequestError::Api(ApiError::InvalidToken) if config.api_url.is_some() => format!(
            "the Bot API at {api} rejected the bot token (401 Unauthorized), or that is not a Bot API server's root (404 Not Found): check TELOXIDE_TOKEN and TELOXIDE_API_URL"
        ),
        RequestError::Api(ApiError::InvalidToken) => {
            "Telegram rejected the bot token (401 Unauthorized): check TELOXIDE_TOKEN, or get a new token from @BotFather".into()
        }
        e if listen::conflict(e).is_some() => {
            "another instance of this bot is already polling with the same token (409 Conflict): stop it first".into()
        }
        RequestError::Network(e) => {
            let e = e.as_ref();
            let what = if e.is_timeout() { "timed out" } else if e.is_connect() { "connection failed" } else { "request failed" };
            format!("cannot reach the Bot API at {api}: {what} ({})", e_without_url(e))
        }
        other => format!(
            "the Bot API at {api} answered with an error: {}",
            shown(other)
        ),
    }
}

/// A reqwest error's text with its URL (which holds the token) left out, and its causes.
pub(super) fn e_without_url(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    if let Some(url) = error.url() {
        // The URL holds the token; the API's address is already in the message.
        text = text
            .replace(&format!(" for url ({url})"), "")
            .replace(url.as_str(), "the Bot API");
    }
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        text = format!("{text}: {inner}");
        source = inner.source();
    }
    text
}

/// Logs handler errors with secrets scrubbed.
struct LogErrors(Secrets);

impl ErrorHandler<send::HandlerError> for LogErrors {
    fn handle_error(
        self: Arc<Self>,
        error: send::HandlerError,
    ) -> futures::future::BoxFuture<'static, ()> {
        warn!("{}", self.0.scrub(&error.to_string()));
        Box::pin(async {})
    }
}

/// Handles long-polling errors: a passing failure is logged (polling retries with
/// back-off); a fatal one (a revoked token, another instance, a webhook) stops the bot with
/// that reason.
struct ListenerErrors {
    secrets: Secrets,
    stop: StopToken,
    fatal: Mutex<Option<String>>,
}

impl ErrorHandler<listen::PollError> for ListenerErrors {
    fn handle_error(
        self: Arc<Self>,
        error: listen::PollError,
    ) -> futures::future::BoxFuture<'static, ()> {
        match error {
            listen::PollError::Fatal(reason) => {
                if let Ok(mut slot) = self.fatal.lock()
                    && slot.is_none()
                {
                    *slot = Some(reason);
                    self.stop.stop();
                }
            }
            passing => warn!("{}", self.secrets.scrub(&passing.to_string())),
        }
        Box::pin(async {})
    }
}

/// Deletes a webhook left set for the bot (long polling is refused while one is).
async fn delete_webhook(bot: &Bot, secrets: &Secrets) {
    let set = match bot.get_webhook_info().await {
        Ok(info) => info.url.is_some(),
        Err(e) => {
            warn!(
                "could not check for a webhook: {}",
                secrets.scrub(&e.to_string())
            );
            return;
        }
    };
    if set && let Err(e) = bot.delete_webhook().await {
        warn!(
            "could not delete the webhook: {}",
            secrets.scrub(&e.to_string())
        );
    }
}

/// Stops polling on Ctrl-C, or on SIGTERM as systemd and container runtimes send it, and
/// signals the shutdown to replies still waiting.
async fn stop_on_signals(stop: StopToken, shutdown: tokio_util::sync::CancellationToken) {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    tokio::select! {
        () = ctrl_c => info!("Ctrl-C received, stopping"),
        () = sigterm() => info!("SIGTERM received, stopping"),
    }
    shutdown.cancel();
    stop.stop();
}

/// Resolves on SIGTERM (never where there is none).
async fn sigterm() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate())
            && term.recv().await.is_some()
        {
            return;
        }
    }
    std::future::pending::<()>().await;
}
