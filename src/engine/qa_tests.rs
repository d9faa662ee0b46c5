//! Unit tests of the engine: follow-ups, standalone questions, context bounds.
use super::*;
use crate::engine::conversation::*;

fn engine() -> Engine {
    Engine::new(
        Corpus::from_text(
            "t",
            "Mikhail Bogdanov led the Russian delegation to Damascus in January.\n\
             Iran has been notably silent on the transition.\n\
             Israel faces new security challenges on its border.\n\
             The bases in Tartus matter because they project power into the Mediterranean.\n",
        )
        .unwrap(),
    )
}

const TTL: Duration = Duration::from_secs(1800);

#[test]
fn follow_ups_borrow_the_previous_question() {
    let engine = engine();
    let mut context = Context::default();
    let reply = engine.converse("Who led the Russian delegation?", &mut context, 10, TTL);
    assert_eq!(reply.decision, Decision::NoContext);
    let reply = engine.converse("When did he go?", &mut context, 20, TTL);
    assert!(
        matches!(reply.decision, Decision::FollowUp { .. }),
        "{:?}",
        reply.decision
    );
    assert!(reply.answer.quotes()[0].text.contains("January"));
}

#[test]
fn a_question_that_stands_alone_is_answered_alone() {
    let engine = engine();
    let mut context = Context::default();
    engine.converse("Who led the Russian delegation?", &mut context, 10, TTL);
    let reply = engine.converse(
        "What is Iran's position on the transition?",
        &mut context,
        20,
        TTL,
    );
    assert_eq!(reply.decision, Decision::Standalone);
    assert!(reply.answer.quotes()[0].text.starts_with("Iran"));
}

#[test]
fn context_expires_after_the_idle_time() {
    let engine = engine();
    let mut context = Context::default();
    engine.converse("Who led the Russian delegation?", &mut context, 10, TTL);
    let reply = engine.converse("When did he go?", &mut context, 10 + 1801, TTL);
    assert_eq!(reply.decision, Decision::NoContext);
    assert_eq!(context.turns.len(), 1);
}

#[test]
fn contexts_stay_within_their_bounds() {
    let engine = engine();
    let mut context = Context::default();
    let long = "Bogdanov ".repeat(500);
    // Long words in multi-byte scripts: their terms are capped in bytes, not characters.
    let cyrillic: String = (0..60)
        .map(|i| format!("{} ", "Богданов".repeat(10 + i)))
        .collect();
    let arabic: String = (0..60)
        .map(|i| format!("{} ", "الشرع".repeat(10 + i)))
        .collect();
    let emoji = "🇸🇾".repeat(3000);
    for i in 0..20 {
        let question = match i % 4 {
            0 => format!("{long} delegation {i}"),
            1 => format!("{cyrillic} Bogdanov {i}"),
            2 => format!("{arabic} al-Sharaa {i}"),
            _ => format!("{emoji} Putin {i}"),
        };
        engine.converse(&question, &mut context, 10 + i, TTL);
        assert!(
            serde_json::to_string(&context).unwrap().len() < 4096,
            "turn {i}"
        );
    }
    assert!(context.turns.len() <= MAX_TURNS);
    assert!(context.turns.iter().all(
        |t| t.question.chars().count() <= MAX_QUESTION_CHARS && t.terms.len() <= MAX_TERMS
    ));
    assert!(
        context
            .answer
            .as_ref()
            .is_none_or(|a| a.ranked.len() <= MAX_RANKED)
    );
    assert!(serde_json::to_string(&context).unwrap().len() < 4096);
}

#[test]
fn a_follow_up_is_answered_in_context_though_it_has_few_words_of_its_own() {
    // "Were they far away?" alone covers nothing of the article; after a question about the
    // bases it is about the bases (CoQA: a follow-up is nearly always answerable).
    let engine = engine();
    let mut context = Context::default();
    engine.converse("Where are the bases?", &mut context, 10, TTL);
    assert!(matches!(
        engine.answer("Were they far away?"),
        Answer::NotFound(_)
    ));
    let reply = engine.converse("Were they far away?", &mut context, 20, TTL);
    assert!(
        matches!(reply.decision, Decision::FollowUp { .. }),
        "{:?}",
        reply.decision
    );
    assert!(reply.answer.quotes()[0].text.contains("Tartus"));
}

#[test]
fn a_follow_up_naming_what_the_article_lacks_is_refused() {
    let engine = engine();
    let mut context = Context::default();
    engine.converse("Where are the bases?", &mut context, 10, TTL);
    let reply = engine.converse("And what about Turkey?", &mut context, 20, TTL);
    assert!(
        matches!(reply.answer, Answer::NotFound(_)),
        "{:?}",
        reply.answer
    );
}

#[test]
fn a_question_that_points_at_the_text_is_answered_unless_it_names_what_the_text_lacks() {
    let engine = engine();
    // Alone, too little of the question is in the article to answer it…
    let asked = "What country worried about its borders?";
    assert!(matches!(engine.answer(asked), Answer::NotFound(_)));
    // … but asked about what the text discusses, it is about the text.
    let answer = engine.answer("What country worried about its borders is discussed?");
    assert!(answer.quotes()[0].text.starts_with("Israel"), "{answer:?}");
    // A name the article never mentions still refuses.
    assert!(matches!(
        engine.answer("Is Turkey mentioned in the story?"),
        Answer::NotFound(_)
    ));
}

#[test]
fn an_off_topic_question_stays_refused_after_an_on_topic_one() {
    // The previous question's terms must not carry a question about something else.
    let engine = engine();
    for off_topic in ["how is the weather today?", "Erdogan?", "what is the"] {
        let mut context = Context::default();
        engine.converse("Where are the bases?", &mut context, 10, TTL);
        let reply = engine.converse(off_topic, &mut context, 20, TTL);
        assert!(
            matches!(reply.answer, Answer::NotFound(_)),
            "{off_topic:?}: {:?}",
            reply.answer
        );
    }
}

#[test]
fn only_a_phrase_about_the_text_points_at_it() {
    let analyzer = Analyzer::new();
    let points = |q: &str| points_at_the_text(&analyzer.analyze(q));
    assert!(points("In what state did this story occur?"));
    assert!(points("What hash tag is mentioned?"));
    assert!(points("the order being discussed"));
    assert!(!points("Describe the best pizza recipe"));
    assert!(!points("What is a good bedtime story?"));
    assert!(!points("Who discussed trade?"));
}

/// Asks `follow_up` after "Where are the bases?" and asserts it was read as a follow-up.
fn assert_read_in_context_after_the_bases(engine: &Engine, follow_up: &str) {
    let mut context = Context::default();
    engine.converse("Where are the bases?", &mut context, 10, TTL);
    let reply = engine.converse(follow_up, &mut context, 20, TTL);
    assert!(
        matches!(reply.decision, Decision::FollowUp { .. }),
        "{follow_up:?}: {:?}",
        reply.decision
    );
}

#[test]
fn fragments_and_pro_forms_continue_the_conversation() {
    // On CoQA these were refused as questions of their own: a fragment from a preposition
    // ("In what city?"), a question of only the kind of answer ("Which one?", "How many
    // times?") and `that`/`there` standing for what was said.
    let engine = engine();
    for follow_up in [
        "In what city?",
        "Near what?",
        "Which one?",
        "How many times?",
        "What year did that happen?",
        "Has anybody exceeded that?",
        "Do women vote there?",
        "What happened then?",
    ] {
        assert_read_in_context_after_the_bases(&engine, follow_up);
    }
    // `there` and `that` of a sentence's own grammar refer to nothing, and a long question
    // that starts with a preposition is one of its own.
    let tokens = |q: &str| engine.analyze(q);
    for own in [
        "Is there a hospital?",
        "Did Bogdanov say that Iran was silent?",
        "In which month did Bogdanov lead the delegation to Damascus?",
        // Small talk, no question of the article's.
        "Are you there?",
        "In English please",
        "I didn't know that",
        // Arabic "who is" / "what are": the copula, not a pronoun.
        "من هو الشرع؟",
        "ما هي القواعد؟",
    ] {
        assert_eq!(follow_up_words(&tokens(own)), None, "{own:?}");
    }
}

#[test]
fn a_question_asking_for_an_age_is_refused_when_no_sentence_found_holds_a_number() {
    let engine = Engine::new(
        Corpus::from_text(
            "t",
            "Putin spoke with al-Sharaa in February 2025.\n\
             Six people died in the attack on the Damascus embassy in 2024.\n",
        )
        .unwrap(),
    );
    // A year dates an event; it is no age.
    assert_eq!(
        engine.answer("How old is Putin?"),
        Answer::NotFound(Abstention::NoNumber)
    );
    let answer = engine.answer("How many people died in the attack?");
    assert!(
        answer.quotes()[0].text.starts_with("Six people"),
        "{answer:?}"
    );
}

#[test]
fn a_russian_or_arabic_pronoun_refers_back() {
    let engine = engine();
    for follow_up in ["Почему они важны?", "Что он сказал?", "لماذا هي مهمة؟"]
    {
        assert_read_in_context_after_the_bases(&engine, follow_up);
    }
}

#[test]
fn an_age_is_a_number_that_is_no_day_of_a_month() {
    for text in [
        "Greg Malloy, 44, was killed.",
        "She was 45.",
        "The 27-year-old son",
        "Putin, 72, may visit",
        "a man in his 40s",
        "a five-year-old boy",
    ] {
        assert!(holds_an_age(text), "{text:?}");
    }
    for text in [
        "The Kremlin confirmed the call on February 12.",
        "in late 2024",
        "none",
    ] {
        assert!(!holds_an_age(text), "{text:?}");
    }
}

#[test]
fn a_question_that_asks_of_a_name_what_the_article_never_mentions_is_spotted() {
    let engine = engine();
    let unsaid = |q: &str| engine.query(q).asks_the_unsaid_about_a_name();
    assert!(unsaid("How tall is Bogdanov?"));
    assert!(unsaid("Who is Bogdanov's wife?"));
    // A lower-case part of a hyphenated name is the name.
    let named = Engine::new(
        Corpus::from_text("t", "Foreign Minister Asaad al-Shaibani met Bogdanov.\n").unwrap(),
    );
    assert!(
        named
            .query("Who is al-Shaibani's wife?")
            .asks_the_unsaid_about_a_name()
    );
    // A word for the kind of answer asked for is no subject of its own.
    assert!(!unsaid("Which city did Bogdanov visit?"));
    // A verb the article lacks is likely said in other words ("led" for "headed").
    assert!(!unsaid("Who did Bogdanov take to Damascus?"));
    // A word the article has that is no name: the question is about it.
    assert!(!unsaid("Which delegation did Bogdanov lead?"));
    // No name found at all: the usual coverage rule decides.
    assert!(!unsaid("How tall is he?"));
    // A derived form the article has is found by its spelling ("intervene", `intervention`):
    // the question is about it, though "militarily" is not in the article.
    let derived = Engine::new(
        Corpus::from_text(
            "t",
            "Russia kept bases in Syria after its 2015 intervention.\n",
        )
        .unwrap(),
    );
    let query = derived.query("When did Russia intervene militarily in Syria?");
    assert!(!query.asks_the_unsaid_about_a_name());
}

#[test]
fn asking_of_a_name_what_the_article_never_mentions_is_refused_unless_meaning_answers() {
    let engine = engine();
    let query = engine.query("How tall is Bogdanov?");
    let ranking = engine.rank(&query, None, None);
    // The keywords alone pass: the name is most of the question's weight.
    let lexical = engine.decide(&query, &ranking, None, false);
    assert!(matches!(lexical, Answer::Article(_)), "{lexical:?}");
    // No sentence stands out by meaning: refused.
    let flat = vec![0.80; engine.index().sentences.len()];
    let refused = engine.decide(&query, &ranking, Some(&flat), false);
    assert_eq!(refused, Answer::NotFound(Abstention::Unsaid));
    // One sentence stands out by the usual margin, not by `unsaid_margin`: still refused.
    let standing_out = |margin: f32| {
        let mut cosines = flat.clone();
        // The mean rises with the one raised: best − mean = raise × (1 − 1/n).
        cosines[0] += margin / (1.0 - 1.0 / flat.len() as f32);
        cosines
    };
    let params = engine.params();
    let between = (params.semantic_margin + params.unsaid_margin) / 2.0;
    assert!(params.semantic_margin < between && between < params.unsaid_margin);
    let refused = engine.decide(&query, &ranking, Some(&standing_out(between)), false);
    assert_eq!(refused, Answer::NotFound(Abstention::Unsaid));
    // One stands well above the rest: it says it in other words.
    let wide = standing_out(2.0 * params.unsaid_margin);
    let answered = engine.decide(&query, &ranking, Some(&wide), false);
    assert!(matches!(answered, Answer::Article(_)), "{answered:?}");
}
