//! The command line, declared with clap: global options and one subcommand per mode.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Answers questions about a news article by quoting the article itself — in Telegram or in
/// the terminal.
///
/// With no command it runs the Telegram bot when a token is configured (TELOXIDE_TOKEN, or a
/// .env file), and otherwise the console chat.
#[derive(Debug, Parser)]
#[command(
    name = "article-qa",
    version,
    about,
    long_about,
    after_long_help = ENVIRONMENT
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
    /// Read settings from this file instead of ./.env.
    #[arg(long, global = true, value_name = "FILE")]
    pub env_file: Option<PathBuf>,
}

/// The settings read from the environment or `.env` (shown by `--help`; the README's
/// Configuration table has the same list).
const ENVIRONMENT: &str = "\
Environment (or .env; flags win):
  TELOXIDE_TOKEN              bot token from @BotFather (none: the console chat)
  TELOXIDE_API_URL            another Bot API server (default https://api.telegram.org)
  ARTICLE_QA_SEEDS            folder of articles (--seeds)
  ARTICLE_QA_FAQ              FAQ rules file (--faq)
  ADMIN_USER_IDS              Telegram user ids allowed /reload, comma-separated
  ARTICLE_QA_UNANSWERED_LOG   append unanswered questions here (JSON Lines; Telegram and chat)
  REDIS_URL                   keep Telegram conversation context in Redis (default: memory)
  ARTICLE_QA_CONTEXT_MINUTES  idle minutes before a chat's context is forgotten (default 30)
  RUST_LOG                    log level: error, warn, info (default), debug, trace";

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
    /// Run the Telegram bot (long polling). Needs TELOXIDE_TOKEN.
    Telegram,
    /// Measure answer quality on a question set (top-1, hit@3, abstention, overall).
    Eval(EvalArgs),
    /// Check FAQ rules and read the log of unanswered questions.
    #[command(subcommand)]
    Faq(FaqCommand),
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

/// `eval` options.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// A question set in JSON Lines (article format with "gold", or SQuAD format).
    pub questions: PathBuf,
    /// Folder of SQuAD articles (`<title>.txt`, or an `articles/` subfolder); each question is
    /// answered from its own article.
    #[arg(long, value_name = "DIR")]
    pub squad: Option<PathBuf>,
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
