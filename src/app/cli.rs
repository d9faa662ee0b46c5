//! The command line, declared with clap: global options and one subcommand per mode, and
//! what the binary does with a command-line error ([`exit_on`]).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Args, CommandFactory as _, Parser, Subcommand};

/// Answers questions about a news article by quoting the article itself — in Telegram or in
/// the terminal.
///
/// With no command it runs the Telegram bot when a token is configured (TELOXIDE_TOKEN, or a
/// .env file), and otherwise the console chat (with no terminal and nothing piped in, it says
/// that no token is configured and exits 2).
#[derive(Debug, Parser)]
#[command(
    name = "article-qa",
    version,
    about,
    long_about,
    after_long_help = crate::app::env::environment_help()
)]
pub struct Cli {
    /// What to run (default: the Telegram bot with a token, else the console chat).
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Where the articles come from.
    #[command(flatten)]
    pub corpus: CorpusArgs,
    /// The FAQ rules file [env: ARTICLE_QA_FAQ; default: faq.toml in the seeds folder].
    #[arg(long, global = true, value_name = "FILE")]
    pub faq: Option<PathBuf>,
    /// Answer from the article alone, without FAQ rules.
    #[arg(long, global = true, conflicts_with = "faq")]
    pub no_faq: bool,
    /// Answer by keywords alone, without the sentence model [env: ARTICLE_QA_LEXICAL].
    #[arg(long, global = true)]
    pub lexical: bool,
    /// Read settings from this file instead of .env (looked for in the working folder, then
    /// the folders above it); relative paths in it are read against its folder.
    #[arg(long, global = true, value_name = "FILE")]
    pub env_file: Option<PathBuf>,
}

/// Options choosing the articles.
#[derive(Debug, Clone, Default, Args)]
pub struct CorpusArgs {
    /// Folder whose *.txt files are the articles [env: ARTICLE_QA_SEEDS; default: ./seeds,
    /// else the folder shipped with the bot].
    #[arg(long, global = true, value_name = "DIR")]
    pub seeds: Option<PathBuf>,
    /// Answer from this one article file only.
    #[arg(long, global = true, value_name = "FILE", conflicts_with = "seeds")]
    pub article: Option<PathBuf>,
}

/// The modes.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Answer one question (or, with `-`, one question per line from standard input).
    Ask(AskArgs),
    /// Talk to the bot in the terminal: one question a line, the same answers and commands as in
    /// Telegram. Needs no token.
    Chat,
    /// Run the Telegram bot (long polling, or a webhook with --webhook). Needs TELOXIDE_TOKEN.
    Telegram(TelegramArgs),
    /// Measure answer quality on a question set (top-1, hit@3, abstention, overall).
    Eval(EvalArgs),
    /// Check FAQ rules and read the log of unanswered questions.
    #[command(subcommand)]
    Faq(FaqCommand),
    /// Print a deep link (https://t.me/<bot>?start=…) that opens the bot and asks a question.
    Link(LinkArgs),
}

/// `link` options.
#[derive(Debug, Args)]
pub struct LinkArgs {
    /// The question, at most 48 bytes of UTF-8 (Telegram's start parameter is 64 characters).
    #[arg(required = true, num_args = 1.., value_name = "QUESTION")]
    pub question: Vec<String>,
    /// The bot's username (default: asked of Telegram with the configured token).
    #[arg(long, value_name = "USERNAME")]
    pub bot: Option<String>,
}

/// `ask` options.
#[derive(Debug, Args)]
pub struct AskArgs {
    /// The question, in plain words; `-` reads one question per line from standard input.
    #[arg(required = true, num_args = 1.., value_name = "QUESTION")]
    pub question: Vec<String>,
    /// Print one JSON object per question: {"question", "source", "sentences": [{"text",
    /// "article", "title", "paragraph", "sentence", "score"}], …}.
    #[arg(long)]
    pub json: bool,
    /// Show why the answer was chosen: terms, matches, scores and the threshold.
    #[arg(long, conflicts_with = "json")]
    pub explain: bool,
}

/// `telegram` options. Each also has a variable (in brackets); the flag wins.
#[derive(Debug, Clone, Default, Args)]
pub struct TelegramArgs {
    /// Get updates by webhook instead of long polling (needs a public HTTPS URL and a
    /// secret).
    #[arg(long)]
    pub webhook: bool,
    /// The public HTTPS URL Telegram posts updates to; its path is the path served
    /// [env: ARTICLE_QA_WEBHOOK_URL].
    #[arg(long, value_name = "URL", requires = "webhook")]
    pub webhook_url: Option<String>,
    /// The address the webhook (and /healthz, /readyz, /metrics) listens on, behind a
    /// TLS-terminating proxy [env: ARTICLE_QA_LISTEN; default: 127.0.0.1:8443].
    #[arg(long, value_name = "ADDR", requires = "webhook")]
    pub listen: Option<String>,
    /// The secret Telegram sends with every update (prefer the variable: a flag shows in
    /// the process list) [env: ARTICLE_QA_WEBHOOK_SECRET].
    #[arg(long, value_name = "SECRET", requires = "webhook")]
    pub webhook_secret: Option<String>,
}

/// `eval` options.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// A question set in JSON Lines (article format with "gold", or SQuAD format).
    pub questions: PathBuf,
    /// Folder of SQuAD articles (`<title>.txt`, or an `articles/` subfolder); each question is
    /// answered from its own article.
    #[arg(long, value_name = "DIR")]
    pub squad: Option<PathBuf>,
    /// Folder of the articles that cases name with `"article"` (`<article>.txt`); default:
    /// `articles/` beside the questions file. Each such case is answered from its own article.
    #[arg(long, value_name = "DIR", conflicts_with = "squad")]
    pub articles: Option<PathBuf>,
    /// List the questions answered wrongly.
    #[arg(short, long)]
    pub verbose: bool,
    /// Also write predictions ({"id", "sentences"} per line) for the team's scoring scripts.
    #[arg(long, value_name = "FILE")]
    pub predictions: Option<PathBuf>,
    /// Override a scoring parameter for this run, e.g. `--set threshold=0.4` (repeatable).
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub set: Vec<String>,
}

/// `faq` subcommands.
#[derive(Debug, Subcommand)]
pub enum FaqCommand {
    /// Validate a rules file: errors exit non-zero; warnings are printed.
    Check {
        /// The rules file (default: the configured one).
        file: Option<PathBuf>,
    },
    /// List logged unanswered questions, grouped by similar wording, most frequent first.
    Unanswered {
        /// The log file (default: ARTICLE_QA_UNANSWERED_LOG).
        file: Option<PathBuf>,
    },
}

/// Ends the run on a command-line error from [`Cli::try_parse`]: help and version go to
/// standard output as clap writes them (exit 0); a command group without its subcommand
/// (`article-qa faq`) prints its help to standard error (exit 2); any other error is one line
/// on standard error naming the help to read, `error: WHAT (see article-qa ask --help)`
/// (exit 2).
pub fn exit_on(error: &clap::Error) -> ExitCode {
    match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = error.print();
            ExitCode::SUCCESS
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = error.print();
            ExitCode::from(2)
        }
        _ => {
            eprintln!(
                "error: {} (see {} --help)",
                error_message(error),
                subcommand_path(std::env::args_os())
            );
            ExitCode::from(2)
        }
    }
}

/// What is wrong, in one line, from the error's kind and context (the argument, the value,
/// clap's suggestion).
pub fn error_message(error: &clap::Error) -> String {
    let context = |kind| error.get(kind).map(quoted);
    let arg = context(ContextKind::InvalidArg).or_else(|| context(ContextKind::InvalidSubcommand));
    let value = context(ContextKind::InvalidValue);
    let mut line = match (error.kind(), arg, value) {
        (ErrorKind::InvalidValue, Some(arg), Some(value)) if value == "''" => {
            format!("a value is required for {arg}")
        }
        (ErrorKind::InvalidValue | ErrorKind::ValueValidation, Some(arg), Some(value)) => {
            format!("invalid value {value} for {arg}")
        }
        (ErrorKind::ArgumentConflict, Some(arg), _)
            if error.get(ContextKind::PriorArg).is_some() =>
        {
            let prior = context(ContextKind::PriorArg).unwrap_or_default();
            format!("{arg} cannot be used with {prior}")
        }
        (kind, arg, _) => {
            let what = kind.as_str().unwrap_or("bad arguments");
            match arg {
                Some(arg) => format!("{what}: {arg}"),
                None => what.to_string(),
            }
        }
    };
    let suggested = context(ContextKind::SuggestedSubcommand)
        .or_else(|| context(ContextKind::SuggestedArg))
        .or_else(|| context(ContextKind::SuggestedValue));
    if let Some(suggested) = suggested {
        line.push_str(&format!("; did you mean {suggested}?"));
    }
    line
}

/// A context value as the message shows it: `'value'`, or `'a', 'b'` for a list.
fn quoted(value: &ContextValue) -> String {
    match value {
        ContextValue::String(s) => format!("'{s}'"),
        ContextValue::Strings(list) => list
            .iter()
            .map(|s| format!("'{s}'"))
            .collect::<Vec<_>>()
            .join(", "),
        ContextValue::StyledStr(s) => format!("'{s}'"),
        ContextValue::StyledStrs(list) => list
            .iter()
            .map(|s| format!("'{s}'"))
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

/// The (nested) subcommand `args` name, as clap reads them while ignoring their errors:
/// `article-qa faq check` for `article-qa faq check --bogus`, `article-qa` when none is named.
pub fn subcommand_path<I, T>(args: I) -> String
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let mut path = vec![Cli::command().get_name().to_string()];
    let matches = Cli::command()
        .ignore_errors(true)
        .try_get_matches_from(args);
    let mut current = matches.as_ref().ok();
    while let Some((name, sub)) = current.and_then(|m| m.subcommand()) {
        path.push(name.to_string());
        current = Some(sub);
    }
    path.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_line(args: &[&str]) -> String {
        let error = Cli::try_parse_from(args).unwrap_err();
        format!(
            "{} (see {} --help)",
            error_message(&error),
            subcommand_path(args)
        )
    }

    #[test]
    fn argument_errors_are_one_line_pointing_at_the_subcommands_help() {
        let cases = [
            (
                &["article-qa", "ask"][..],
                "article-qa ask --help",
                "QUESTION",
            ),
            (
                &["article-qa", "ask", "--seeds"],
                "article-qa ask --help",
                "--seeds",
            ),
            (
                &["article-qa", "no-such-command"],
                "article-qa --help",
                "no-such-command",
            ),
            (
                &["article-qa", "faq", "check", "--bogus"],
                "article-qa faq check --help",
                "--bogus",
            ),
            (
                &["article-qa", "eval"],
                "article-qa eval --help",
                "QUESTIONS",
            ),
        ];
        for (args, help, names) in cases {
            let line = error_line(args);
            assert!(line.ends_with(&format!("(see {help})")), "{args:?}: {line}");
            assert!(line.contains(names), "{args:?}: {line}");
            assert!(!line.contains('\n'), "{args:?}: {line}");
        }
    }

    #[test]
    fn a_near_miss_gets_clap_s_suggestion() {
        let line = error_line(&["article-qa", "ask", "--jsn", "x"]);
        assert!(line.contains("'--jsn'; did you mean '--json'?"), "{line}");
        let line = error_line(&["article-qa", "ask", "--json", "--explain", "x"]);
        assert!(
            line.contains("'--json' cannot be used with '--explain'"),
            "{line}"
        );
    }
}
