//! Inline mode: `@Bot question` in any chat is answered with inline results holding the
//! article's own sentences (HTML-escaped), an empty query shows the example questions with
//! their answers, and a question the article does not answer gets one result saying so.

use serde_json::{Value, json};

use crate::support::fake_telegram::FakeTelegram;
use crate::telegram::{WAIT, started, started_with_seeds};

/// Sends an inline query and returns the bot's `answerInlineQuery` call.
fn inline(fake: &FakeTelegram, id: &str, query: &str) -> Value {
    fake.push_update(
        "inline_query",
        json!({"id": id, "from": {"id": 77, "is_bot": false, "first_name": "Tester"},
               "query": query, "offset": ""}),
    );
    let answer = fake
        .wait_for(WAIT, |r| {
            r.method == "answerInlineQuery" && r.body["inline_query_id"] == id
        })
        .expect("the inline query is answered");
    (*answer.body).clone()
}

fn results(answer: &Value) -> Vec<Value> {
    answer["results"].as_array().cloned().unwrap_or_default()
}

fn message_text(result: &Value) -> &str {
    result["input_message_content"]["message_text"]
        .as_str()
        .unwrap_or_default()
}

#[test]
fn an_inline_query_is_answered_with_the_quoted_sentences() {
    let (fake, mut bot) = started();
    let answer = inline(&fake, "501", "Who led the Russian delegation?");
    assert_eq!(answer["cache_time"], 300);
    let results = results(&answer);
    assert!(!results.is_empty() && results.len() <= 3, "{answer}");
    let first = &results[0];
    assert_eq!(first["type"], "article");
    assert!(message_text(first).contains("Mikhail Bogdanov"), "{first}");
    assert_eq!(first["input_message_content"]["parse_mode"], "HTML");
    assert!(
        first["description"].as_str().unwrap().contains('¶'),
        "{first}"
    );
    assert!(!first["title"].as_str().unwrap().is_empty());
    // A question the article does not answer: one result saying so.
    let none = results_of(&fake, "502", "What is the capital of France?");
    assert_eq!(none.len(), 1);
    assert_eq!(none[0]["title"], "The article does not say");
    // Inline answers use no conversation context and send no message.
    assert_eq!(fake.count("sendMessage"), 0);
    assert!(bot.stop().unwrap().success());
    assert!(!bot.log().contains("capital of France"), "{}", bot.log());
}

fn results_of(fake: &FakeTelegram, id: &str, query: &str) -> Vec<Value> {
    results(&inline(fake, id, query))
}

#[test]
fn an_empty_inline_query_shows_the_example_questions_with_their_answers() {
    let (fake, _bot) = started();
    let results = results_of(&fake, "601", "");
    let titles: Vec<&str> = results.iter().filter_map(|r| r["title"].as_str()).collect();
    assert_eq!(
        titles,
        [
            "Who led the Russian delegation?",
            "Where are the Russian naval bases?",
            "What did Putin and al-Sharaa discuss?"
        ]
    );
    assert!(
        message_text(&results[0]).contains("Mikhail Bogdanov"),
        "{:?}",
        results[0]
    );
}

#[test]
fn inline_results_escape_the_articles_markup() {
    let (_seeds, fake, _bot) = started_with_seeds(&[(
        "summit.txt",
        "The committee met on <b>Tuesday</b> in Geneva to discuss the water treaty.\n\n\
         Delegates from twelve countries signed the treaty after long talks.\n",
    )]);
    let results = results_of(&fake, "701", "When did the committee meet in Geneva?");
    let text = message_text(&results[0]);
    assert!(text.contains("&lt;b&gt;Tuesday&lt;/b&gt;"), "{text}");
    assert!(!text.contains("<b>Tuesday"), "{text}");
}
