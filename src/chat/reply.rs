//! All text the bot says to people, in one place: answers, abstentions, greetings, help and
//! errors, rendered as plain text (terminal) or Telegram HTML (escaped, split to fit).

use std::fmt::{self, Display, Write as _};

use crate::corpus::Corpus;
use crate::corpus::unwrapped;
use crate::engine::{Answer, Quote};

/// Telegram's limit on one message, in UTF-16 code units after entity parsing.
pub const TELEGRAM_LIMIT: usize = 4096;

/// Kinds of question `/start` suggests when no article lists example questions.
const GENERIC_EXAMPLES: [&str; 3] = [
    "Who … ? (a person the article names)",
    "When did … ? (an event it reports)",
    "Where … ? (a place it mentions)",
];

/// An answer as plain text for a terminal.
pub struct Plain<'a>(pub &'a Answer);

impl Display for Plain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Answer::Article(quotes) => {
                for quote in quotes {
                    writeln!(f, "¶{}  {}", quote.paragraph, unwrapped(&quote.text))?;
                }
                write!(f, "— from {}", sources(quotes))
            }
            Answer::Faq(faq) => {
                write!(f, "{}", faq.text.trim())?;
                for quote in &faq.quotes {
                    write!(f, "\n¶{}  {}", quote.paragraph, unwrapped(&quote.text))?;
                }
                Ok(())
            }
            Answer::NotFound(_) => f.write_str(NOT_FOUND),
        }
    }
}

/// What `article-qa ask` prints when the article does not answer.
pub const NOT_FOUND_SHORT: &str = "The article does not say.";

/// What the bot says when the article does not answer.
pub const NOT_FOUND: &str =
    "The article does not say. Try asking about something it covers, or send /help.";

/// The distinct article titles the quotes come from, quoted and joined.
fn sources(quotes: &[Quote]) -> String {
    let mut titles: Vec<&str> = Vec::new();
    for quote in quotes {
        if !titles.contains(&quote.title.as_str()) {
            titles.push(&quote.title);
        }
    }
    titles
        .iter()
        .map(|t| format!("“{t}”"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Telegram's limit on one message, for the FAQ loader: a rule's answer must fit one message.
pub struct TelegramLimit;

impl crate::engine::faq::MessageLimit for TelegramLimit {
    fn exceeded(&self, answer: &Answer) -> Option<String> {
        let messages = answer_html(answer);
        (messages.len() > 1).then(|| {
            let length: usize = messages.iter().map(|m| telegram_len(m)).sum();
            format!(
                "the answer is {length} characters as Telegram counts them, over the \
                 {TELEGRAM_LIMIT}-character limit of one message"
            )
        })
    }
}

/// An answer as Telegram HTML messages, each within [`TELEGRAM_LIMIT`], never empty.
pub fn answer_html(answer: &Answer) -> Vec<String> {
    let mut blocks: Vec<String> = Vec::new();
    match answer {
        Answer::Article(quotes) => {
            for quote in quotes {
                blocks.push(quote_html(quote));
            }
            blocks.push(format!("<i>— from {}</i>", escape(&sources(quotes))));
        }
        Answer::Faq(faq) => {
            blocks.push(escape(faq.text.trim()));
            for quote in &faq.quotes {
                blocks.push(quote_html(quote));
            }
        }
        Answer::NotFound(_) => blocks.push(escape(NOT_FOUND)),
    }
    pack(blocks)
}

fn quote_html(quote: &Quote) -> String {
    format!(
        "<blockquote>{}</blockquote>¶{}",
        escape(&unwrapped(&quote.text)),
        quote.paragraph
    )
}

/// Escapes text for Telegram's HTML parse mode (`<`, `>`, `&`, and `"` for attributes).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(i) = rest.find(['<', '>', '&', '"']) {
        out.push_str(&rest[..i]);
        out.push_str(match rest.as_bytes()[i] {
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'&' => "&amp;",
            _ => "&quot;",
        });
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
    out
}

/// Length of a message as Telegram counts it: UTF-16 code units of the visible text (HTML
/// tags removed, entities counted as one character).
pub fn telegram_len(html: &str) -> usize {
    let mut len = 0;
    let mut chars = html.chars();
    while let Some(c) = chars.next() {
        match c {
            '<' => {
                for c in chars.by_ref() {
                    if c == '>' {
                        break;
                    }
                }
            }
            '&' => {
                for c in chars.by_ref() {
                    if c == ';' {
                        break;
                    }
                }
                len += 1;
            }
            c => len += c.len_utf16(),
        }
    }
    len
}

/// Packs HTML blocks into as few messages as fit the limit, joined by blank lines. A block
/// too long on its own is split at sentence or word boundaries of its text.
pub fn pack(blocks: Vec<String>) -> Vec<String> {
    let mut messages: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut current_len = 0;
    for block in blocks {
        let block_len = telegram_len(&block);
        let pieces = if block_len <= TELEGRAM_LIMIT {
            vec![(block, block_len)]
        } else {
            split_block(&block)
                .into_iter()
                .map(|p| {
                    let len = telegram_len(&p);
                    (p, len)
                })
                .collect()
        };
        for (piece, len) in pieces {
            if !current.is_empty() && current_len + 2 + len > TELEGRAM_LIMIT {
                messages.push(std::mem::take(&mut current));
                current_len = 0;
            }
            if !current.is_empty() {
                current.push_str("\n\n");
                current_len += 2;
            }
            current.push_str(&piece);
            current_len += len;
        }
    }
    if !current.trim().is_empty() {
        messages.push(current);
    }
    if messages.is_empty() {
        messages.push(escape(NOT_FOUND));
    }
    messages
}

/// Splits one over-long block (`<tag>text</tag>suffix` or plain escaped text) into pieces
/// within the limit, cutting between sentences, else between words, else between characters,
/// and never inside an HTML entity; each piece keeps the block's wrapping tag.
fn split_block(block: &str) -> Vec<String> {
    let (open, inner, close) = match (block.find('>'), block.starts_with('<')) {
        (Some(end), true) => match block.rfind("</") {
            Some(start) if start > end => (&block[..=end], &block[end + 1..start], &block[start..]),
            _ => ("", block, ""),
        },
        _ => ("", block, ""),
    };
    let budget = TELEGRAM_LIMIT - telegram_len(open) - telegram_len(close) - 8;
    let mut pieces = Vec::new();
    let mut rest = inner;
    while telegram_len(rest) > budget {
        let cut = cut_point(rest, budget);
        pieces.push(format!("{open}{}{close}", rest[..cut].trim_end()));
        rest = rest[cut..].trim_start();
    }
    if !rest.is_empty() {
        pieces.push(format!("{open}{rest}{close}"));
    }
    pieces
}

/// A byte offset in `text` where the prefix fits `budget` Telegram characters, preferring a
/// sentence end, then a space; never inside an entity (`&amp;`) or a character.
fn cut_point(text: &str, budget: usize) -> usize {
    let mut len = 0;
    let mut last_fit = 0;
    let mut last_space = None;
    let mut last_sentence = None;
    let mut in_entity = false;
    let mut prev = ' ';
    for (i, c) in text.char_indices() {
        if !in_entity {
            if c == ' ' {
                last_space = Some(i);
                if matches!(prev, '.' | '?' | '!') {
                    last_sentence = Some(i);
                }
            }
            last_fit = i;
        }
        match c {
            '&' => {
                in_entity = true;
                len += 1;
            }
            ';' if in_entity => in_entity = false,
            _ if in_entity => {}
            c => len += c.len_utf16(),
        }
        if len > budget {
            break;
        }
        prev = c;
    }
    last_sentence
        .filter(|&i| i > budget / 2)
        .or(last_space.filter(|&i| i > budget / 4))
        .unwrap_or(last_fit)
        .max(text.chars().next().map_or(1, char::len_utf8))
}

/// The article facts `/about` shows.
pub struct About<'a>(pub &'a Corpus);

impl Display for About<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, article) in self.0.articles.iter().enumerate() {
            if i > 0 {
                f.write_str("\n\n")?;
            }
            writeln!(f, "“{}”", article.title)?;
            if let Some(date) = &article.meta.date {
                writeln!(f, "Date: {date}")?;
            }
            match (&article.meta.source, &article.meta.url) {
                (Some(source), Some(url)) => writeln!(f, "Source: {source} ({url})")?,
                (Some(source), None) => writeln!(f, "Source: {source}")?,
                (None, Some(url)) => writeln!(f, "Source: {url}")?,
                (None, None) => writeln!(f, "Source: not recorded")?,
            }
            write!(
                f,
                "{} paragraphs, {} sentences",
                article.paragraphs.len(),
                article.sentence_count()
            )?;
        }
        Ok(())
    }
}

/// The `/start` greeting: names the article and gives three example questions.
pub struct Start<'a>(pub &'a Corpus);

impl Display for Start<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let titles: Vec<String> = self
            .0
            .articles
            .iter()
            .map(|a| format!("“{}”", a.title))
            .collect();
        writeln!(
            f,
            "Hi! I answer questions about {} by quoting the article itself.",
            titles.join(", ")
        )?;
        writeln!(f, "\nTry asking:")?;
        let listed: Vec<&str> = self
            .0
            .articles
            .iter()
            .flat_map(|a| a.meta.examples.iter().map(String::as_str))
            .take(3)
            .collect();
        let examples = if listed.is_empty() {
            GENERIC_EXAMPLES.to_vec()
        } else {
            listed
        };
        for example in examples {
            writeln!(f, "• {example}")?;
        }
        write!(f, "\nSend /help to see everything I can do.")
    }
}

/// The `/help` text. `commands` is the command list (from the `BotCommands` derive).
pub fn help(commands: &str) -> String {
    let mut text = String::from(
        "Ask me a question about the article in plain words and I reply with the article's own \
         sentences that answer it, with their paragraph number (¶). If the article does not say, \
         I tell you so.\n\n",
    );
    let _ = write!(text, "{}", commands.trim());
    text.push_str("\n\nIn groups, use /ask <question>, mention me, or reply to my message.");
    text
}

/// What `/ask` with no question says.
pub const ASK_WHAT: &str =
    "Ask me something after the command, for example: /ask Who led the Russian delegation?";

/// What `/reset` says.
pub const RESET: &str = "Done — I've forgotten our conversation. Your next question starts fresh.";

/// `/reset` while the conversation store (Redis) cannot be reached.
pub const NO_MEMORY: &str = "I can't reach my conversation memory right now, so each question is \
                             answered on its own until it is back.";

/// Label of the button that shows more sentences.
pub const MORE_BUTTON: &str = "More";
/// Label of the button that shows the whole paragraph.
pub const PARAGRAPH_BUTTON: &str = "Show paragraph";
/// What a "More" press says when everything relevant has been shown.
pub const NOTHING_MORE: &str = "That's all the article has on this.";
/// What a press on a button of an older answer says.
pub const STALE_BUTTON: &str = "This button has expired. Please ask again.";
/// What a press on a button that is not valid here says (forged, or from another chat).
pub const INVALID_BUTTON: &str = "This button is not valid here.";

/// A whole paragraph as Telegram HTML messages.
pub fn paragraph_html(title: &str, number: usize, text: &str) -> Vec<String> {
    pack(vec![
        format!("<b>¶{number}</b> <i>{}</i>", escape(title)),
        format!("<blockquote>{}</blockquote>", escape(&unwrapped(text))),
    ])
}

/// What the bot says to a command it does not know (or does not offer to this person).
pub const UNKNOWN_COMMAND: &str = "I don't know that command. Send /help to see what I can do.";

/// What `/reload` says when no FAQ rules file is configured.
pub const NO_FAQ_FILE: &str = "No FAQ rules file is configured, so there is nothing to reload.";

/// What `/reload` says after loading the rules.
pub fn reloaded(rules: usize, path: &std::path::Path) -> String {
    format!("Reloaded {rules} FAQ rules from {}.", path.display())
}

/// What `/reload` says when the new file fails its check.
pub fn reload_failed(error: &str) -> String {
    format!("The rules file has errors, so I kept the previous rules.\n{error}")
}

/// What the bot says to a sticker, photo, voice message or anything else that is not text.
pub const TEXT_ONLY: &str = "I can only read text. Send me your question as a message.";

/// What the bot says when handling a message failed inside the bot.
pub const SOMETHING_WENT_WRONG: &str = "Sorry, something went wrong on my side. Please try again.";

/// Console chat: the line under the greeting.
pub const CONSOLE_HINT: &str = "(Type a question, /help for commands, /quit or Ctrl-D to leave.)";

/// Console chat: a line that was not valid UTF-8.
pub const CONSOLE_INVALID_LINE: &str = "(That line was not valid text; please type it again.)";

/// `article-qa` with no subcommand and no token: why this is the console chat.
pub const NO_TOKEN: &str = "No Telegram token configured, so this is the console chat. To run the \
                            Telegram bot, put TELOXIDE_TOKEN=<token from @BotFather> in .env (see README).";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::answer::Abstention;

    fn quote(text: &str) -> Quote {
        Quote {
            text: text.to_string(),
            article: "a".into(),
            title: "A <b>title</b>".into(),
            paragraph: 3,
            sentence: 1,
            score: 1.0,
        }
    }

    #[test]
    fn html_escapes_article_and_title_text() {
        let answer = Answer::Article(vec![quote("1 < 2 & <b>bold</b>")]);
        let html = answer_html(&answer).join("");
        assert!(
            html.contains("1 &lt; 2 &amp; &lt;b&gt;bold&lt;/b&gt;"),
            "{html}"
        );
        assert!(html.contains("A &lt;b&gt;title&lt;/b&gt;"));
        assert!(!html.contains("<b>"));
    }

    #[test]
    fn long_answers_are_split_within_the_limit_at_sentence_boundaries() {
        let sentence = "This sentence is about fifty characters long, ok. ";
        let long = sentence.repeat(200);
        let answer = Answer::Article(vec![quote(long.trim()), quote("Short & sweet.")]);
        let messages = answer_html(&answer);
        assert!(messages.len() >= 3, "{}", messages.len());
        for m in &messages {
            assert!(telegram_len(m) <= TELEGRAM_LIMIT, "{}", telegram_len(m));
            assert!(!m.trim().is_empty());
            assert_eq!(
                m.matches("<blockquote>").count(),
                m.matches("</blockquote>").count()
            );
        }
        let first = messages[0].trim_end_matches("</blockquote>¶3");
        assert!(first.ends_with("ok."), "{}", &first[first.len() - 60..]);
    }

    #[test]
    fn splitting_never_cuts_an_entity_or_a_character() {
        let long = "&<é🙂".repeat(3000);
        for m in pack(vec![escape(&long)]) {
            assert!(telegram_len(&m) <= TELEGRAM_LIMIT);
            assert!(!m.ends_with('&') && !m.contains("&a;"));
        }
    }

    #[test]
    fn telegram_length_counts_utf16_units_without_tags() {
        assert_eq!(telegram_len("<b>a</b>&amp;🙂"), 1 + 1 + 2);
    }

    #[test]
    fn abstention_is_never_empty() {
        let answer = Answer::NotFound(Abstention::NoTerms);
        assert_eq!(answer_html(&answer), vec![escape(NOT_FOUND)]);
        assert_eq!(Plain(&answer).to_string(), NOT_FOUND);
    }
}
