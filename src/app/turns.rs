//! What the chat front ends (the console and the Telegram bot) do around
//! [`crate::chat::respond`] that needs the application: carrying out an allowed `/reload` of
//! the FAQ rules, and logging a question the bot abstained on.

use std::path::{Path, PathBuf};

use crate::app::setup::with_faq;
use crate::app::unanswered::UnansweredLog;
use crate::chat::Response;
use crate::chat::lang::Lang;
use crate::chat::reply::{self, Fixed};
use crate::engine::Engine;

/// What `/reload` did.
pub struct Reloaded {
    /// The engine with the new rules; `None` when nothing changed (no rules file, or it
    /// failed its check: the old rules stay, never half a file).
    pub engine: Option<Engine>,
    /// What happened, for [`Reloaded::response`].
    outcome: Outcome,
}

/// What a `/reload` came to.
enum Outcome {
    /// No rules file is configured.
    NoFile,
    /// The file at `path` was loaded: `rules` rules, and a line for each one `skipped`.
    Loaded {
        rules: usize,
        skipped: Vec<String>,
        path: PathBuf,
    },
    /// The file failed its check, for this reason.
    Failed(String),
}

impl Reloaded {
    /// What to tell the person who sent `/reload`, in `lang`.
    pub fn response(&self, lang: Lang) -> Response {
        Response::Text(match &self.outcome {
            Outcome::NoFile => Fixed::NoFaqFile.text(lang),
            Outcome::Loaded {
                rules,
                skipped,
                path,
            } => reply::reloaded(*rules, skipped, path, lang),
            Outcome::Failed(error) => reply::reload_failed(error, lang),
        })
    }
}

/// `/reload` from someone the front end allows (the console's user; Telegram's admins): reads
/// and checks the rules file at `path` (none configured: nothing to reload) against the
/// articles of `engine`.
pub fn reload(engine: &Engine, path: Option<&Path>) -> Reloaded {
    let Some(path) = path else {
        return Reloaded {
            engine: None,
            outcome: Outcome::NoFile,
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
                outcome: Outcome::Loaded {
                    rules,
                    skipped,
                    path: path.to_path_buf(),
                },
            }
        }
        Err(e) => Reloaded {
            engine: None,
            outcome: Outcome::Failed(format!("{e:#}")),
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
