//! Deep links: `article-qa link` prints `https://t.me/<bot>?start=<payload>` for a question
//! (asking Telegram for the bot's name when no `--bot` is given), refuses a question too long
//! for Telegram's start parameter in one line, and the bot answers `/start <payload>` with the
//! answer to the question it holds (a plain `/start` still greets).

use std::process::Output;

use crate::common::article_qa_command;
use crate::support::fake_telegram::{BOT_USERNAME, Chat, FakeTelegram, TOKEN};
use crate::telegram::{WAIT, started, text_of};

const QUESTION: &str = "Who led the Russian delegation?";

fn link(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = article_qa_command();
    command.arg("link").args(args);
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().expect("binary runs")
}

fn printed_link(output: &Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone())
        .unwrap()
        .trim()
        .to_string()
}

#[test]
fn a_deep_link_asks_its_question_when_opened() {
    let made = printed_link(&link(&["--bot", "@SomeBot", QUESTION], &[]));
    let payload = made
        .strip_prefix("https://t.me/SomeBot?start=")
        .unwrap_or_else(|| panic!("{made}"));
    let (fake, _bot) = started();
    let chat = Chat::private(950);
    let asked = fake.push_text(&chat, &format!("/start {payload}"));
    let sent = fake.wait_reply_to(950, asked, WAIT);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(text_of(&sent[0]).contains("Mikhail Bogdanov"), "{sent:?}");
    // A plain /start, or one with a payload that is no question, greets.
    for start in ["/start", "/start not-a-question!"] {
        let greeted = fake.push_text(&chat, start);
        let sent = fake.wait_reply_to(950, greeted, WAIT);
        let reply = sent
            .iter()
            .find(|m| m["reply_parameters"]["message_id"] == greeted)
            .expect("a reply");
        assert!(text_of(reply).starts_with("Hi!"), "{start}: {reply}");
    }
}

#[test]
fn link_asks_telegram_for_the_bots_name_and_refuses_a_question_too_long() {
    let fake = FakeTelegram::start();
    let url = fake.url();
    let made = printed_link(&link(
        &[QUESTION],
        &[("TELOXIDE_TOKEN", TOKEN), ("TELOXIDE_API_URL", &url)],
    ));
    assert!(
        made.starts_with(&format!("https://t.me/{BOT_USERNAME}?start=")),
        "{made}"
    );
    let long = "Which Syrian officials did the Russian delegation meet in Damascus?";
    for args in [
        vec!["--bot", "SomeBot", long],
        vec!["--bot", "SomeBot", " "],
    ] {
        let out = link(&args, &[]);
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(err.contains("question"), "{err}");
    }
    // A --bot that is no username would print a broken link.
    for bot in ["my bot", "https://t.me/SomeBot", "ab", "abcde"] {
        let out = link(&["--bot", bot, QUESTION], &[]);
        assert_eq!(out.status.code(), Some(2), "{bot}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("--bot"),
            "{bot}"
        );
    }
    // No --bot and no token: one line saying what to do.
    let out = link(&[QUESTION], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--bot"));
}
