//! Several articles in the seeds folder, end to end against the fake Bot API: `/articles`
//! lists them (with a button for each), `/article 2` makes the second the chat's article so
//! a question is answered from it alone, `/about` describes it, `/article all` returns to
//! both (an answer quoting both groups its quotes under each title), bad numbers get one
//! line, and `/start` names the articles without made-up example questions.

use serde_json::Value;

use crate::conversation::{callback_answer, press};
use crate::support::fake_telegram::Chat;
use crate::telegram::{WAIT, started_with_seeds, text_of};

/// The shipped article (with its metadata and FAQ rules) and a second one without metadata
/// or heading, whose title comes from its file name; it sorts after the shipped one, so it
/// is number 2.
fn two_articles() -> Vec<(&'static str, String)> {
    let repo = env!("CARGO_MANIFEST_DIR");
    let read = |name: &str| std::fs::read_to_string(format!("{repo}/seeds/{name}")).unwrap();
    vec![
        (
            "putin-al-sharaa-phone-call.txt",
            read("putin-al-sharaa-phone-call.txt"),
        ),
        (
            "putin-al-sharaa-phone-call.meta.toml",
            read("putin-al-sharaa-phone-call.meta.toml"),
        ),
        ("faq.toml", read("faq.toml")),
        (
            "zagreb-tram-line-for-the-city.txt",
            "A delegation of engineers led by Ana Horvat inspected the new tram line on Monday.\n\n\
             The line will open to passengers in May, the city council said.\n"
                .to_string(),
        ),
    ]
}

/// The labels of every button under a message, row by row.
fn buttons(message: &Value) -> Vec<String> {
    let rows = message["reply_markup"]["inline_keyboard"].as_array();
    (rows.into_iter().flatten())
        .flat_map(|row| row.as_array().into_iter().flatten())
        .map(|button| button["text"].as_str().unwrap_or_default().to_string())
        .collect()
}

const PUTIN: &str = "“Putin holds first phone call with Syria’s new leader al-Sharaa”";
const ZAGREB: &str = "“Zagreb Tram Line for the City”";

#[test]
fn articles_lists_them_and_article_2_answers_from_the_second_alone_until_article_all() {
    let files = two_articles();
    let files: Vec<(&str, &str)> = files.iter().map(|(n, c)| (*n, c.as_str())).collect();
    let (_seeds, fake, bot) = started_with_seeds(&files);
    let chat = Chat::private(1301);
    let listed = fake.push_text(&chat, "/articles");
    let sent = fake.wait_reply_to(1301, listed, WAIT);
    assert_eq!(sent.len(), 1, "log:\n{}", bot.log());
    let list = text_of(&sent[0]);
    assert!(
        list.starts_with("The 2 articles I answer from:\n\n"),
        "{list}"
    );
    assert!(
        list.contains(&format!("\n1. {PUTIN} — 2025-02-12, 15 paragraphs\n")),
        "{list}"
    );
    assert!(
        list.contains(&format!("\n2. {ZAGREB} — 2 paragraphs\n")),
        "{list}"
    );
    assert!(
        list.ends_with("In this chat I answer from all of them. Send /article <number> to ask about one, or /article all for all of them."),
        "{list}"
    );
    let labels = buttons(&sent[0]);
    assert_eq!(labels.len(), 3, "{labels:?}");
    assert!(
        labels[0].starts_with("1 · Putin holds first phone call"),
        "{labels:?}"
    );
    assert_eq!(
        labels[1..],
        ["2 · Zagreb Tram Line for the City", "All articles"]
    );

    // Both articles have a delegation; with article 2 chosen only its own is quoted.
    fake.push_text(&chat, "/article 2");
    fake.push_text(&chat, "Who led the delegation?");
    let about = fake.push_text(&chat, "/about");
    let sent = fake.wait_reply_to(1301, about, WAIT);
    let texts: Vec<String> = sent.iter().map(text_of).collect();
    assert_eq!(texts.len(), 4, "{texts:?}");
    assert_eq!(
        texts[1],
        format!(
            "Done — in this chat I answer from {ZAGREB} now. Send /article all to ask about every article again."
        )
    );
    let answer = &texts[2];
    assert!(answer.contains("Ana Horvat"), "{answer}");
    assert!(!answer.contains("Bogdanov"), "{answer}");
    assert!(answer.ends_with(&format!("— from {ZAGREB}")), "{answer}");
    assert_eq!(
        texts[3],
        format!("{ZAGREB}\nSource: not recorded\n2 paragraphs, 2 sentences")
    );

    // The shipped FAQ rule that sums up the article quotes article 1: not for article 2.
    let asked = fake.push_text(&chat, "What is this article about?");
    let sent = fake.wait_reply_to(1301, asked, WAIT);
    let topic = text_of(sent.last().unwrap());
    assert!(!topic.contains("Putin"), "{topic}");

    // /articles says which one the chat asks about; bad numbers get one line each.
    fake.push_text(&chat, "/article 99");
    fake.push_text(&chat, "/article x");
    let listed = fake.push_text(&chat, "/articles");
    let sent = fake.wait_reply_to(1301, listed, WAIT);
    let texts: Vec<String> = sent.iter().rev().take(3).rev().map(text_of).collect();
    let refusal = "Send /article with a number from 1 to 2, or /article all.";
    assert_eq!(texts[0], format!("There is no article “99”. {refusal}"));
    assert_eq!(texts[1], format!("There is no article “x”. {refusal}"));
    assert!(
        texts[2].contains(&format!("In this chat I answer from article 2, {ZAGREB}.")),
        "{}",
        texts[2]
    );

    // /article all: both again, and an answer quoting both groups its quotes by article.
    fake.push_text(&chat, "/article all");
    let asked = fake.push_text(&chat, "Who led the delegation?");
    let sent = fake.wait_reply_to(1301, asked, WAIT);
    let texts: Vec<String> = sent.iter().rev().take(2).rev().map(text_of).collect();
    assert_eq!(
        texts[0],
        "Done — in this chat I answer from all 2 articles again."
    );
    let answer = &texts[1];
    assert!(answer.contains("Bogdanov"), "{answer}");
    // Two ¶1-style quotes from two articles: each stands under its own article's title.
    let zagreb = answer.find(&format!("From {ZAGREB}:")).expect(answer);
    let putin = answer.find(&format!("From {PUTIN}:")).expect(answer);
    let horvat = answer.find("Ana Horvat").expect(answer);
    let bogdanov = answer.find("Bogdanov").expect(answer);
    assert!(
        zagreb < horvat && horvat < putin && putin < bogdanov,
        "{answer}"
    );
    assert!(!answer.contains("— from"), "{answer}");

    // The button for article 1 does what /article 1 does.
    let id = press(&fake, &chat, "1a1", "cb-article-1");
    callback_answer(&fake, &id);
    let asked = fake.push_text(&chat, "What is the tram line?");
    let sent = fake.wait_reply_to(1301, asked, WAIT);
    let texts: Vec<String> = sent.iter().rev().take(2).rev().map(text_of).collect();
    assert_eq!(
        texts[0],
        format!(
            "Done — in this chat I answer from {PUTIN} now. Send /article all to ask about every article again."
        )
    );
    assert!(!texts[1].contains("Horvat"), "{}", texts[1]);
    let asked = fake.push_text(&chat, "What is this article about?");
    let sent = fake.wait_reply_to(1301, asked, WAIT);
    let topic = text_of(sent.last().unwrap());
    assert!(topic.contains("Vladimir Putin has held"), "{topic}");
}

#[test]
fn start_names_both_articles_and_says_how_to_choose_without_placeholder_questions() {
    let files = two_articles();
    let mut files: Vec<(&str, &str)> = files.iter().map(|(n, c)| (*n, c.as_str())).collect();
    // Without the shipped metadata neither article lists example questions.
    files.retain(|(name, _)| !name.ends_with(".meta.toml"));
    let (_seeds, fake, bot) = started_with_seeds(&files);
    let chat = Chat::private(1302);
    let asked = fake.push_text(&chat, "/start");
    let sent = fake.wait_reply_to(1302, asked, WAIT);
    assert_eq!(sent.len(), 1, "log:\n{}", bot.log());
    let start = text_of(&sent[0]);
    assert!(start.contains(ZAGREB), "{start}");
    assert!(
        start.contains("\nSend /articles to see them, or /article <number> to ask about one.\n"),
        "{start}"
    );
    assert!(!start.contains("(a person the article names)"), "{start}");
    assert!(!start.contains("Try asking:"), "{start}");
    assert!(
        start.ends_with("Send /help to see everything I can do."),
        "{start}"
    );
}
