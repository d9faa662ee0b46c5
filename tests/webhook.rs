//! Webhook mode and the service endpoints: the bot registers its webhook (URL, secret, the
//! update kinds it handles, `max_connections`), answers updates posted with the secret and
//! refuses any other request without answering it, reports health, readiness and metrics,
//! refuses a webhook setup that cannot work, serves health in polling mode when asked, and
//! talks to Telegram's test environment when told.

use std::net::SocketAddr;

use crate::support::bot_process::{BotProcess, Launch};
use crate::support::fake_telegram::{Chat, FakeTelegram, TOKEN};
use crate::support::http::{free_address, get, request, wait_status};
use crate::telegram::{WAIT, text_of};

pub(crate) const SECRET: &str = "webhook_Secret-42";
const URL: &str = "https://bot.example.org/telegram/updates";
pub(crate) const PATH: &str = "/telegram/updates";
pub(crate) const QUESTION: &str = "Who led the Russian delegation?";

/// Starts the bot in webhook mode against `fake`, listening on a free port; waits until it
/// is ready (webhook registered).
pub(crate) fn webhook_bot(
    fake: &FakeTelegram,
    extra: Vec<(String, String)>,
) -> (BotProcess, SocketAddr) {
    let address = free_address();
    let mut env = vec![
        ("ARTICLE_QA_WEBHOOK_URL".to_string(), URL.to_string()),
        ("ARTICLE_QA_LISTEN".to_string(), address.to_string()),
        ("ARTICLE_QA_WEBHOOK_SECRET".to_string(), SECRET.to_string()),
    ];
    env.extend(extra);
    let bot = BotProcess::launch(
        fake,
        Launch {
            args: vec!["--webhook".into()],
            env,
            ..Launch::default()
        },
    );
    let ready = wait_status(address, "/readyz", 200, WAIT);
    assert!(
        ready.as_ref().is_some_and(|(s, _)| *s == 200),
        "not ready: {ready:?}\n{}",
        bot.log()
    );
    (bot, address)
}

/// Posts `body` to the webhook path with `secret` (none when `None`); the status.
pub(crate) fn post_update(address: SocketAddr, secret: Option<&str>, body: &[u8]) -> u16 {
    let mut headers = vec![("Content-Type", "application/json")];
    if let Some(secret) = secret {
        headers.push(("X-Telegram-Bot-Api-Secret-Token", secret));
    }
    request(address, "POST", PATH, &headers, body)
        .expect("the webhook answers")
        .0
}

#[test]
fn webhook_mode_registers_its_webhook_and_answers_posted_updates() {
    let fake = FakeTelegram::start();
    let (mut bot, address) = webhook_bot(&fake, Vec::new());
    let set = fake
        .wait_for(WAIT, |r| r.method == "setWebhook")
        .expect("setWebhook called");
    assert_eq!(set.body["url"], URL);
    assert_eq!(set.body["secret_token"], SECRET);
    assert_eq!(
        set.body["allowed_updates"],
        serde_json::json!([
            "message",
            "edited_message",
            "callback_query",
            "inline_query"
        ])
    );
    assert_eq!(set.body["max_connections"], 40);
    assert_eq!(fake.count("getUpdates"), 0, "a webhook bot does not poll");
    let chat = Chat::private(901);
    let update = fake.text_update(&chat, QUESTION);
    assert_eq!(
        post_update(address, Some(SECRET), update.to_string().as_bytes()),
        200
    );
    let sent = fake.wait_sent(901, 1, WAIT);
    assert_eq!(sent.len(), 1, "{}", bot.log());
    assert!(text_of(&sent[0]).contains("Mikhail Bogdanov"), "{sent:?}");
    let (status, metrics) = get(address, "/metrics").unwrap();
    assert_eq!(status, 200);
    assert!(
        metrics.contains("article_qa_updates_received_total{kind=\"message\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("article_qa_answers_total{source=\"article\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("article_qa_answer_duration_seconds_count 1"),
        "{metrics}"
    );
    assert_eq!(get(address, "/healthz").unwrap(), (200, "ok\n".to_string()));
    assert!(bot.stop().unwrap().success());
    let log = bot.log();
    assert!(!log.contains(SECRET) && !log.contains(TOKEN), "{log}");
}

/// Telegram sends an update again when it did not get the 200 (a timeout, a dropped
/// connection): without Redis, `/about` posted twice was answered twice.
#[test]
fn an_update_posted_twice_is_answered_once() {
    let fake = FakeTelegram::start();
    let (mut bot, address) = webhook_bot(&fake, Vec::new());
    let chat = Chat::private(902);
    let about = fake.text_update(&chat, "/about");
    for _ in 0..2 {
        assert_eq!(
            post_update(address, Some(SECRET), about.to_string().as_bytes()),
            200
        );
    }
    let question = fake.text_update(&chat, QUESTION);
    assert_eq!(
        post_update(address, Some(SECRET), question.to_string().as_bytes()),
        200
    );
    let message_id = question["message"]["message_id"].as_i64().unwrap();
    let sent = fake.wait_reply_to(902, message_id, WAIT);
    assert_eq!(
        sent.len(),
        2,
        "one /about and one answer: {sent:?}\n{}",
        bot.log()
    );
    assert!(bot.stop().unwrap().success());
}

#[test]
fn a_webhook_request_without_the_right_secret_or_not_an_update_is_refused_and_answered_by_nothing()
{
    let fake = FakeTelegram::start();
    let (mut bot, address) = webhook_bot(&fake, Vec::new());
    let chat = Chat::private(902);
    let update = fake.text_update(&chat, QUESTION).to_string();
    assert_eq!(post_update(address, None, update.as_bytes()), 401);
    assert_eq!(post_update(address, Some("wrong"), update.as_bytes()), 401);
    assert_eq!(
        post_update(address, Some(&format!("{SECRET}x")), update.as_bytes()),
        401
    );
    assert_eq!(
        post_update(address, Some(SECRET), b"my secret question"),
        400
    );
    assert_eq!(post_update(address, Some(SECRET), b"[1, 2]"), 400);
    let huge = format!("{{\"update_id\": 5, \"pad\": \"{}\"}}", "x".repeat(2 << 20));
    assert_eq!(post_update(address, Some(SECRET), huge.as_bytes()), 413);
    // The one good update is answered, and it alone.
    let good = fake.text_update(&chat, QUESTION);
    assert_eq!(
        post_update(address, Some(SECRET), good.to_string().as_bytes()),
        200
    );
    let sent = fake.wait_reply_to(902, good["message"]["message_id"].as_i64().unwrap(), WAIT);
    assert_eq!(sent.len(), 1, "{}", bot.log());
    assert_eq!(fake.sent_to(902).len(), 1, "a refused request was answered");
    assert!(bot.stop().unwrap().success());
    let log = bot.log();
    assert!(log.contains("not JSON") && log.contains("column"), "{log}");
    assert!(!log.contains("my secret question"), "{log}");
}

#[test]
fn a_webhook_setup_that_cannot_work_is_one_line_naming_the_setting() {
    let fake = FakeTelegram::start();
    let cases = [
        (
            vec![("ARTICLE_QA_WEBHOOK_URL", URL)],
            "ARTICLE_QA_WEBHOOK_SECRET",
        ),
        (
            vec![
                ("ARTICLE_QA_WEBHOOK_URL", "http://bot.example.org/hook"),
                ("ARTICLE_QA_WEBHOOK_SECRET", SECRET),
            ],
            "ARTICLE_QA_WEBHOOK_URL",
        ),
        (
            vec![
                ("ARTICLE_QA_WEBHOOK_URL", URL),
                (
                    "ARTICLE_QA_WEBHOOK_SECRET",
                    "has spaces and a token 123:ABC",
                ),
            ],
            "ARTICLE_QA_WEBHOOK_SECRET",
        ),
        (
            vec![("ARTICLE_QA_WEBHOOK_SECRET", SECRET)],
            "ARTICLE_QA_WEBHOOK_URL",
        ),
        (
            vec![
                (
                    "ARTICLE_QA_WEBHOOK_URL",
                    "https://bot.example.org:1234/hook",
                ),
                ("ARTICLE_QA_WEBHOOK_SECRET", SECRET),
            ],
            "ARTICLE_QA_WEBHOOK_URL",
        ),
    ];
    for (env, named) in cases {
        let mut bot = BotProcess::launch(
            &fake,
            Launch {
                args: vec!["--webhook".into()],
                env: env
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                ..Launch::default()
            },
        );
        let status = bot.wait_exit(WAIT).expect("the bot exits");
        assert_eq!(status.code(), Some(2), "{}", bot.log());
        let log = bot.log();
        assert!(log.contains(named), "{named}: {log}");
        assert!(!log.contains("123:ABC") && !log.contains(SECRET), "{log}");
        assert_eq!(log.trim().lines().count(), 1, "{log}");
    }
    assert_eq!(fake.count("setWebhook"), 0);
}

#[test]
fn polling_after_webhook_mode_deletes_the_webhook_and_serves_health_when_asked() {
    let fake = FakeTelegram::start();
    let (mut webhook, _) = webhook_bot(&fake, Vec::new());
    assert!(webhook.stop().unwrap().success());
    assert_eq!(
        fake.count("deleteWebhook"),
        0,
        "stopping keeps the webhook (other replicas)"
    );
    let address = free_address();
    let mut bot = BotProcess::launch(
        &fake,
        Launch {
            env: vec![("ARTICLE_QA_METRICS_LISTEN".into(), address.to_string())],
            ..Launch::default()
        },
    );
    assert_eq!(
        wait_status(address, "/readyz", 200, WAIT),
        Some((200, "ready\n".to_string())),
        "{}",
        bot.log()
    );
    assert_eq!(get(address, "/healthz").unwrap().0, 200);
    assert!(
        get(address, "/metrics")
            .unwrap()
            .1
            .contains("article_qa_updates_received_total")
    );
    // No webhook route in polling mode.
    assert_eq!(post_update(address, Some(SECRET), b"{}"), 404);
    assert!(fake.wait_for(WAIT, |r| r.method == "getUpdates").is_some());
    assert_eq!(fake.count("deleteWebhook"), 1, "{}", bot.log());
    assert!(bot.stop().unwrap().success());
}

#[test]
fn the_test_environment_setting_sends_every_call_to_telegrams_test_environment() {
    let fake = FakeTelegram::start();
    let bot = BotProcess::launch(
        &fake,
        Launch {
            env: vec![("ARTICLE_QA_TELEGRAM_TEST_ENV".into(), "1".into())],
            ..Launch::default()
        },
    );
    let polled = fake.wait_for(WAIT, |r| r.method == "getUpdates");
    assert!(polled.is_some(), "{:?}\n{}", fake.requests(), bot.log());
    let chat = Chat::private(903);
    fake.push_text(&chat, QUESTION);
    let sent = fake.wait_sent(903, 1, WAIT);
    assert_eq!(sent.len(), 1, "{}", bot.log());
    let requests = fake.requests();
    assert!(requests.iter().all(|r| r.test_env), "{requests:?}");
    assert!(requests.iter().any(|r| r.method == "sendMessage"));
}
