//! All text the bot says to people, in one place: answers, abstentions, greetings, help,
//! button notices and errors, as plain text rendered with `Display`. Front ends add their own
//! markup around it (Telegram's HTML is in `app::telegram::html`).

use std::fmt::{self, Display};

use crate::chat::COMMANDS;
use crate::corpus::Corpus;
use crate::corpus::unwrapped;
use crate::engine::{Answer, Quote};

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
                write!(f, "— from {}", Sources(quotes))
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

/// The distinct article titles `quotes` come from, each in curly quotes, joined by `, `
/// (`“A”, “B”`): the "— from …" line under an article answer.
pub struct Sources<'a>(pub &'a [Quote]);

impl Display for Sources<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut titles: Vec<&str> = Vec::new();
        for quote in self.0 {
            if !titles.contains(&quote.title.as_str()) {
                titles.push(&quote.title);
            }
        }
        for (i, title) in titles.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "“{title}”")?;
        }
        Ok(())
    }
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

/// The `/help` text: what the bot does, the commands of [`COMMANDS`] that are not hidden
/// (`/name — description`, one a line, under `Commands:`), and how to ask in groups.
pub struct Help;

impl Display for Help {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "Ask me a question about the article in plain words and I reply with the article's \
             own sentences that answer it, with their paragraph number (¶). If the article does \
             not say, I tell you so.\n\n",
        )?;
        write!(f, "{}", CommandList)?;
        f.write_str("\n\nIn groups, use /ask <question>, mention me, or reply to my message.")
    }
}

/// The listed commands as `/help` shows them: `Commands:`, a blank line, then
/// `/name — description` a line (no line break after the last).
pub struct CommandList;

impl Display for CommandList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(COMMAND_LIST_TITLE)?;
        for info in COMMANDS.iter().filter(|info| !info.hidden) {
            write!(f, "\n/{} — {}", info.name, info.description)?;
        }
        Ok(())
    }
}

/// The line above the command list in `/help`, followed by a blank line.
pub const COMMAND_LIST_TITLE: &str = "Commands:\n";

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
/// The button under an answer that opens the article's web page (when its metadata has one).
pub const READ_ARTICLE_BUTTON: &str = "Read the article";
/// Inline mode: the title of the one result when the article does not answer.
pub const INLINE_NOT_FOUND_TITLE: &str = "The article does not say";
/// Inline mode: the description under a quoted sentence, where it stands: `“Title”, ¶4`.
pub struct InlinePlace<'a>(pub &'a crate::engine::Quote);

impl Display for InlinePlace<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "“{}”, ¶{}", self.0.title, self.0.paragraph)
    }
}

/// Inline mode: the description under an answer from the FAQ rules.
pub const INLINE_FAQ_DESCRIPTION: &str = "From the bot's answers to common questions";
/// Label of the button that shows the whole paragraph.
pub const PARAGRAPH_BUTTON: &str = "Show paragraph";
/// What a "More" press says when everything relevant has been shown.
pub const NOTHING_MORE: &str = "That's all the article has on this.";
/// What a press on a button of an older answer says.
pub const STALE_BUTTON: &str = "This button has expired. Please ask again.";
/// What a press on a button that is not valid here says (forged, or from another chat).
pub const INVALID_BUTTON: &str = "This button is not valid here.";

/// What the bot says to a command it does not know (or does not offer to this person).
pub const UNKNOWN_COMMAND: &str = "I don't know that command. Send /help to see what I can do.";

/// What `/reload` says when no FAQ rules file is configured.
pub const NO_FAQ_FILE: &str = "No FAQ rules file is configured, so there is nothing to reload.";

/// What `/reload` says after loading the rules; `skipped` holds one line for each rule left
/// out because its quotes do not resolve against the articles.
pub fn reloaded(rules: usize, skipped: &[String], path: &std::path::Path) -> String {
    let mut text = format!("Reloaded {rules} FAQ rules from {}.", path.display());
    if !skipped.is_empty() {
        text.push_str(&format!(
            "\nLeft out {} whose quotes these articles do not have:",
            skipped.len()
        ));
        for line in skipped {
            text.push('\n');
            text.push_str(line);
        }
    }
    text
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

    fn quote(title: &str) -> Quote {
        Quote {
            text: "Text.".to_string(),
            article: "a".into(),
            title: title.into(),
            paragraph: 3,
            sentence: 1,
            score: 1.0,
        }
    }

    #[test]
    fn abstention_is_never_empty() {
        let answer = Answer::NotFound(Abstention::NoTerms);
        assert_eq!(Plain(&answer).to_string(), NOT_FOUND);
    }

    #[test]
    fn sources_name_each_title_once_in_order() {
        let quotes = [quote("B"), quote("A"), quote("B")];
        assert_eq!(Sources(&quotes).to_string(), "“B”, “A”");
    }

    #[test]
    fn help_lists_the_visible_commands_and_hides_reload() {
        let help = Help.to_string();
        assert!(help.contains("Commands:\n\n/start — Say hello"), "{help}");
        assert!(
            help.contains("\n/reset — Forget this conversation"),
            "{help}"
        );
        assert!(help.ends_with("or reply to my message."), "{help}");
        assert!(!help.contains("reload"), "{help}");
    }
}
