//! The buttons under an article answer — "More" and "Show paragraph" — and what pressing one
//! gives, front-end free. How a front end puts a [`Button`] into a message (Telegram: signed
//! callback data, `app::telegram::buttons`) is its own business; a press it cannot read or
//! verify is [`Refused::Malformed`] or [`Refused::Signature`], one for an answer the chat no
//! longer has (older answer, expired or reset context, a restart with in-memory context) is
//! [`Refused::Stale`].

use std::time::Duration;

use crate::engine::conversation::Context;
use crate::engine::{Answer, Engine, Quote};

/// Sentences "More" adds at a time.
pub const MORE_AT_A_TIME: usize = 3;

/// What a button does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Show the next best sentences not yet shown.
    More,
    /// Show the whole paragraph of the top sentence.
    Paragraph,
}

/// A button of one answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Button {
    /// What it does.
    pub action: Action,
    /// The answer's number in its chat.
    pub answer: u64,
}

/// Why a button press was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    /// Not a button of this bot (or of an older, unknown version).
    #[error("malformed or unknown version")]
    Malformed,
    /// The signature does not match: forged, or from another chat.
    #[error("bad signature")]
    Signature,
    /// The chat no longer has that answer.
    #[error("stale")]
    Stale,
}

/// What pressing a button gives.
#[derive(Debug, Clone, PartialEq)]
pub enum Pressed {
    /// More sentences, to send as a new answer.
    More(Answer),
    /// A whole paragraph: its number and text.
    Paragraph {
        /// The article's title.
        title: String,
        /// 1-based paragraph number.
        number: usize,
        /// The paragraph, verbatim.
        text: String,
    },
    /// Nothing more to show.
    NothingMore,
}

/// Carries out a button press on the chat's context ("More" marks what it shows) at `now`
/// (seconds since the epoch), with the engine of the article the chat asks about
/// ([`Engine::scoped`]); a context idle longer than `ttl` has expired.
///
/// Errors: [`Refused::Stale`] when the context has expired or no longer holds that answer.
pub fn press(
    engine: &Engine,
    context: &mut Context,
    button: Button,
    now: u64,
    ttl: Duration,
) -> Result<Pressed, Refused> {
    if context.expired(now, ttl) {
        return Err(Refused::Stale);
    }
    // The answer came from the article the chat asks about (or from all of them).
    let engine = engine.scoped(crate::chat::current_article(engine, context));
    let answer = context
        .answer
        .as_mut()
        .filter(|a| a.id == button.answer && a.corpus == engine.fingerprint())
        .ok_or(Refused::Stale)?;
    let corpus = engine.corpus();
    match button.action {
        Action::More => {
            let batch = answer.ranked.iter().skip(answer.shown).take(MORE_AT_A_TIME);
            let consumed = batch.len();
            let next: Vec<Quote> = batch.filter_map(|&at| engine.quote_at(at)).collect();
            answer.shown += consumed;
            if next.is_empty() {
                return Ok(Pressed::NothingMore);
            }
            Ok(Pressed::More(Answer::Article(next)))
        }
        Action::Paragraph => {
            let top = answer.ranked.first().ok_or(Refused::Stale)?;
            let (article, paragraph, _) = top.locate(corpus).ok_or(Refused::Stale)?;
            Ok(Pressed::Paragraph {
                title: article.title.clone(),
                number: paragraph.number,
                text: article.paragraph_text(paragraph).to_string(),
            })
        }
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presses_show_more_the_paragraph_and_refuse_old_or_expired_answers() {
        use crate::corpus::Corpus;
        let corpus = Corpus::from_text(
            "t",
            "Bogdanov led the delegation to Damascus. The delegation met officials. The delegation left in March.\n\
             The delegation discussed the bases. The delegation also met the press. The delegation flew home.\n",
        )
        .unwrap();
        let engine = Engine::new(corpus);
        let mut context = Context::default();
        let ttl = Duration::from_secs(60);
        let reply = engine.converse("Who led the delegation?", &mut context, 100, ttl);
        let mut seen: Vec<String> = reply
            .answer
            .quotes()
            .iter()
            .map(|q| q.text.clone())
            .collect();
        assert!(!seen.is_empty());
        let (id, ranked) = {
            let answer = context.answer.as_ref().unwrap();
            assert_eq!(answer.shown, seen.len());
            (answer.id, answer.ranked.len())
        };
        assert!(ranked > seen.len(), "nothing left for More to show");
        let more = Button {
            action: Action::More,
            answer: id,
        };
        let paragraph = Button {
            action: Action::Paragraph,
            answer: id,
        };
        // Each More shows sentences not shown before, until none are left.
        while seen.len() < ranked {
            match press(&engine, &mut context, more, 110, ttl) {
                Ok(Pressed::More(answer)) => {
                    for quote in answer.quotes() {
                        assert!(!seen.contains(&quote.text), "shown twice: {}", quote.text);
                        seen.push(quote.text.clone());
                    }
                }
                other => panic!("{other:?}"),
            }
            assert_eq!(context.answer.as_ref().unwrap().shown, seen.len());
        }
        assert_eq!(
            press(&engine, &mut context, more, 115, ttl),
            Ok(Pressed::NothingMore)
        );
        assert!(matches!(
            press(&engine, &mut context, paragraph, 120, ttl),
            Ok(Pressed::Paragraph { number: 1, .. })
        ));
        let old = Button {
            action: Action::More,
            answer: id.wrapping_add(1),
        };
        assert_eq!(
            press(&engine, &mut context, old, 130, ttl),
            Err(Refused::Stale)
        );
        assert_eq!(
            press(&engine, &mut context, paragraph, 100 + 61, ttl),
            Err(Refused::Stale),
            "expired"
        );
    }

    #[test]
    fn presses_in_a_chat_asking_about_one_article_stay_in_that_article() {
        use crate::corpus::{Article, ArticleMeta, Corpus};
        let article = |name: &str, text: &str| {
            let path = std::path::Path::new(name);
            Article::parse(name, path, text.into(), ArticleMeta::default()).unwrap()
        };
        let corpus = Corpus {
            articles: vec![
                article(
                    "call",
                    "Bogdanov led the delegation. The delegation met officials.\n",
                ),
                article(
                    "tram",
                    "Horvat led the delegation. The delegation saw the tram.\n",
                ),
            ],
        };
        let engine = Engine::new(corpus).per_article(None);
        let ttl = Duration::from_secs(60);
        let mut context = Context {
            article: Some("tram".into()),
            ..Context::default()
        };
        let scoped = engine.scoped(Some(1));
        scoped.converse("Who led the delegation?", &mut context, 100, ttl);
        let id = context.answer.as_ref().unwrap().id;
        let paragraph = Button {
            action: Action::Paragraph,
            answer: id,
        };
        match press(&engine, &mut context, paragraph, 101, ttl) {
            Ok(Pressed::Paragraph { title, text, .. }) => {
                assert_eq!(title, "Tram");
                assert!(text.starts_with("Horvat"), "{text}");
            }
            other => panic!("{other:?}"),
        }
        // Another article chosen since: the answer's buttons are stale.
        context.article = Some("call".into());
        assert_eq!(
            press(&engine, &mut context, paragraph, 102, ttl),
            Err(Refused::Stale)
        );
    }

    #[test]
    fn buttons_of_an_answer_before_a_reset_or_from_other_articles_are_stale() {
        use crate::corpus::Corpus;
        let text = "Bogdanov led the delegation to Damascus. The delegation met officials.\n";
        let engine = Engine::new(Corpus::from_text("t", text).unwrap());
        let ttl = Duration::from_secs(60);
        // Ask, /reset (a fresh context), ask again in the same second: a new answer number.
        let mut before = Context::default();
        engine.converse("Who led the delegation?", &mut before, 100, ttl);
        let mut after = Context::default();
        engine.converse("Who led the delegation?", &mut after, 100, ttl);
        let old = before.answer.as_ref().unwrap().id;
        assert_ne!(old, after.answer.as_ref().unwrap().id);
        let button = Button {
            action: Action::More,
            answer: old,
        };
        assert_eq!(
            press(&engine, &mut after, button, 101, ttl),
            Err(Refused::Stale)
        );
        // The same context, but the articles changed (say, a restart with Redis).
        let changed =
            Engine::new(Corpus::from_text("t", &text.replace("Damascus", "Moscow")).unwrap());
        assert_eq!(
            press(&changed, &mut before, button, 101, ttl),
            Err(Refused::Stale)
        );
        assert!(press(&engine, &mut before, button, 101, ttl).is_ok());
    }
}
