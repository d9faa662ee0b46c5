//! Replies in the user's language: Telegram's `language_code` (Russian here), `/language`
//! switching a chat (to Arabic, right to left, and back), the command menu in every
//! language, inline results and button notices, the choice kept in Redis across restarts,
//! and the console chat's `LANG`. Quotes stay as the article has them throughout.

use std::io::Write as _;

use serde_json::{Value, json};

use crate::common::article_qa_command;
use crate::conversation::{callback_answer, press};
use crate::support::bot_process::{BotProcess, Launch};
use crate::support::fake_telegram::{Chat, FakeTelegram};
use crate::support::servers::redis_server;
use crate::telegram::{WAIT, started, text_of};

/// RIGHT-TO-LEFT MARK, which starts every line of the bot's Arabic texts.
const RLM: char = '\u{200F}';

/// The labels of the buttons in a reply's first row.
fn labels(message: &Value) -> Vec<String> {
    let row = message["reply_markup"]["inline_keyboard"][0].as_array();
    (row.into_iter().flatten())
        .map(|button| button["text"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// The HTML of a sent message.
fn html(message: &Value) -> &str {
    message["text"].as_str().unwrap_or_default()
}

#[test]
fn a_russian_user_is_greeted_and_told_the_article_does_not_say_in_russian() {
    let (fake, bot) = started();
    let chat = Chat::private(1101).speaking("ru");
    fake.push_text(&chat, "/start");
    fake.push_text(&chat, "What is the capital of France?");
    let asked = fake.push_text(&chat, "Who led the Russian delegation?");
    let sent = fake.wait_reply_to(1101, asked, WAIT);
    assert_eq!(sent.len(), 3, "log:\n{}", bot.log());
    let start = text_of(&sent[0]);
    assert!(
        start.starts_with(
            "Здравствуйте! Я отвечаю на вопросы по статье “Putin holds first phone call"
        ),
        "{start}"
    );
    // The article's example questions are shown as its metadata has them.
    assert!(
        start.contains("Спросите, например:\n• Who led the Russian delegation?\n"),
        "{start}"
    );
    assert!(
        start.ends_with("Отправьте /help, чтобы узнать, что я умею."),
        "{start}"
    );
    assert_eq!(
        text_of(&sent[1]),
        "В статье об этом не сказано. Спросите о том, о чём она пишет, или отправьте /help."
    );
    // The answer quotes the article as it is; only the bot's own words are Russian.
    let answer = html(&sent[2]);
    assert!(
        answer.contains("<blockquote>Led by Deputy Foreign Minister Mikhail Bogdanov"),
        "{answer}"
    );
    assert!(
        answer.contains("<i>— из “Putin holds first phone call"),
        "{answer}"
    );
    assert_eq!(labels(&sent[2]), ["Ещё", "Весь абзац"]);
}

#[test]
fn language_ar_switches_the_chat_to_arabic_right_to_left_and_auto_switches_back() {
    let (fake, bot) = started();
    let chat = Chat::private(1102).speaking("en");
    fake.push_text(&chat, "/language ar");
    fake.push_text(&chat, "/help");
    fake.push_text(&chat, "Who led the Russian delegation?");
    let asked = fake.push_text(&chat, "/language");
    let sent = fake.wait_reply_to(1102, asked, WAIT);
    assert_eq!(sent.len(), 4, "log:\n{}", bot.log());
    let changed = text_of(&sent[0]);
    assert!(
        changed.starts_with(&format!("{RLM}تم — لغة الردود في هذه المحادثة الآن:")),
        "{changed:?}"
    );
    // Every line of Arabic text is a right-to-left paragraph, and a command among Arabic
    // words is isolated so its `/` stays in front.
    let help = text_of(&sent[1]);
    assert!(help.lines().all(|line| line.starts_with(RLM)), "{help:?}");
    assert!(help.contains("الأوامر:"), "{help}");
    assert!(help.contains("\u{2066}/ask\u{2069}"), "{help:?}");
    // The quote is the article's sentence untouched; the line under it is Arabic.
    let answer = html(&sent[2]);
    assert!(
        answer.contains(
            "<blockquote>Led by Deputy Foreign Minister Mikhail Bogdanov, the delegation"
        ),
        "{answer}"
    );
    assert!(
        answer.contains(&format!(
            "<i>{RLM}— من \u{2068}“Putin holds first phone call"
        )),
        "{answer:?}"
    );
    let labels: Vec<String> = labels(&sent[2])
        .iter()
        .map(|l| l.trim_start_matches(RLM).to_string())
        .collect();
    assert_eq!(labels, ["المزيد", "الفقرة كاملة"]);
    let shown = text_of(&sent[3]);
    assert!(
        shown.contains("لغة الردود: \u{2068}العربية\u{2069}."),
        "{shown:?}"
    );
    assert!(shown.contains("/language en — English"), "{shown:?}");

    // Another chat is not affected.
    let other = fake.push_text(&Chat::private(1103), "/help");
    let sent = fake.wait_reply_to(1103, other, WAIT);
    assert!(
        text_of(&sent[0]).starts_with("Ask me a question"),
        "{sent:?}"
    );

    // An unknown language changes nothing and lists the options; `auto` goes back to the
    // sender's app language (English here), whose texts are as they always were.
    fake.push_text(&chat, "/language xx");
    fake.push_text(&chat, "/language auto");
    let asked = fake.push_text(&chat, "What is the capital of France?");
    let sent = fake.wait_reply_to(1102, asked, WAIT);
    let unknown = text_of(&sent[4]);
    assert!(unknown.contains("لا أعرف اللغة"), "{unknown:?}");
    assert!(unknown.contains("/language ru — Русский"), "{unknown:?}");
    assert_eq!(
        text_of(&sent[5]),
        "Done — I reply in each person's app language again (in English when it is none of mine)."
    );
    assert_eq!(
        text_of(&sent[6]),
        "The article does not say. Try asking about something it covers, or send /help."
    );
}

#[test]
fn a_groups_language_applies_to_every_member_whatever_their_app_says() {
    let (fake, _bot) = started();
    let first = Chat::group(-1104, 51).speaking("ru");
    let second = Chat::group(-1104, 52).speaking("ar");
    fake.push_text(&second, "/ask What is the capital of France?");
    fake.push_text(&first, "/language ru");
    let asked = fake.push_text(&second, "/ask What is the capital of France?");
    let sent = fake.wait_reply_to(-1104, asked, WAIT);
    assert_eq!(sent.len(), 3, "{sent:?}");
    assert!(text_of(&sent[0]).contains("لا يذكر المقال ذلك"), "{sent:?}");
    assert!(
        text_of(&sent[2]).starts_with("В статье об этом не сказано."),
        "{sent:?}"
    );
}

#[test]
fn the_command_menu_is_registered_in_each_language() {
    let (fake, _bot) = started();
    assert!(fake.wait_count("setMyCommands", 2, WAIT), "not three menus");
    let menus = fake.requests_of("setMyCommands", 0);
    let codes: Vec<Option<&str>> = (menus.iter())
        .map(|m| m.body["language_code"].as_str())
        .collect();
    assert_eq!(codes, [None, Some("ru"), Some("ar")]);
    let commands = |i: usize| menus[i].body["commands"].as_array().cloned().unwrap();
    let names = |i: usize| {
        (commands(i).iter())
            .map(|c| c["command"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names(0),
        [
            "start", "help", "about", "articles", "article", "ask", "reset", "language"
        ]
    );
    assert_eq!(names(1), names(0));
    assert_eq!(names(2), names(0));
    assert_eq!(
        commands(0)[0]["description"],
        "Say hello and show example questions."
    );
    assert_eq!(
        commands(1)[0]["description"],
        "Поздороваться и показать примеры вопросов."
    );
    let arabic = commands(2)[0]["description"].as_str().unwrap().to_string();
    assert_eq!(arabic, format!("{RLM}التحية وعرض أمثلة على الأسئلة."));
}

/// Sends an inline query from user `user` (with `language_code` when given); returns the
/// first result.
fn inline_result(fake: &FakeTelegram, id: &str, user: i64, code: Option<&str>) -> Value {
    let mut from = json!({"id": user, "is_bot": false, "first_name": "Tester"});
    if let Some(code) = code {
        from["language_code"] = json!(code);
    }
    fake.push_update(
        "inline_query",
        json!({"id": id, "from": from, "query": "What is the capital of France?", "offset": ""}),
    );
    let answer = fake
        .wait_for(WAIT, |r| {
            r.method == "answerInlineQuery" && r.body["inline_query_id"] == id
        })
        .expect("the inline query is answered");
    answer.body["results"][0].clone()
}

#[test]
fn inline_results_and_button_notices_speak_the_users_language() {
    let (fake, _bot) = started();
    let russian = inline_result(&fake, "1201", 1105, Some("ru"));
    assert_eq!(russian["title"], "В статье об этом не сказано");
    assert_eq!(russian["description"], "В статье об этом не сказано.");
    let english = inline_result(&fake, "1202", 1106, None);
    assert_eq!(english["title"], "The article does not say");
    // A user who chose Arabic in their private chat with the bot gets Arabic inline too.
    let chat = Chat::private(1107).speaking("ru");
    let chosen = fake.push_text(&chat, "/language ar");
    fake.wait_reply_to(1107, chosen, WAIT);
    let arabic = inline_result(&fake, "1203", 1107, Some("ru"));
    assert_eq!(arabic["title"], format!("{RLM}لا يذكر المقال ذلك"));
    // A button press is answered in the chat's language.
    press(
        &fake,
        &Chat::private(1108).speaking("ru"),
        "garbage",
        "1204",
    );
    let notice = callback_answer(&fake, "1204");
    assert_eq!(
        notice["text"],
        "Эта кнопка устарела. Задайте вопрос ещё раз."
    );
}

#[test]
fn a_chats_language_is_kept_in_redis_across_restarts() {
    let Some(redis) = redis_server() else {
        return;
    };
    let launch = |fake: &FakeTelegram| {
        let bot = BotProcess::launch(
            fake,
            Launch {
                env: vec![("REDIS_URL".into(), redis.url.clone())],
                ..Launch::default()
            },
        );
        assert!(
            fake.wait_for(WAIT, |r| r.method == "getUpdates").is_some(),
            "{}",
            bot.log()
        );
        bot
    };
    let chat = Chat::private(1109).speaking("en");
    let fake = FakeTelegram::start();
    let mut bot = launch(&fake);
    let chosen = fake.push_text(&chat, "/language ru");
    let sent = fake.wait_reply_to(1109, chosen, WAIT);
    assert!(text_of(&sent[0]).starts_with("Готово"), "{sent:?}");
    // /reset forgets the conversation, not the language.
    let reset = fake.push_text(&chat, "/reset");
    fake.wait_reply_to(1109, reset, WAIT);
    assert!(bot.stop().is_some_and(|s| s.success()), "{}", bot.log());

    let fake = FakeTelegram::start();
    let _bot = launch(&fake);
    let asked = fake.push_text(&chat, "/help");
    let sent = fake.wait_reply_to(1109, asked, WAIT);
    assert!(
        text_of(&sent[0]).starts_with("Задайте вопрос о статье"),
        "{sent:?}"
    );
}

#[test]
fn the_console_chat_speaks_the_language_of_lang() {
    let chat = |env: &[(&str, &str)]| {
        let mut command = article_qa_command();
        command.arg("chat").env("ARTICLE_QA_LEXICAL", "1");
        for (name, value) in env {
            command.env(name, value);
        }
        let mut child = command.spawn().expect("binary runs");
        let input =
            "What is the capital of France?\n/language en\nWhat is the capital of France?\n";
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let russian = chat(&[("LANG", "ru_RU.UTF-8")]);
    assert!(russian.starts_with("Здравствуйте!"), "{russian}");
    assert!(
        russian.contains("(Введите вопрос; /help — команды, /quit или Ctrl-D — выход.)"),
        "{russian}"
    );
    assert!(
        russian.contains("\nВ статье об этом не сказано."),
        "{russian}"
    );
    // `/language en` switches the session to English.
    assert!(russian.contains("\nThe article does not say."), "{russian}");
    // LC_ALL wins over LANG; a locale the bot does not speak is English.
    let english = chat(&[("LANG", "ru_RU.UTF-8"), ("LC_ALL", "de_DE.UTF-8")]);
    assert!(english.starts_with("Hi! I answer questions"), "{english}");
}

#[test]
fn language_buttons_under_the_options_choose_the_chats_language() {
    let (fake, bot) = started();
    let chat = Chat::private(1110).speaking("en");
    let shown = fake.push_text(&chat, "/language");
    let sent = fake.wait_reply_to(1110, shown, WAIT);
    let row = sent[0]["reply_markup"]["inline_keyboard"][0]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let buttons: Vec<(&str, &str)> = (row.iter())
        .map(|b| {
            (
                b["text"].as_str().unwrap(),
                b["callback_data"].as_str().unwrap(),
            )
        })
        .collect();
    let arabic = format!("{RLM}العربية");
    assert_eq!(
        buttons,
        [
            ("English", "1len"),
            ("Русский", "1lru"),
            (arabic.as_str(), "1lar")
        ],
        "log:\n{}",
        bot.log()
    );
    press(&fake, &chat, "1lru", "1301");
    let answer = callback_answer(&fake, "1301");
    assert!(
        answer["text"].is_null(),
        "a notice for a good press: {answer}"
    );
    let asked = fake.push_text(&chat, "What is the capital of France?");
    let sent = fake.wait_reply_to(1110, asked, WAIT);
    assert_eq!(sent.len(), 3, "{sent:?}");
    assert_eq!(
        text_of(&sent[1]),
        "Готово — язык ответов в этом чате теперь Русский."
    );
    assert!(
        text_of(&sent[2]).starts_with("В статье об этом не сказано."),
        "{sent:?}"
    );
    // A language that is set says so and offers no buttons.
    assert!(sent[1]["reply_markup"].is_null(), "{:?}", sent[1]);
}
