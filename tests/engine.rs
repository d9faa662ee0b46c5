//! The answer engine as a user meets it: quality floors on the dev sets, verbatim quotes,
//! abstentions, and input that must never break it. Questions that once went wrong are in
//! `regression.rs`, one test each.

use article_qa::Engine;
use article_qa::app::eval;
use article_qa::engine::{Abstention, Answer};

use crate::common::{article_engine, repo};

#[test]
fn article_dev_set_stays_above_its_floor() {
    let report = crate::common::eval_on_article("tests/data/article/dev.jsonl");
    let s = report.summary;
    let failures: Vec<String> = report.failures.iter().map(ToString::to_string).collect();
    assert!(
        s.top1 >= 0.90,
        "top-1 {:.3}\n{}",
        s.top1,
        failures.join("\n")
    );
    assert!(
        s.abstain >= 0.90,
        "abstain {:.3}\n{}",
        s.abstain,
        failures.join("\n")
    );
    assert!(
        s.overall >= 0.90,
        "overall {:.3}\n{}",
        s.overall,
        failures.join("\n")
    );
}

#[test]
fn squad_dev_subset_stays_above_its_floor() {
    let dir = repo("tests/data/squad");
    let cases = eval::load_cases(&dir.join("questions.jsonl")).unwrap();
    let report = eval::run(
        &cases,
        None,
        eval::Sources {
            squad: Some(&dir),
            articles: None,
        },
        &Engine::new,
    )
    .unwrap();
    assert_eq!(report.summary.answerable, 1742);
    assert!(
        report.summary.top1 >= 0.74,
        "answerable top-1 {:.3}",
        report.summary.top1
    );
    assert!(
        report.summary.hit3 >= 0.85,
        "hit@3 {:.3}",
        report.summary.hit3
    );
}

#[test]
fn answers_are_verbatim_sentences_with_their_place() {
    let engine = article_engine();
    let answer = engine.answer("Who led the Russian delegation?");
    let quote = &answer.quotes()[0];
    assert!(
        quote
            .text
            .starts_with("Led by Deputy Foreign Minister Mikhail Bogdanov")
    );
    assert_eq!((quote.paragraph, quote.sentence), (4, 2));
    let article = &engine.corpus().articles[0];
    assert!(
        article.text.contains(&quote.text),
        "quoted text is not verbatim"
    );
    assert!(answer.quotes().len() <= 3);
}

#[test]
fn off_topic_questions_and_unknown_names_get_no_article_sentence() {
    for question in [
        "What is the capital of France?",
        "Who won the 2022 World Cup?",
        "Tell me a joke about cats",
        "asdf qwerty zxcv",
        "Who is Donald Trump?",
        "What did Zelensky say about Biden?",
        "How do I bake sourdough bread?",
        "{not json",
        "why not xyzzy",
        // A name the article never mentions, beside words it does.
        "What did Biden say about the call?",
        // A typo is not matched to a small word ("whether").
        "how is the wether in damascus",
        // `like` is no content word: it matched the `like` of "business-like".
        "do you like pizza",
    ] {
        let answer = article_engine().answer(question);
        assert!(
            matches!(answer, Answer::NotFound(_)),
            "{question:?} got {:?}",
            answer.quotes().first()
        );
    }
}

#[test]
fn bad_input_gets_an_answer_or_an_abstention_never_a_panic() {
    let huge = "Putin Syria ".repeat(100 * 1024 / 12);
    let repeated = vec!["Bogdanov"; 500].join(" ");
    let cases: Vec<(&str, String)> = vec![
        ("empty", String::new()),
        ("whitespace", " \t\n ".into()),
        ("100 KB", huge),
        ("emoji only", "🙂🔥🇸🇾".into()),
        ("Arabic", "من قاد الوفد الروسي؟".into()),
        ("Russian", "Кто возглавлял российскую делегацию?".into()),
        ("zero-width", "Bog\u{200B}danov\u{200D}".into()),
        (
            "control characters",
            "Putin\u{0}\u{7}\u{1b}[31m call".into(),
        ),
        ("lone quote", "\"".into()),
        ("right-to-left mark", "\u{202E}Putin\u{202C}".into()),
        ("500 copies of one word", repeated),
        ("question mark", "?".into()),
        ("stopword", "the".into()),
    ];
    for (name, question) in cases {
        let answer = article_engine().answer(&question);
        for quote in answer.quotes() {
            assert!(!quote.text.is_empty(), "{name}");
        }
        if matches!(
            name,
            "empty" | "whitespace" | "emoji only" | "lone quote" | "question mark" | "stopword"
        ) {
            assert_eq!(answer, Answer::NotFound(Abstention::NoTerms), "{name}");
        }
    }
}

#[test]
fn ties_are_broken_by_position_so_answers_never_flicker() {
    // Forty identical sentences in one paragraph: all but the two at the ends (one
    // neighbour fewer) score exactly alike, more than the ten that are re-ranked. The ten
    // kept and their order must follow position, every time.
    let sentence = "The convoy crossed the border near Qusayr at dawn.";
    let paragraph = vec![sentence; 40].join(" ");
    let text =
        format!("{paragraph}\nOfficials in Damascus declined to comment on the movements.\n");
    let engine =
        article_qa::Engine::new(article_qa::corpus::Corpus::from_text("twins", &text).unwrap());
    for _ in 0..3 {
        let mut context = article_qa::engine::conversation::Context::default();
        let reply = engine.converse(
            "Where did the convoy cross the border?",
            &mut context,
            1,
            std::time::Duration::from_secs(60),
        );
        let ranked: Vec<u32> = context
            .answer
            .as_ref()
            .unwrap()
            .ranked
            .iter()
            .map(|at| at.sentence)
            .collect();
        assert_eq!(ranked, (1..=10).collect::<Vec<u32>>());
        let quoted: Vec<usize> = reply.answer.quotes().iter().map(|q| q.sentence).collect();
        assert_eq!(quoted, [2, 3, 4]);
    }
}
