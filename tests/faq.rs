//! FAQ rules as a maintainer meets them: the checker's errors and warnings, rules against the
//! article, `/reload` (good file, bad file, non-admin) and the unanswered-question log.

use std::process::Command;
use std::time::Duration;

use article_qa::engine::faq;
use article_qa::engine::{Answer, Engine};

use crate::common::{article_engine, repo};
use crate::support::bot_process::{BotProcess, Launch};
use crate::support::fake_telegram::{BOT_USERNAME, Chat, FakeTelegram};
use crate::support::html::strip_tags;

const WAIT: Duration = Duration::from_secs(20);

fn check(text: &str) -> faq::checker::Checked {
    faq::checker::check(
        text,
        article_engine(),
        &article_qa::app::telegram::html::TelegramLimit,
    )
}

fn messages(problems: &[faq::Problem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_shipped_rules_pass_their_check_without_warnings() {
    let text = std::fs::read_to_string(repo("seeds/faq.toml")).unwrap();
    let checked = check(&text);
    assert!(checked.errors.is_empty(), "{}", messages(&checked.errors));
    assert!(
        checked.warnings.is_empty(),
        "{}",
        messages(&checked.warnings)
    );
}

#[test]
fn each_kind_of_error_is_reported() {
    let cases: &[(&str, &str)] = &[
        (
            "[[rule]]\nid = \"a\"\nquestions = [\"hi\"\nanswer = \"x\"\n",
            "line 4, column 1: invalid array; expected `]`",
        ),
        (
            "[[rule]]\nid = \"a\"\nquestions = [\"hi\"]\nanswer = \"x\"\ncolour = \"red\"\n",
            "unknown field `colour`",
        ),
        (
            "[[rule]]\nquestions = [\"hi\"]\nanswer = \"x\"\n",
            "has no id",
        ),
        (
            "[[rule]]\nid = \"a\"\nquestions = [\"hi\"]\nanswer = \"x\"\n[[rule]]\nid = \"a\"\nquestions = [\"yo\"]\nanswer = \"y\"\n",
            "has the same id as rule #",
        ),
        (
            "[[rule]]\nid = \"a\"\nquestions = [\"hi\", \"  \"]\nanswer = \"x\"\n",
            "example question 2 is empty",
        ),
        (
            "[[rule]]\nid = \"a\"\nanswer = \"x\"\n",
            "no example questions",
        ),
        (
            "[[rule]]\nid = \"a\"\nquestions = [\"hi\"]\nanswer = \"  \"\n",
            "has no answer",
        ),
        (
            "[[rule]]\nid = \"a\"\nquestions = [\"hi\"]\nquote = [\"99\"]\n",
            "has no paragraph 99",
        ),
        (
            "[[rule]]\nid = \"a\"\nquestions = [\"hi\"]\nquote = [\"8.9\"]\n",
            "has no sentence 9",
        ),
        (
            "[[rule]]\nid = \"a\"\nquestions = [\"hi\"]\nquote = [\"eight\"]\n",
            "expected a paragraph number",
        ),
        (
            "[[rule]]\nid = \"a\"\nquestions = [\"hi\"]\nanswer = \"x\"\nthreshold = 2.0\n",
            "outside 0..=1",
        ),
        ("", "no [[rule]] tables"),
    ];
    for (text, expected) in cases {
        let checked = check(text);
        assert!(checked.faq.is_none(), "{text:?} was accepted");
        let all = messages(&checked.errors);
        assert!(
            all.contains(expected),
            "{text:?}: expected {expected:?} in\n{all}"
        );
        assert!(
            checked.errors.iter().all(|e| !e.to_string().contains('\n')),
            "{all}"
        );
        assert!(checked.errors.iter().all(|e| e.line.is_some()), "{all}");
    }
    let long = format!(
        "[[rule]]\nid = \"long\"\nquestions = [\"hi\"]\nanswer = \"{}\"\n",
        "word ".repeat(1000)
    );
    assert!(messages(&check(&long).errors).contains("over the 4096-character limit"));
}

#[test]
fn warnings_name_near_ties_and_questions_the_article_answers() {
    let text = r#"
[[rule]]
id = "hello-a"
questions = ["hello there"]
answer = "A"

[[rule]]
id = "hello-b"
questions = ["hello there"]
answer = "B"

[[rule]]
id = "bases"
questions = ["where are the russian naval bases in tartus"]
answer = "Somewhere."
"#;
    let checked = check(text);
    assert!(checked.errors.is_empty(), "{}", messages(&checked.errors));
    let all = messages(&checked.warnings);
    assert!(
        all.contains("rule hello-b") && all.contains("matched as well by rule hello-a"),
        "{all}"
    );
    assert!(
        all.contains("rule bases") && all.contains("already answered by the article"),
        "{all}"
    );
}

fn engine_with(rules: &str) -> Engine {
    let checked = check(rules);
    assert!(checked.errors.is_empty(), "{}", messages(&checked.errors));
    article_engine().with_faq(checked.faq.unwrap())
}

#[test]
fn a_rule_that_matches_beats_the_article() {
    let engine = engine_with(
        "[[rule]]\nid = \"bases\"\nquestions = [\"where are the russian bases\"]\nanswer = \"Tartus and Hmeimim.\"\nquote = [\"8.2\"]\n",
    );
    let Answer::Faq(faq) = engine.answer("Where are the Russian bases?") else {
        panic!("the rule did not answer")
    };
    assert_eq!(faq.rule, "bases");
    assert_eq!(faq.quotes[0].paragraph, 8);
    assert!(faq.quotes[0].text.contains("Tartus and Hmeimim"));
    // Lower case and without the question mark, the rule still answers.
    let answer = engine.answer("where are the russian bases");
    assert_eq!(answer.source(), "faq");
    assert!(matches!(answer, Answer::Faq(faq) if faq.rule == "bases"));
}

#[test]
fn the_article_beats_a_weak_rule() {
    let engine = engine_with(
        "[[rule]]\nid = \"putin\"\nquestions = [\"what does putin think about turkey\"]\nanswer = \"No idea.\"\n",
    );
    let answer = engine.answer("Who led the Russian delegation?");
    assert!(matches!(answer, Answer::Article(_)), "{answer:?}");
    let answer = engine.answer("What did Putin reaffirm during the conversation?");
    assert!(matches!(answer, Answer::Article(_)), "{answer:?}");
}

#[test]
fn greetings_and_thanks_get_a_friendly_faq_answer() {
    let engine = article_qa::app::setup::engine(
        &article_qa::app::config::Config::from_sources(
            &<article_qa::app::cli::Cli as clap::Parser>::parse_from([
                "article-qa",
                "--seeds",
                repo("seeds").to_str().unwrap(),
            ]),
            |_| None,
        )
        .unwrap(),
    )
    .unwrap();
    for (question, rule) in [
        ("hi!", "greeting"),
        ("Hello there", "greeting"),
        ("thanks a lot", "thanks"),
        ("Thank you!", "thanks"),
        ("who are you?", "who-are-you"),
        ("thank you, that was helpful", "thanks"),
        // "help" typed as a question asks what the bot does, not to be thanked.
        ("help", "what-can-you-do"),
        ("can you help me?", "what-can-you-do"),
    ] {
        match engine.answer(question) {
            Answer::Faq(faq) => assert_eq!(faq.rule, rule, "{question}"),
            other => panic!("{question:?} got {other:?}"),
        }
    }
}

#[test]
fn faq_check_command_exits_nonzero_on_errors() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[[rule]]\nid = \"a\"\n").unwrap();
    let run = |file: &std::path::Path| {
        Command::new(env!("CARGO_BIN_EXE_article-qa"))
            .args([
                "faq",
                "check",
                file.to_str().unwrap(),
                "--seeds",
                repo("seeds").to_str().unwrap(),
            ])
            .output()
            .unwrap()
    };
    let out = run(&bad);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("error:"));
    let out = run(&repo("seeds/faq.toml"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// The Telegram bot with a rules file in a temp folder, one admin, and the unanswered log on.
struct Setup {
    fake: FakeTelegram,
    bot: BotProcess,
    rules: std::path::PathBuf,
    log: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

const ADMIN: i64 = 777;

fn start_with_rules(rules_text: &str) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("faq.toml");
    std::fs::write(&rules, rules_text).unwrap();
    let log = dir.path().join("unanswered.jsonl");
    let fake = FakeTelegram::start();
    let bot = BotProcess::launch(
        &fake,
        Launch {
            args: vec!["--faq".into(), rules.to_str().unwrap().into()],
            env: vec![
                ("ADMIN_USER_IDS".into(), ADMIN.to_string()),
                (
                    "ARTICLE_QA_UNANSWERED_LOG".into(),
                    log.to_str().unwrap().into(),
                ),
            ],
            ..Launch::default()
        },
    );
    assert!(
        fake.wait_for(WAIT, |r| r.method == "getUpdates").is_some(),
        "{}",
        bot.log()
    );
    Setup {
        fake,
        bot,
        rules,
        log,
        _dir: dir,
    }
}

fn last_text(fake: &FakeTelegram, chat: i64, count: usize) -> String {
    let sent = fake.wait_sent(chat, count, WAIT);
    assert!(sent.len() >= count, "only {} replies to {chat}", sent.len());
    strip_tags(sent[count - 1]["text"].as_str().unwrap())
}

const RULES_V1: &str = "[[rule]]\nid = \"colour\"\nquestions = [\"what is your favourite colour\"]\nanswer = \"Blue, version one.\"\n";
const RULES_V2: &str = "[[rule]]\nid = \"colour\"\nquestions = [\"what is your favourite colour\"]\nanswer = \"Green, version two.\"\n";

#[test]
fn reload_by_an_admin_swaps_the_rules_and_a_bad_file_keeps_the_old_ones() {
    let mut s = start_with_rules(RULES_V1);
    let admin = Chat::private(ADMIN);
    s.fake.push_text(&admin, "what is your favourite colour?");
    assert!(last_text(&s.fake, ADMIN, 1).contains("version one"));

    std::fs::write(
        &s.rules,
        "[[rule]]\nid = \"colour\"\nquestions = [\"what is your favourite colour\"]\n",
    )
    .unwrap();
    s.fake.push_text(&admin, "/reload");
    let reply = last_text(&s.fake, ADMIN, 2);
    assert!(
        reply.contains("kept the previous rules") && reply.contains("has no answer"),
        "{reply}"
    );
    s.fake.push_text(&admin, "what is your favourite colour?");
    assert!(
        last_text(&s.fake, ADMIN, 3).contains("version one"),
        "old rules were lost"
    );

    std::fs::write(&s.rules, RULES_V2).unwrap();
    s.fake.push_text(&admin, "/reload");
    // One rule is "1 FAQ rule" now that the text is a Fluent message with plural forms (it
    // said "1 FAQ rules" before).
    let reloaded = last_text(&s.fake, ADMIN, 4);
    assert!(reloaded.contains("Reloaded 1 FAQ rule from"), "{reloaded}");
    s.fake.push_text(&admin, "what is your favourite colour?");
    assert!(last_text(&s.fake, ADMIN, 5).contains("version two"));
    assert!(s.bot.stop().unwrap().success());
    assert!(
        s.bot.log().contains("FAQ reload rejected"),
        "{}",
        s.bot.log()
    );
}

#[test]
fn a_reload_reply_in_a_group_names_the_rules_file_not_the_servers_folder() {
    let mut s = start_with_rules(RULES_V1);
    let folder = s.rules.parent().unwrap().to_str().unwrap().to_string();
    let group = Chat::group(-777, ADMIN);
    std::fs::write(
        &s.rules,
        "[[rule]]\nid = \"colour\"\nquestions = [\"what colour\"]\n",
    )
    .unwrap();
    s.fake.push_text(&group, "/reload");
    let refused = last_text(&s.fake, group.id, 1);
    std::fs::write(&s.rules, RULES_V2).unwrap();
    s.fake.push_text(&group, "/reload");
    let reloaded = last_text(&s.fake, group.id, 2);
    for reply in [&refused, &reloaded] {
        assert!(reply.contains("faq.toml"), "{reply}");
        assert!(
            !reply.contains(&folder),
            "the server's folder is shown: {reply}"
        );
    }
    assert!(refused.contains("kept the previous rules"), "{refused}");
    assert!(s.bot.stop().unwrap().success());
    let log = s.bot.log();
    assert!(
        log.contains(&s.rules.display().to_string()),
        "the operator's log lost the full path:\n{log}"
    );
}

#[test]
fn reload_from_a_non_admin_does_nothing_and_gives_no_hint() {
    let s = start_with_rules(RULES_V1);
    std::fs::write(&s.rules, RULES_V2).unwrap();
    let stranger = Chat::private(5);
    s.fake.push_text(&stranger, "/reload");
    let reply = last_text(&s.fake, 5, 1);
    s.fake.push_text(&stranger, "/nosuchcommand");
    let unknown = last_text(&s.fake, 5, 2);
    assert_eq!(
        reply, unknown,
        "/reload answered differently from an unknown command"
    );
    let help_chat = Chat::private(6);
    s.fake.push_text(&help_chat, "/help");
    assert!(
        !last_text(&s.fake, 6, 1).contains("reload"),
        "/help mentions /reload"
    );
    s.fake
        .push_text(&stranger, "what is your favourite colour?");
    assert!(
        last_text(&s.fake, 5, 3).contains("version one"),
        "a non-admin reloaded the rules"
    );
    let group = Chat::group(-300, 5);
    s.fake.push_text(&group, "/reload");
    // A group's messages are handled in order: anything said to /reload would come first.
    let next = s.fake.push_text(&group, &format!("/about@{BOT_USERNAME}"));
    let sent = s.fake.wait_reply_to(-300, next, WAIT);
    assert_eq!(sent.len(), 1, "a group heard about /reload: {sent:?}");
}

#[test]
fn unanswered_questions_are_logged_without_identifiers() {
    let s = start_with_rules(RULES_V1);
    let chat = Chat::private(4242);
    s.fake.push_text(&chat, "What is the capital of France?");
    s.fake.push_text(&chat, "Who led the Russian delegation?");
    s.fake
        .push_text(&chat, "/ask How much does a new Tesla cost?");
    // A question is logged once it is answered; a chat's messages are handled in order, so
    // once the next one is answered the log holds all three.
    let next = s.fake.push_text(&chat, "/about");
    assert_eq!(s.fake.wait_reply_to(4242, next, WAIT).len(), 4);
    let text = std::fs::read_to_string(&s.log).unwrap();
    let entries: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let questions: Vec<&str> = entries
        .iter()
        .map(|e| e["question"].as_str().unwrap())
        .collect();
    assert_eq!(
        questions,
        [
            "What is the capital of France?",
            "How much does a new Tesla cost?"
        ]
    );
    for entry in &entries {
        let keys: Vec<&String> = entry.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["time", "question"]);
    }
    assert!(!text.contains("4242") && !text.contains("Tester"), "{text}");
    let out = Command::new(env!("CARGO_BIN_EXE_article-qa"))
        .args(["faq", "unanswered", s.log.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("1×  What is the capital of France?"));
}

// After a question, "thanks for this!" read as a follow-up ("this" refers back) and repeated
// the last answer's sentences, and "🙂" was tried as a follow-up of the last question too.
#[test]
fn small_talk_after_a_question_is_not_a_follow_up() {
    let engine = engine_with(
        "[[rule]]\nid = \"thanks\"\nquestions = [\"thanks\", \"thank you\"]\nanswer = \"You're welcome!\"\n",
    );
    let turns = |last: &str| vec!["Who led the delegation?".to_string(), last.to_string()];
    let reply = engine.converse_turns(&turns("thanks for this!")).unwrap();
    assert!(
        matches!(&reply.answer, Answer::Faq(faq) if faq.rule == "thanks"),
        "{:?}",
        reply.answer
    );
    for nothing in ["🙂", "?", "  "] {
        let reply = engine.converse_turns(&turns(nothing)).unwrap();
        assert!(
            matches!(reply.answer, Answer::NotFound(_)),
            "{nothing:?} got {:?}",
            reply.answer
        );
    }
}

/// A seeds folder like the shipped one (article, metadata, rules) with a second article.
fn seeds_with_a_second_article(rules: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for file in [
        "putin-al-sharaa-phone-call.txt",
        "putin-al-sharaa-phone-call.meta.toml",
        "faq.toml",
    ] {
        std::fs::copy(repo("seeds").join(file), dir.path().join(file)).unwrap();
    }
    if let Some(rules) = rules {
        std::fs::write(dir.path().join("faq.toml"), rules).unwrap();
    }
    std::fs::write(
        dir.path().join("bike-lane.txt"),
        "The city council approved a new bicycle lane on Main Street.\nConstruction starts in May.\n",
    )
    .unwrap();
    dir
}

/// `article-qa --lexical --seeds DIR ARGS…` from the repository, no token.
fn run_on_seeds(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    crate::common::article_qa_command()
        .args(["--lexical", "--seeds", dir.to_str().unwrap()])
        .args(args)
        .output()
        .unwrap()
}

// A second article dropped into the shipped seeds stopped start-up: the shipped rule
// `article-topic` quoted "1.1", which names no article once there are two (exit 2).
#[test]
fn a_second_article_in_the_seeds_keeps_the_shipped_rules_working() {
    let dir = seeds_with_a_second_article(None);
    let out = run_on_seeds(dir.path(), &["ask", "--json", "what is the article about"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");
    let json: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&out.stdout).trim()).unwrap();
    assert_eq!(json["source"], "faq", "{json}");
    assert_eq!(json["rule"], "article-topic", "{json}");
    assert_eq!(
        json["sentences"][0]["article"], "putin-al-sharaa-phone-call",
        "{json}"
    );
    let out = run_on_seeds(dir.path(), &["faq", "check"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

// A rule whose quote cannot be resolved against the articles (no article name among two)
// stopped the bot; it is left out with a warning, the other rules serve, and `faq check`
// reports it as an error.
#[test]
fn a_rule_whose_quote_cannot_be_resolved_is_skipped_with_a_warning() {
    let rules = "[[rule]]\nid = \"colour\"\nquestions = [\"what is your favourite colour\"]\nanswer = \"Blue.\"\n\n[[rule]]\nid = \"opening\"\nquestions = [\"how does the article begin\"]\nquote = [\"1.1\"]\n";
    let dir = seeds_with_a_second_article(Some(rules));
    let out = run_on_seeds(
        dir.path(),
        &["ask", "--json", "what is your favourite colour?"],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let json: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&out.stdout).trim()).unwrap();
    assert_eq!(json["rule"], "colour", "{json}");
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("warning:"))
        .collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    assert!(
        warnings[0].contains("faq.toml") && warnings[0].contains("rule opening"),
        "{stderr}"
    );
    assert!(warnings[0].contains("write name:1.1"), "{stderr}");

    let out = run_on_seeds(dir.path(), &["faq", "check"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("error:") && stdout.contains("rule opening"),
        "{stdout}"
    );

    // The Telegram bot starts too, and says so in its log.
    let fake = FakeTelegram::start();
    let mut bot = BotProcess::launch(
        &fake,
        Launch {
            args: vec!["--seeds".into(), dir.path().to_str().unwrap().into()],
            ..Launch::default()
        },
    );
    assert!(
        fake.wait_for(WAIT, |r| r.method == "getUpdates").is_some(),
        "{}",
        bot.log()
    );
    assert!(bot.stop().unwrap().success());
    let log = bot.log();
    assert!(
        log.lines()
            .any(|l| l.contains("WARN") && l.contains("rule opening")),
        "{log}"
    );
}

// `faq check` reported an unknown field (`bogus_field = 1`) and an empty answer as
// `rule a: unknown field …` with no line, though a maintainer needs it to fix the file:
// every error and warning names `file:line`.
#[test]
fn faq_check_names_the_file_and_line_of_every_error_and_warning() {
    let dir = tempfile::tempdir().unwrap();
    let errors = dir.path().join("errors.toml");
    std::fs::write(
        &errors,
        "# rules\n[[rule]]\nid = \"a\"\nquestions = [\"hi\",\n  \"  \"]\nanswer = \"  \"\nbogus_field = 1\n\n[[rule]]\nid = \"a\"\nquestions = [\"yo\"]\nquote = [\"99\"]\nthreshold = 3.0\n",
    )
    .unwrap();
    let warnings = dir.path().join("warnings.toml");
    std::fs::write(
        &warnings,
        "[[rule]]\nid = \"c\"\nquestions = [\"hello there\"]\nanswer = \"x\"\n\n[[rule]]\nid = \"d\"\nquestions = [\n  \"good day\",\n  \"hello there\",\n]\nanswer = \"y\"\n",
    )
    .unwrap();
    let check = |file: &std::path::Path| {
        let out = crate::common::article_qa_command()
            .args(["--lexical", "--seeds", repo("seeds").to_str().unwrap()])
            .args(["faq", "check", file.to_str().unwrap()])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let reported: Vec<String> = text
            .lines()
            .filter(|l| l.starts_with("error: ") || l.starts_with("warning: "))
            .map(str::to_string)
            .collect();
        (out.status.code(), text, reported)
    };
    let (code, text, reported) = check(&errors);
    assert_eq!(code, Some(1), "{text}");
    let path = errors.display().to_string();
    let want = [
        (5, "rule a: example question 2 is empty"),
        (6, "rule a: has no answer"),
        (7, "rule a: unknown field `bogus_field`"),
        (10, "rule a: rule #2 has the same id as rule #1"),
        (12, "rule a: quote \"99\""),
        (13, "rule a: threshold 3 is outside 0..=1"),
    ];
    assert_eq!(reported.len(), want.len(), "{text}");
    for (line, (number, what)) in reported.iter().zip(want) {
        assert!(
            line.starts_with(&format!("error: {path}:{number}: {what}")),
            "{line}\n{text}"
        );
    }
    let (code, text, reported) = check(&warnings);
    assert_eq!(code, Some(0), "{text}");
    let path = warnings.display().to_string();
    assert_eq!(reported.len(), 2, "{text}");
    assert!(
        reported[0].starts_with(&format!(
            "warning: {path}:3: rule c: example \"hello there\""
        )),
        "{text}"
    );
    assert!(
        reported[1].starts_with(&format!(
            "warning: {path}:10: rule d: example \"hello there\""
        )),
        "{text}"
    );
    // The bot refuses the file at start-up with the same place.
    let out = crate::common::article_qa_command()
        .args(["--lexical", "--faq", errors.to_str().unwrap()])
        .args(["ask", "hi"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("bad FAQ rules in {}:5: rule a:", errors.display())),
        "{stderr}"
    );
}
