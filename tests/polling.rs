//! Getting updates: an update teloxide cannot read is skipped and logged without its
//! content, text with entities teloxide does not know is still text, a 409 Conflict is waited
//! out for a while (at start-up too, as in a deploy overlap) and two instances polling in turn
//! still stop, a webhook is named as the reason it cannot poll, and messages sent while the
//! bot was down are skipped past a configured age.

use std::time::Duration;

use serde_json::json;

use crate::support::bot_process::{BotProcess, Launch};
use crate::support::fake_telegram::{Chat, FakeTelegram, Fault, now};
use crate::telegram::{WAIT, started, text_of};

const QUESTION: &str = "Who led the Russian delegation?";

#[test]
fn text_with_an_entity_type_teloxide_does_not_know_is_still_a_question() {
    let (fake, bot) = started();
    let chat = Chat::private(70);
    fake.push_message(
        &chat,
        json!({"text": QUESTION, "entities": [
            {"type": "bold", "offset": 0, "length": 3},
            {"type": "entity_of_a_future_bot_api", "offset": 4, "length": 3}
        ]}),
    );
    let sent = fake.wait_sent(70, 1, WAIT);
    assert_eq!(sent.len(), 1, "log:\n{}", bot.log());
    assert!(
        text_of(&sent[0]).contains("Mikhail Bogdanov"),
        "{}",
        text_of(&sent[0])
    );
}

#[test]
fn an_update_teloxide_cannot_parse_is_logged_by_id_and_kind_without_its_text() {
    let (fake, mut bot) = started();
    let chat = Chat::private(71);
    let secret = json!({"message_id": 1, "date": "a date teloxide cannot read",
        "chat": chat.json(), "text": "my secret question",
        "from": {"id": 71, "is_bot": false, "first_name": "Secretive", "username": "secret_username"}});
    let broken = fake.push_update("message", secret);
    let unknown = fake.push_update("kind_of_a_future_bot_api", json!({"text": "secret too"}));
    let next = fake.push_text(&chat, QUESTION);
    let sent = fake.wait_reply_to(71, next, WAIT);
    assert_eq!(sent.len(), 1, "{sent:?}\n{}", bot.log());
    assert!(bot.stop().unwrap().success());
    let log = bot.log();
    assert!(
        log.contains(&format!("update {broken} (message) skipped")) && log.contains("column"),
        "{log}"
    );
    assert!(
        log.contains(&format!(
            "update {unknown} (kind_of_a_future_bot_api) skipped"
        )),
        "{log}"
    );
    assert!(
        !log.contains("secret") && !log.contains("Secretive"),
        "the update's content reached the log:\n{log}"
    );
}

/// A lone surrogate in one message's text (or nesting past serde's depth limit) made the whole
/// `getUpdates` answer unreadable: polling stalled for every chat, retrying the same batch.
#[test]
fn an_update_whose_json_cannot_be_read_is_skipped_and_the_chats_after_it_answered() {
    let (fake, mut bot) = started();
    let chat = Chat::private(75);
    let message = |text: &str| {
        format!(
            r#"{{"message_id":1,"date":{},"chat":{{"id":76,"type":"private","first_name":"T"}},"text":"{text}"}}"#,
            now()
        )
    };
    let surrogate = fake.push_raw_update(|id| {
        format!(
            r#"{{"update_id":{id},"message":{}}}"#,
            message(r"secret \ud800")
        )
    });
    let deep = "[".repeat(200) + &"]".repeat(200);
    let nested = fake.push_raw_update(|id| {
        format!(
            r#"{{"update_id":{id},"message":{},"future":{deep}}}"#,
            message("secret")
        )
    });
    let next = fake.push_text(&chat, QUESTION);
    let sent = fake.wait_reply_to(75, next, WAIT);
    assert_eq!(sent.len(), 1, "{sent:?}\n{}", bot.log());
    assert!(fake.sent_to(76).is_empty());
    assert!(bot.stop().unwrap().success());
    let log = bot.log();
    for id in [surrogate, nested] {
        assert!(log.contains(&format!("update {id} skipped")), "{log}");
    }
    assert!(
        !log.contains("secret"),
        "the update's content reached the log:\n{log}"
    );
}

/// A proxy or a local Bot API server repeating an update in one batch: `/help` was answered
/// twice.
#[test]
fn an_update_delivered_twice_in_a_batch_is_answered_once() {
    let (fake, mut bot) = started();
    let chat = Chat::private(77);
    let help = |id: i64| {
        json!({"update_id": id, "message": {"message_id": 9, "date": now(), "chat": chat.json(),
            "from": {"id": 77, "is_bot": false, "first_name": "T"}, "text": "/help",
            "entities": [{"type": "bot_command", "offset": 0, "length": 5}]}})
        .to_string()
    };
    fake.push_raw_update(|id| format!("{},{}", help(id), help(id)));
    let next = fake.push_text(&chat, QUESTION);
    let sent = fake.wait_reply_to(77, next, WAIT);
    assert_eq!(
        sent.len(),
        2,
        "one /help and one answer: {sent:?}\n{}",
        bot.log()
    );
    assert!(bot.stop().unwrap().success());
}

#[test]
fn a_409_after_the_bot_has_been_running_is_waited_out() {
    let (fake, mut bot) = started();
    let chat = Chat::private(72);
    fake.push_text(&chat, QUESTION);
    assert_eq!(fake.wait_sent(72, 1, WAIT).len(), 1, "{}", bot.log());
    // A second instance starting over this one (a deploy overlap) makes one poll fail.
    fake.fail_next("getUpdates", Fault::conflict());
    fake.push_text(&chat, "/about");
    assert_eq!(fake.wait_sent(72, 2, WAIT).len(), 2, "{}", bot.log());
    let last = fake.push_text(&chat, "/help");
    let sent = fake.wait_reply_to(72, last, WAIT);
    assert_eq!(
        sent.len(),
        3,
        "the bot stopped after one 409; log:\n{}",
        bot.log()
    );
    assert_eq!(
        fake.faults_left("getUpdates"),
        0,
        "the 409 was never served"
    );
    assert!(bot.stop().unwrap().success(), "{}", bot.log());
    assert!(bot.log().contains("409 Conflict"), "{}", bot.log());
}

#[test]
fn a_webhook_409_stops_the_bot_saying_a_webhook_is_set() {
    let fake = FakeTelegram::start();
    fake.fail_next("getUpdates", Fault::webhook_active());
    let mut bot = BotProcess::start(&fake);
    let Some(status) = bot.wait_exit(WAIT) else {
        panic!("still running; log:\n{}", bot.log())
    };
    assert!(!status.success());
    let log = bot.log();
    assert!(
        log.contains("webhook") && log.contains("deleteWebhook"),
        "{log}"
    );
    assert!(!log.contains("another instance"), "{log}");
}

#[test]
fn a_409_at_start_up_from_a_deploy_overlap_is_waited_out() {
    // The old instance polls on for a moment after the new one started: the new one's first
    // polls are refused.
    let fake = FakeTelegram::start();
    fake.fail_next("getUpdates", Fault::conflict());
    fake.fail_next("getUpdates", Fault::conflict());
    let bot = BotProcess::start(&fake);
    fake.push_text(&Chat::private(73), QUESTION);
    let sent = fake.wait_sent(73, 1, Duration::from_secs(30));
    assert_eq!(
        sent.len(),
        1,
        "the new instance stopped on the old one's polls; log:\n{}",
        bot.log()
    );
    assert_eq!(fake.faults_left("getUpdates"), 0);
}

#[test]
fn two_instances_polling_in_turn_stop_once_the_conflict_has_lasted_its_patience() {
    // Every other poll gets through, as when two instances take turns: a poll in between must
    // not end the run of 409s, or neither instance ever stops.
    let fake = FakeTelegram::start();
    for _ in 0..150 {
        fake.fail_next("getUpdates", Fault::no_updates());
        fake.fail_next("getUpdates", Fault::conflict());
    }
    let mut bot = BotProcess::start(&fake);
    let Some(status) = bot.wait_exit(Duration::from_secs(120)) else {
        panic!(
            "two instances polled in turn for two minutes; log:\n{}",
            bot.log()
        )
    };
    assert!(!status.success());
    let log = bot.log();
    assert!(
        log.contains("another instance") && log.contains("for 60s"),
        "{log}"
    );
    assert!(
        fake.faults_left("getUpdates") > 0,
        "it stopped only when the fake stopped refusing"
    );
}

#[test]
fn an_answer_teloxide_cannot_read_is_logged_without_its_content() {
    let fake = FakeTelegram::start();
    fake.fail_next("getUpdates", Fault::unreadable("a secret message text"));
    let mut bot = BotProcess::start(&fake);
    fake.push_text(&Chat::private(74), QUESTION);
    let sent = fake.wait_sent(74, 1, Duration::from_secs(30));
    assert_eq!(sent.len(), 1, "{}", bot.log());
    assert!(bot.stop().unwrap().success());
    let log = bot.log();
    assert!(log.contains("could not be read"), "{log}");
    assert!(
        !log.contains("secret"),
        "the answer reached the log:\n{log}"
    );
}

/// Pushes `count` questions sent `age` seconds ago into `chat`.
fn push_old(fake: &FakeTelegram, chat: &Chat, count: usize, age: u64) {
    for i in 0..count {
        fake.push_message(
            chat,
            json!({"text": format!("{QUESTION} ({i})"), "date": now() - age}),
        );
    }
}

#[test]
fn messages_sent_while_the_bot_was_down_are_skipped_past_the_age_limit() {
    // A 3-hour outage left 120 questions (more than one batch); two came in just now.
    let fake = FakeTelegram::start();
    let (old, recent) = (Chat::private(75), Chat::private(76));
    push_old(&fake, &old, 120, 3 * 3600);
    push_old(&fake, &recent, 1, 30);
    let last = fake.push_text(&recent, "/about");
    let mut bot = BotProcess::start(&fake);
    let sent = fake.wait_reply_to(76, last, WAIT);
    assert_eq!(sent.len(), 2, "{sent:?}\n{}", bot.log());
    assert!(fake.sent_to(75).is_empty(), "old questions were answered");
    assert!(bot.stop().unwrap().success());
    let log = bot.log();
    let skipped: Vec<_> = log.lines().filter(|l| l.contains("skipped")).collect();
    assert_eq!(skipped.len(), 1, "{log}");
    assert!(
        skipped[0].contains("INFO") && skipped[0].contains("120 message(s) older than 5 min"),
        "{log}"
    );
}

#[test]
fn an_age_limit_of_zero_answers_every_message_however_old() {
    let fake = FakeTelegram::start();
    let chat = Chat::private(77);
    push_old(&fake, &chat, 3, 3 * 3600);
    let bot = BotProcess::launch(
        &fake,
        Launch {
            env: vec![("ARTICLE_QA_MAX_UPDATE_MINUTES".into(), "0".into())],
            ..Launch::default()
        },
    );
    let sent = fake.wait_sent(77, 3, WAIT);
    assert_eq!(sent.len(), 3, "{}", bot.log());
}
