//! Webhook mode's update listener: updates that the HTTP side ([`super::service`]) accepted,
//! or that the Redis stream ([`super::stream`]) delivered, arrive on a channel and are taken
//! in as polled ones are (counted, old ones skipped, an unreadable one logged by id, kind and
//! position, a flooding chat's dropped, one delivered again skipped). A stream entry is acknowledged at once when its
//! update is dropped, else once its handler is done. Stopping the listener signals the bot's
//! shutdown, as polling does; the updates already accepted are still handed on first.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use futures::Stream as Updates;
use serde_json::Value;
use teloxide::stop::{StopFlag, StopToken, mk_stop_token};
use teloxide::types::Update;
use teloxide::update_listeners::{StatefulListener, UpdateListener};
use tokio::sync::mpsc;
use tracing::info;

use super::listen::{PollError, Taken, take_in};
use super::state::State;
use super::stream::{Incoming, Stream};

/// How many accepted updates may wait for the dispatcher; past it the webhook answers 503
/// and Telegram sends the update again later.
pub const INBOX: usize = 1024;

/// The listener's state.
pub struct Inbox {
    updates: mpsc::Receiver<Incoming>,
    stream: Option<Arc<Stream>>,
    token: StopToken,
    flag: StopFlag,
    /// The bot is stopping: the updates already queued are handed on, then the stream ends.
    stopping: bool,
    /// Messages skipped as too old since the last line about them, and when that was.
    old: usize,
    old_logged: Option<Instant>,
    state: Arc<State>,
}

/// A listener over `updates`, the bodies the webhook accepted or `stream` delivered.
pub fn listener(
    updates: mpsc::Receiver<Incoming>,
    stream: Option<Arc<Stream>>,
    state: Arc<State>,
) -> impl UpdateListener<Err = PollError> + Send + 'static {
    let (token, flag) = mk_stop_token();
    let inbox = Inbox {
        updates,
        stream,
        token,
        flag,
        stopping: false,
        old: 0,
        old_logged: None,
        state,
    };
    StatefulListener::new(inbox, updates_of, |inbox: &mut Inbox| inbox.token.clone())
}

fn updates_of(inbox: &mut Inbox) -> impl Updates<Item = Result<Update, PollError>> + Send + '_ {
    futures::stream::unfold(inbox, |inbox| async move {
        let next = inbox.next().await?;
        Some((Ok(next), inbox))
    })
}

impl Inbox {
    /// Counts a message skipped as too old, logging how many at most once a minute.
    fn skipped_old(&mut self) {
        self.old += 1;
        if self
            .old_logged
            .is_none_or(|at| at.elapsed() >= Duration::from_secs(60))
        {
            info!(
                "skipped {} message(s) older than {} min (sent while the bot was not running)",
                self.old,
                self.state.max_update_age.map_or(0, |d| d.as_secs() / 60)
            );
            self.old = 0;
            self.old_logged = Some(Instant::now());
        }
    }

    /// The next update to handle, or `None` once stopped.
    async fn next(&mut self) -> Option<Update> {
        loop {
            let incoming = match self.stopping {
                // Stopping: what was accepted before is still handled, nothing new comes in.
                true => self.updates.recv().await,
                false => tokio::select! {
                    incoming = self.updates.recv() => incoming,
                    () = &mut self.flag => {
                        self.stopping = true;
                        self.state.shutdown.cancel();
                        self.updates.close();
                        continue;
                    }
                },
            };
            let Some(Incoming { value, entry }) = incoming else {
                self.state.shutdown.cancel();
                return None;
            };
            // Telegram sends an update again when its 200 was lost; the Redis stream keeps
            // its own record of what was answered, across replicas.
            let id = value.get("update_id").and_then(Value::as_i64);
            let id = id.and_then(|id| i32::try_from(id).ok());
            if self.stream.is_none() && id.is_some_and(|id| !self.state.first_delivery(id)) {
                info!("update {id:?} delivered again; skipped");
                continue;
            }
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            let taken = take_in(&self.state, value, now);
            let stream = self.stream.clone();
            match (taken, entry, &stream) {
                (Taken::Ready(update), Some(entry), Some(stream)) => {
                    stream.took(i64::from(update.id.0), entry);
                    return Some(*update);
                }
                (Taken::Ready(update), _, _) => return Some(*update),
                (taken, entry, stream) => {
                    if matches!(taken, Taken::Old) {
                        self.skipped_old();
                    }
                    if let (Some(entry), Some(stream)) = (entry, stream) {
                        let stream = Arc::clone(stream);
                        tokio::spawn(async move { stream.ack(&entry).await });
                    }
                }
            }
        }
    }
}
