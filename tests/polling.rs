//! Getting updates: an update teloxide cannot read is skipped and logged without its
//! content, text with entities teloxide does not know is still text, a 409 Conflict after the
//! bot has been running is waited out, and a webhook is named as the reason it cannot poll.

use serde_json::json;

use crate::support::bot_process::BotProcess;
use crate::support::fake_telegram::{Chat, FakeTelegram, Fault};
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
