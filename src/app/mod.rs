//! Application layer (front ends): owns the command line, configuration, the console chat,
//! `ask` and `eval`, the FAQ commands, the unanswered-question log, logging and the Telegram
//! bot, and [`run`], which runs one mode and turns its error into one line and an exit code.
//! The only layer that uses teloxide, clap, tokio, reqwest, redis or anyhow; it may use every
//! layer to its left (text, corpus, search, engine, chat).
mod ask;
pub mod cli;
pub mod config;
pub mod console;
pub mod env;
pub mod env_file;
pub mod error;
pub mod eval;
pub mod logging;
pub mod setup;
pub mod telegram;
pub mod turns;
pub(crate) mod unanswered;

use std::io::{self, BufRead, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context as _, Result};

use crate::app::cli::{Cli, Command, EvalArgs, FaqCommand, LinkArgs};
use crate::app::config::Config;
use crate::app::env_file::EnvFile;
use crate::engine::Engine;
use crate::text::analyze::Analyzer;

/// Runs the mode `cli` names (with none: the Telegram bot when a token is configured, else
/// the console chat). Exit codes: 0 done, 1 `faq check` found errors, 2 any error, which is
/// printed as one line on standard error. A closed standard output ends the run quietly.
pub fn run(cli: Cli) -> ExitCode {
    match run_mode(cli) {
        Ok(code) => code,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", one_line(&e));
            ExitCode::from(2)
        }
    }
}

/// Loads the configuration (flags, the environment, the `.env` file) and runs the chosen
/// mode.
fn run_mode(cli: Cli) -> Result<ExitCode> {
    let cwd = std::env::current_dir().ok();
    let env_file = EnvFile::find(cli.env_file.as_deref(), cwd.as_deref())?;
    let config = Config::from_environment(&cli, env_file.as_ref())?;
    match cli.command {
        Some(Command::Ask(args)) => ask::run(&config, &args),
        Some(Command::Eval(args)) => run_eval(&config, &args),
        Some(Command::Chat) => chat(&config),
        Some(Command::Telegram(_)) => telegram(&config),
        Some(Command::Faq(FaqCommand::Check { file })) => faq_check(&config, file.as_deref()),
        Some(Command::Faq(FaqCommand::Unanswered { file })) => {
            faq_unanswered(&config, file.as_deref())
        }
        Some(Command::Link(args)) => link(&config, &args),
        None if config.token.is_some() => telegram(&config),
        None => no_token(&config),
    }
}

/// The error when there is no subcommand, no token, and nothing to chat with: standard input
/// is no terminal and holds nothing (a service manager's `/dev/null`).
const NO_TOKEN_NO_TERMINAL: &str = "no Telegram token configured (set TELOXIDE_TOKEN in the \
    environment or in .env to run the bot), and standard input is no terminal and empty, so \
    there is no console chat to run either (run `article-qa chat` for it)";

/// No subcommand and no token: the console chat for a person at a terminal, or for questions
/// piped in; when standard input is no terminal and empty (a service manager), the error
/// [`NO_TOKEN_NO_TERMINAL`] instead of a chat that ends at once with exit 0.
fn no_token(config: &Config) -> Result<ExitCode> {
    let stdin = io::stdin();
    let no_token =
        crate::chat::reply::Fixed::NoToken.text(console::locale_lang().unwrap_or_default());
    if stdin.is_terminal() {
        eprintln!("{no_token}");
        return chat(config);
    }
    let mut input = stdin.lock();
    // Waits for the first line of piped questions, or the end of an empty input.
    if input.fill_buf().map_or(true, <[u8]>::is_empty) {
        anyhow::bail!(NO_TOKEN_NO_TERMINAL);
    }
    eprintln!("{no_token}");
    chat_on(config, input)
}

/// An error and its causes on one line, `outer: cause: cause`; a cause whose text spans
/// several lines (a TOML error drawing the offending line) gives its first and last lines.
pub fn one_line(error: &anyhow::Error) -> String {
    error
        .chain()
        .map(|cause| first_and_last_line(&cause.to_string()))
        .collect::<Vec<_>>()
        .join(": ")
}

/// The first line of `message`, and its last line that is not part of a drawing (`|`) when
/// that differs.
fn first_and_last_line(message: &str) -> String {
    let first = message.lines().next().unwrap_or_default().trim();
    let last = message
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty() && !l.contains('|'));
    match last {
        Some(last) if last.trim() != first => format!("{first}: {}", last.trim()),
        _ => first.to_string(),
    }
}

/// `chat`: the conversation in the terminal.
fn chat(config: &Config) -> Result<ExitCode> {
    chat_on(config, io::stdin().lock())
}

/// The console chat on `input`, after saying on standard error which articles, FAQ rules
/// and `.env` file it uses.
fn chat_on(config: &Config, input: impl BufRead) -> Result<ExitCode> {
    eprintln!("Using the {}.", config.describe());
    let engine = setup::engine(config)?;
    let log = config
        .unanswered_log
        .as_deref()
        .map(unanswered::UnansweredLog::open)
        .transpose()?;
    console::run(
        engine,
        config.context_ttl,
        config.faq.as_deref(),
        log.as_ref(),
        console::locale_lang(),
        input,
        io::stdout().lock(),
    )?;
    Ok(ExitCode::SUCCESS)
}

/// `link`: prints the deep link that asks the question, for `--bot` or the bot the token
/// belongs to.
fn link(config: &Config, args: &LinkArgs) -> Result<ExitCode> {
    let question = args.question.join(" ");
    let payload = crate::chat::deep_link::payload(&question)?;
    let bot = match &args.bot {
        Some(bot) => {
            let bot = bot.trim().trim_start_matches('@');
            let valid = (5..=32).contains(&bot.len())
                && bot.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                && bot.to_ascii_lowercase().ends_with("bot");
            if !valid {
                anyhow::bail!(
                    "--bot takes the bot's username: 5 to 32 letters, digits and _, ending in bot (as @BotFather gave it)"
                );
            }
            bot.to_string()
        }
        None => {
            let secrets = logging::Secrets::default();
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .context("cannot start the async runtime")?;
            runtime
                .block_on(telegram::username(config, &secrets))
                .map_err(|e| {
                    anyhow::anyhow!(with_token_source(secrets.scrub(&format!("{e:#}")), config))
                })?
        }
    };
    println!("https://t.me/{bot}?start={payload}");
    Ok(ExitCode::SUCCESS)
}

/// `telegram`: the bot, with long polling (or a webhook), until Ctrl-C or SIGTERM.
fn telegram(config: &Config) -> Result<ExitCode> {
    let secrets = logging::init(config.log.as_deref());
    tracing::info!("using the {}", config.describe());
    let engine = setup::engine(config)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime
        .block_on(telegram::run(config, engine, &secrets))
        // Whatever the Bot API answered, the token must not reach the terminal.
        .map_err(|e| {
            anyhow::anyhow!(with_token_source(secrets.scrub(&format!("{e:#}")), config))
        })?;
    Ok(ExitCode::SUCCESS)
}

/// Telegram's 401 as the Telegram layer words it: the error that is about the token itself.
const UNAUTHORIZED: &str = "401 Unauthorized";

/// `message`, and when Telegram rejected the token (401), where the token came from: the
/// environment (which wins over `.env`) or which `.env` file. Never the token.
fn with_token_source(message: String, config: &Config) -> String {
    if message.contains(UNAUTHORIZED) {
        format!("{message} (the token came from {})", config.token_source())
    } else {
        message
    }
}

/// Question vectors an eval run keeps (and saves) at most: more than every set's turns.
const EVAL_QUERY_MEMO: usize = 50_000;

/// Runs `f` with the question vectors an earlier eval run saved in the cache folder, and
/// saves them with the new ones after it: a question asked before is not encoded again.
fn remembering_questions<T>(config: &Config, f: impl FnOnce() -> T) -> T {
    let memo = setup::remembering_encoder(config, EVAL_QUERY_MEMO);
    let result = f();
    if let Some((encoder, dir)) = memo
        && let Err(e) = crate::embed::cache::save_queries(&encoder, &dir)
    {
        eprintln!(
            "warning: cannot save the question vectors in {}: {e}",
            dir.display()
        );
    }
    result
}

/// `eval`: answers a question set and prints the four figures.
fn run_eval(config: &Config, args: &EvalArgs) -> Result<ExitCode> {
    let mut params = crate::search::params::Params::default();
    for setting in &args.set {
        let (name, value) = setting
            .split_once('=')
            .with_context(|| format!("--set expects NAME=VALUE, got {setting:?}"))?;
        params.set(name, value)?;
    }
    let cases = eval::load_cases(&args.questions)?;
    let articles = args.articles.clone().or_else(|| {
        let beside = args.questions.parent()?.join("articles");
        (cases.iter().any(|c| c.article.is_some()) && beside.is_dir()).then_some(beside)
    });
    eval::check_format(&cases, args.squad.is_some(), articles.is_some())
        .with_context(|| args.questions.display().to_string())?;
    let seeds_needed = cases
        .iter()
        .any(|c| c.title().is_none() && c.article.is_none());
    let default = match seeds_needed {
        true => Some(setup::engine(config)?.with_params(params)),
        false => None,
    };
    let sources = eval::Sources {
        squad: args.squad.as_deref(),
        articles: articles.as_deref(),
    };
    let build = |corpus| -> Engine {
        let engine = Engine::new(corpus).with_params(params);
        match setup::with_meaning(engine.clone(), config) {
            Ok(engine) => engine,
            Err(e) => {
                eprintln!("warning: {}; answering by keywords alone", one_line(&e));
                engine
            }
        }
    };
    let report = remembering_questions(config, || {
        eval::run(&cases, default.as_ref(), sources, &build)
    })?;
    let stdout = io::stdout();
    let mut out = stdout.lock();
    if args.verbose {
        for failure in &report.failures {
            writeln!(out, "{failure}")?;
        }
    }
    if let Some(path) = &args.predictions {
        eval::write_predictions(path, &cases, &report)?;
    }
    for (kind, summary) in &report.kinds {
        writeln!(out, "{}", eval::score::kind_line(*kind, summary))?;
    }
    writeln!(out, "{}", report.summary)?;
    Ok(ExitCode::SUCCESS)
}

/// `faq check`: validates a rules file; exit 1 when it has errors.
fn faq_check(config: &Config, file: Option<&Path>) -> Result<ExitCode> {
    let path = match file.or(config.faq.as_deref()) {
        Some(path) => path.to_path_buf(),
        None => config.corpus.folder().join("faq.toml"),
    };
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let engine = setup::engine(&Config {
        faq: None,
        ..config.clone()
    })?;
    let checked = crate::engine::faq::checker::check(
        &text,
        &engine,
        &crate::app::telegram::html::TelegramLimit,
    );
    let stdout = io::stdout();
    let mut out = stdout.lock();
    for error in &checked.errors {
        writeln!(out, "error: {}", error.located(&path))?;
    }
    for warning in &checked.warnings {
        writeln!(out, "warning: {}", warning.located(&path))?;
    }
    writeln!(
        out,
        "{}: {}, {}, {}",
        path.display(),
        plural(checked.rules, "rule"),
        plural(checked.errors.len(), "error"),
        plural(checked.warnings.len(), "warning")
    )?;
    Ok(if checked.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `n word`, with an `s` unless `n` is 1.
fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// `faq unanswered`: the logged unanswered questions, grouped, most frequent first.
fn faq_unanswered(config: &Config, file: Option<&Path>) -> Result<ExitCode> {
    let Some(path) = file.or(config.unanswered_log.as_deref()) else {
        anyhow::bail!(
            "no log to read: pass a FILE or set {}",
            config::UNANSWERED_VAR
        );
    };
    let grouped = unanswered::groups(path, &Analyzer::new())?;
    let stdout = io::stdout();
    let mut out = stdout.lock();
    if grouped.groups.is_empty() {
        writeln!(out, "{}: no unanswered questions logged", path.display())?;
    }
    for group in &grouped.groups {
        writeln!(out, "{group}")?;
    }
    if grouped.skipped > 0 {
        eprintln!(
            "warning: {}: skipped {} that are not log entries ({{\"time\", \"question\"}})",
            path.display(),
            plural(grouped.skipped, "line")
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// True when the error is a closed standard output (`article-qa ask - | head -1`).
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .downcast_ref::<io::Error>()
        .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_toml_error_in_the_chain_is_shown_on_one_line() {
        let toml = crate::corpus::ArticleMeta::parse("title = \n").unwrap_err();
        let error = anyhow::Error::new(crate::corpus::Error::Metadata {
            path: "a.meta.toml".into(),
            source: toml,
        })
        .context("cannot load the articles");
        let line = one_line(&error);
        assert!(!line.contains('\n'), "{line}");
        assert!(
            line.starts_with("cannot load the articles: bad article metadata in a.meta.toml: TOML parse error at line 1, column"),
            "{line}"
        );
    }
}
