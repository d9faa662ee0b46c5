//! Webhook mode's update listener: updates that the HTTP side ([`super::service`]) accepted,
//! or that the Redis stream ([`super::stream`]) delivered, arrive on a channel and are taken
//! in as polled ones are (counted, old ones skipped, an unreadable one logged by id, kind and
//! position, a flooding chat's dropped). A stream entry is acknowledged at once when its
//! update is dropped, else once its handler is done. Stopping the listener signals the bot's
//! shutdown, as polling does.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use futures::Stream as Updates;
use teloxide::stop::{StopFlag, StopToken, mk_stop_token};
use teloxide::types::Update;
use teloxide::update_listeners::{StatefulListener, UpdateListener};
use tokio::sync::mpsc;

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
    /// The next update to handle, or `None` once stopped.
    async fn next(&mut self) -> Option<Update> {
        loop {
            let incoming = tokio::select! {
                incoming = self.updates.recv() => incoming,
                () = &mut self.flag => None,
            };
            let Some(Incoming { value, entry }) = incoming else {
                self.state.shutdown.cancel();
                return None;
            };
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            let taken = take_in(&self.state, value, now);
            match (taken, entry, &self.stream) {
                (Taken::Ready(update), Some(entry), Some(stream)) => {
                    stream.took(i64::from(update.id.0), entry);
                    return Some(*update);
                }
                (Taken::Ready(update), _, _) => return Some(*update),
                (_, Some(entry), Some(stream)) => {
                    let stream = Arc::clone(stream);
                    tokio::spawn(async move { stream.ack(&entry).await });
                }
                _ => {}
            }
        }
    }
}
