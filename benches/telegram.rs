//! Criterion benchmark of the Telegram front end on loopback: 2,000 text updates from 50
//! chats (each chat asks, waits for the reply, asks again) through a fake Bot API, timed
//! until every reply has arrived, for article-qa and for a plain teloxide echo bot in the
//! same run. article-qa runs unpaced there (`Pace::Unlimited`): Telegram's pacing, about 20
//! messages a second in all, would be all the benchmark measured. Also prints reply latency
//! percentiles and the resident memory of the real `article-qa` binary, which paces its
//! replies as against Telegram, under a quarter of that load; and a soak of that binary with
//! its sentence model (the default): 20 questions a second from new chats for 30 s, each
//! reply's latency from its question's arrival at the fake server.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use teloxide::prelude::*;

#[path = "../tests/support/mod.rs"]
mod support;

use support::bot_process::{BotProcess, Launch};
use support::fake_telegram::{Chat, FakeTelegram, TOKEN};

const UPDATES: usize = 2000;
const CHATS: i64 = 50;

/// Runs one batch as 50 people chatting: each chat sends a question, waits for the reply,
/// then sends the next, until `updates` questions are answered. Returns the elapsed time and
/// each reply's latency (question pushed to reply received by the fake server).
fn batch(fake: &FakeTelegram, questions: &[String], updates: usize) -> (Duration, Vec<Duration>) {
    // Each batch has chats of its own: the bot answers a question repeated within seconds
    // once, and a chat's first question of one batch could repeat its last of the one before.
    static BATCHES: AtomicI64 = AtomicI64::new(0);
    let first = 1_000 + BATCHES.fetch_add(1, Ordering::Relaxed) * CHATS;
    let chats: Vec<Chat> = (1..=CHATS).map(|i| Chat::private(first + i)).collect();
    fake.clear_requests();
    let mut replies = Replies::new(fake);
    let mut pushed_at: std::collections::HashMap<i64, Instant> = std::collections::HashMap::new();
    let mut latencies = Vec::with_capacity(updates);
    let mut asked = 0;
    let start = Instant::now();
    let mut last_asked: std::collections::HashMap<i64, usize> = std::collections::HashMap::new();
    for chat in &chats {
        pushed_at.insert(chat.id, Instant::now());
        last_asked.insert(chat.id, asked % questions.len());
        fake.push_text(chat, &questions[asked % questions.len()]);
        asked += 1;
    }
    let deadline = start + Duration::from_secs(120);
    while latencies.len() < updates && Instant::now() < deadline {
        for (chat_id, latency) in replies.next(fake, &mut pushed_at) {
            latencies.push(latency);
            if asked < updates {
                let chat = chats.iter().find(|c| c.id == chat_id).unwrap();
                pushed_at.insert(chat_id, Instant::now());
                // Never the chat's last question again: the bot answers a question repeated
                // within seconds once, and the batch would wait for a reply that never comes.
                let last = last_asked.get(&chat_id).copied();
                let mut pick = asked % questions.len();
                if Some(pick) == last {
                    pick = (pick + 1) % questions.len();
                }
                last_asked.insert(chat_id, pick);
                fake.push_text(chat, &questions[pick]);
                asked += 1;
            }
        }
    }
    (start.elapsed(), latencies)
}

/// Reads the replies the fake server records, in order, a batch at a time.
struct Replies {
    /// `sendMessage` requests read so far.
    seen: usize,
    /// The fake's count of sent messages last waited for.
    signalled: usize,
}

impl Replies {
    /// A reader of the replies recorded from now on (after [`FakeTelegram::clear_requests`]).
    fn new(fake: &FakeTelegram) -> Self {
        let signalled = fake.wait_sent_count(usize::MAX, Duration::ZERO);
        Self { seen: 0, signalled }
    }

    /// Waits up to 100 ms for new replies; for each one to a chat in `pushed_at` (whose
    /// entry is removed), the chat and the time from its question's push to the reply.
    fn next(
        &mut self,
        fake: &FakeTelegram,
        pushed_at: &mut std::collections::HashMap<i64, Instant>,
    ) -> Vec<(i64, Duration)> {
        self.signalled = fake.wait_sent_count(self.signalled, Duration::from_millis(100));
        let replies = fake.requests_of("sendMessage", self.seen);
        self.seen += replies.len();
        (replies.into_iter())
            .filter_map(|reply| {
                let chat_id = reply.body["chat_id"].as_i64().unwrap_or_default();
                let pushed = pushed_at.remove(&chat_id)?;
                Some((chat_id, reply.at.saturating_duration_since(pushed)))
            })
            .collect()
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// Runs `future` forever on a runtime of its own in a background thread.
fn spawn_bot<F: std::future::Future<Output = ()> + Send + 'static>(
    make: impl FnOnce() -> F + Send + 'static,
) {
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(make());
    });
}

fn wait_polling(fake: &FakeTelegram) {
    fake.wait_for(Duration::from_secs(20), |r| r.method == "getUpdates")
        .expect("bot polls");
}

fn start_article_qa() -> FakeTelegram {
    let fake = FakeTelegram::start();
    support::in_process::spawn(&fake, None, Default::default());
    wait_polling(&fake);
    fake
}

fn start_echo_bot() -> FakeTelegram {
    let fake = FakeTelegram::start();
    let url = url::Url::parse(&fake.url()).unwrap();
    spawn_bot(move || async move {
        let bot = Bot::new(TOKEN).set_api_url(url);
        teloxide::repl(bot, |bot: Bot, msg: Message| async move {
            bot.send_message(msg.chat.id, msg.text().unwrap_or("?"))
                .await?;
            Ok(())
        })
        .await;
    });
    wait_polling(&fake);
    fake
}

fn benches(c: &mut Criterion) {
    let questions = support::dev_questions();
    let echo = start_echo_bot();
    let ours = start_article_qa();
    let latencies = criterion_batches(
        c,
        [("teloxide echo bot", &echo), ("article-qa", &ours)],
        &questions,
    );
    alternating_batches(&echo, &ours, &questions);
    for (name, lat) in &latencies {
        println!(
            "{name}: reply latency p50 {:.2} ms, p99 {:.2} ms over {} replies",
            percentile(lat, 0.50).as_secs_f64() * 1000.0,
            percentile(lat, 0.99).as_secs_f64() * 1000.0,
            lat.len()
        );
    }
    binary_memory(&questions);
    soak();
}

/// Questions a second in the soak, and for how long.
const SOAK_RATE: u32 = 20;
const SOAK_SECONDS: u32 = 30;

/// The soak: the real binary with the semantic stage on (its vectors cached in a folder of
/// its own first), sent [`SOAK_RATE`] questions a second for [`SOAK_SECONDS`] s at an even
/// pace, each from a chat of its own (open loop: a slow reply does not slow the questions)
/// and each different (SQuAD's questions, `tests/data/squad`), so every one is encoded, none
/// served from the bot's memo of question vectors. Prints the reply latency's p50, p99 and
/// maximum, and the binary's peak resident memory.
fn soak() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/squad/questions.jsonl");
    let text = std::fs::read_to_string(path).expect("SQuAD questions");
    let mut questions: Vec<String> = (text.lines())
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter_map(|item| Some(item["question"].as_str()?.trim().to_string()))
        .collect();
    questions.sort();
    questions.dedup();
    let cache = tempfile::tempdir().unwrap();
    let cache_dir = cache.path().display().to_string();
    let fake = FakeTelegram::start();
    let bot = BotProcess::launch(
        &fake,
        Launch {
            env: vec![
                ("ARTICLE_QA_LEXICAL".into(), "0".into()),
                ("ARTICLE_QA_CACHE".into(), cache_dir),
            ],
            ..Launch::default()
        },
    );
    fake.wait_for(Duration::from_secs(120), |r| r.method == "getUpdates")
        .expect("bot polls");
    fake.clear_requests();
    let mut replies = Replies::new(&fake);
    let total = (SOAK_RATE * SOAK_SECONDS) as usize;
    assert!(questions.len() >= total, "{} questions", questions.len());
    let gap = Duration::from_secs(1) / SOAK_RATE;
    let mut pushed_at = std::collections::HashMap::new();
    let start = Instant::now();
    for i in 0..total {
        let due = start + gap * i as u32;
        std::thread::sleep(due.saturating_duration_since(Instant::now()));
        let chat = Chat::private(900_000 + i as i64);
        pushed_at.insert(chat.id, Instant::now());
        fake.push_text(&chat, &questions[i % questions.len()]);
    }
    let mut latencies = Vec::with_capacity(total);
    let deadline = Instant::now() + Duration::from_secs(60);
    while latencies.len() < total && Instant::now() < deadline {
        let answered = replies.next(&fake, &mut pushed_at);
        latencies.extend(answered.into_iter().map(|(_, latency)| latency));
    }
    latencies.sort();
    let status =
        std::fs::read_to_string(format!("/proc/{}/status", bot_pid(&bot))).unwrap_or_default();
    let rss = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .unwrap_or("");
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "soak, article-qa with its sentence model, {SOAK_RATE} questions/s for {SOAK_SECONDS} s: \
         {} of {total} answered, reply latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; {rss}",
        latencies.len(),
        ms(percentile(&latencies, 0.50)),
        ms(percentile(&latencies, 0.99)),
        ms(latencies.last().copied().unwrap_or_default()),
    );
}

/// Criterion's measurement of each bot; returns each one's reply latencies, sorted.
fn criterion_batches<'a>(
    c: &mut Criterion,
    bots: [(&'a str, &FakeTelegram); 2],
    questions: &[String],
) -> Vec<(&'a str, Vec<Duration>)> {
    let mut group = c.benchmark_group("2,000 updates from 50 chats");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(30))
        .warm_up_time(Duration::from_secs(3));
    let mut latencies = Vec::new();
    for (name, fake) in bots {
        let mut all = Vec::new();
        group.bench_function(name, |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let (elapsed, lat) = batch(fake, questions, UPDATES);
                    total += elapsed;
                    all.extend(lat);
                }
                total
            })
        });
        all.sort();
        latencies.push((name, all));
    }
    group.finish();
    latencies
}

/// The same two bots, batches alternating, so both meet the machine in the same state; prints
/// the medians and their ratio.
fn alternating_batches(echo: &FakeTelegram, ours: &FakeTelegram, questions: &[String]) {
    let (mut echo_times, mut our_times) = (Vec::new(), Vec::new());
    for _ in 0..15 {
        echo_times.push(batch(echo, questions, UPDATES).0);
        our_times.push(batch(ours, questions, UPDATES).0);
    }
    echo_times.sort();
    our_times.sort();
    let (echo_median, our_median) = (echo_times[7], our_times[7]);
    println!(
        "alternating batches: echo bot median {echo_median:.1?}, article-qa median {our_median:.1?}, ratio {:.2}",
        our_median.as_secs_f64() / echo_median.as_secs_f64()
    );
}

/// Prints the resident memory of the real binary after one batch of a quarter of the updates
/// (paced at about 20 replies a second, a full batch would take 100 s).
fn binary_memory(questions: &[String]) {
    let fake = FakeTelegram::start();
    let bot = BotProcess::launch(&fake, Launch::default());
    wait_polling(&fake);
    let (elapsed, _) = batch(&fake, questions, UPDATES / 4);
    let status =
        std::fs::read_to_string(format!("/proc/{}/status", bot_pid(&bot))).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or("")
            .to_string()
    };
    println!(
        "article-qa binary under load ({elapsed:.2?} for {} updates): {} / {}",
        UPDATES / 4,
        field("VmRSS:"),
        field("VmHWM:")
    );
}

fn bot_pid(bot: &BotProcess) -> u32 {
    bot.pid()
}

criterion_group!(telegram, benches);
criterion_main!(telegram);
