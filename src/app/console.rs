//! The console chat: the bot's conversation in a terminal, one question a line, with the same
//! commands and answers as in Telegram. Needs no token.

use std::io::{self, BufRead, IsTerminal, Write};

use std::path::Path;
use std::time::Duration;

use crate::app::turns;
use crate::app::unanswered::UnansweredLog;
use crate::chat::reply;
use crate::chat::{self, Command, Response, Turn};
use crate::engine::Engine;
use crate::engine::conversation::{Context, now};

/// Talks on standard input and output until end of input, `/quit` or `/exit`, keeping one
/// conversation context (idle time `ttl`) as a Telegram chat does. The person at the
/// terminal runs the bot, so `/reload` is allowed (it reads `faq_path`). Abstained questions
/// go to `unanswered` when given.
///
/// Errors: only when standard output cannot be written (a closed pipe ends quietly).
pub fn run(
    engine: Engine,
    ttl: Duration,
    faq_path: Option<&Path>,
    unanswered: Option<&UnansweredLog>,
    input: impl BufRead,
    mut out: impl Write,
) -> io::Result<()> {
    let mut chat = Console {
        engine,
        context: Context::default(),
        ttl,
        faq_path,
        unanswered,
    };
    let interactive = io::stdin().is_terminal();
    let greeting = chat.answer(&Turn::Command(Command::Start));
    writeln!(out, "{}\n{}", greeting.to_plain(), reply::CONSOLE_HINT)?;
    prompt(&mut out, interactive)?;
    let mut quit = false;
    for line in input.lines() {
        let Ok(line) = line else {
            writeln!(out, "{}", reply::CONSOLE_INVALID_LINE)?;
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
            writeln!(out, "{}\n", response.to_plain())?;
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

/// The console's one conversation.
struct Console<'a> {
    engine: Engine,
    context: Context,
    ttl: Duration,
    faq_path: Option<&'a Path>,
    unanswered: Option<&'a UnansweredLog>,
}

impl Console<'_> {
    /// Answers a turn; `/reload` is carried out (the console's user runs the bot), and an
    /// abstained question is logged, with a warning on standard error when it cannot be.
    fn answer(&mut self, turn: &Turn) -> Response {
        if *turn == Turn::Command(Command::Reload) {
            let reloaded = turns::reload(&self.engine, self.faq_path);
            if let Some(engine) = reloaded.engine {
                self.engine = engine;
            }
            return reloaded.response;
        }
        let response = chat::respond(&self.engine, turn, &mut self.context, now(), self.ttl);
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
