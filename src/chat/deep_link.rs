//! Deep links that ask a question: `https://t.me/<bot>?start=<payload>` opens the bot and
//! sends `/start <payload>`, the payload being the question's UTF-8 bytes in unpadded
//! base64url (RFC 4648 §5) — so a website can link to "ask the bot about this article".
//! Telegram allows a start parameter of at most [`MAX_PAYLOAD`] characters of `A-Z a-z 0-9 _
//! -`, which holds a question of [`MAX_QUESTION_BYTES`] bytes.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The longest start parameter Telegram passes on, in characters.
pub const MAX_PAYLOAD: usize = 64;
/// The longest question a deep link holds, in UTF-8 bytes (64 base64 characters).
pub const MAX_QUESTION_BYTES: usize = MAX_PAYLOAD / 4 * 3;

/// Why a question cannot be put in a deep link.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    /// Nothing to ask.
    #[error("the question is empty")]
    Empty,
    /// Line breaks, tabs or other control characters (a question is one line of text).
    #[error("the question holds a line break or another control character")]
    ControlCharacters,
    /// Over [`MAX_QUESTION_BYTES`].
    #[error(
        "the question is {0} bytes of UTF-8; a deep link holds at most {MAX_QUESTION_BYTES} (Telegram's start parameter is {MAX_PAYLOAD} characters)"
    )]
    TooLong(usize),
}

/// The start parameter that asks `question` (trimmed).
///
/// Errors: the question is empty or longer than [`MAX_QUESTION_BYTES`].
///
/// ```
/// use article_qa::chat::deep_link::{payload, question};
/// let p = payload("Who led the delegation?").unwrap();
/// assert_eq!(question(&p).as_deref(), Some("Who led the delegation?"));
/// ```
pub fn payload(question: &str) -> Result<String, LinkError> {
    let question = question.trim();
    if question.chars().any(char::is_control) {
        return Err(LinkError::ControlCharacters);
    }
    match question.len() {
        0 => Err(LinkError::Empty),
        n if n > MAX_QUESTION_BYTES => Err(LinkError::TooLong(n)),
        _ => Ok(URL_SAFE_NO_PAD.encode(question)),
    }
}

/// The link to `bot` (its username, with or without `@`) that asks `question`.
///
/// Errors: as [`payload`].
pub fn link(bot: &str, question: &str) -> Result<String, LinkError> {
    Ok(format!(
        "https://t.me/{}?start={}",
        bot.trim_start_matches('@'),
        payload(question)?
    ))
}

/// The question a start parameter asks, or `None` when it is none (empty, not base64url,
/// not UTF-8, blank, or holding control characters): then `/start` is a plain greeting.
pub fn question(payload: &str) -> Option<String> {
    if payload.is_empty() || payload.len() > MAX_PAYLOAD {
        return None;
    }
    let bytes = URL_SAFE_NO_PAD.decode(payload).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let text = text.trim();
    (!text.is_empty() && !text.chars().any(char::is_control)).then(|| text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_question_goes_into_a_link_and_comes_back() {
        let asked = "Где российские базы?";
        let made = link("@ArticleQaBot", asked).unwrap();
        let payload = made
            .strip_prefix("https://t.me/ArticleQaBot?start=")
            .unwrap();
        assert!(payload.len() <= MAX_PAYLOAD);
        assert!(
            payload
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_eq!(question(payload).as_deref(), Some(asked));
    }

    #[test]
    fn a_question_too_long_or_empty_makes_no_link() {
        assert_eq!(payload("  "), Err(LinkError::Empty));
        assert_eq!(payload("Who\nled?"), Err(LinkError::ControlCharacters));
        let long = "Which Syrian officials did the Russian delegation meet in Damascus?";
        assert_eq!(payload(long), Err(LinkError::TooLong(long.len())));
        assert!(payload(&"x".repeat(MAX_QUESTION_BYTES)).is_ok());
    }

    #[test]
    fn anything_else_after_start_is_no_question() {
        for payload in ["", "hello world", "%%%", "_w", &"A".repeat(65)] {
            assert_eq!(question(payload), None, "{payload:?}");
        }
        // Valid base64 of a control character or of bytes that are not UTF-8.
        assert_eq!(question(&URL_SAFE_NO_PAD.encode("\u{7}")), None);
        assert_eq!(question(&URL_SAFE_NO_PAD.encode([0xff, 0xfe])), None);
    }
}
