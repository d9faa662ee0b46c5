//! The conversation, front-end free: the bot's commands and what each input gets back.
//! The Telegram bot and the console chat parse input into a [`Turn`] and render the
//! [`Response`]; neither decides what to say.

use teloxide::utils::command::BotCommands;

use crate::answer::{Answer, Engine};
use crate::reply;

// The doc comments below are what `/help` and the Telegram command menu show.
/// Commands:
#[derive(BotCommands, Clone, Debug, PartialEq, Eq)]
#[command(rename_rule = "lowercase")]
pub enum Command {
    /// Say hello and show example questions.
    Start,
    /// Show what I can do.
    Help,
    /// Show the article's title, date, source and size.
    About,
    /// Ask a question, e.g. /ask Who led the Russian delegation?
    Ask(String),
}

/// One thing a person sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Turn {
    /// A command.
    Command(Command),
    /// A plain question.
    Question(String),
}

impl Turn {
    /// Reads a line typed in the console: a command (`/help`, `/ask …`) or a question.
    /// Unknown commands are questions, so nothing typed is lost.
    pub fn parse(line: &str) -> Self {
        match Command::parse(line.trim(), "") {
            Ok(command) => Turn::Command(command),
            Err(_) => Turn::Question(line.trim().to_string()),
        }
    }
}

/// What the bot sends back.
#[derive(Debug, Clone, PartialEq)]
pub enum Response {
    /// Fixed text: greeting, help, about, hints.
    Text(String),
    /// The engine's answer to a question.
    Answer(Answer),
}

/// Answers one turn.
pub fn respond(engine: &Engine, turn: &Turn) -> Response {
    match turn {
        Turn::Command(Command::Start) => Response::Text(reply::Start(engine.corpus()).to_string()),
        Turn::Command(Command::Help) => {
            Response::Text(reply::help(&Command::descriptions().to_string()))
        }
        Turn::Command(Command::About) => Response::Text(reply::About(engine.corpus()).to_string()),
        Turn::Command(Command::Ask(question)) | Turn::Question(question)
            if question.trim().is_empty() =>
        {
            Response::Text(reply::ASK_WHAT.to_string())
        }
        Turn::Command(Command::Ask(question)) | Turn::Question(question) => {
            Response::Answer(engine.answer(question))
        }
    }
}

impl Response {
    /// Plain text for a terminal.
    pub fn to_plain(&self) -> String {
        match self {
            Response::Text(text) => text.clone(),
            Response::Answer(answer) => reply::Plain(answer).to_string(),
        }
    }

    /// Telegram HTML messages, each within the length limit, never empty.
    pub fn to_html(&self) -> Vec<String> {
        match self {
            Response::Text(text) => reply::pack(&[reply::escape(text)]),
            Response::Answer(answer) => reply::answer_html(answer),
        }
    }

    /// `"article"`, `"faq"`, `"none"` for answers; `"text"` for fixed text (for logs).
    pub fn source(&self) -> &'static str {
        match self {
            Response::Text(_) => "text",
            Response::Answer(answer) => answer.source(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn console_lines_parse_as_commands_or_questions() {
        assert_eq!(Turn::parse("/help"), Turn::Command(Command::Help));
        assert_eq!(
            Turn::parse(" /ask Who? "),
            Turn::Command(Command::Ask("Who?".into()))
        );
        assert_eq!(
            Turn::parse("Who led it?"),
            Turn::Question("Who led it?".into())
        );
        assert_eq!(
            Turn::parse("/nosuch thing"),
            Turn::Question("/nosuch thing".into())
        );
    }
}
