//! The console chat: the bot's conversation in a terminal, one question a line, with the same
//! commands and answers as in Telegram. Needs no token.

use std::io::{self, BufRead, IsTerminal, Write};

use crate::answer::Engine;
use crate::chat::{self, Command, Response, Turn};

/// Talks on standard input and output until end of input, `/quit` or `/exit`.
///
/// Errors: only when standard output cannot be written (a closed pipe ends quietly).
pub fn run(engine: &Engine, input: impl BufRead, mut out: impl Write) -> io::Result<()> {
    let interactive = io::stdin().is_terminal();
    let greeting = chat::respond(engine, &Turn::Command(Command::Start));
    writeln!(
        out,
        "{}\n(Type a question, /help for commands, /quit to leave.)",
        greeting.to_plain()
    )?;
    prompt(&mut out, interactive)?;
    for line in input.lines() {
        let Ok(line) = line else {
            writeln!(out, "(That line was not valid text; please type it again.)")?;
            prompt(&mut out, interactive)?;
            continue;
        };
        let line = line.trim();
        if matches!(line, "/quit" | "/exit") {
            break;
        }
        if !line.is_empty() {
            let response: Response = chat::respond(engine, &Turn::parse(line));
            writeln!(out, "{}\n", response.to_plain())?;
        }
        prompt(&mut out, interactive)?;
    }
    Ok(())
}

fn prompt(out: &mut impl Write, interactive: bool) -> io::Result<()> {
    if interactive {
        write!(out, "> ")?;
    }
    out.flush()
}
