//! Flood protection against the real binary: one chat flooding the bot does not hold up the
//! others, an identical question repeated within seconds is answered once, and replies are
//! paced below Telegram's limits (30 a second in all, 20 a minute to a group) before a 429
//! comes. Checked by the order and count of recorded requests, never by the clock.

use crate::support::fake_telegram::{Chat, Fault};
use crate::telegram::{WAIT, started, text_of};

const QUESTION: &str = "Who led the Russian delegation?";

#[test]
fn one_flooded_chat_does_not_hold_up_the_others() {
    let (fake, mut bot) = started();
    let (flooded, other) = (Chat::private(80), Chat::private(81));
    // The flooded chat's first reply waits out a long flood limit while its user goes on
    // asking; teloxide's queue for that chat (64 by default) would fill and stop the
    // dispatcher for every chat.
    fake.fail_next("sendMessage", Fault::flood(240));
    fake.push_text(&flooded, QUESTION);
    assert!(fake.wait_for(WAIT, |r| r.method == "sendMessage").is_some());
    for i in 0..100 {
        fake.push_text(&flooded, &format!("Question number {i}?"));
    }
    let asked = fake.push_text(&other, QUESTION);
    let sent = fake.wait_reply_to(other.id, asked, WAIT);
    assert_eq!(
        sent.len(),
        1,
        "the other chat was held up; log:\n{}",
        bot.log()
    );
    assert!(bot.stop().unwrap().success(), "{}", bot.log());
    let log = bot.log();
    assert_eq!(
        log.matches("further updates are dropped").count(),
        1,
        "{log}"
    );
}

#[test]
fn the_same_question_many_times_in_a_second_is_answered_once() {
    let (fake, bot) = started();
    let chat = Chat::private(82);
    for _ in 0..20 {
        fake.push_text(&chat, QUESTION);
    }
    let last = fake.last_update_id();
    assert_eq!(fake.wait_sent(chat.id, 1, WAIT).len(), 1, "{}", bot.log());
    assert!(fake.wait_consumed(last, WAIT), "{}", bot.log());
    // The chat's updates are handled in order: once the next question is answered, every
    // repeat before it has been handled.
    let next = fake.push_text(&chat, "/about");
    let sent = fake.wait_reply_to(chat.id, next, WAIT);
    assert_eq!(
        sent.len(),
        2,
        "{:?}\n{}",
        sent.iter().map(text_of).collect::<Vec<_>>(),
        bot.log()
    );
    assert!(text_of(&sent[0]).contains("Mikhail Bogdanov"));
}

#[test]
fn a_group_past_its_burst_waits_its_turn_while_other_chats_are_answered() {
    let (fake, bot) = started();
    fake.enforce_limits();
    let group = Chat::group(-83, 5);
    for i in 0..6 {
        fake.push_text(&group, &format!("/ask {QUESTION} {i}"));
    }
    assert_eq!(fake.wait_sent(group.id, 5, WAIT).len(), 5, "{}", bot.log());
    // The group's sixth message waits for its turn (20 a minute to a group); a private
    // chat's question asked now is answered before it.
    let asked = fake.push_text(&Chat::private(84), QUESTION);
    assert_eq!(
        fake.wait_reply_to(84, asked, WAIT).len(),
        1,
        "{}",
        bot.log()
    );
    assert_eq!(fake.wait_sent(group.id, 6, WAIT).len(), 6, "{}", bot.log());
    let position = |chat: i64, nth: usize| {
        fake.requests()
            .iter()
            .enumerate()
            .filter(|(_, r)| r.method == "sendMessage" && r.body["chat_id"] == chat)
            .map(|(i, _)| i)
            .nth(nth)
            .unwrap()
    };
    assert!(
        position(84, 0) < position(group.id, 5),
        "the group's sixth message went out at once"
    );
    assert_eq!(fake.over_limit(), 0);
}

#[test]
fn replies_to_many_chats_at_once_stay_under_telegrams_limit_of_30_a_second() {
    let (fake, bot) = started();
    fake.enforce_limits();
    let chats: Vec<Chat> = (0..40).map(|i| Chat::private(2_000 + i)).collect();
    for chat in &chats {
        fake.push_text(chat, QUESTION);
    }
    for chat in &chats {
        assert!(
            !fake.wait_sent(chat.id, 1, WAIT).is_empty(),
            "{}",
            bot.log()
        );
    }
    assert_eq!(
        fake.over_limit(),
        0,
        "Telegram's limit was hit; log:\n{}",
        bot.log()
    );
}
