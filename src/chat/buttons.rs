//! The buttons under an article answer — "More" and "Show paragraph" — as callback data that
//! is small, versioned and signed for its chat, and what pressing one gives.
//!
//! Callback data is `1m17.0123456789abcdef`: version `1`, action (`m` more, `p` paragraph),
//! the answer's number in the chat, and the first 8 bytes of an HMAC-SHA256 over those and
//! the chat id, keyed by a secret derived from the bot token. A forged button, or one from
//! another chat, fails the signature; a stale one (older answer, expired or reset context,
//! a restart with in-memory context) names an answer the chat no longer has.

use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::engine::conversation::Context;
use crate::engine::{Answer, Engine, Quote};

/// The callback data format's version.
pub const VERSION: char = '1';
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

/// Why callback data was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    /// Not callback data of this bot (or of an older, unknown version).
    #[error("malformed or unknown version")]
    Malformed,
    /// The signature does not match: forged, or from another chat.
    #[error("bad signature")]
    Signature,
    /// The chat no longer has that answer.
    #[error("stale")]
    Stale,
}

/// The signing key, derived from the bot token (so it survives restarts and is shared by
/// instances with the same token).
#[derive(Clone)]
pub struct Key([u8; 32]);

impl Key {
    /// The key for a bot token.
    pub fn from_token(token: &str) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(b"article-qa callback buttons v1\0");
        hasher.update(token.as_bytes());
        Self(hasher.finalize().into())
    }

    fn signature(&self, chat: i64, body: &str) -> String {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.0) else {
            return String::new();
        };
        mac.update(body.as_bytes());
        mac.update(&chat.to_le_bytes());
        mac.finalize().into_bytes()[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// The callback data for a button in `chat` (at most 40 bytes; Telegram allows 64).
    pub fn encode(&self, chat: i64, button: Button) -> String {
        let action = match button.action {
            Action::More => 'm',
            Action::Paragraph => 'p',
        };
        let body = format!("{VERSION}{action}{}", button.answer);
        let signature = self.signature(chat, &body);
        format!("{body}.{signature}")
    }

    /// Reads callback data pressed in `chat`.
    ///
    /// Errors: [`Refused::Malformed`] or [`Refused::Signature`].
    pub fn decode(&self, chat: i64, data: &str) -> Result<Button, Refused> {
        let (body, signature) = data.split_once('.').ok_or(Refused::Malformed)?;
        let mut chars = body.chars();
        if chars.next() != Some(VERSION) || body.len() > 24 {
            return Err(Refused::Malformed);
        }
        let action = match chars.next() {
            Some('m') => Action::More,
            Some('p') => Action::Paragraph,
            _ => return Err(Refused::Malformed),
        };
        let answer = chars
            .as_str()
            .parse::<u64>()
            .map_err(|_| Refused::Malformed)?;
        if !constant_time_eq(signature.as_bytes(), self.signature(chat, body).as_bytes()) {
            return Err(Refused::Signature);
        }
        Ok(Button { action, answer })
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
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
/// (seconds since the epoch); a context idle longer than `ttl` has expired.
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
    fn buttons_round_trip_and_refuse_forgery_other_chats_and_garbage() {
        let key = Key::from_token("123:abc");
        let button = Button {
            action: Action::More,
            answer: 17,
        };
        let data = key.encode(42, button);
        assert!(data.len() <= 64, "{data}");
        let largest = Button {
            action: Action::Paragraph,
            answer: u64::MAX,
        };
        let long = key.encode(42, largest);
        assert!(long.len() <= 64, "{long}");
        assert_eq!(key.decode(42, &long), Ok(largest));
        assert_eq!(key.decode(42, &data), Ok(button));
        assert_eq!(
            key.decode(43, &data),
            Err(Refused::Signature),
            "another chat"
        );
        let forged = data.replace("1m17", "1m18");
        assert_eq!(key.decode(42, &forged), Err(Refused::Signature));
        let other_bot = Key::from_token("999:zzz");
        assert_eq!(other_bot.decode(42, &data), Err(Refused::Signature));
        for garbage in [
            "1m99999999999999999999.00", // 20 digits: past u64, within the length limit
            "",
            "garbage",
            "2m17.00",
            "1x17.00",
            "1m.00",
            "1m17",
        ] {
            assert_eq!(
                key.decode(42, garbage),
                Err(Refused::Malformed),
                "{garbage:?}"
            );
        }
    }

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
