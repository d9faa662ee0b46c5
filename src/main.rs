//! The `article-qa` binary: parses the command line, loads the configuration, builds the
//! engine and runs one mode (ask, chat, telegram, eval, faq). Errors end in one line on
//! standard error and exit code 2.

use std::io::{self, BufRead, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use clap::Parser;

use article_qa::analyze::Analyzer;
use article_qa::answer::Engine;
use article_qa::cli::{AskArgs, Cli, Command, EvalArgs, FaqCommand};
use article_qa::config::DEFAULT_CONTEXT_TTL;
use article_qa::config::{self, Config};
use article_qa::conversation::Context;
use article_qa::explain::Explanation;
use article_qa::reply::Plain;
use article_qa::{console, eval, faq, logging, setup, unanswered};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
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
            eprintln!(
                "No Telegram token configured, so this is the console chat. To run the Telegram bot, put \
                 TELOXIDE_TOKEN=<token from @BotFather> in .env (see README)."
            );
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
    runtime.block_on(article_qa::telegram::run(config, engine, &secrets))?;
    Ok(ExitCode::SUCCESS)
}

/// `ask`: answers the question (or each line of standard input for `-`: a question, or a
/// JSON object `{"turns": [...]}` whose last turn is answered in the context of the others).
fn ask(config: &Config, args: &AskArgs) -> Result<ExitCode> {
    let engine = setup::engine(config)?;
    let stdout = io::stdout();
    let mut out = stdout.lock();
    if args.question.len() == 1 && args.question[0] == "-" {
        for line in io::stdin().lock().lines() {
            let line = line.context("cannot read standard input")?;
            if line.trim().is_empty() {
                continue;
            }
            print_answer(&engine, &turns_of(&line), args, &mut out)?;
            out.flush()?;
        }
    } else {
        print_answer(&engine, &[args.question.join(" ")], args, &mut out)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The turns a line of `ask -` input holds: `{"turns": [...]}`, `{"question": "..."}`, or
/// the line itself as one question.
fn turns_of(line: &str) -> Vec<String> {
    #[derive(serde::Deserialize)]
    struct Line {
        turns: Option<Vec<String>>,
        question: Option<String>,
    }
    match serde_json::from_str::<Line>(line) {
        Ok(Line {
            turns: Some(turns), ..
        }) if !turns.is_empty() => turns,
        Ok(Line {
            question: Some(question),
            ..
        }) => vec![question],
        _ => vec![line.to_string()],
    }
}

/// Answers the last of `turns` in the context of the ones before and prints it.
fn print_answer(
    engine: &Engine,
    turns: &[String],
    args: &AskArgs,
    out: &mut impl Write,
) -> Result<()> {
    let mut context = Context::default();
    let Some((last, earlier)) = turns.split_last() else {
        return Ok(());
    };
    for turn in earlier {
        engine.converse(turn, &mut context, 0, DEFAULT_CONTEXT_TTL);
    }
    let reply = engine.converse(last, &mut context, 0, DEFAULT_CONTEXT_TTL);
    if args.explain {
        let mut explanation =
            Explanation::new(engine, last, reply.answer, &reply.query, &reply.ranking);
        if !earlier.is_empty() {
            explanation.note(reply.decision.to_string());
        }
        writeln!(out, "{explanation}\n")?;
    } else if args.json {
        writeln!(out, "{}", reply.answer.to_json(last))?;
    } else {
        writeln!(out, "{}", Plain(&reply.answer))?;
    }
    Ok(())
}

/// `eval`: answers a question set and prints the four figures.
fn run_eval(config: &Config, args: &EvalArgs) -> Result<ExitCode> {
    let mut params = article_qa::retrieve::Params::default();
    for setting in &args.set {
        let (name, value) = setting
            .split_once('=')
            .with_context(|| format!("--set expects NAME=VALUE, got {setting:?}"))?;
        params.set(name, value).map_err(anyhow::Error::msg)?;
    }
    let cases = eval::load_cases(&args.questions)?;
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
    let checked = faq::check(&text, &engine);
    let stdout = io::stdout();
    let mut out = stdout.lock();
    for error in &checked.errors {
        writeln!(out, "error: {}: {error}", path.display())?;
    }
    for warning in &checked.warnings {
        writeln!(out, "warning: {}: {warning}", path.display())?;
    }
    let rules = checked.faq.as_ref().map_or(0, |f| f.rules().len());
    writeln!(
        out,
        "{}: {rules} rules, {} errors, {} warnings",
        path.display(),
        checked.errors.len(),
        checked.warnings.len()
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
    let groups = unanswered::groups(path, &Analyzer::new())?;
    let stdout = io::stdout();
    let mut out = stdout.lock();
    if groups.is_empty() {
        writeln!(out, "{}: no unanswered questions logged", path.display())?;
    }
    for group in &groups {
        writeln!(out, "{group}")?;
    }
    Ok(ExitCode::SUCCESS)
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .downcast_ref::<io::Error>()
        .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
}
