//! Telegram's test environment, which serves the Bot API at `/bot<token>/test/<method>`.
//! teloxide builds every URL as `<api>/bot<token>/<method>` and has no switch for it
//! (teloxide issue #1039), so, as its maintainers suggest, a reverse proxy on loopback in this
//! process takes the bot's calls and forwards each to the test path of the real API URL,
//! answering with Telegram's status and body unchanged.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context as _, Result};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State as Shared};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use tracing::{info, warn};

/// How long one forwarded call may take (above the long poll's wait and the client's own
/// timeout).
const FORWARD_TIMEOUT: Duration = Duration::from_secs(60);

/// Where calls are forwarded.
#[derive(Clone)]
struct Upstream {
    api: url::Url,
    client: reqwest::Client,
}

/// Starts the proxy in front of `api` (the official Bot API, or `TELOXIDE_API_URL`) for as
/// long as the process runs; returns the URL to give the bot instead.
///
/// Errors: no loopback port can be bound, or the HTTP client cannot be set up.
pub async fn start(api: url::Url) -> Result<url::Url> {
    let client = reqwest::Client::builder()
        .timeout(FORWARD_TIMEOUT)
        .build()
        .context("cannot set up the HTTP client for the test environment")?;
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .context("cannot listen on loopback for the test environment")?;
    let address = listener
        .local_addr()
        .context("cannot listen on loopback for the test environment")?;
    let router = Router::new()
        .route("/{bot}/{method}", post(forward))
        .with_state(Upstream { api, client });
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    info!("Telegram's test environment: every Bot API call goes to /bot<token>/test/<method>");
    url::Url::parse(&format!("http://{address}")).context("the proxy's own URL")
}

/// One Bot API call, forwarded to `<api>/<bot>/test/<method>`.
async fn forward(
    Shared(upstream): Shared<Upstream>,
    Path((bot, method)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut url = upstream.api.clone();
    match url.path_segments_mut() {
        Ok(mut segments) => {
            segments
                .pop_if_empty()
                .extend([bot.as_str(), "test", method.as_str()]);
        }
        Err(()) => return StatusCode::BAD_GATEWAY.into_response(),
    }
    let mut request = upstream.client.post(url).body(body);
    if let Some(kind) = headers.get(header::CONTENT_TYPE) {
        request = request.header(header::CONTENT_TYPE, kind);
    }
    let answer = match request.send().await {
        Ok(answer) => answer,
        Err(e) => return unreachable(e),
    };
    let status = answer.status();
    let kind = answer.headers().get(header::CONTENT_TYPE).cloned();
    let body = match answer.bytes().await {
        Ok(body) => body,
        Err(e) => return unreachable(e),
    };
    let mut response = (status, body).into_response();
    if let Some(kind) = kind {
        response.headers_mut().insert(header::CONTENT_TYPE, kind);
    }
    response
}

/// The answer when the test environment could not be reached: logged (without the URL, which
/// holds the token), and a Bot API error the bot's client reads and retries like any other.
fn unreachable(error: reqwest::Error) -> Response {
    let why = super::e_without_url(&error.without_url());
    warn!("Telegram's test environment could not be reached: {why}");
    let body = serde_json::json!({
        "ok": false,
        "error_code": 502,
        "description": format!("Bad Gateway: the test environment could not be reached ({why})"),
    });
    (StatusCode::BAD_GATEWAY, axum::Json(body)).into_response()
}
