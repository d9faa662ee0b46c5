//! What the chat front ends (the console and the Telegram bot) do around
//! [`crate::chat::respond`] that needs the application: carrying out an allowed `/reload` of
//! the FAQ rules, and logging a question the bot abstained on.

use std::path::Path;

use crate::app::setup::with_faq;
use crate::app::unanswered::UnansweredLog;
use crate::chat::{Response, reply};
use crate::engine::Engine;

/// What `/reload` did.
pub struct Reloaded {
    /// The engine with the new rules; `None` when nothing changed (no rules file, or it
    /// failed its check: the old rules stay, never half a file).
    pub engine: Option<Engine>,
    /// What to tell the person who sent `/reload`.
    pub response: Response,
}

/// `/reload` from someone the front end allows (the console's user; Telegram's admins): reads
/// and checks the rules file at `path` (none configured: nothing to reload) against the
/// articles of `engine`.
pub fn reload(engine: &Engine, path: Option<&Path>) -> Reloaded {
    let Some(path) = path else {
        return Reloaded {
            engine: None,
            response: Response::Text(reply::NO_FAQ_FILE.to_string()),
        };
    };
    match with_faq(engine, path) {
        Ok(reloaded) => {
            let (rules, skipped) = reloaded.faq().map_or((0, Vec::new()), |f| {
                let skipped = f.skipped().iter().map(ToString::to_string).collect();
                (f.rules().len(), skipped)
            });
            Reloaded {
                engine: Some(reloaded),
                response: Response::Text(reply::reloaded(rules, &skipped, path)),
            }
        }
        Err(e) => Reloaded {
            engine: None,
            response: Response::Text(reply::reload_failed(&format!("{e:#}"))),
        },
    }
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
