//! The conversation, front-end free: the bot's commands and what each input gets back.
//! The Telegram bot and the console chat parse input into a [`Turn`] and render the
//! [`Response`]; neither decides what to say.

pub mod buttons;
pub mod reply;

use std::path::Path;
use std::time::Duration;

use teloxide::utils::command::BotCommands;

use crate::engine::conversation::Context;
use crate::engine::{Answer, Engine};

use crate::app::unanswered::UnansweredLog;

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
    /// Forget this conversation, so the next question starts fresh.
    Reset,
    /// Reload the FAQ rules file (admins only; not listed).
    #[command(hide)]
    Reload,
}

/// One thing a person sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Turn {
    /// A command.
    Command(Command),
    /// A plain question.
    Question(String),
    /// A `/command` the bot does not have.
    UnknownCommand,
}

impl Turn {
    /// Reads a line typed in the console: a command (`/help`, `/ask …`), an unknown
    /// `/command`, or a question.
    pub fn parse(line: &str) -> Self {
        let line = line.trim();
        match Command::parse(line, "") {
            Ok(command) => Turn::Command(command),
            Err(_) if line.starts_with('/') => Turn::UnknownCommand,
            Err(_) => Turn::Question(line.to_string()),
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
    /// A command the bot does not offer to this person (groups stay silent).
    UnknownCommand,
}

/// Answers one turn in a chat's conversation `context` (updated: questions are remembered,
/// `/reset` empties it; `now` in seconds since the epoch, `ttl` the idle time after which it
/// expires). `/reload` is answered as an unknown command here: front ends that let someone
/// reload do it themselves.
pub fn respond(
    engine: &Engine,
    turn: &Turn,
    context: &mut Context,
    now: u64,
    ttl: Duration,
) -> Response {
    match turn {
        Turn::Command(Command::Reload) | Turn::UnknownCommand => Response::UnknownCommand,
        Turn::Command(Command::Reset) => {
            *context = Context::default();
            Response::Text(reply::RESET.to_string())
        }
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
            Response::Answer(engine.converse(question, context, now, ttl).answer)
        }
    }
}

/// [`respond`] when the conversation context cannot be loaded (the context store is down):
/// the turn is answered as if the chat were new, and `/reset` says plainly that there is
/// nothing it can clear.
pub fn respond_without_memory(engine: &Engine, turn: &Turn, now: u64, ttl: Duration) -> Response {
    if *turn == Turn::Command(Command::Reset) {
        return Response::Text(reply::NO_MEMORY.to_string());
    }
    respond(engine, turn, &mut Context::default(), now, ttl)
}

/// Appends `question` to the unanswered-question `log` (when logging is on) if `response`
/// abstained on it. Returns the one-line warning to show when the log cannot be written
/// (the chat goes on either way); each front end shows it its own way.
pub fn log_unanswered(
    log: Option<&UnansweredLog>,
    question: &str,
    response: &Response,
) -> Option<String> {
    let log = log.filter(|_| response.abstained())?;
    let error = log.record(question).err()?;
    Some(format!(
        "cannot write the unanswered-question log {}: {error}",
        log.path().display()
    ))
}

/// Handles `/reload` for someone allowed to: reads and checks the rules file. On success it
/// returns the engine with the new rules; otherwise nothing changes (the old rules stay, never
/// half a file) and the response says what is wrong.
pub fn reload(engine: &Engine, path: Option<&Path>) -> (Option<Engine>, Response) {
    let Some(path) = path else {
        return (None, Response::Text(reply::NO_FAQ_FILE.to_string()));
    };
    match crate::app::setup::with_faq(engine, path) {
        Ok(reloaded) => {
            let rules = reloaded.faq().map_or(0, |f| f.rules().len());
            (Some(reloaded), Response::Text(reply::reloaded(rules, path)))
        }
        Err(e) => (
            None,
            Response::Text(reply::reload_failed(&format!("{e:#}"))),
        ),
    }
}

impl Response {
    /// Plain text for a terminal.
    pub fn to_plain(&self) -> String {
        match self {
            Response::Text(text) => text.clone(),
            Response::Answer(answer) => reply::Plain(answer).to_string(),
            Response::UnknownCommand => reply::UNKNOWN_COMMAND.to_string(),
        }
    }

    /// Telegram HTML messages, each within the length limit, never empty.
    pub fn to_html(&self) -> Vec<String> {
        match self {
            Response::Text(text) => reply::pack(vec![reply::escape(text)]),
            Response::Answer(answer) => reply::answer_html(answer),
            Response::UnknownCommand => reply::pack(vec![reply::escape(reply::UNKNOWN_COMMAND)]),
        }
    }

    /// `"article"`, `"faq"`, `"none"` for answers; `"text"` for fixed text (for logs).
    pub fn source(&self) -> &'static str {
        match self {
            Response::Text(_) | Response::UnknownCommand => "text",
            Response::Answer(answer) => answer.source(),
        }
    }

    /// True when the engine found no answer (the question goes to the unanswered log).
    pub fn abstained(&self) -> bool {
        matches!(self, Response::Answer(Answer::NotFound(_)))
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
        assert_eq!(Turn::parse("/nosuch thing"), Turn::UnknownCommand);
    }
}
