//! The `article-qa` binary: parses the command line, loads the configuration, builds the
//! engine and runs one mode (ask, chat, telegram, eval, faq). Errors end in one line on
//! standard error and exit code 2.

use std::io::{self, BufRead, Write};
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use clap::Parser;

use article_qa::answer::Engine;
use article_qa::cli::{AskArgs, Cli, Command, EvalArgs};
use article_qa::config::{self, Config};
use article_qa::reply::Plain;
use article_qa::{console, eval, logging, setup};

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
        Some(Command::Faq(_)) => anyhow::bail!("this mode is not available yet"),
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
    console::run(&engine, io::stdin().lock(), io::stdout().lock())?;
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

/// `ask`: answers the question (or each line of standard input for `-`).
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
            print_answer(&engine, &line, args, &mut out)?;
            out.flush()?;
        }
    } else {
        print_answer(&engine, &args.question.join(" "), args, &mut out)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn print_answer(
    engine: &Engine,
    question: &str,
    args: &AskArgs,
    out: &mut impl Write,
) -> Result<()> {
    let answer = engine.answer(question);
    if args.json {
        writeln!(out, "{}", answer.to_json(question))?;
    } else {
        writeln!(out, "{}", Plain(&answer))?;
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

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .downcast_ref::<io::Error>()
        .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
}
