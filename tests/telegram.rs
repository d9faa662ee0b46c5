//! The Telegram bot end to end: the real binary against a fake Bot API on 127.0.0.1.

use std::time::Duration;

use serde_json::json;

use crate::support::bot_process::{BotProcess, Launch};
use crate::support::fake_telegram::{BOT_ID, BOT_USERNAME, Chat, FakeTelegram, Fault, TOKEN};
use crate::support::html::{check_html, strip_tags, visible_len};

pub(crate) const WAIT: Duration = Duration::from_secs(20);

pub(crate) fn text_of(message: &serde_json::Value) -> String {
    strip_tags(message["text"].as_str().unwrap_or_default())
}

/// Starts the fake and the bot on a seeds folder of `files` (name, content), and waits until
/// the bot is polling; the folder lives as long as the first value.
pub(crate) fn started_with_seeds(
    files: &[(&str, &str)],
) -> (tempfile::TempDir, FakeTelegram, BotProcess) {
    let seeds = tempfile::tempdir().unwrap();
    for (name, content) in files {
        std::fs::write(seeds.path().join(name), content).unwrap();
    }
    let fake = FakeTelegram::start();
    let bot = BotProcess::launch(
        &fake,
        Launch {
            args: vec!["--seeds".into(), seeds.path().display().to_string()],
            ..Launch::default()
        },
    );
    assert!(
        fake.wait_for(WAIT, |r| r.method == "getUpdates").is_some(),
        "the bot never polled; log:\n{}",
        bot.log()
    );
    (seeds, fake, bot)
}

/// Starts the fake and the bot, and waits until the bot is polling.
pub(crate) fn started() -> (FakeTelegram, BotProcess) {
    let fake = FakeTelegram::start();
    let bot = BotProcess::start(&fake);
    assert!(
        fake.wait_for(WAIT, |r| r.method == "getUpdates").is_some(),
        "the bot never polled; log:\n{}",
        bot.log()
    );
    (fake, bot)
}

#[test]
fn private_question_gets_the_right_sentence_as_a_quoted_reply() {
    let (fake, mut bot) = started();
    let chat = Chat::private(42);
    let asked = fake.push_text(&chat, "Who led the Russian delegation?");
    let sent = fake.wait_sent(42, 1, WAIT);
    assert_eq!(sent.len(), 1, "log:\n{}", bot.log());
    let reply = &sent[0];
    assert_eq!(reply["parse_mode"], "HTML");
    assert_eq!(reply["reply_parameters"]["message_id"], asked);
    let html = reply["text"].as_str().unwrap();
    check_html(html).unwrap();
    assert!(
        html.contains("<blockquote>Led by Deputy Foreign Minister Mikhail Bogdanov"),
        "{html}"
    );
    assert!(text_of(reply).contains("¶4"));
    let commands = fake
        .wait_for(WAIT, |r| r.method == "setMyCommands")
        .expect("command menu registered");
    let names: Vec<&str> = commands.body["commands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["command"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"start")
            && names.contains(&"help")
            && names.contains(&"about")
            && names.contains(&"ask"),
        "{names:?}"
    );
    assert!(bot.stop().expect("stops").success());
    let log = bot.log();
    assert!(
        log.contains("answered") && log.contains("source=\"article\""),
        "{log}"
    );
    assert!(
        !log.contains("Who led"),
        "question text leaked into the log:\n{log}"
    );
}

#[test]
fn start_help_and_about_answer_in_private() {
    let (fake, _bot) = started();
    let chat = Chat::private(7);
    fake.push_text(&chat, "/start");
    fake.push_text(&chat, "/help");
    fake.push_text(&chat, "/about");
    let sent = fake.wait_sent(7, 3, WAIT);
    assert_eq!(sent.len(), 3);
    let start = text_of(&sent[0]);
    assert!(
        start.contains("Putin holds first phone call") && start.matches('•').count() == 3,
        "{start}"
    );
    let help = text_of(&sent[1]);
    assert!(help.contains("/ask") && help.contains("/about"), "{help}");
    let about = text_of(&sent[2]);
    assert!(
        about.contains("2025-02-12") && about.contains("15 paragraphs"),
        "{about}"
    );
}

#[test]
fn groups_get_answers_only_when_addressed() {
    let (fake, bot) = started();
    let group = Chat::group(-100, 5);
    fake.push_text(&group, "Who led the Russian delegation?");
    fake.push_text(&group, "/help@OtherBot");
    // The bot handles a group's messages in order: the reply to this one comes after
    // anything it said to the two before.
    let asked = fake.push_text(&group, "/ask Who led the Russian delegation?");
    let sent = fake.wait_reply_to(-100, asked, WAIT);
    assert_eq!(sent.len(), 1, "the bot spoke unasked: {sent:?}");
    assert!(
        text_of(&sent[0]).contains("Mikhail Bogdanov"),
        "log:\n{}",
        bot.log()
    );

    fake.push_text(
        &group,
        &format!("@{BOT_USERNAME} where are the russian navel bases"),
    );
    let sent = fake.wait_sent(-100, 2, WAIT);
    assert!(text_of(&sent[1]).contains("Tartus and Hmeimim"));

    fake.push_text(&group, &format!("/help@{BOT_USERNAME}"));
    let sent = fake.wait_sent(-100, 3, WAIT);
    assert!(text_of(&sent[2]).contains("/about"));

    let bot_message = json!({"message_id": 1, "date": 1, "chat": {"id": -100, "type": "group", "title": "Test group"},
        "from": {"id": BOT_ID, "is_bot": true, "first_name": "Article QA", "username": BOT_USERNAME}, "text": "earlier answer"});
    fake.push_message(
        &group,
        json!({"text": "What did bogdanof say?", "reply_to_message": bot_message}),
    );
    let sent = fake.wait_sent(-100, 4, WAIT);
    assert!(text_of(&sent[3]).contains("Bogdanov assured"));
    // Another bot replying to the bot's answer: answering it starts a loop of two bots.
    fake.push_message(
        &group,
        json!({"text": "What did Bogdanov say?", "reply_to_message": bot_message,
            "from": {"id": 999, "is_bot": true, "first_name": "Other", "username": "OtherBot"}}),
    );
    let last = fake.push_text(&group, &format!("/about@{BOT_USERNAME}"));
    let sent = fake.wait_reply_to(-100, last, WAIT);
    assert_eq!(
        sent.len(),
        5,
        "one message got two replies, or a bot got one: {sent:?}"
    );
    // Commands in any case, as Telegram clients treat them (`/HELP@ThisBot` was ignored).
    let shouted = format!("/HELP@{}", BOT_USERNAME.to_uppercase());
    let last = fake.push_text(&group, &shouted);
    let sent = fake.wait_reply_to(-100, last, WAIT);
    assert!(text_of(&sent[5]).contains("/about"), "{sent:?}");
}

#[test]
fn markup_in_questions_cannot_break_the_reply() {
    let (fake, bot) = started();
    let chat = Chat::private(8);
    fake.push_text(
        &chat,
        "<b>Who</b> led the Russian delegation & <i>why</i>? </blockquote>",
    );
    fake.push_text(&chat, "<script>alert(1)</script> & &amp; &lt;");
    let sent = fake.wait_sent(8, 2, WAIT);
    assert_eq!(sent.len(), 2, "log:\n{}", bot.log());
    for reply in &sent {
        check_html(reply["text"].as_str().unwrap()).unwrap();
    }
    assert!(text_of(&sent[0]).contains("Mikhail Bogdanov"));
    assert!(!bot.log().contains("can't parse entities"));
}

#[test]
fn answers_longer_than_telegram_allows_are_split() {
    let fake = FakeTelegram::start();
    let seeds = crate::common::harbour_seeds();
    let mut bot = BotProcess::launch(
        &fake,
        Launch {
            args: vec!["--seeds".into(), seeds.path().to_str().unwrap().into()],
            ..Launch::default()
        },
    );
    let chat = Chat::private(9);
    fake.push_text(&chat, "What does the harbour commission report list?");
    // Every part of the long answer is sent before the reply to the next message.
    let next = fake.push_text(&chat, "/about");
    let mut sent = fake.wait_reply_to(9, next, WAIT);
    let about = sent.pop().expect("a reply to /about");
    assert_eq!(about["reply_parameters"]["message_id"], next, "{about}");
    assert!(sent.len() >= 2, "not split; log:\n{}", bot.log());
    let mut seen = String::new();
    for reply in &sent {
        let html = reply["text"].as_str().unwrap();
        check_html(html).unwrap();
        assert!(visible_len(html) <= 4096, "{}", visible_len(html));
        seen.push_str(&text_of(reply));
    }
    assert!(
        seen.contains("berth 1,") && seen.contains("berth 700"),
        "part of the answer was lost"
    );
    assert!(bot.stop().unwrap().success());
}

#[test]
fn stickers_get_a_hint_and_captions_are_questions() {
    let (fake, _bot) = started();
    let chat = Chat::private(10);
    let sticker = json!({"file_id": "s1", "file_unique_id": "u1", "width": 512, "height": 512, "type": "regular",
        "is_animated": false, "is_video": false});
    fake.push_message(&chat, json!({"sticker": sticker}));
    let sent = fake.wait_sent(10, 1, WAIT);
    assert!(text_of(&sent[0]).contains("only read text"), "{:?}", sent);
    let photo = json!([{"file_id": "p1", "file_unique_id": "pu1", "width": 90, "height": 90}]);
    fake.push_message(
        &chat,
        json!({"photo": photo, "caption": "Who led the Russian delegation?"}),
    );
    let sent = fake.wait_sent(10, 2, WAIT);
    assert!(text_of(&sent[1]).contains("Mikhail Bogdanov"));
}

#[test]
fn edits_channel_posts_and_callbacks_do_not_disturb_the_bot() {
    let (fake, bot) = started();
    let chat = Chat::private(11);
    let message = json!({"message_id": 5, "date": 1, "chat": {"id": 11, "type": "private", "first_name": "T"}, "text": "edited"});
    fake.push_update("edited_message", message.clone());
    fake.push_update("channel_post", json!({"message_id": 6, "date": 1, "chat": {"id": -200, "type": "channel", "title": "C"}, "text": "post"}));
    fake.push_update(
        "callback_query",
        json!({"id": "cb1", "from": {"id": 11, "is_bot": false, "first_name": "T"},
        "chat_instance": "ci", "data": "garbage", "message": message}),
    );
    assert!(
        fake.wait_for(WAIT, |r| r.method == "answerCallbackQuery"
            && r.body["callback_query_id"] == "cb1")
            .is_some()
    );
    fake.push_text(&chat, "Who led the Russian delegation?");
    let sent = fake.wait_sent(11, 1, WAIT);
    assert_eq!(sent.len(), 1, "log:\n{}", bot.log());
    assert!(text_of(&sent[0]).contains("Mikhail Bogdanov"));
    assert!(fake.sent_to(-200).is_empty());
}

#[test]
fn flood_limit_429_is_waited_out_and_the_reply_resent() {
    let (fake, bot) = started();
    fake.fail_next("sendMessage", Fault::flood(1));
    fake.push_text(&Chat::private(12), "Who led the Russian delegation?");
    let sent = fake.wait_sent(12, 2, WAIT);
    assert_eq!(sent.len(), 2, "no resend; log:\n{}", bot.log());
    assert_eq!(sent[0]["text"], sent[1]["text"]);
    assert!(
        bot.log().contains("flood limit: resending in 1s"),
        "the wait Telegram asked for was not taken; log:\n{}",
        bot.log()
    );
}

#[test]
fn a_user_who_blocked_the_bot_is_logged_once_and_skipped() {
    let (fake, mut bot) = started();
    fake.fail_next("sendMessage", Fault::blocked());
    fake.fail_next("sendMessage", Fault::blocked());
    let blocked = Chat::private(13);
    fake.push_text(&blocked, "Who led the Russian delegation?");
    fake.wait_sent(13, 1, WAIT);
    fake.push_text(&blocked, "What did bogdanof say?");
    fake.wait_sent(13, 2, WAIT);
    fake.push_text(&Chat::private(14), "Who led the Russian delegation?");
    let sent = fake.wait_sent(14, 1, WAIT);
    assert!(
        text_of(&sent[0]).contains("Mikhail Bogdanov"),
        "bot stopped answering; log:\n{}",
        bot.log()
    );
    assert!(bot.stop().unwrap().success());
    let log = bot.log();
    assert_eq!(log.matches("blocked the bot").count(), 1, "{log}");
}

#[test]
fn a_dropped_connection_while_polling_is_retried() {
    let fake = FakeTelegram::start();
    fake.fail_next("getUpdates", Fault::Drop);
    let mut bot = BotProcess::start(&fake);
    fake.push_text(&Chat::private(15), "Who led the Russian delegation?");
    let sent = fake.wait_sent(15, 1, Duration::from_secs(30));
    assert_eq!(
        sent.len(),
        1,
        "no answer after the dropped connection; log:\n{}",
        bot.log()
    );
    assert!(bot.stop().unwrap().success());
    assert!(!bot.log().contains(TOKEN.split(':').nth(1).unwrap()));
}

#[test]
fn a_rejected_token_ends_in_one_clean_line() {
    let fake = FakeTelegram::start();
    let wrong = "54321:FAKE-WRONG-TOKEN-for-tests";
    let mut bot = BotProcess::launch(
        &fake,
        Launch {
            token: wrong.into(),
            ..Launch::default()
        },
    );
    let status = bot.wait_exit(WAIT).expect("bot exits");
    assert!(!status.success());
    let log = bot.log();
    assert!(log.contains("rejected the bot token"), "{log}");
    // The fake is an API URL of its own: a wrong path there reads as a bad token too.
    assert!(log.contains("TELOXIDE_API_URL"), "{log}");
    assert!(!log.contains("panicked"), "{log}");
    assert!(!log.contains("WRONG-token"), "token leaked:\n{log}");
    assert_eq!(
        log.lines().filter(|l| l.contains("error")).count(),
        1,
        "{log}"
    );
}

// The 401 line did not say where the token came from, so a stale exported token that wins
// over `.env` looked like a bad `.env`: it names the environment or the `.env` file (never
// the token).
#[test]
fn a_rejected_token_says_where_the_token_came_from() {
    let dir = tempfile::tempdir().unwrap();
    let env_file = dir.path().join("bot.env");
    let in_file = "54321:FAKE-TOKEN-from-the-env-file";
    std::fs::write(&env_file, format!("TELOXIDE_TOKEN={in_file}\n")).unwrap();
    let exported = "54321:FAKE-TOKEN-from-the-environment";
    let from_file = format!(
        "(the token came from TELOXIDE_TOKEN in {})",
        env_file.display()
    );
    let from_env = format!(
        "(the token came from TELOXIDE_TOKEN in the environment, which wins over the one in {})",
        env_file.display()
    );
    // An empty exported token counts as unset, so the file's is used.
    for (token, want) in [("", from_file), (exported, from_env)] {
        let fake = FakeTelegram::start();
        let mut bot = BotProcess::launch(
            &fake,
            Launch {
                token: token.into(),
                args: vec!["--env-file".into(), env_file.to_str().unwrap().into()],
                ..Launch::default()
            },
        );
        let status = bot.wait_exit(WAIT).expect("bot exits");
        assert!(!status.success());
        let log = bot.log();
        let errors: Vec<&str> = log.lines().filter(|l| l.contains("error")).collect();
        assert_eq!(errors.len(), 1, "{log}");
        assert!(errors[0].contains("401 Unauthorized"), "{log}");
        assert!(errors[0].ends_with(&want), "{log}");
        assert!(!log.contains("FAKE-TOKEN"), "token leaked:\n{log}");
    }
}

#[test]
fn an_unreachable_api_url_ends_in_one_clean_line() {
    let fake = FakeTelegram::start();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let mut bot = BotProcess::launch(
        &fake,
        Launch {
            env: vec![("TELOXIDE_API_URL".into(), url.clone())],
            ..Launch::default()
        },
    );
    let status = bot.wait_exit(WAIT).expect("bot exits");
    assert!(!status.success());
    let log = bot.log();
    assert!(
        log.contains("cannot reach the Bot API") && log.contains(&url),
        "{log}"
    );
    assert!(!log.contains(TOKEN), "{log}");
}

#[test]
fn a_second_instance_409_stops_the_bot_with_the_reason() {
    // teloxide knows the first wording; any 409 `Conflict: …` means the same.
    let other_wording = Fault::Status(
        409,
        json!({"ok": false, "error_code": 409, "description": "Conflict: another poller holds this token"}),
    );
    // The conflict persists (another instance keeps polling): the bot stops once it has
    // lasted the start-up patience (15 s), both wordings at once.
    let runs: Vec<_> = [Fault::conflict(), other_wording]
        .into_iter()
        .map(|fault| {
            std::thread::spawn(move || {
                let fake = FakeTelegram::start();
                for _ in 0..40 {
                    fake.fail_next("getUpdates", fault.clone());
                }
                let mut bot = BotProcess::start(&fake);
                let Some(status) = bot.wait_exit(Duration::from_secs(60)) else {
                    panic!("still running; log:\n{}", bot.log())
                };
                assert!(!status.success());
                assert!(bot.log().contains("another instance"), "{}", bot.log());
                assert!(fake.faults_left("getUpdates") > 0, "{}", bot.log());
            })
        })
        .collect();
    for run in runs {
        run.join().unwrap();
    }
}

#[test]
fn the_token_never_reaches_the_log() {
    let fake = FakeTelegram::start();
    fake.fail_next("getUpdates", Fault::Drop);
    fake.fail_next(
        "getUpdates",
        Fault::Status(
            502,
            json!({"ok": false, "error_code": 502, "description": "Bad Gateway"}),
        ),
    );
    fake.fail_next("sendMessage", Fault::Drop);
    let mut bot = BotProcess::launch(
        &fake,
        Launch {
            env: vec![("RUST_LOG".into(), "trace".into())],
            ..Launch::default()
        },
    );
    let chat = Chat::private(16);
    fake.push_text(&chat, "Who led the Russian delegation?");
    // The first reply's connection is dropped; once the next one is answered, the bot has
    // logged that failure.
    let next = fake.push_text(&chat, "/about");
    let sent = fake.wait_reply_to(16, next, Duration::from_secs(30));
    assert!(
        sent.last()
            .is_some_and(|m| text_of(m).contains("15 paragraphs")),
        "{sent:?}\n{}",
        bot.log()
    );
    assert!(bot.stop().is_some_and(|s| s.success()), "{}", bot.log());
    let log = bot.log();
    assert!(
        log.len() > 1000,
        "trace logging produced too little to prove anything:\n{log}"
    );
    let secret = TOKEN.split(':').nth(1).unwrap();
    assert!(!log.contains(secret), "the token appears in the log");
}

#[test]
fn sigterm_stops_the_bot_cleanly() {
    let (_fake, mut bot) = started();
    let status = bot.stop().expect("stops within the timeout");
    assert!(status.success(), "exit {status:?}; log:\n{}", bot.log());
}

#[test]
fn ctrl_c_stops_the_bot_cleanly() {
    let (_fake, mut bot) = started();
    let status = bot.signal("-INT").expect("stops within the timeout");
    assert!(status.success(), "exit {status:?}; log:\n{}", bot.log());
}

// An article whose metadata has a `url` gets a "Read the article" button under its answers,
// below "More" and "Show paragraph"; one without a url does not (the shipped article).
#[test]
fn an_answer_carries_the_articles_link_when_its_metadata_has_one() {
    let (_seeds, fake, _bot) = started_with_seeds(&[
        (
            "treaty.txt",
            "Delegates from twelve countries signed the water treaty in Geneva on Tuesday.\n\n\
             The treaty shares the river's water by season.\n",
        ),
        (
            "treaty.meta.toml",
            "title = \"Twelve countries sign the water treaty\"\nurl = \"https://news.example.org/treaty\"\n",
        ),
    ]);
    let chat = Chat::private(960);
    let asked = fake.push_text(&chat, "Where was the treaty signed?");
    let sent = fake.wait_reply_to(960, asked, WAIT);
    let rows = sent[0]["reply_markup"]["inline_keyboard"]
        .as_array()
        .unwrap();
    assert_eq!(rows.len(), 2, "{sent:?}");
    assert_eq!(rows[1][0]["text"], "Read the article");
    assert_eq!(rows[1][0]["url"], "https://news.example.org/treaty");
    let (fake, _bot) = started();
    let asked = fake.push_text(&Chat::private(961), "Who led the Russian delegation?");
    let sent = fake.wait_reply_to(961, asked, WAIT);
    let rows = sent[0]["reply_markup"]["inline_keyboard"]
        .as_array()
        .unwrap();
    assert_eq!(rows.len(), 1, "no url, no link button: {sent:?}");
}

// A person who edits a question the bot answered gets the answer edited to the question as it
// reads now; an edit to a message the bot never answered changes nothing.
#[test]
fn an_edited_question_gets_its_answer_edited() {
    let (fake, _bot) = started();
    let chat = Chat::private(970);
    let asked = fake.push_text(&chat, "Who led the Russian delegation?");
    let sent = fake.wait_reply_to(970, asked, WAIT);
    assert!(text_of(&sent[0]).contains("Bogdanov"));
    let reply_id = asked + 1;
    let edited = |id: i64, text: &str| {
        json!({"message_id": id, "date": crate::support::fake_telegram::now(),
               "edit_date": crate::support::fake_telegram::now(), "chat": chat.json(),
               "from": {"id": chat.user_id, "is_bot": false, "first_name": "Tester"},
               "text": text})
    };
    fake.push_update(
        "edited_message",
        edited(asked, "Where are the Russian naval bases?"),
    );
    let edit = fake
        .wait_for(WAIT, |r| r.method == "editMessageText")
        .expect("the answer is edited");
    assert_eq!(edit.body["message_id"], reply_id);
    assert_eq!(edit.body["chat_id"], 970);
    assert!(
        strip_tags(edit.body["text"].as_str().unwrap()).contains("Tartus"),
        "{:?}",
        edit.body
    );
    assert_eq!(
        edit.body["reply_markup"]["inline_keyboard"][0][0]["text"], "More",
        "{:?}",
        edit.body
    );
    // An /ask question edited: its answer is edited too.
    let ask = fake.push_text(&chat, "/ask Who led the Russian delegation?");
    fake.wait_reply_to(970, ask, WAIT);
    fake.push_update("edited_message", edited(ask, "/ask What is HTS?"));
    assert!(
        fake.wait_count("editMessageText", 1, WAIT),
        "the /ask answer was not edited"
    );
    let edits = fake.requests_of("editMessageText", 1);
    assert_eq!(edits[0].body["message_id"], ask + 1);
    // An edit of a message the bot never answered: nothing is edited (the next question's
    // reply, handled after it in this chat, shows it was handled).
    fake.push_update("edited_message", edited(asked + 500, "Who is Bogdanov?"));
    let next = fake.push_text(&chat, "What is HTS?");
    fake.wait_reply_to(970, next, WAIT);
    assert_eq!(fake.count("editMessageText"), 2);
}
