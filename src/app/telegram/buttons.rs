//! The answer buttons as Telegram callback data: small, versioned and signed for their chat.
//!
//! Callback data is `1m17.0123456789abcdef`: version `1`, action (`m` more, `p` paragraph),
//! the answer's number in the chat, and the first 8 bytes of an HMAC-SHA256 over those and
//! the chat id (16 lower-case hex digits), keyed by a secret derived from the bot token. A
//! forged button, or one from another chat, fails the signature; what a press does is
//! [`crate::chat::buttons::press`].
//!
//! The language buttons under `/language` are `1l` and the language's code (`1lru`),
//! unsigned: pressing one does what `/language ru` does, which anyone in the chat may send.
//! The article buttons under `/articles` are `1a` and the article's number (`1a2`) or `all`
//! (`1aall`), unsigned for the same reason: a press does what `/article 2` does.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::chat::buttons::{Action, Button, Refused};
use crate::chat::lang::Lang;

/// The callback data format's version.
pub const VERSION: char = '1';
/// Bytes of the HMAC kept in callback data (the left-most ones).
const SIGNATURE_BYTES: usize = 8;
/// Longest body (`1m` and the answer number) accepted before the signature, in bytes.
const MAX_BODY: usize = 24;

/// The signing key, derived from the bot token (so it survives restarts and is shared by
/// instances with the same token): an HMAC-SHA256 ready keyed, cloned for each button.
#[derive(Clone)]
pub struct Key(Hmac<Sha256>);

impl Key {
    /// The key for a bot token: HMAC keyed by SHA-256 of a label and the token.
    pub fn from_token(token: &str) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(b"article-qa callback buttons v1\0");
        hasher.update(token.as_bytes());
        // HMAC pads a key shorter than SHA-256's 64-byte block with zeros (RFC 2104): this is
        // the HMAC keyed by the 32-byte digest, set up without a call that could fail.
        let mut block = [0u8; 64];
        block[..32].copy_from_slice(&hasher.finalize());
        Self(<Hmac<Sha256> as Mac>::new(&block.into()))
    }

    /// The MAC over a button's `body` in `chat`, not yet finalized.
    fn mac(&self, chat: i64, body: &str) -> Hmac<Sha256> {
        let mut mac = self.0.clone();
        mac.update(body.as_bytes());
        mac.update(&chat.to_le_bytes());
        mac
    }

    /// The callback data for a button in `chat` (at most 40 bytes; Telegram allows 64).
    pub fn encode(&self, chat: i64, button: Button) -> String {
        let action = match button.action {
            Action::More => 'm',
            Action::Paragraph => 'p',
        };
        let body = format!("{VERSION}{action}{}", button.answer);
        let tag = self.mac(chat, &body).finalize().into_bytes();
        format!("{body}.{}", hex::encode(&tag[..SIGNATURE_BYTES]))
    }

    /// Reads callback data pressed in `chat`.
    ///
    /// Errors: [`Refused::Malformed`] when it is not this format (or another version);
    /// [`Refused::Signature`] when the signature is not 16 hex digits or does not match
    /// (forged, from another chat or another bot).
    pub fn decode(&self, chat: i64, data: &str) -> Result<Button, Refused> {
        let (body, signature) = data.split_once('.').ok_or(Refused::Malformed)?;
        let button = parse_body(body)?;
        let mut tag = [0u8; SIGNATURE_BYTES];
        hex::decode_to_slice(signature, &mut tag).map_err(|_| Refused::Signature)?;
        // Compares in constant time; `tag` is exactly SIGNATURE_BYTES long, never shorter.
        self.mac(chat, body)
            .verify_truncated_left(&tag)
            .map_err(|_| Refused::Signature)?;
        Ok(button)
    }
}

/// The callback data of the button that chooses `lang` (`1lru`).
pub fn language_data(lang: Lang) -> String {
    format!("{VERSION}l{}", lang.code())
}

/// The language a language button's callback data chooses; `None` for any other data.
pub fn language_of(data: &str) -> Option<Lang> {
    let code = data.strip_prefix(VERSION)?.strip_prefix('l')?;
    Lang::ALL.into_iter().find(|lang| lang.code() == code)
}

/// The callback data of the button under `/articles` that chooses article `number` (from
/// 1), or every article when `None` (`1a2`, `1aall`).
pub fn article_data(number: Option<usize>) -> String {
    match number {
        Some(number) => format!("{VERSION}a{number}"),
        None => format!("{VERSION}aall"),
    }
}

/// What an article button's callback data asks `/article` for: the number as sent, or
/// `all`; `None` for any other data. A number the articles lack is refused by `/article`.
pub fn article_of(data: &str) -> Option<String> {
    let arg = data.strip_prefix(VERSION)?.strip_prefix('a')?;
    let number = !arg.is_empty() && arg.len() <= 6 && arg.bytes().all(|b| b.is_ascii_digit());
    (number || arg == "all").then(|| arg.to_string())
}

/// Reads `1m17`: the version, the action and the answer number.
fn parse_body(body: &str) -> Result<Button, Refused> {
    let mut chars = body.chars();
    if chars.next() != Some(VERSION) || body.len() > MAX_BODY {
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
    Ok(Button { action, answer })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callback_data_is_what_earlier_versions_signed() {
        // Buttons sent before a restart or a deploy must still verify.
        let key = Key::from_token("123:abc");
        let button = Button {
            action: Action::More,
            answer: 17,
        };
        assert_eq!(key.encode(42, button), "1m17.ad595018331e18ef");
    }

    #[test]
    fn language_buttons_name_their_language_and_nothing_else_reads_as_one() {
        for lang in Lang::ALL {
            assert_eq!(language_of(&language_data(lang)), Some(lang));
            let key = Key::from_token("123:abc");
            assert_eq!(
                key.decode(42, &language_data(lang)),
                Err(Refused::Malformed)
            );
        }
        for data in [
            "1l",
            "1lde",
            "1lru-RU",
            "lru",
            "2lru",
            "1m17.ad595018331e18ef",
            "",
        ] {
            assert_eq!(language_of(data), None, "{data:?}");
        }
    }

    #[test]
    fn article_buttons_carry_a_number_or_all_and_nothing_else_reads_as_one() {
        assert_eq!(article_of(&article_data(Some(2))).as_deref(), Some("2"));
        assert_eq!(article_of(&article_data(None)).as_deref(), Some("all"));
        for data in [
            "1a",
            "1ax",
            "1a-1",
            "1a1234567",
            "2a1",
            "1l2",
            "1m17.ad595018331e18ef",
        ] {
            assert_eq!(article_of(data), None, "{data:?}");
        }
        let key = Key::from_token("123:abc");
        assert_eq!(
            key.decode(42, &article_data(Some(1))),
            Err(Refused::Malformed)
        );
    }

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
        // A prefix of the right signature would pass a truncated check: it must not here.
        let (body, signature) = data.split_once('.').unwrap();
        for bad in [&signature[..2], &signature[..15], "", "zz", &"0".repeat(64)] {
            assert_eq!(
                key.decode(42, &format!("{body}.{bad}")),
                Err(Refused::Signature),
                "{bad:?}"
            );
        }
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
}
