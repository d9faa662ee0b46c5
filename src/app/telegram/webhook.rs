//! Webhook mode's update listener: updates that the HTTP side ([`super::service`]) accepted
//! arrive on a channel and are taken in as polled ones are (counted, old ones skipped, an
//! unreadable one logged by id, kind and position, a flooding chat's dropped). Stopping the
//! listener signals the bot's shutdown, as polling does.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use futures::Stream;
use serde_json::Value;
use teloxide::stop::{StopFlag, StopToken, mk_stop_token};
use teloxide::types::Update;
use teloxide::update_listeners::{StatefulListener, UpdateListener};
use tokio::sync::mpsc;

use super::listen::{PollError, Taken, take_in};
use super::state::State;

/// How many accepted updates may wait for the dispatcher; past it the webhook answers 503
/// and Telegram sends the update again later.
pub const INBOX: usize = 1024;

/// The listener's state.
pub struct Inbox {
    updates: mpsc::Receiver<Value>,
    token: StopToken,
    flag: StopFlag,
    state: Arc<State>,
}

/// A listener over `updates`, the bodies the webhook accepted.
pub fn listener(
    updates: mpsc::Receiver<Value>,
    state: Arc<State>,
) -> impl UpdateListener<Err = PollError> + Send + 'static {
    let (token, flag) = mk_stop_token();
    let inbox = Inbox {
        updates,
        token,
        flag,
        state,
    };
    StatefulListener::new(inbox, stream, |inbox: &mut Inbox| inbox.token.clone())
}

fn stream(inbox: &mut Inbox) -> impl Stream<Item = Result<Update, PollError>> + Send + '_ {
    futures::stream::unfold(inbox, |inbox| async move {
        let next = inbox.next().await?;
        Some((Ok(next), inbox))
    })
}

impl Inbox {
    /// The next update to handle, or `None` once stopped.
    async fn next(&mut self) -> Option<Update> {
        loop {
            let value = tokio::select! {
                value = self.updates.recv() => value,
                () = &mut self.flag => None,
            };
            let Some(value) = value else {
                self.state.shutdown.cancel();
                return None;
            };
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            if let Taken::Ready(update) = take_in(&self.state, value, now) {
                return Some(*update);
            }
        }
    }
}
