//! At-least-once delivery across replicas on a Redis stream (webhook mode with `REDIS_URL`).
//!
//! The webhook appends each update it accepts to the bot's stream,
//! `article-qa:<bot id>:updates` (`XADD`, capped near [`MAX_LEN`] entries), and answers
//! Telegram 200 only once Redis has it. Every replica reads the stream in the consumer group
//! [`GROUP`] (`XREADGROUP`), handles what it read, and acknowledges each entry (`XACK`) after
//! its reply was sent (or the update was dropped as old, unreadable or flooding). A reply
//! given up (Telegram kept refusing, or the bot is stopping) is not acknowledged, so it is
//! taken up again. Entries a replica read and never acknowledged — it died — are claimed by
//! another after the configured idle time (`XAUTOCLAIM`), checked every half of it; a live
//! replica renews its own entries' idle time as often (`XCLAIM … JUSTID`), so a long queue
//! is not taken from it. So that a claimed update is not answered twice, a reply's first
//! message records the update as answered (`SET article-qa:<bot id>:answered:<update id>
//! NX`, kept a day) just before it is sent, and is not sent when another replica recorded it
//! first.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};
use redis::aio::MultiplexedConnection;
use redis::streams::{StreamAutoClaimReply, StreamId, StreamPendingReply, StreamReadReply};
use redis::{Cmd, FromRedisValue, RedisError};
use serde_json::Value;
use teloxide::dispatching::UpdateHandler;
use teloxide::dptree;
use teloxide::types::Update;
use tokio::sync::{OnceCell, mpsc};
use tokio_util::sync::CancellationToken;
use tracing::{debug, info, warn};

use super::metrics;
use super::send::HandlerError;

/// The consumer group every replica reads in.
pub const GROUP: &str = "article-qa";
/// About how many entries the stream keeps (`MAXLEN ~`); acknowledged ones are not needed.
pub const MAX_LEN: u32 = 100_000;
/// How long an update stays recorded as answered.
pub const ANSWERED_SECONDS: u64 = 24 * 60 * 60;
/// Messages all replicas together send in any second (Telegram allows about 30).
pub const SHARED_PER_SECOND: u32 = 25;
/// Messages all replicas together send to one group in any minute (Telegram allows 20).
pub const SHARED_PER_MINUTE_TO_GROUP: u32 = 20;
/// Takes a place in a sliding window: KEYS[1] a sorted set of send times; ARGV now (ms),
/// span (ms), limit, a unique member. Returns 0 when taken, else the milliseconds until the
/// oldest place frees.
const TAKE_WINDOW: &str = r"
local now, span, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - span)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], span)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + span - now)
";
/// The entry field holding the update's JSON.
const FIELD: &str = "update";
/// Most entries read or claimed at once.
const BATCH: usize = 100;
/// Most entries one claim cycle takes over (the rest in the next cycle).
const MAX_CLAIMED: usize = 1000;
/// How long one `XREADGROUP` waits for new entries.
const BLOCK: Duration = Duration::from_secs(1);
/// The longest any other Redis command may take.
const TIMEOUT: Duration = Duration::from_secs(2);
/// The pause after a failed read before trying again.
const RETRY: Duration = Duration::from_secs(1);

/// An update handed to the webhook listener: its JSON, and its stream entry when it came
/// through Redis.
pub struct Incoming {
    /// The update as Telegram posted it.
    pub value: Value,
    /// The stream entry id, to acknowledge once handled.
    pub entry: Option<String>,
}

/// One replica's side of the stream.
pub struct Stream {
    client: redis::Client,
    /// The bot's stream: `article-qa:<bot id>:updates` (two bots on one Redis stay apart).
    key: String,
    /// The bot's answered-update keys' prefix.
    answered: String,
    /// The bot's sending-window keys' prefix (Telegram's limits, shared by the replicas).
    sending: String,
    /// Numbers this replica's messages in the sending windows.
    sent: std::sync::atomic::AtomicU64,
    /// For appending, acknowledging and recording (never blocked by a read).
    writer: tokio::sync::Mutex<Option<MultiplexedConnection>>,
    /// This replica's consumer name: host and process id.
    consumer: String,
    claim_idle: Duration,
    /// Entries read and not yet acknowledged, by update id (one update can be in the stream
    /// twice: posted again after a timeout).
    entries: Mutex<HashMap<i64, Vec<String>>>,
    /// Entries handed to the listener and not yet acknowledged: a claim that takes one of
    /// them back (it waited in this replica's queue past the claim time) does not deliver it
    /// twice.
    held: Mutex<HashSet<String>>,
    last_warning: Mutex<Option<Instant>>,
}

impl Stream {
    /// Connects to Redis at `url` and makes sure the stream and the group exist.
    ///
    /// Errors: not a Redis URL, Redis unreachable, or the group cannot be made (one line,
    /// never the URL's password).
    pub async fn open(url: &str, bot_id: u64, claim_idle: Duration) -> Result<Arc<Self>> {
        let client = redis::Client::open(url).context("REDIS_URL is not a Redis URL")?;
        let host = match std::env::var("HOSTNAME") {
            Ok(host) if !host.is_empty() => host,
            _ => tokio::fs::read_to_string("/etc/hostname")
                .await
                .unwrap_or_default(),
        };
        let mut tag = [0u8; 4];
        // Two replicas in one process (or with one host name) still get names of their own.
        let _ = getrandom::fill(&mut tag);
        let stream = Arc::new(Self {
            client,
            key: format!("article-qa:{bot_id}:updates"),
            answered: format!("article-qa:{bot_id}:answered:"),
            sending: format!("article-qa:{bot_id}:sending:"),
            sent: std::sync::atomic::AtomicU64::new(0),
            writer: tokio::sync::Mutex::new(None),
            consumer: format!(
                "{}-{}-{}",
                host.trim(),
                std::process::id(),
                hex::encode(tag)
            ),
            claim_idle,
            entries: Mutex::new(HashMap::new()),
            held: Mutex::new(HashSet::new()),
            last_warning: Mutex::new(None),
        });
        stream
            .create_group()
            .await
            .map_err(|e| anyhow::anyhow!("cannot set up the Redis stream {}: {e}", stream.key))?;
        info!(
            "updates go through the Redis stream {} (group {GROUP}, consumer {}); an update a replica leaves unacknowledged is claimed after {}s",
            stream.key,
            stream.consumer,
            claim_idle.as_secs()
        );
        Ok(stream)
    }

    /// Makes the stream and the group, reading from the stream's start, unless they exist
    /// (also after Redis lost them, as a restart without persistence does).
    async fn create_group(&self) -> Result<(), RedisError> {
        let create = redis::cmd("XGROUP")
            .arg("CREATE")
            .arg(&self.key)
            .arg(GROUP)
            .arg("0")
            .arg("MKSTREAM")
            .clone();
        match self.run::<()>(create).await {
            Err(e) if e.code() != Some("BUSYGROUP") => Err(e),
            _ => Ok(()),
        }
    }

    /// Runs one command on the writing connection, with a timeout; on failure the
    /// connection is dropped (made again next time) and the failure counted.
    async fn run<T: FromRedisValue>(&self, command: Cmd) -> Result<T, RedisError> {
        let mut slot = self.writer.lock().await;
        if slot.is_none() {
            let connecting = self.client.get_multiplexed_async_connection();
            match tokio::time::timeout(TIMEOUT, connecting).await {
                Ok(Ok(connection)) => *slot = Some(connection),
                Ok(Err(e)) => return Err(self.failed(e)),
                Err(_) => return Err(self.failed(timed_out())),
            }
        }
        let Some(mut connection) = slot.clone() else {
            return Err(self.failed(timed_out()));
        };
        drop(slot);
        let outcome =
            tokio::time::timeout(TIMEOUT, command.query_async::<T>(&mut connection)).await;
        match outcome {
            Ok(Ok(value)) => Ok(value),
            // Expected when the group exists.
            Ok(Err(e)) if e.code() == Some("BUSYGROUP") => Err(e),
            // Any other error (MISCONF, OOM, READONLY after a failover…) is counted and
            // logged, and the connection made again, as it may be to the wrong server.
            Ok(Err(e)) => {
                self.writer.lock().await.take();
                Err(self.failed(e))
            }
            Err(_) => {
                self.writer.lock().await.take();
                Err(self.failed(timed_out()))
            }
        }
    }

    /// Counts a Redis failure and logs it (at most once a minute).
    fn failed(&self, error: RedisError) -> RedisError {
        metrics::REDIS_ERRORS.inc();
        if let Ok(mut last) = self.last_warning.lock()
            && last.is_none_or(|at| at.elapsed() > Duration::from_secs(60))
        {
            *last = Some(Instant::now());
            warn!("the Redis stream failed: {}", error);
        }
        error
    }

    /// Appends an update's body (checked to be an update) to the stream.
    ///
    /// Errors: Redis did not take it (then the webhook answers 503 and Telegram resends).
    pub async fn append(&self, body: &[u8]) -> Result<(), RedisError> {
        let add = redis::cmd("XADD")
            .arg(&self.key)
            .arg("MAXLEN")
            .arg("~")
            .arg(MAX_LEN)
            .arg("*")
            .arg(FIELD)
            .arg(body)
            .clone();
        self.run::<String>(add).await.map(|_| ())
    }

    /// The listener took up the update with `update_id` from `entry`: acknowledge it when
    /// handled ([`Stream::done`]).
    pub fn took(&self, update_id: i64, entry: String) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.entry(update_id).or_default().push(entry);
        }
    }

    /// The entries of the update with `update_id`, forgotten.
    fn take_entries(&self, update_id: i64) -> Vec<String> {
        self.entries
            .lock()
            .ok()
            .and_then(|mut entries| entries.remove(&update_id))
            .unwrap_or_default()
    }

    /// The update with `update_id` was handled (or dropped): acknowledge its entries.
    pub async fn done(&self, update_id: i64) {
        for entry in self.take_entries(update_id) {
            self.ack(&entry).await;
        }
    }

    /// The reply to the update with `update_id` was given up before any of it went out: its
    /// record as answered is taken back and its entries stay pending, to be claimed again
    /// (by another replica, or by this one once the claim time has passed).
    async fn release(&self, update_id: i64, recorded: bool) {
        if recorded {
            let forget = redis::cmd("DEL")
                .arg(format!("{}{update_id}", self.answered))
                .clone();
            let _ = self.run::<i64>(forget).await;
        }
        let entries = self.take_entries(update_id);
        if let Ok(mut held) = self.held.lock() {
            for entry in &entries {
                held.remove(entry);
            }
        }
        info!("a reply was given up; its update stays in the stream to be answered later");
    }

    /// Acknowledges one entry (a failure leaves it pending, to be claimed and then found
    /// answered).
    pub async fn ack(&self, entry: &str) {
        let ack = redis::cmd("XACK")
            .arg(&self.key)
            .arg(GROUP)
            .arg(entry)
            .clone();
        match self.run::<i64>(ack).await {
            Ok(_) => {
                if let Ok(mut held) = self.held.lock() {
                    held.remove(entry);
                }
            }
            Err(e) => debug!("acknowledging a stream entry failed: {e}"),
        }
    }

    /// Records the update as answered, just before its reply goes out: true when this
    /// replica is the first (or Redis cannot say: better a reply twice than none), false
    /// when another replica answered it already.
    async fn first_answer(&self, update_id: i64) -> bool {
        let set = redis::cmd("SET")
            .arg(format!("{}{update_id}", self.answered))
            .arg(&self.consumer)
            .arg("NX")
            .arg("EX")
            .arg(ANSWERED_SECONDS)
            .clone();
        match self.run::<Option<String>>(set).await {
            Ok(set) => set.is_some(),
            Err(_) => true,
        }
    }

    /// Waits until Telegram's limits for the whole bot — all replicas together — let one more
    /// message go to `chat`: at most [`SHARED_PER_SECOND`] in any second in all and
    /// [`SHARED_PER_MINUTE_TO_GROUP`] in any minute to one group, each a sliding window kept
    /// in Redis (a sorted set of send times). When Redis fails it returns at once: each
    /// replica's own pacing still holds.
    pub async fn take_turn(&self, chat: i64) {
        self.take_window("all", Duration::from_secs(1), SHARED_PER_SECOND)
            .await;
        if chat < 0 {
            let window = format!("group:{chat}");
            self.take_window(&window, Duration::from_secs(60), SHARED_PER_MINUTE_TO_GROUP)
                .await;
        }
    }

    /// Takes a place in the sliding window `name` (`limit` per `span`), waiting as long as
    /// the window is full.
    async fn take_window(&self, name: &str, span: Duration, limit: u32) {
        let span_ms = u64::try_from(span.as_millis()).unwrap_or(u64::MAX);
        loop {
            let now_ms = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
            let member = format!(
                "{}-{}",
                self.consumer,
                self.sent.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            );
            let take = redis::cmd("EVAL")
                .arg(TAKE_WINDOW)
                .arg(1)
                .arg(format!("{}{name}", self.sending))
                .arg(now_ms)
                .arg(span_ms)
                .arg(limit)
                .arg(member)
                .clone();
            match self.run::<u64>(take).await {
                Ok(0) | Err(_) => return,
                Ok(wait_ms) => {
                    tokio::time::sleep(Duration::from_millis(wait_ms.clamp(1, span_ms))).await;
                }
            }
        }
    }

    /// Reads the stream until `shutdown`: claims entries left idle past the claim time (every
    /// half of it), reads new ones, and hands each to `inbox` in order. An entry that holds
    /// no update is acknowledged and dropped.
    pub async fn consume(
        self: Arc<Self>,
        inbox: mpsc::Sender<Incoming>,
        shutdown: CancellationToken,
    ) {
        let mut reader: Option<MultiplexedConnection> = None;
        let claim_every = (self.claim_idle / 2).max(Duration::from_millis(100));
        let mut last_claim: Option<Instant> = None;
        // Renewing runs on its own, so that it goes on while this loop waits for room in the
        // inbox.
        tokio::spawn(Arc::clone(&self).renew_until(claim_every, shutdown.clone()));
        while !shutdown.is_cancelled() {
            if reader.is_none() {
                let connecting = self.client.get_multiplexed_async_connection();
                match tokio::time::timeout(TIMEOUT, connecting).await {
                    Ok(Ok(mut connection)) => {
                        // A read waits up to BLOCK for entries (the client's own default
                        // gives up after half a second).
                        connection.set_response_timeout(BLOCK + TIMEOUT);
                        reader = Some(connection);
                    }
                    Ok(Err(e)) => {
                        self.failed(e);
                        pause(&shutdown).await;
                        continue;
                    }
                    Err(_) => {
                        self.failed(timed_out());
                        pause(&shutdown).await;
                        continue;
                    }
                }
            }
            let Some(connection) = reader.as_mut() else {
                continue;
            };
            let mut entries = Vec::new();
            if last_claim.is_none_or(|at| at.elapsed() >= claim_every) {
                last_claim = Some(Instant::now());
                match self.claim(connection).await {
                    Ok(claimed) => entries.extend(claimed),
                    Err(e) => {
                        self.read_failed(e, &mut reader, &shutdown).await;
                        continue;
                    }
                }
                self.count_pending(connection).await;
            }
            let read = tokio::select! {
                read = self.read(connection) => read,
                () = shutdown.cancelled() => break,
            };
            match read {
                Ok(read) => entries.extend(read),
                Err(e) => {
                    self.read_failed(e, &mut reader, &shutdown).await;
                    continue;
                }
            }
            for entry in entries {
                let new = self
                    .held
                    .lock()
                    .is_ok_and(|mut held| held.insert(entry.id.clone()));
                if !new {
                    continue;
                }
                let value = entry
                    .get::<String>(FIELD)
                    .and_then(|json| serde_json::from_str::<Value>(&json).ok());
                let Some(value) = value else {
                    warn!("a stream entry without an update was dropped");
                    self.ack(&entry.id).await;
                    continue;
                };
                let incoming = Incoming {
                    value,
                    entry: Some(entry.id),
                };
                if inbox.send(incoming).await.is_err() {
                    return;
                }
            }
        }
    }

    /// After a failed read or claim: the group made again when Redis lost it, else the
    /// reading connection dropped; then a pause.
    async fn read_failed(
        &self,
        error: RedisError,
        reader: &mut Option<MultiplexedConnection>,
        shutdown: &CancellationToken,
    ) {
        if error.code() == Some("NOGROUP") {
            warn!("the Redis stream or its group was gone (Redis restarted?); made again");
            if let Err(e) = self.create_group().await {
                self.failed(e);
            }
        } else {
            self.failed(error);
            *reader = None;
        }
        pause(shutdown).await;
    }

    /// Every `every` until `shutdown`, renews the idle time of the entries this replica
    /// holds, so that a queue longer than the claim time is not taken from a live replica.
    async fn renew_until(self: Arc<Self>, every: Duration, shutdown: CancellationToken) {
        loop {
            tokio::select! {
                () = tokio::time::sleep(every) => {}
                () = shutdown.cancelled() => return,
            }
            let held: Vec<String> = self
                .held
                .lock()
                .map(|held| held.iter().cloned().collect())
                .unwrap_or_default();
            for ids in held.chunks(BATCH) {
                let renew = redis::cmd("XCLAIM")
                    .arg(&self.key)
                    .arg(GROUP)
                    .arg(&self.consumer)
                    .arg(0)
                    .arg(ids)
                    .arg("JUSTID")
                    .clone();
                if self.run::<redis::Value>(renew).await.is_err() {
                    break;
                }
            }
        }
    }

    /// Entries other consumers left idle past the claim time, now this one's (all of them:
    /// the claim's cursor is followed to the stream's end).
    async fn claim(
        &self,
        connection: &mut MultiplexedConnection,
    ) -> Result<Vec<StreamId>, RedisError> {
        let idle = u64::try_from(self.claim_idle.as_millis()).unwrap_or(u64::MAX);
        let mut claimed = Vec::new();
        let mut cursor = "0-0".to_string();
        loop {
            let claim = redis::cmd("XAUTOCLAIM")
                .arg(&self.key)
                .arg(GROUP)
                .arg(&self.consumer)
                .arg(idle)
                .arg(&cursor)
                .arg("COUNT")
                .arg(BATCH)
                .clone();
            let reply = within(
                claim.query_async::<StreamAutoClaimReply>(connection),
                TIMEOUT,
            )
            .await?;
            claimed.extend(reply.claimed);
            if reply.next_stream_id == "0-0" || claimed.len() >= MAX_CLAIMED {
                break;
            }
            cursor = reply.next_stream_id;
        }
        if !claimed.is_empty() {
            info!(
                "claimed {} update(s) another replica left unanswered",
                claimed.len()
            );
        }
        Ok(claimed)
    }

    /// New entries for this consumer, waiting up to [`BLOCK`] for some.
    async fn read(
        &self,
        connection: &mut MultiplexedConnection,
    ) -> Result<Vec<StreamId>, RedisError> {
        let block = u64::try_from(BLOCK.as_millis()).unwrap_or(1000);
        let read = redis::cmd("XREADGROUP")
            .arg("GROUP")
            .arg(GROUP)
            .arg(&self.consumer)
            .arg("COUNT")
            .arg(BATCH)
            .arg("BLOCK")
            .arg(block)
            .arg("STREAMS")
            .arg(&self.key)
            .arg(">")
            .clone();
        let reply = within(
            read.query_async::<Option<StreamReadReply>>(connection),
            BLOCK + TIMEOUT,
        )
        .await?;
        Ok(reply
            .map(|r| r.keys.into_iter().flat_map(|k| k.ids).collect())
            .unwrap_or_default())
    }

    /// Updates the pending gauge (entries read by some replica and not acknowledged).
    async fn count_pending(&self, connection: &mut MultiplexedConnection) {
        let pending = redis::cmd("XPENDING").arg(&self.key).arg(GROUP).clone();
        if let Ok(reply) = within(
            pending.query_async::<StreamPendingReply>(connection),
            TIMEOUT,
        )
        .await
        {
            metrics::PENDING.set(i64::try_from(reply.count()).unwrap_or(i64::MAX));
        }
    }
}

/// Waits for `future` at most `limit`; a timeout is an I/O error.
async fn within<T>(
    future: impl std::future::Future<Output = Result<T, RedisError>>,
    limit: Duration,
) -> Result<T, RedisError> {
    tokio::time::timeout(limit, future)
        .await
        .unwrap_or_else(|_| Err(timed_out()))
}

fn timed_out() -> RedisError {
    RedisError::from(std::io::Error::new(
        std::io::ErrorKind::TimedOut,
        "Redis did not answer in time",
    ))
}

/// Waits [`RETRY`] or until `shutdown`.
async fn pause(shutdown: &CancellationToken) {
    tokio::select! {
        () = tokio::time::sleep(RETRY) => {}
        () = shutdown.cancelled() => {}
    }
}

/// The update a handler is working on, in stream mode: whether its reply may go out is
/// decided once, at its first message.
pub struct Delivery {
    update_id: i64,
    stream: Arc<Stream>,
    first: OnceCell<bool>,
    /// Nothing of the reply went out.
    given_up: std::sync::atomic::AtomicBool,
}

tokio::task_local! {
    static DELIVERY: Arc<Delivery>;
}

/// Whether the reply being sent may go out: always, except in stream mode for an update
/// another replica answered already (its first message records the update as answered).
pub async fn may_send() -> bool {
    let Ok(delivery) = DELIVERY.try_with(Arc::clone) else {
        return true;
    };
    let first = delivery
        .first
        .get_or_init(|| delivery.stream.first_answer(delivery.update_id))
        .await;
    if !*first {
        info!("an update another replica already answered was not answered again");
    }
    *first
}

/// The reply being sent was given up before any of it went out (see [`Stream::release`]).
pub fn gave_up() {
    let _ = DELIVERY.try_with(|d| d.given_up.store(true, std::sync::atomic::Ordering::Relaxed));
}

/// `inner` run with each update's [`Delivery`] in scope, its stream entries acknowledged
/// once the handler is done — unless its reply was given up before any of it went out.
pub fn acknowledged(
    inner: UpdateHandler<HandlerError>,
    stream: Arc<Stream>,
) -> UpdateHandler<HandlerError> {
    let sig = inner.sig().clone();
    let description = inner.description().clone();
    dptree::from_fn_with_description(
        description,
        move |deps: dptree::di::DependencyMap, cont| {
            let inner = inner.clone();
            let stream = Arc::clone(&stream);
            async move {
                let Some(update) = deps.try_get::<Update>() else {
                    return inner.execute(deps, cont).await;
                };
                let update_id = i64::from(update.id.0);
                let delivery = Arc::new(Delivery {
                    update_id,
                    stream: Arc::clone(&stream),
                    first: OnceCell::new(),
                    given_up: std::sync::atomic::AtomicBool::new(false),
                });
                let outcome = DELIVERY
                    .scope(Arc::clone(&delivery), inner.execute(deps, cont))
                    .await;
                if delivery.given_up.load(std::sync::atomic::Ordering::Relaxed) {
                    let recorded = delivery.first.get().copied().unwrap_or(false);
                    stream.release(update_id, recorded).await;
                } else {
                    stream.done(update_id).await;
                }
                outcome
            }
        },
        sig,
    )
}
