//! Several replicas in webhook mode behind nginx, with Redis: an update Telegram posts is
//! answered exactly once though a replica is killed mid-burst (none lost, none twice), a
//! follow-up after the kill is answered in its conversation's context by the replica left,
//! and readiness follows Redis.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::bot_process::BotProcess;
use crate::support::fake_telegram::{Chat, FakeTelegram};
use crate::support::http::{get, request, wait_status};
use crate::support::servers::{nginx, redis_server};
use crate::telegram::{WAIT, text_of};
use crate::webhook::{PATH, QUESTION, SECRET, post_update, webhook_bot};

/// Seconds an update may stay unacknowledged before the other replica claims it (short, so
/// the test does not wait long for the killed replica's updates).
const CLAIM_SECONDS: &str = "2";

/// A replica in webhook mode on Redis at `redis`.
fn replica(fake: &FakeTelegram, redis: &str) -> (BotProcess, SocketAddr) {
    webhook_bot(
        fake,
        vec![
            ("REDIS_URL".into(), redis.into()),
            ("ARTICLE_QA_CLAIM_SECONDS".into(), CLAIM_SECONDS.into()),
        ],
    )
}

/// Posts `update` as Telegram does: again until the webhook answers 200.
fn deliver(address: SocketAddr, update: &Value) {
    let body = update.to_string();
    let deadline = Instant::now() + WAIT;
    loop {
        let headers = [
            ("Content-Type", "application/json"),
            ("X-Telegram-Bot-Api-Secret-Token", SECRET),
        ];
        let status = request(address, "POST", PATH, &headers, body.as_bytes()).map(|(s, _)| s);
        if status == Some(200) {
            return;
        }
        assert!(Instant::now() < deadline, "never accepted: {status:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// How many replies each question (by message id) got, once every one of `questions` has one
/// (or the wait is over).
fn replies(fake: &FakeTelegram, questions: &[(i64, i64)], wait: Duration) -> HashMap<i64, usize> {
    let deadline = Instant::now() + wait;
    loop {
        let mut count: HashMap<i64, usize> = HashMap::new();
        for sent in fake.requests_of("sendMessage", 0) {
            if let Some(id) = sent.body["reply_parameters"]["message_id"].as_i64() {
                *count.entry(id).or_default() += 1;
            }
        }
        let all = questions.iter().all(|(_, id)| count.contains_key(id));
        if all || Instant::now() > deadline {
            return count;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_replica_killed_mid_burst_loses_no_update_and_answers_none_twice() {
    let Some(redis) = redis_server() else {
        return;
    };
    let fake = FakeTelegram::start();
    let (mut first, first_address) = replica(&fake, &redis.url);
    let (mut second, second_address) = replica(&fake, &redis.url);
    let (_, metrics) = get(second_address, "/metrics").unwrap();
    assert!(metrics.contains("article_qa_stream_pending"), "{metrics}");
    let Some(nginx) = nginx(&[first_address, second_address]) else {
        return;
    };
    // A conversation begun before the kill, continued after it.
    let talker = Chat::private(2000);
    let opening = fake.text_update(&talker, QUESTION);
    deliver(nginx.address, &opening);
    let opened = fake.wait_reply_to(
        2000,
        opening["message"]["message_id"].as_i64().unwrap(),
        WAIT,
    );
    assert_eq!(opened.len(), 1, "{}\n{}", first.log(), second.log());
    // 500 questions from 20 chats; the first replica is killed half-way.
    let texts = crate::support::dev_questions();
    let chats: Vec<Chat> = (0..20).map(|i| Chat::private(2100 + i)).collect();
    let mut questions = Vec::new();
    for n in 0..500 {
        if n == 250 {
            first.signal("-KILL");
        }
        let chat = &chats[n % chats.len()];
        let update = fake.text_update(chat, &texts[n % texts.len()]);
        deliver(nginx.address, &update);
        questions.push((chat.id, update["message"]["message_id"].as_i64().unwrap()));
    }
    let follow_up = fake.text_update(&talker, "Who did he meet?");
    deliver(nginx.address, &follow_up);
    questions.push((2000, follow_up["message"]["message_id"].as_i64().unwrap()));
    replies(&fake, &questions, Duration::from_secs(60));
    // Stopped, the replica left finishes what it holds: a second reply to anything would be
    // sent by then.
    assert!(second.stop().unwrap().success(), "{}", second.log());
    let count = replies(&fake, &questions, Duration::ZERO);
    let lost: Vec<_> = questions
        .iter()
        .filter(|(_, id)| !count.contains_key(id))
        .collect();
    let twice: Vec<_> = count.iter().filter(|(_, n)| **n > 1).collect();
    assert!(
        lost.is_empty() && twice.is_empty(),
        "lost {lost:?}, answered twice {twice:?}\nfirst:\n{}\nsecond:\n{}",
        first.log(),
        second.log()
    );
    let answer = fake
        .sent_to(2000)
        .into_iter()
        .find(|m| m["reply_parameters"]["message_id"] == follow_up["message"]["message_id"])
        .unwrap();
    assert!(
        text_of(&answer).contains("al-Shaibani"),
        "the follow-up lost its context: {}",
        text_of(&answer)
    );
    // The replica left took over what the killed one had read and not answered.
    assert!(second.log().contains("claimed"), "{}", second.log());
}

#[test]
fn readiness_follows_redis_and_updates_wait_in_telegram_while_it_is_down() {
    let Some(mut redis) = redis_server() else {
        return;
    };
    let fake = FakeTelegram::start();
    let (mut bot, address) = replica(&fake, &redis.url);
    redis.stop();
    let down = wait_status(address, "/readyz", 503, WAIT).unwrap();
    assert_eq!(down.0, 503);
    assert!(down.1.contains("Redis"), "{down:?}");
    // While Redis is down the webhook takes nothing (Telegram keeps the update and resends).
    let chat = Chat::private(2300);
    let update = fake.text_update(&chat, QUESTION);
    assert_eq!(
        post_update(address, Some(SECRET), update.to_string().as_bytes()),
        503
    );
    redis.restart();
    assert_eq!(
        wait_status(address, "/readyz", 200, WAIT).unwrap().0,
        200,
        "{}",
        bot.log()
    );
    deliver(address, &update);
    let sent = fake.wait_sent(2300, 1, WAIT);
    assert_eq!(sent.len(), 1, "{}", bot.log());
    let (_, metrics) = get(address, "/metrics").unwrap();
    let errors = metrics
        .lines()
        .find(|l| l.starts_with("article_qa_redis_errors_total "))
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|n| n.parse::<f64>().ok())
        .unwrap_or(0.0);
    assert!(errors >= 1.0, "{metrics}");
    assert!(bot.stop().unwrap().success(), "{}", bot.log());
}

// Telegram's limits are the bot's, not a replica's: two replicas that each paced themselves
// at 20 messages a second would send 40 together and get 429s. Sharing the sending window in
// Redis keeps them at 25 together.
#[test]
fn replicas_keep_telegrams_limits_together() {
    let Some(redis) = redis_server() else {
        return;
    };
    let fake = FakeTelegram::start();
    fake.enforce_limits();
    let (mut first, first_address) = replica(&fake, &redis.url);
    let (mut second, second_address) = replica(&fake, &redis.url);
    let mut questions = Vec::new();
    for n in 0..150 {
        let chat = Chat::private(2400 + n);
        let update = fake.text_update(&chat, QUESTION);
        let address = [first_address, second_address][n as usize % 2];
        deliver(address, &update);
        questions.push((chat.id, update["message"]["message_id"].as_i64().unwrap()));
    }
    let count = replies(&fake, &questions, Duration::from_secs(60));
    assert_eq!(
        count.len(),
        questions.len(),
        "not every question was answered"
    );
    assert_eq!(fake.over_limit(), 0, "Telegram's limits were crossed");
    assert!(first.stop().unwrap().success(), "{}", first.log());
    assert!(second.stop().unwrap().success(), "{}", second.log());
}
