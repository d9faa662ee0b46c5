//! Replies that must not be lost (nor sent twice): the real binary against the fake Bot API
//! answering `sendMessage` with 400 can't-parse (and other 400s), 5xx, dropped connections,
//! bursts of 429, a group upgraded to a supergroup, 403s; answers in forum topics; button
//! presses acknowledged first; a stop not held up by a flood wait. Timing is checked by the
//! order and count of recorded requests, never by the clock.

use serde_json::{Value, json};

use crate::support::bot_process::{BotProcess, Launch};
use crate::support::fake_telegram::{BOT_ID, BOT_USERNAME, Chat, FakeTelegram, Fault};
use crate::support::html::strip_tags;
use crate::telegram::{WAIT, started, text_of};

const QUESTION: &str = "Who led the Russian delegation?";

/// The log lines at WARN level or above.
fn warnings(log: &str) -> Vec<&str> {
    log.lines()
        .filter(|l| l.contains("WARN") || l.contains("ERROR"))
        .collect()
}

/// The callback data of button `which` (0: More, 1: Show paragraph) under `reply`.
fn button(reply: &Value, which: usize) -> String {
    reply["reply_markup"]["inline_keyboard"][0][which]["callback_data"]
        .as_str()
        .unwrap_or_else(|| panic!("no button {which} under {reply}"))
        .to_string()
}

/// Presses button `data` on a bot message in `chat` (with `extra` fields, such as a topic);
/// `id` names the callback query.
fn press(fake: &FakeTelegram, chat: &Chat, id: &str, data: &str, extra: Value) {
    let mut message = json!({"message_id": 1, "date": 1, "chat": chat.json(),
        "from": {"id": BOT_ID, "is_bot": true, "first_name": "Article QA", "username": BOT_USERNAME},
        "text": "an earlier answer"});
    for (k, v) in extra.as_object().expect("extra fields") {
        message[k] = v.clone();
    }
    fake.push_update(
        "callback_query",
        json!({"id": id, "from": {"id": chat.user_id, "is_bot": false, "first_name": "T"},
            "chat_instance": "ci", "data": data, "message": message}),
    );
}

#[test]
fn html_telegram_cannot_parse_is_resent_once_as_plain_text() {
    let fake = FakeTelegram::start();
    let mut bot = BotProcess::launch(
        &fake,
        Launch {
            env: vec![("RUST_LOG".into(), "debug".into())],
            ..Launch::default()
        },
    );
    fake.fail_next("sendMessage", Fault::cant_parse());
    let chat = Chat::private(60);
    let asked = fake.push_text(&chat, QUESTION);
    let sent = fake.wait_sent(60, 2, WAIT);
    assert_eq!(sent.len(), 2, "no plain resend; log:\n{}", bot.log());
    let (html, plain) = (&sent[0], &sent[1]);
    assert_eq!(html["parse_mode"], "HTML");
    assert!(plain.get("parse_mode").is_none(), "{plain}");
    // A quote is a block of its own: its ¶ number starts a new line, not `…quote.¶4`.
    let html_text = html["text"].as_str().unwrap();
    assert_eq!(
        plain["text"].as_str().unwrap(),
        strip_tags(&html_text.replace("</blockquote>", "</blockquote>\n")),
        "the plain resend is not the visible text"
    );
    assert!(plain["text"].as_str().unwrap().contains(".\n¶4"), "{plain}");
    assert!(plain["text"].as_str().unwrap().contains("Mikhail Bogdanov"));
    assert_eq!(plain["reply_parameters"]["message_id"], asked);
    assert_eq!(plain["reply_markup"], html["reply_markup"], "buttons lost");

    // Once only: refused as HTML and as plain text, the reply is given up and the chat goes
    // on.
    fake.fail_next("sendMessage", Fault::cant_parse());
    fake.fail_next("sendMessage", Fault::cant_parse());
    // (Another wording: the same question again within seconds is answered once.)
    fake.push_text(&chat, "Who led the Russian delegation to Syria?");
    let next = fake.push_text(&chat, "/about");
    let sent = fake.wait_reply_to(60, next, WAIT);
    assert_eq!(sent.len(), 5, "{sent:?}");
    assert!(text_of(&sent[4]).contains("15 paragraphs"));
    assert!(bot.stop().unwrap().success());
    let log = bot.log();
    assert!(log.contains("the refused HTML begins"), "{log}");
    let given_up: Vec<_> = warnings(&log)
        .into_iter()
        .filter(|l| l.contains("not delivered"))
        .collect();
    assert_eq!(given_up.len(), 1, "{log}");
}

#[test]
fn a_bot_api_5xx_or_dropped_connection_on_send_is_retried() {
    let (fake, bot) = started();
    fake.fail_next("sendMessage", Fault::server(502));
    fake.fail_next("sendMessage", Fault::Close);
    fake.fail_next("sendMessage", Fault::server(500));
    let asked = fake.push_text(&Chat::private(61), QUESTION);
    let sent = fake.wait_sent(61, 4, WAIT);
    assert_eq!(sent.len(), 4, "not retried; log:\n{}", bot.log());
    assert!(
        sent.iter()
            .all(|m| m["text"] == sent[0]["text"] && m["reply_parameters"]["message_id"] == asked)
    );
    assert!(text_of(&sent[3]).contains("Mikhail Bogdanov"));
}

#[test]
fn a_bot_api_that_keeps_failing_gets_five_tries_then_one_warning() {
    let (fake, mut bot) = started();
    for _ in 0..5 {
        fake.fail_next("sendMessage", Fault::server(503));
    }
    let chat = Chat::private(62);
    fake.push_text(&chat, QUESTION);
    let next = fake.push_text(&chat, "/about");
    let sent = fake.wait_reply_to(62, next, std::time::Duration::from_secs(60));
    assert_eq!(sent.len(), 6, "{sent:?}\n{}", bot.log());
    assert!(sent[..5].iter().all(|m| m["text"] == sent[0]["text"]));
    assert!(text_of(&sent[5]).contains("15 paragraphs"));
    assert!(bot.stop().unwrap().success());
    let log = bot.log();
    let warned = warnings(&log);
    assert_eq!(warned.len(), 1, "{log}");
    assert!(
        warned[0].contains("not delivered") && warned[0].contains("503"),
        "{log}"
    );
}

#[test]
fn a_burst_of_429s_past_three_retries_is_waited_out_in_order() {
    let (fake, bot) = started();
    for _ in 0..4 {
        fake.fail_next("sendMessage", Fault::flood(1));
    }
    let chat = Chat::private(63);
    let first = fake.push_text(&chat, QUESTION);
    let second = fake.push_text(&chat, "/about");
    let sent = fake.wait_reply_to(63, second, WAIT);
    assert_eq!(sent.len(), 6, "{sent:?}\n{}", bot.log());
    assert!(
        sent[..5]
            .iter()
            .all(|m| m["reply_parameters"]["message_id"] == first),
        "the second reply overtook the first: {sent:?}"
    );
    assert!(text_of(&sent[4]).contains("Mikhail Bogdanov"));
    assert!(text_of(&sent[5]).contains("15 paragraphs"));
}

#[test]
fn a_flood_wait_past_the_bound_is_given_up_at_once_with_one_warning() {
    let (fake, mut bot) = started();
    fake.fail_next("sendMessage", Fault::flood(3600));
    let chat = Chat::private(64);
    fake.push_text(&chat, QUESTION);
    let next = fake.push_text(&chat, "/about");
    let sent = fake.wait_reply_to(64, next, WAIT);
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert!(text_of(&sent[1]).contains("15 paragraphs"));
    assert!(bot.stop().unwrap().success());
    let log = bot.log();
    let warned = warnings(&log);
    assert_eq!(warned.len(), 1, "{log}");
    assert!(warned[0].contains("3600"), "{log}");
}

#[test]
fn a_group_upgraded_to_a_supergroup_gets_the_reply_and_keeps_its_conversation() {
    let (fake, bot) = started();
    let (group, supergroup) = (Chat::group(-70, 5), Chat::supergroup(-1_000_070, 5));
    fake.fail_next("sendMessage", Fault::migrated(supergroup.id));
    fake.push_text(&group, &format!("/ask {QUESTION}"));
    let sent = fake.wait_sent(supergroup.id, 1, WAIT);
    assert_eq!(
        sent.len(),
        1,
        "not resent to the supergroup; log:\n{}",
        bot.log()
    );
    assert!(text_of(&sent[0]).contains("Mikhail Bogdanov"));
    // The conversation moved with the chat: its More button (signed for the new chat) works
    // there.
    press(
        &fake,
        &supergroup,
        "cb-migrated",
        &button(&sent[0], 0),
        json!({}),
    );
    let sent = fake.wait_sent(supergroup.id, 2, WAIT);
    assert_eq!(sent.len(), 2, "More did nothing; log:\n{}", bot.log());
    let answered = fake
        .wait_for(WAIT, |r| {
            r.method == "answerCallbackQuery" && r.body["callback_query_id"] == "cb-migrated"
        })
        .expect("the press was answered");
    assert!(
        answered.body.get("text").is_none(),
        "the press was refused: {}",
        answered.body
    );
    assert_ne!(sent[1]["text"], sent[0]["text"]);
}

#[test]
fn a_groups_conversation_follows_it_when_telegram_announces_the_supergroup() {
    let (fake, bot) = started();
    let (group, supergroup) = (Chat::group(-71, 5), Chat::supergroup(-1_000_071, 5));
    fake.push_text(&group, "/ask What is HTS?");
    assert_eq!(fake.wait_sent(group.id, 1, WAIT).len(), 1, "{}", bot.log());
    // Telegram's service messages: in the old group, then in the new supergroup (whose
    // updates are handled in order, so the move is done before the next question there).
    fake.push_message(&group, json!({"migrate_to_chat_id": supergroup.id}));
    fake.push_message(&supergroup, json!({"migrate_from_chat_id": group.id}));
    fake.push_text(&supergroup, "/ask Where does it come from?");
    let sent = fake.wait_sent(supergroup.id, 1, WAIT);
    assert_eq!(sent.len(), 1, "log:\n{}", bot.log());
    assert!(
        text_of(&sent[0]).contains("origins in al-Qaeda"),
        "the follow-up lost its context: {}",
        text_of(&sent[0])
    );
}

#[test]
fn a_question_in_a_forum_topic_is_answered_in_that_topic_on_every_part() {
    let fake = FakeTelegram::start();
    let seeds = crate::common::harbour_seeds();
    let bot = BotProcess::launch(
        &fake,
        Launch {
            args: vec!["--seeds".into(), seeds.path().to_str().unwrap().into()],
            ..Launch::default()
        },
    );
    let forum = Chat::forum(-1_000_080, 5);
    let topic = json!({"message_thread_id": 7, "is_topic_message": true});
    let mut fields = topic.clone();
    fields["text"] = json!("/ask What does the harbour commission report list?");
    fake.push_message(&forum, fields);
    let mut fields = topic.clone();
    fields["text"] = json!("/about");
    let next = fake.push_message(&forum, fields);
    let sent = fake.wait_reply_to(forum.id, next, WAIT);
    assert!(sent.len() >= 3, "not split; log:\n{}", bot.log());
    for part in &sent {
        assert_eq!(
            part["message_thread_id"], 7,
            "a part left the topic: {part}"
        );
    }
    // A button pressed in the topic answers there too.
    let answer = &sent[sent.len() - 2];
    press(&fake, &forum, "cb-topic", &button(answer, 1), topic);
    let before = sent.len();
    let sent = fake.wait_sent(forum.id, before + 1, WAIT);
    assert!(
        sent.len() > before,
        "the press got no reply; log:\n{}",
        bot.log()
    );
    for part in &sent[before..] {
        assert_eq!(
            part["message_thread_id"], 7,
            "a part left the topic: {part}"
        );
    }

    // A reply thread outside a forum is no topic: the answer names none.
    let supergroup = Chat::supergroup(-1_000_081, 5);
    fake.push_message(
        &supergroup,
        json!({"message_thread_id": 3, "text": "/about"}),
    );
    let sent = fake.wait_sent(supergroup.id, 1, WAIT);
    assert_eq!(sent.len(), 1, "log:\n{}", bot.log());
    assert!(sent[0].get("message_thread_id").is_none(), "{}", sent[0]);
}

#[test]
fn a_button_press_is_acknowledged_before_its_reply_is_sent() {
    let (fake, bot) = started();
    let chat = Chat::private(65);
    fake.push_text(&chat, QUESTION);
    let sent = fake.wait_sent(65, 1, WAIT);
    assert_eq!(sent.len(), 1, "log:\n{}", bot.log());
    // Under a flood wait the reply is late; the acknowledgement must not wait for it.
    fake.fail_next("sendMessage", Fault::flood(1));
    press(&fake, &chat, "cb-first", &button(&sent[0], 0), json!({}));
    let sent = fake.wait_sent(65, 3, WAIT);
    assert_eq!(sent.len(), 3, "log:\n{}", bot.log());
    let acknowledged = fake
        .position(|r| {
            r.method == "answerCallbackQuery" && r.body["callback_query_id"] == "cb-first"
        })
        .expect("the press was answered");
    let replied = fake
        .requests()
        .iter()
        .enumerate()
        .filter(|(_, r)| r.method == "sendMessage" && r.body["chat_id"] == 65)
        .map(|(i, _)| i)
        .nth(1)
        .expect("the press's reply was sent");
    assert!(
        acknowledged < replied,
        "answerCallbackQuery (request {acknowledged}) came after the reply (request {replied})"
    );
}

#[test]
fn a_sent_message_whose_answer_breaks_off_is_not_sent_twice() {
    // Telegram answered 200 (the message is in the chat); the rest of its answer was lost.
    let (fake, bot) = started();
    fake.fail_next("sendMessage", Fault::Drop);
    let chat = Chat::private(66);
    fake.push_text(&chat, QUESTION);
    let next = fake.push_text(&chat, "/about");
    let sent = fake.wait_reply_to(66, next, WAIT);
    assert_eq!(sent.len(), 2, "sent twice: {sent:?}\n{}", bot.log());
    assert!(text_of(&sent[1]).contains("15 paragraphs"));
}

#[test]
fn a_400_other_than_unparsable_html_is_not_resent_as_plain_text() {
    let (fake, mut bot) = started();
    fake.fail_next("sendMessage", Fault::thread_not_found());
    let chat = Chat::private(67);
    fake.push_text(&chat, QUESTION);
    let next = fake.push_text(&chat, "/about");
    let sent = fake.wait_reply_to(67, next, WAIT);
    assert_eq!(sent.len(), 2, "{sent:?}\n{}", bot.log());
    assert_eq!(sent[0]["parse_mode"], "HTML");
    assert!(bot.stop().unwrap().success());
    let log = bot.log();
    assert!(!log.contains("plain text"), "{log}");
    let warned = warnings(&log);
    assert_eq!(warned.len(), 1, "{log}");
    assert!(warned[0].contains("thread not found"), "{log}");
}

#[test]
fn a_bot_kicked_from_a_group_is_logged_once_without_a_warning() {
    let (fake, mut bot) = started();
    let group = Chat::group(-72, 5);
    for _ in 0..3 {
        fake.fail_next("sendMessage", Fault::kicked());
    }
    for i in 0..3 {
        fake.push_text(&group, &format!("/ask {QUESTION} {i}"));
    }
    assert_eq!(fake.wait_sent(group.id, 3, WAIT).len(), 3, "{}", bot.log());
    let next = fake.push_text(&Chat::private(68), QUESTION);
    assert_eq!(fake.wait_reply_to(68, next, WAIT).len(), 1, "{}", bot.log());
    assert!(bot.stop().unwrap().success());
    let log = bot.log();
    assert_eq!(log.matches("removed from the chat").count(), 1, "{log}");
    assert!(warnings(&log).is_empty(), "{log}");
}

#[test]
fn a_403_for_missing_rights_is_not_logged_as_blocked() {
    let (fake, mut bot) = started();
    let group = Chat::group(-73, 5);
    fake.fail_next("sendMessage", Fault::no_rights());
    fake.push_text(&group, &format!("/ask {QUESTION}"));
    assert_eq!(fake.wait_sent(group.id, 1, WAIT).len(), 1);
    let next = fake.push_text(&Chat::private(69), QUESTION);
    assert_eq!(fake.wait_reply_to(69, next, WAIT).len(), 1, "{}", bot.log());
    assert!(bot.stop().unwrap().success());
    let log = bot.log();
    assert!(!log.contains("blocked"), "{log}");
    let warned = warnings(&log);
    assert_eq!(warned.len(), 1, "{log}");
    assert!(warned[0].contains("not enough rights"), "{log}");
}

#[test]
fn a_reply_waiting_out_a_flood_limit_does_not_hold_up_a_stop() {
    let (fake, mut bot) = started();
    // Four minutes: within the bound, so the bot would wait it out.
    fake.fail_next("sendMessage", Fault::flood(240));
    fake.push_text(&Chat::private(90), QUESTION);
    assert!(
        fake.wait_for(WAIT, |r| r.method == "sendMessage").is_some(),
        "{}",
        bot.log()
    );
    assert!(
        fake.wait_for(WAIT, |_| bot.log().contains("resending in 240s"))
            .is_some()
    );
    let status = bot.stop();
    assert!(
        status.is_some_and(|s| s.success()),
        "the stop waited for the flood limit; log:\n{}",
        bot.log()
    );
    let log = bot.log();
    let warned = warnings(&log);
    assert_eq!(warned.len(), 1, "{log}");
    assert!(
        warned[0].contains("not delivered") && warned[0].contains("stopping"),
        "{log}"
    );
}

/// A Bot API that never finished answering a message being sent held a stop up for the HTTP
/// client's 17 s timeout, past Docker's 10 s before SIGKILL.
#[test]
fn a_message_telegram_never_answers_does_not_hold_up_a_stop() {
    let (fake, mut bot) = started();
    fake.fail_next("sendMessage", Fault::Hang);
    fake.push_text(&Chat::private(92), QUESTION);
    assert!(
        fake.wait_for(WAIT, |r| r.method == "sendMessage").is_some(),
        "{}",
        bot.log()
    );
    let status = bot.stop();
    assert!(
        status.is_some_and(|s| s.success()),
        "the stop waited for the HTTP timeout; log:\n{}",
        bot.log()
    );
    let log = bot.log();
    let warned = warnings(&log);
    assert_eq!(warned.len(), 1, "{log}");
    assert!(warned[0].contains("stopping"), "{log}");
}
