//! The environment variables the bot reads: their names, meanings and defaults, in one list
//! that `--help`, the README's Configuration table and `.env.example` are checked against.

/// `TELOXIDE_TOKEN`: the bot token from @BotFather.
pub const TOKEN_VAR: &str = "TELOXIDE_TOKEN";
/// `TELOXIDE_API_URL`: a local Bot API server or test server (teloxide's own convention).
pub const API_URL_VAR: &str = "TELOXIDE_API_URL";
/// `ARTICLE_QA_SEEDS`: the folder of articles.
pub const SEEDS_VAR: &str = "ARTICLE_QA_SEEDS";
/// `ARTICLE_QA_FAQ`: the FAQ rules file.
pub const FAQ_VAR: &str = "ARTICLE_QA_FAQ";
/// `ADMIN_USER_IDS`: Telegram user ids allowed to use `/reload`, comma-separated.
pub const ADMINS_VAR: &str = "ADMIN_USER_IDS";
/// `ARTICLE_QA_UNANSWERED_LOG`: where abstained questions are appended (off when unset).
pub const UNANSWERED_VAR: &str = "ARTICLE_QA_UNANSWERED_LOG";
/// `REDIS_URL`: keep conversation context in Redis instead of memory.
pub const REDIS_VAR: &str = "REDIS_URL";
/// `ARTICLE_QA_CONTEXT_MINUTES`: idle minutes after which a chat's context is forgotten.
pub const CONTEXT_VAR: &str = "ARTICLE_QA_CONTEXT_MINUTES";
/// `ARTICLE_QA_MAX_UPDATE_MINUTES`: Telegram messages older than this many minutes when the
/// bot gets them (sent while it was down) are skipped; `0` answers every one.
pub const MAX_AGE_VAR: &str = "ARTICLE_QA_MAX_UPDATE_MINUTES";
/// `ARTICLE_QA_LEXICAL`: `1`/`true` answers with the keyword stage alone (no sentence model).
pub const LEXICAL_VAR: &str = "ARTICLE_QA_LEXICAL";
/// `ARTICLE_QA_MODEL`: the folder of the sentence model (multilingual-e5-small).
pub const MODEL_VAR: &str = "ARTICLE_QA_MODEL";
/// `ARTICLE_QA_CACHE`: where the articles' sentence vectors and keyword indexes are cached.
pub const CACHE_VAR: &str = "ARTICLE_QA_CACHE";
/// `RUST_LOG`: the log level (read by `tracing-subscriber`'s `EnvFilter`).
pub const LOG_VAR: &str = "RUST_LOG";
/// Webhook mode: the public HTTPS URL Telegram posts updates to (its path is served).
pub const WEBHOOK_URL_VAR: &str = "ARTICLE_QA_WEBHOOK_URL";
/// Webhook mode: the address the webhook listens on.
pub const LISTEN_VAR: &str = "ARTICLE_QA_LISTEN";
/// Webhook mode: the secret Telegram sends in `X-Telegram-Bot-Api-Secret-Token`.
pub const WEBHOOK_SECRET_VAR: &str = "ARTICLE_QA_WEBHOOK_SECRET";
/// Webhook mode: most connections Telegram opens to the webhook at once.
pub const MAX_CONNECTIONS_VAR: &str = "ARTICLE_QA_WEBHOOK_MAX_CONNECTIONS";
/// Webhook mode with Redis: seconds an update may stay unacknowledged before another
/// replica claims it.
pub const CLAIM_VAR: &str = "ARTICLE_QA_CLAIM_SECONDS";
/// Polling mode: the address serving `/healthz`, `/readyz` and `/metrics`.
pub const METRICS_LISTEN_VAR: &str = "ARTICLE_QA_METRICS_LISTEN";
/// Minutes after its answer within which an edited question gets its answer edited.
pub const EDIT_VAR: &str = "ARTICLE_QA_EDIT_MINUTES";
/// Every Bot API call goes to Telegram's test environment.
pub const TEST_ENV_VAR: &str = "ARTICLE_QA_TELEGRAM_TEST_ENV";

/// One setting read from the environment (or `.env`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Variable {
    /// The variable's name.
    pub name: &'static str,
    /// What it sets, in a few words.
    pub meaning: &'static str,
    /// What applies when it is unset or empty.
    pub default: &'static str,
}

/// Every variable the bot reads, in the order `--help` shows them. The README's
/// Configuration table and `.env.example` name exactly these (a test checks).
pub const VARIABLES: &[Variable] = &[
    Variable {
        name: TOKEN_VAR,
        meaning: "bot token from @BotFather",
        default: "none, and the console chat runs instead",
    },
    Variable {
        name: API_URL_VAR,
        meaning: "another Bot API server: a local telegram-bot-api, a test server",
        default: "https://api.telegram.org",
    },
    Variable {
        name: SEEDS_VAR,
        meaning: "folder of articles (--seeds)",
        default: "./seeds, else seeds beside the .env file, else the shipped folder",
    },
    Variable {
        name: FAQ_VAR,
        meaning: "FAQ rules file (--faq)",
        default: "faq.toml in the seeds folder, if present",
    },
    Variable {
        name: ADMINS_VAR,
        meaning: "Telegram user ids allowed /reload, comma-separated",
        default: "nobody",
    },
    Variable {
        name: UNANSWERED_VAR,
        meaning: "append unanswered questions here (JSON Lines: time and question only)",
        default: "off",
    },
    Variable {
        name: REDIS_VAR,
        meaning: "keep Telegram conversation context in Redis",
        default: "in memory",
    },
    Variable {
        name: CONTEXT_VAR,
        meaning: "idle minutes before a chat's context is forgotten",
        default: "30",
    },
    Variable {
        name: MAX_AGE_VAR,
        meaning: "skip Telegram messages older than this many minutes (sent while the bot was down); 0 answers all",
        default: "5",
    },
    Variable {
        name: LEXICAL_VAR,
        meaning: "1 to answer by keywords alone, without the sentence model (--lexical)",
        default: "0: keywords and meaning",
    },
    Variable {
        name: MODEL_VAR,
        meaning: "folder of the sentence model (multilingual-e5-small)",
        default: "models/multilingual-e5-small of the source tree",
    },
    Variable {
        name: CACHE_VAR,
        meaning: "folder caching the articles' sentence vectors and, for 2,000 sentences or more, their keyword index",
        default: "$XDG_CACHE_HOME/article-qa, else ~/.cache/article-qa",
    },
    Variable {
        name: LOG_VAR,
        meaning: "log level: error, warn, info, debug, trace",
        default: "info",
    },
    Variable {
        name: WEBHOOK_URL_VAR,
        meaning: "with --webhook: public HTTPS URL Telegram posts updates to",
        default: "none (required with --webhook)",
    },
    Variable {
        name: LISTEN_VAR,
        meaning: "with --webhook: address the webhook, health and metrics listen on",
        default: "127.0.0.1:8443",
    },
    Variable {
        name: WEBHOOK_SECRET_VAR,
        meaning: "with --webhook: secret Telegram sends with every update (A-Z a-z 0-9 _ -)",
        default: "none (required with --webhook)",
    },
    Variable {
        name: MAX_CONNECTIONS_VAR,
        meaning: "with --webhook: most connections Telegram opens at once (1-100)",
        default: "40",
    },
    Variable {
        name: CLAIM_VAR,
        meaning: "with --webhook and REDIS_URL: seconds before another replica claims an unacknowledged update",
        default: "30",
    },
    Variable {
        name: METRICS_LISTEN_VAR,
        meaning: "polling mode: address serving /healthz, /readyz and /metrics",
        default: "none (not served)",
    },
    Variable {
        name: EDIT_VAR,
        meaning: "minutes after its answer within which an edited question gets its answer edited; 0: never",
        default: "2880 (two days)",
    },
    Variable {
        name: TEST_ENV_VAR,
        meaning: "1: use Telegram's test environment (a test-environment token)",
        default: "0",
    },
];

/// The `Environment` section of `--help`, one line per entry of [`VARIABLES`]:
/// `  NAME  meaning [default: …]`, as clap shows an option's default.
pub fn environment_help() -> String {
    let width = VARIABLES.iter().map(|v| v.name.len()).max().unwrap_or(0);
    let mut help = String::from("Environment (or .env; flags win):");
    for v in VARIABLES {
        help.push_str(&format!(
            "\n  {:width$}  {} [default: {}]",
            v.name, v.meaning, v.default
        ));
    }
    help
}
