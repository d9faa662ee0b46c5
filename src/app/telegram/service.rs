//! The bot's HTTP side (axum): in webhook mode the path Telegram posts updates to, and in
//! both modes `GET /healthz` (the process is up), `GET /readyz` (articles loaded, Redis
//! reachable when configured, webhook registered in webhook mode) and `GET /metrics`
//! (Prometheus text format, [`super::metrics`]).
//!
//! An update must carry `X-Telegram-Bot-Api-Secret-Token` equal to the configured secret
//! (compared in constant time), or it gets 401 and nothing is read further; a body over
//! [`MAX_UPDATE_BYTES`] gets 413 before it is read whole; a body that is not an update (a
//! JSON object with an `update_id`) gets 400 and a log line naming where reading failed,
//! never its content. An accepted update is answered 200 once it is queued: in this process,
//! or with Redis once the stream has it ([`super::stream`]); when it cannot be, 503, and
//! Telegram sends it again.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context as _, Result};
use axum::Router;
use axum::extract::{Request, State as Shared};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use serde_json::Value;
use subtle::ConstantTimeEq as _;
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tracing::{debug, info, warn};

use super::metrics;
use super::state::State;
use super::stream::{Incoming, Stream};
use crate::app::config::WebhookSecret;

/// The largest update body read (Telegram's updates are a few kilobytes; a message holds at
/// most 4,096 characters).
pub const MAX_UPDATE_BYTES: usize = 1024 * 1024;
/// The header Telegram sends the webhook secret in.
pub const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";

/// What the HTTP handlers share.
pub struct Service {
    state: Arc<State>,
    webhook: Option<Webhook>,
    /// Set once `setWebhook` succeeded (always set in polling mode).
    registered: AtomicBool,
}

/// Webhook mode's half of the service.
struct Webhook {
    secret: WebhookSecret,
    queue: Queue,
}

/// Where accepted updates go.
pub enum Queue {
    /// To this process's listener.
    Inbox(mpsc::Sender<Incoming>),
    /// To the Redis stream all replicas read.
    Stream(Arc<Stream>),
}

impl Service {
    /// Health and metrics only (polling mode).
    pub fn polling(state: Arc<State>) -> Arc<Self> {
        Arc::new(Self {
            state,
            webhook: None,
            registered: AtomicBool::new(true),
        })
    }

    /// Health, metrics and the webhook, whose accepted updates go to `queue`.
    pub fn webhook(state: Arc<State>, secret: WebhookSecret, queue: Queue) -> Arc<Self> {
        Arc::new(Self {
            state,
            webhook: Some(Webhook { secret, queue }),
            registered: AtomicBool::new(false),
        })
    }

    /// `setWebhook` succeeded: `/readyz` may say ready.
    pub fn registered(&self) {
        self.registered.store(true, Ordering::Relaxed);
    }
}

/// The routes: `/healthz`, `/readyz`, `/metrics`, and `webhook_path` when the service has a
/// webhook.
pub fn router(service: Arc<Service>, webhook_path: &str) -> Router {
    let mut router = Router::new()
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(ready))
        .route("/metrics", get(metrics_text));
    if service.webhook.is_some() {
        router = router.route(webhook_path, post(receive));
    }
    router.with_state(service)
}

/// Binds `address`. Errors: the address is taken or may not be bound (one line naming it).
pub async fn bind(address: SocketAddr) -> Result<TcpListener> {
    TcpListener::bind(address)
        .await
        .with_context(|| format!("cannot listen on {address}"))
}

/// Serves `router` on `listener` until `shutdown` is cancelled (requests under way finish).
pub async fn serve(listener: TcpListener, router: Router, shutdown: CancellationToken) {
    let address = listener.local_addr().ok();
    let served = axum::serve(listener, router)
        .with_graceful_shutdown(async move { shutdown.cancelled().await })
        .await;
    if let Err(e) = served {
        warn!("the HTTP listener on {address:?} failed: {e}");
    }
}

/// `POST <webhook path>`: one update from Telegram. The secret is checked before the body is
/// read.
async fn receive(Shared(service): Shared<Arc<Service>>, request: Request) -> StatusCode {
    let Some(webhook) = &service.webhook else {
        return StatusCode::NOT_FOUND;
    };
    let presented = request
        .headers()
        .get(SECRET_HEADER)
        .map(|v| v.as_bytes())
        .unwrap_or_default();
    if !bool::from(presented.ct_eq(webhook.secret.expose().as_bytes())) {
        debug!("a webhook request without the right secret was refused (401)");
        return StatusCode::UNAUTHORIZED;
    }
    let Ok(body) = axum::body::to_bytes(request.into_body(), MAX_UPDATE_BYTES).await else {
        warn!("a webhook request was refused (413): its body is over {MAX_UPDATE_BYTES} bytes");
        return StatusCode::PAYLOAD_TOO_LARGE;
    };
    let value = match serde_json::from_slice::<Value>(&body) {
        Ok(value) if value.get("update_id").is_some_and(Value::is_i64) => value,
        Ok(_) => {
            warn!("a webhook request was refused (400): its body is JSON but not an update");
            return StatusCode::BAD_REQUEST;
        }
        Err(e) => {
            warn!(
                "a webhook request was refused (400): its body is not JSON ({:?} error at line {} column {})",
                e.classify(),
                e.line(),
                e.column()
            );
            return StatusCode::BAD_REQUEST;
        }
    };
    match &webhook.queue {
        Queue::Stream(stream) => match stream.append(&body).await {
            Ok(()) => StatusCode::OK,
            // Logged (once a minute) by the stream; Telegram resends.
            Err(_) => StatusCode::SERVICE_UNAVAILABLE,
        },
        Queue::Inbox(inbox) => match inbox.try_send(Incoming { value, entry: None }) {
            Ok(()) => StatusCode::OK,
            Err(mpsc::error::TrySendError::Full(_)) => {
                warn!(
                    "updates are coming faster than they are handled; Telegram will resend (503)"
                );
                StatusCode::SERVICE_UNAVAILABLE
            }
            Err(mpsc::error::TrySendError::Closed(_)) => StatusCode::SERVICE_UNAVAILABLE,
        },
    }
}

/// `GET /readyz`: 200 `ready`, or 503 with what is not ready, one item a line.
async fn ready(Shared(service): Shared<Arc<Service>>) -> impl IntoResponse {
    let mut missing = Vec::new();
    if service.state.engine().corpus().articles.is_empty() {
        missing.push("no articles loaded");
    }
    if !service.state.contexts.reachable().await {
        missing.push("Redis is not reachable");
    }
    if !service.registered.load(Ordering::Relaxed) {
        missing.push("the webhook is not registered with Telegram yet");
    }
    if missing.is_empty() {
        (StatusCode::OK, "ready\n".to_string())
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, missing.join("\n") + "\n")
    }
}

/// `GET /metrics`.
async fn metrics_text() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, metrics::CONTENT_TYPE)],
        metrics::render(),
    )
}

/// Logs where the service listens.
pub fn announce(address: SocketAddr, webhook: bool) {
    match webhook {
        true => info!("webhook, /healthz, /readyz and /metrics listening on {address}"),
        false => info!("/healthz, /readyz and /metrics listening on {address}"),
    }
}
