//! The console chat: the bot's conversation in a terminal, one question a line, with the same
//! commands and answers as in Telegram. Needs no token. It speaks the language of the
//! terminal's locale (`LC_ALL`, `LC_MESSAGES`, `LANG`) when the bot has it, else English;
//! `/language` changes it for the session.

use std::io::{self, BufRead, IsTerminal, Write};

use std::path::Path;
use std::time::Duration;

use crate::app::turns;
use crate::app::unanswered::UnansweredLog;
use crate::chat::lang::{Choice, Lang};
use crate::chat::reply::Fixed;
use crate::chat::{self, Command, Response, Turn};
use crate::engine::Engine;
use crate::engine::conversation::{Context, now};

/// Talks on standard input and output until end of input, `/quit` or `/exit`, keeping one
/// conversation context (idle time `ttl`) as a Telegram chat does. The person at the
/// terminal runs the bot, so `/reload` is allowed (it reads `faq_path`). Abstained questions
/// go to `unanswered` when given. Replies are in `locale`, the terminal's language (see
/// [`locale_lang`]), when there is one, else English, until `/language` changes them.
///
/// Errors: only when standard output cannot be written (a closed pipe ends quietly).
pub fn run(
    engine: Engine,
    ttl: Duration,
    faq_path: Option<&Path>,
    unanswered: Option<&UnansweredLog>,
    locale: Option<Lang>,
    input: impl BufRead,
    mut out: impl Write,
) -> io::Result<()> {
    let mut chat = Console {
        engine,
        context: Context::default(),
        choice: Choice {
            chat: None,
            sender: locale,
        },
        ttl,
        faq_path,
        unanswered,
    };
    let interactive = io::stdin().is_terminal();
    let greeting = chat.answer(&Turn::Command(Command::Start));
    let hint = Fixed::ConsoleHint.text(chat.lang());
    writeln!(out, "{}\n{hint}", greeting.to_plain(chat.lang()))?;
    prompt(&mut out, interactive)?;
    let mut quit = false;
    for line in input.lines() {
        let Ok(line) = line else {
            writeln!(out, "{}", Fixed::ConsoleInvalidLine.text(chat.lang()))?;
            prompt(&mut out, interactive)?;
            continue;
        };
        let line = line.trim();
        if matches!(line.to_ascii_lowercase().as_str(), "/quit" | "/exit") {
            quit = true;
            break;
        }
        if !line.is_empty() {
            let response = chat.answer(&Turn::parse(line));
            writeln!(out, "{}\n", response.to_plain(chat.lang()))?;
        }
        prompt(&mut out, interactive)?;
    }
    if interactive && !quit {
        // Ctrl-D leaves the cursor after the prompt: end the line, so the shell's prompt
        // starts on a line of its own.
        writeln!(out)?;
    }
    Ok(())
}

/// The terminal's language: the locale that `LC_ALL`, `LC_MESSAGES` or `LANG` names (the
/// first one set decides, as POSIX says), when the bot speaks it.
pub fn locale_lang() -> Option<Lang> {
    let values = ["LC_ALL", "LC_MESSAGES", "LANG"].map(|name| std::env::var(name).ok());
    Lang::from_locale(values.iter().map(Option::as_deref))
}

/// The console's one conversation.
struct Console<'a> {
    engine: Engine,
    context: Context,
    /// The terminal's language, and the session's `/language`.
    choice: Choice,
    ttl: Duration,
    faq_path: Option<&'a Path>,
    unanswered: Option<&'a UnansweredLog>,
}

impl Console<'_> {
    /// The language replies are in now.
    fn lang(&self) -> Lang {
        self.choice.lang()
    }

    /// Answers a turn; `/reload` is carried out (the console's user runs the bot), and an
    /// abstained question is logged, with a warning on standard error when it cannot be.
    fn answer(&mut self, turn: &Turn) -> Response {
        if *turn == Turn::Command(Command::Reload) {
            let reloaded = turns::reload(&self.engine, self.faq_path);
            let response = reloaded.response(self.lang());
            if let Some(engine) = reloaded.engine {
                self.engine = engine;
            }
            return response;
        }
        let response = chat::respond(
            &self.engine,
            turn,
            &mut self.context,
            &mut self.choice,
            now(),
            self.ttl,
        );
        if let Turn::Question(question) | Turn::Command(Command::Ask(question)) = turn
            && let Some(warning) = turns::log_unanswered(self.unanswered, question, &response)
        {
            // Standard error, so the chat on standard output stays clean.
            eprintln!("warning: {warning}");
        }
        response
    }
}

fn prompt(out: &mut impl Write, interactive: bool) -> io::Result<()> {
    if interactive {
        write!(out, "> ")?;
    }
    out.flush()
}
