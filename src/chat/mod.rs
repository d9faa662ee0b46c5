//! Chat layer: the bot's commands (one table, which `/help` and every front end's command
//! menu read), the [`Turn`] a person sends, the [`Response`] it gets, what pressing an answer's
//! buttons does ([`buttons`]), deep links that ask a question ([`deep_link`]) and all reply
//! text ([`reply`], plain, rendered with `Display`).
//! The console chat and the Telegram bot parse input into a [`Turn`] and render the
//! [`Response`]; neither decides what to say. May use [`crate::text`], [`crate::corpus`],
//! [`crate::search`] and [`crate::engine`] only; no front-end crate (teloxide, clap, tokio,
//! reqwest, redis, anyhow).

pub mod buttons;
pub mod deep_link;
pub mod reply;

use std::time::Duration;

use crate::engine::conversation::Context;
use crate::engine::{Answer, Engine};

/// A command of the bot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// `/start`: say hello and show example questions.
    Start,
    /// `/help`: show what the bot can do.
    Help,
    /// `/about`: the article's title, date, source and size.
    About,
    /// `/ask <question>`: a question (the text after the command, as sent).
    Ask(String),
    /// `/reset`: forget this chat's conversation.
    Reset,
    /// `/reload`: reload the FAQ rules file. Only a front end can carry it out, and only for
    /// someone it allows (see [`respond`]); not listed in `/help` or the menu.
    Reload,
}

/// One row of the command table [`COMMANDS`].
#[derive(Debug)]
pub struct CommandInfo {
    /// The name after the `/`, lower case (`"ask"`).
    pub name: &'static str,
    /// What `/help` and the command menu say about it (one line, under 256 characters).
    pub description: &'static str,
    /// Not listed in `/help` or the command menu (admin commands).
    pub hidden: bool,
    /// Builds the command from the text after its name.
    build: fn(&str) -> Command,
}

/// Every command, in the order `/help` and the command menu list them: the one source of
/// names, descriptions and parsing.
pub const COMMANDS: &[CommandInfo] = &[
    CommandInfo {
        name: "start",
        description: "Say hello and show example questions.",
        hidden: false,
        // A deep link's `/start <payload>` asks the question it holds.
        build: |args| deep_link::question(args.trim()).map_or(Command::Start, Command::Ask),
    },
    CommandInfo {
        name: "help",
        description: "Show what I can do.",
        hidden: false,
        build: |_| Command::Help,
    },
    CommandInfo {
        name: "about",
        description: "Show the article's title, date, source and size.",
        hidden: false,
        build: |_| Command::About,
    },
    CommandInfo {
        name: "ask",
        description: "Ask a question, e.g. /ask Who led the Russian delegation?",
        hidden: false,
        build: |args| Command::Ask(args.to_string()),
    },
    CommandInfo {
        name: "reset",
        description: "Forget this conversation, so the next question starts fresh.",
        hidden: false,
        build: |_| Command::Reset,
    },
    CommandInfo {
        name: "reload",
        description: "Reload the FAQ rules file (admins only; not listed).",
        hidden: true,
        build: |_| Command::Reload,
    },
];

impl Command {
    /// The command called `name` (without the `/`; matched in any case, as Telegram clients
    /// treat commands: `/HELP` is `/help`),
    /// given `args`, the text after the name and the space that ends it (kept as sent; only
    /// `/ask` reads it). `None` for a name the bot does not have.
    pub fn new(name: &str, args: &str) -> Option<Self> {
        COMMANDS
            .iter()
            .find(|info| info.name.eq_ignore_ascii_case(name))
            .map(|info| (info.build)(args))
    }

    /// Reads `/name args` (split at the first space). `None` when `text` is not a `/command`
    /// of the bot; a front end that knows its name strips `@botname` from the name first.
    pub fn from_text(text: &str) -> Option<Self> {
        let (head, args) = text.split_once(' ').unwrap_or((text, ""));
        Self::new(head.strip_prefix('/')?, args)
    }
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
    /// Reads a line typed in the console (trimmed): a command (`/help`, `/ask …`), an unknown
    /// `/command` (`/help@somebot` included), or a question.
    pub fn parse(line: &str) -> Self {
        let line = line.trim();
        match Command::from_text(line) {
            Some(command) => Turn::Command(command),
            None if line.starts_with('/') => Turn::UnknownCommand,
            None => Turn::Question(line.to_string()),
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
/// expires).
///
/// `/reload` is not a chat turn: a front end carries out an allowed one itself (the console
/// for the person running it, Telegram for its admins) and never passes it here, so one that
/// arrives here was not allowed and is answered as an unknown command, giving no hint that
/// the command exists.
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
        Turn::Command(Command::Help) => Response::Text(reply::Help.to_string()),
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

impl Response {
    /// Plain text for a terminal.
    pub fn to_plain(&self) -> String {
        match self {
            Response::Text(text) => text.clone(),
            Response::Answer(answer) => reply::Plain(answer).to_string(),
            Response::UnknownCommand => reply::UNKNOWN_COMMAND.to_string(),
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
        for (line, turn) in [
            ("/help", Turn::Command(Command::Help)),
            (" /ask Who? ", Turn::Command(Command::Ask("Who?".into()))),
            ("/ask  Who?", Turn::Command(Command::Ask(" Who?".into()))),
            ("/ask", Turn::Command(Command::Ask(String::new()))),
            ("/start deep-link", Turn::Command(Command::Start)),
            ("/reload", Turn::Command(Command::Reload)),
            ("Who led it?", Turn::Question("Who led it?".into())),
            ("/nosuch thing", Turn::UnknownCommand),
            ("/Help", Turn::Command(Command::Help)),
            ("/RESET", Turn::Command(Command::Reset)),
            ("/help@somebot", Turn::UnknownCommand),
            ("/", Turn::UnknownCommand),
        ] {
            assert_eq!(Turn::parse(line), turn, "{line:?}");
        }
    }

    #[test]
    fn every_command_is_in_the_table_once_and_parses_by_its_name() {
        for info in COMMANDS {
            let command = Command::new(info.name, "x").expect("parses");
            assert_eq!(
                COMMANDS.iter().filter(|i| i.name == info.name).count(),
                1,
                "{}",
                info.name
            );
            assert_eq!(
                Command::from_text(&format!("/{} x", info.name)),
                Some(command)
            );
        }
        assert_eq!(
            COMMANDS
                .iter()
                .filter(|i| i.hidden)
                .map(|i| i.name)
                .collect::<Vec<_>>(),
            ["reload"]
        );
    }
}
