//! Criterion benchmark of webhook mode as deployed: two replicas (in this process, each on
//! its own runtime) on one Redis stream behind nginx, Telegram played by a fake Bot API on
//! loopback. Measures how long 500 updates from 50 chats take from the first POST to the
//! last reply (so the updates a second the setup sustains), then prints the reply latency
//! percentiles at a steady 50 updates a second. Replies are unpaced (`Pace::Unlimited`), as
//! in the Telegram benchmark: Telegram's own limit (about 30 messages a second per bot)
//! would be all it measured. Needs `redis-server` and nginx (installed by `.ci/run`).

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use article_qa::app::config::{Service, Webhook, WebhookSecret};
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::Value;

#[path = "../tests/support/mod.rs"]
mod support;

use support::fake_telegram::{Chat, FakeTelegram};
use support::http::{free_address, request, wait_status};
use support::servers::{nginx, redis_server};

const SECRET: &str = "bench_secret";
const PATH: &str = "/telegram";
const UPDATES: usize = 500;
const CHATS: i64 = 50;

/// Starts one replica in webhook mode on `listen`, unpaced, on its own runtime.
fn replica(fake: &FakeTelegram, redis: &str, listen: SocketAddr) {
    let service = Service {
        webhook: Some(Webhook {
            url: url::Url::parse(&format!("https://bot.example.org{PATH}")).unwrap(),
            listen,
            secret: WebhookSecret::new(SECRET).unwrap(),
            max_connections: 40,
        }),
        ..Service::default()
    };
    support::in_process::spawn(fake, Some(redis), service);
    let ready = wait_status(listen, "/readyz", 200, Duration::from_secs(30));
    assert!(ready.is_some_and(|(s, _)| s == 200), "replica not ready");
}

/// Posts one update as Telegram does, again until it is taken.
fn post(address: SocketAddr, update: &Value) {
    let body = update.to_string();
    let headers = [
        ("Content-Type", "application/json"),
        ("X-Telegram-Bot-Api-Secret-Token", SECRET),
    ];
    while request(address, "POST", PATH, &headers, body.as_bytes()).map(|(s, _)| s) != Some(200) {}
}

/// Posts `UPDATES` updates from `CHATS` chats, one every `interval` (none: as fast as they are
/// taken); returns the time from the first POST to the last reply, and each reply's latency.
fn batch(
    fake: &FakeTelegram,
    address: SocketAddr,
    questions: &[String],
    interval: Option<Duration>,
) -> (Duration, Vec<Duration>) {
    fake.clear_requests();
    let start = Instant::now();
    let mut posted = Vec::with_capacity(UPDATES);
    for n in 0..UPDATES {
        if let Some(interval) = interval {
            let due = start + interval * n as u32;
            if let Some(wait) = due.checked_duration_since(Instant::now()) {
                std::thread::sleep(wait);
            }
        }
        let chat = Chat::private(10_000 + (n as i64 % CHATS));
        let update = fake.text_update(&chat, &questions[n % questions.len()]);
        let at = Instant::now();
        post(address, &update);
        posted.push((update["message"]["message_id"].as_i64().unwrap(), at));
    }
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut seen = 0;
    while fake.count("sendMessage") < UPDATES && Instant::now() < deadline {
        seen = fake.wait_sent_count(seen, Duration::from_millis(100));
    }
    let elapsed = start.elapsed();
    let replies = fake.requests_of("sendMessage", 0);
    let mut latencies: Vec<Duration> = (replies.iter())
        .filter_map(|r| {
            let id = r.body["reply_parameters"]["message_id"].as_i64()?;
            let (_, at) = posted.iter().find(|(m, _)| *m == id)?;
            Some(r.at.saturating_duration_since(*at))
        })
        .collect();
    latencies.sort();
    (elapsed, latencies)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn benches(c: &mut Criterion) {
    let Some(redis) = redis_server() else {
        return;
    };
    let fake = FakeTelegram::start();
    let (first, second) = (free_address(), free_address());
    replica(&fake, &redis.url, first);
    replica(&fake, &redis.url, second);
    let Some(balancer) = nginx(&[first, second]) else {
        return;
    };
    let questions = support::dev_questions();
    let mut group = c.benchmark_group("webhook, nginx, Redis, two replicas");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20))
        .warm_up_time(Duration::from_secs(2));
    group.bench_function("500 updates from 50 chats, posted as fast as taken", |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| batch(&fake, balancer.address, &questions, None).0)
                .sum()
        })
    });
    group.finish();
    let (elapsed, latencies) = batch(
        &fake,
        balancer.address,
        &questions,
        Some(Duration::from_millis(20)),
    );
    println!(
        "at 50 updates a second: {} replies in {elapsed:.1?}, latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        latencies.len(),
        percentile(&latencies, 0.50).as_secs_f64() * 1000.0,
        percentile(&latencies, 0.99).as_secs_f64() * 1000.0,
        percentile(&latencies, 1.0).as_secs_f64() * 1000.0,
    );
}

criterion_group!(webhook, benches);
criterion_main!(webhook);
