//! The `article-qa` binary: parses the command line, loads the configuration, builds the
//! engine and runs one mode (ask, chat, telegram, eval, faq). Errors end in one line on
//! standard error and exit code 2.

use std::io::{self, BufRead, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context as _, Result, bail};
use clap::Parser as _;

use article_qa::app::cli::{AskArgs, Cli, Command, EvalArgs, FaqCommand};
use article_qa::app::config::{self, Config};
use article_qa::app::{console, eval, logging, setup, unanswered};
use article_qa::chat::reply::Plain;
use article_qa::engine::answer::{Answer, Engine};
use article_qa::engine::conversation::Decision;
use article_qa::engine::explain::Explanation;
use article_qa::engine::faq;
use article_qa::text::analyze::Analyzer;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return bad_arguments(e),
    };
    match run(cli) {
        Ok(code) => code,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Help and version go to standard output as clap writes them (exit 0); a command group
/// without its subcommand (`article-qa faq`) prints its help to standard error (exit 2); any
/// other argument error becomes one line on standard error (clap's text up to its usage
/// part) and exit code 2.
fn bad_arguments(error: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = error.print();
            return ExitCode::SUCCESS;
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = error.print();
            return ExitCode::from(2);
        }
        _ => {}
    }
    let text = error.render().to_string();
    let line: Vec<&str> = text
        .lines()
        .take_while(|l| !l.starts_with("Usage:"))
        .map(|l| l.trim().trim_start_matches("error:").trim())
        .filter(|l| !l.is_empty() && !l.starts_with("tip:"))
        .collect();
    // Point at the help of the subcommand in use, if any.
    // The (nested) subcommand in use, if any: `article-qa faq check --help`.
    let mut command = <Cli as clap::CommandFactory>::command();
    let mut path = vec!["article-qa".to_string()];
    for arg in std::env::args_os().skip(1) {
        let Some(arg) = arg.to_str() else { continue };
        if let Some(sub) = command.find_subcommand(arg) {
            path.push(arg.to_string());
            command = sub.clone();
        }
    }
    let help = format!("{} --help", path.join(" "));
    eprintln!("error: {} (see {help})", line.join(" "));
    ExitCode::from(2)
}

/// Runs the chosen mode.
fn run(cli: Cli) -> Result<ExitCode> {
    config::load_env_file(cli.env_file.as_deref())?;
    let config = Config::from_sources(&cli, |k| std::env::var(k).ok())?;
    match cli.command {
        Some(Command::Ask(args)) => ask(&config, &args),
        Some(Command::Eval(args)) => run_eval(&config, &args),
        Some(Command::Chat) => chat(&config),
        Some(Command::Telegram) => telegram(&config),
        Some(Command::Faq(FaqCommand::Check { file })) => faq_check(&config, file.as_deref()),
        Some(Command::Faq(FaqCommand::Unanswered { file })) => {
            faq_unanswered(&config, file.as_deref())
        }
        None if config.token.is_some() => telegram(&config),
        None => {
            eprintln!("{}", article_qa::chat::reply::NO_TOKEN);
            chat(&config)
        }
    }
}

/// `chat`: the conversation in the terminal.
fn chat(config: &Config) -> Result<ExitCode> {
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
        io::stdin().lock(),
        io::stdout().lock(),
    )?;
    Ok(ExitCode::SUCCESS)
}

/// `telegram`: the bot, with long polling, until Ctrl-C or SIGTERM.
fn telegram(config: &Config) -> Result<ExitCode> {
    let secrets = logging::init();
    let engine = setup::engine(config)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime
        .block_on(article_qa::app::telegram::run(config, engine, &secrets))
        // Whatever the Bot API answered, the token must not reach the terminal.
        .map_err(|e| anyhow::anyhow!(secrets.scrub(&format!("{e:#}"))))?;
    Ok(ExitCode::SUCCESS)
}

/// `ask`: answers the question (or each line of standard input for `-`: a question, or a
/// JSON object `{"turns": [...]}` whose last turn is answered in the context of the others).
fn ask(config: &Config, args: &AskArgs) -> Result<ExitCode> {
    let engine = setup::engine(config)?;
    let stdout = io::stdout();
    let mut out = stdout.lock();
    if args.question.len() == 1 && args.question[0] == "-" {
        // One answer per input line, in order, blank lines included; bytes that are not
        // UTF-8 are replaced rather than ending the batch.
        let mut stdin = io::stdin().lock();
        let mut line = Vec::new();
        while stdin
            .read_until(b'\n', &mut line)
            .context("cannot read standard input")?
            > 0
        {
            let text = String::from_utf8_lossy(&line);
            let text = text.trim_end_matches(['\n', '\r']);
            match turns_of(text) {
                Ok(turns) => print_answer(&engine, &turns, args, &mut out)?,
                Err(why) if args.json => writeln!(
                    out,
                    "{}",
                    serde_json::json!({"question": text, "source": "none", "sentences": [], "error": why})
                )?,
                Err(why) => writeln!(out, "error: {why}")?,
            }
            out.flush()?;
            line.clear();
        }
    } else {
        print_answer(&engine, &[args.question.join(" ")], args, &mut out)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The turns a line of `ask -` input holds: `{"turns": [...]}`, `{"question": "..."}`, or
/// the line itself as one question.
///
/// Errors: a JSON object of another shape (what is wrong, in one line).
fn turns_of(line: &str) -> std::result::Result<Vec<String>, String> {
    // Other fields (an eval set's "id", "gold", "title"…) are ignored.
    #[derive(serde::Deserialize)]
    struct Line {
        turns: Option<Vec<String>>,
        question: Option<String>,
    }
    if !line.trim_start().starts_with('{') {
        return Ok(vec![line.to_string()]);
    }
    let Ok(value) = serde_json::from_str::<serde_json::Value>(line) else {
        // Not JSON after all: a question that happens to start with a brace.
        return Ok(vec![line.to_string()]);
    };
    match serde_json::from_value::<Line>(value) {
        Ok(Line {
            turns: Some(turns), ..
        }) if !turns.is_empty() => Ok(turns),
        Ok(Line {
            question: Some(question),
            turns: None,
            ..
        }) => Ok(vec![question]),
        Ok(_) => {
            Err("a JSON line needs \"turns\": [\"question\", …] (not empty) or \"question\"".into())
        }
        Err(e) => Err(format!("not a question line: {e}")),
    }
}

/// Answers the last of `turns` in the context of the ones before and prints it.
fn print_answer(
    engine: &Engine,
    turns: &[String],
    args: &AskArgs,
    out: &mut impl Write,
) -> Result<()> {
    let (Some(reply), Some(last)) = (engine.converse_turns(turns), turns.last()) else {
        return Ok(());
    };
    let earlier = &turns[..turns.len() - 1];
    if args.explain {
        // A FAQ answer skips retrieval; show what the article would have answered beside it.
        let (query, ranking) = match reply.decision {
            Decision::Faq => engine.ranking(last),
            _ => (reply.query, reply.ranking),
        };
        let mut explanation = Explanation::new(engine, last, reply.answer, &query, &ranking);
        if !earlier.is_empty() {
            explanation.note(reply.decision.to_string());
        }
        writeln!(out, "{explanation}\n")?;
    } else if args.json {
        writeln!(out, "{}", reply.answer.to_json(last))?;
    } else if let Answer::NotFound(_) = reply.answer {
        writeln!(out, "{}", article_qa::chat::reply::NOT_FOUND_SHORT)?;
    } else {
        writeln!(out, "{}", Plain(&reply.answer))?;
    }
    Ok(())
}

/// `eval`: answers a question set and prints the four figures.
fn run_eval(config: &Config, args: &EvalArgs) -> Result<ExitCode> {
    let mut params = article_qa::search::params::Params::default();
    for setting in &args.set {
        let (name, value) = setting
            .split_once('=')
            .with_context(|| format!("--set expects NAME=VALUE, got {setting:?}"))?;
        params.set(name, value)?;
    }
    let cases = eval::load_cases(&args.questions)?;
    if let Err(why) = eval::check_format(&cases, args.squad.is_some()) {
        bail!("{}: {why}", args.questions.display());
    }
    let default = match args.squad {
        Some(_) => None,
        None => Some(setup::engine(config)?.with_params(params)),
    };
    let report = eval::run(&cases, default.as_ref(), args.squad.as_deref(), params)?;
    let stdout = io::stdout();
    let mut out = stdout.lock();
    if args.verbose {
        for failure in &report.failures {
            writeln!(out, "{failure}")?;
        }
    }
    if let Some(path) = &args.predictions {
        eval::write_predictions(path, &cases, &report.predictions)?;
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
    let checked = faq::check(&text, &engine, &article_qa::chat::reply::TelegramLimit);
    let stdout = io::stdout();
    let mut out = stdout.lock();
    for error in &checked.errors {
        writeln!(out, "error: {}: {error}", path.display())?;
    }
    for warning in &checked.warnings {
        writeln!(out, "warning: {}: {warning}", path.display())?;
    }
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
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

/// `faq unanswered`: the logged unanswered questions, grouped, most frequent first.
fn faq_unanswered(config: &Config, file: Option<&Path>) -> Result<ExitCode> {
    let Some(path) = file.or(config.unanswered_log.as_deref()) else {
        anyhow::bail!("no log to read: pass a FILE or set ARTICLE_QA_UNANSWERED_LOG");
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
        let lines = if grouped.skipped == 1 {
            "line"
        } else {
            "lines"
        };
        eprintln!(
            "warning: {}: skipped {} {lines} that are not log entries ({{\"time\", \"question\"}})",
            path.display(),
            grouped.skipped
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .downcast_ref::<io::Error>()
        .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
}
