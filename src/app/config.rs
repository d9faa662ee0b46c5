//! Configuration in two stages: raw settings (command-line flags, then environment variables,
//! then a `.env` file's) and the validated, typed [`Config`], which remembers where its
//! article folder, FAQ file and token came from. A relative path from a `.env` file is read
//! against the file's folder. Nothing here panics or exits; every problem is a
//! [`ConfigError`] naming the variable.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::app::cli::{Cli, Command};
use crate::app::env_file::EnvFile;

pub use crate::app::env::{
    ADMINS_VAR, API_URL_VAR, CACHE_VAR, CLAIM_VAR, CONTEXT_VAR, EDIT_VAR, FAQ_VAR, LEXICAL_VAR,
    LISTEN_VAR, LOG_VAR, MAX_AGE_VAR, MAX_CONNECTIONS_VAR, METRICS_LISTEN_VAR, MODEL_VAR,
    REDIS_VAR, SEEDS_VAR, TEST_ENV_VAR, TOKEN_VAR, UNANSWERED_VAR, VARIABLES, Variable,
    WEBHOOK_SECRET_VAR, WEBHOOK_URL_VAR, environment_help,
};

/// The default idle time after which a chat's conversation context expires.
pub const DEFAULT_CONTEXT_TTL: Duration = crate::engine::conversation::DEFAULT_TTL;
/// The default age past which a Telegram message the bot gets is skipped (5 minutes).
pub const DEFAULT_MAX_UPDATE_AGE: Duration = Duration::from_secs(5 * 60);
/// The default address the webhook listens on (behind a TLS-terminating proxy).
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8443";
/// The default for `max_connections` in `setWebhook` (Telegram's own default).
pub const DEFAULT_MAX_CONNECTIONS: u8 = 40;

/// The default time after its answer within which an edited question gets its answer
/// edited: two days (an edit later than that is seldom a correction of the question).
pub const DEFAULT_EDIT_WINDOW: Duration = Duration::from_secs(48 * 60 * 60);

/// The default time an update may stay unacknowledged in the Redis stream before another
/// replica claims it.
pub const DEFAULT_CLAIM_IDLE: Duration = Duration::from_secs(30);

/// How the bot runs as a service: webhook or polling, where health and metrics are served,
/// and which Telegram environment it talks to.
#[derive(Debug, Clone)]
pub struct Service {
    /// Webhook mode's settings; `None` for long polling.
    pub webhook: Option<Webhook>,
    /// Polling mode: where `/healthz`, `/readyz` and `/metrics` are served, if anywhere
    /// (webhook mode serves them on its own address).
    pub metrics_listen: Option<SocketAddr>,
    /// Every Bot API call goes to Telegram's test environment (`/bot<token>/test/<method>`).
    pub test_env: bool,
    /// Webhook mode with Redis: how long an update may stay unacknowledged before another
    /// replica claims it.
    pub claim_idle: Duration,
    /// `ARTICLE_QA_WEBHOOK_URL` is set but the bot polls (no `--webhook`): worth a warning, as
    /// polling deletes the webhook.
    pub webhook_unused: bool,
    /// How long after its answer an edited question gets its answer edited; `None`: never.
    pub edit_window: Option<Duration>,
}

impl Default for Service {
    fn default() -> Self {
        Self {
            webhook: None,
            metrics_listen: None,
            test_env: false,
            claim_idle: DEFAULT_CLAIM_IDLE,
            webhook_unused: false,
            edit_window: Some(DEFAULT_EDIT_WINDOW),
        }
    }
}

/// Webhook mode's settings.
#[derive(Debug, Clone)]
pub struct Webhook {
    /// The public HTTPS URL given to `setWebhook`; its path is the path served.
    pub url: url::Url,
    /// The address listened on.
    pub listen: SocketAddr,
    /// The secret every update must carry in `X-Telegram-Bot-Api-Secret-Token`.
    pub secret: WebhookSecret,
    /// `max_connections` for `setWebhook` (1 to 100).
    pub max_connections: u8,
}

/// The webhook secret. Like [`BotToken`], never shown by `Debug` or `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSecret(String);

impl WebhookSecret {
    /// Wraps a secret: 1 to 256 characters of `A-Z`, `a-z`, `0-9`, `_` and `-`, as Telegram
    /// requires.
    pub fn new(secret: &str) -> Result<Self, ConfigError> {
        let ok = (1..=256).contains(&secret.len())
            && secret
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if ok {
            Ok(Self(secret.to_string()))
        } else {
            Err(ConfigError::Invalid {
                var: WEBHOOK_SECRET_VAR,
                why: "a webhook secret is 1 to 256 characters of A-Z, a-z, 0-9, _ and -".into(),
            })
        }
    }

    /// The secret itself, for `setWebhook` and the header check only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookSecret(<redacted>)")
    }
}

/// A bot token. Its `Debug` and `Display` never show it; only [`BotToken::expose`] does.
#[derive(Clone, PartialEq, Eq)]
pub struct BotToken(String);

impl BotToken {
    /// Wraps a token, rejecting empty or obviously malformed ones (Telegram tokens look like
    /// `123456:ABC-def…`: digits, a colon, then letters, digits, `-` and `_`).
    pub fn new(token: &str) -> Result<Self, ConfigError> {
        let token = token.trim();
        let well_formed = token.split_once(':').is_some_and(|(id, secret)| {
            !id.is_empty()
                && id.bytes().all(|b| b.is_ascii_digit())
                && !secret.is_empty()
                && secret
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        });
        if well_formed {
            Ok(Self(token.to_string()))
        } else {
            Err(ConfigError::Invalid {
                var: TOKEN_VAR,
                why: "a bot token looks like 123456789:ABCdef… (ask @BotFather for one)".into(),
            })
        }
    }

    /// The token itself, for the Bot API client only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for BotToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BotToken(<redacted>)")
    }
}

impl fmt::Display for BotToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Where the articles come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CorpusLocation {
    /// Every `*.txt` in a folder.
    Dir(PathBuf),
    /// One article file.
    File(PathBuf),
}

impl CorpusLocation {
    /// The folder holding the articles (for finding `faq.toml` beside them).
    pub fn folder(&self) -> &Path {
        match self {
            CorpusLocation::Dir(dir) => dir,
            CorpusLocation::File(file) => file.parent().unwrap_or(Path::new(".")),
        }
    }
}

/// Where a setting came from, for the start-up log and for errors about it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Origin {
    /// A command-line flag.
    Flag,
    /// The process environment (an exported variable).
    Environment,
    /// A `.env` file.
    EnvFile(PathBuf),
    /// The built-in default.
    #[default]
    Default,
}

/// A non-blank setting and where it came from.
struct Setting {
    value: String,
    origin: Origin,
}

/// The variables a configuration is built from: `env` (the process environment in the
/// binary, a map in tests), then the `.env` file's. Blank values count as unset.
struct Sources<'a, F> {
    env: F,
    file: Option<&'a EnvFile>,
}

impl<F: Fn(&str) -> Option<String>> Sources<'_, F> {
    /// The variable's trimmed value, from the environment, else from the `.env` file.
    fn get(&self, name: &str) -> Option<Setting> {
        let non_blank = |v: &str| Some(v.trim().to_string()).filter(|v| !v.is_empty());
        if let Some(value) = (self.env)(name).as_deref().and_then(non_blank) {
            return Some(Setting {
                value,
                origin: Origin::Environment,
            });
        }
        let file = self.file?;
        Some(Setting {
            value: file.get(name).and_then(non_blank)?,
            origin: Origin::EnvFile(file.path.clone()),
        })
    }

    /// The variable's value.
    fn value(&self, name: &str) -> Option<String> {
        self.get(name).map(|s| s.value)
    }

    /// The variable as a path: one from the `.env` file that is relative is read against the
    /// file's folder, one from the environment against the working folder.
    fn path(&self, name: &str) -> Option<(PathBuf, Origin)> {
        let setting = self.get(name)?;
        let path = PathBuf::from(&setting.value);
        let path = match (&setting.origin, self.file) {
            (Origin::EnvFile(_), Some(file)) if path.is_relative() => file.folder().join(path),
            _ => path,
        };
        Some((path, setting.origin))
    }
}

/// A setting that is present but wrong. The message names the variable, never its value (a
/// token pasted into the wrong variable must not be printed).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// A variable has a value that cannot be used.
    #[error("{var} is not valid: {why}")]
    Invalid {
        /// The variable's name.
        var: &'static str,
        /// What is wrong with it.
        why: String,
    },
    /// A variable the chosen mode needs is not set.
    #[error("{var} is not set: {why}")]
    Missing {
        /// The variable's name.
        var: &'static str,
        /// Why it is needed.
        why: String,
    },
}

/// The validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where the articles come from.
    pub corpus: CorpusLocation,
    /// The FAQ rules file; `None` when FAQ rules are off (`--no-faq`).
    pub faq: Option<PathBuf>,
    /// True when the FAQ file was named (flag or variable): then a missing file is an error.
    /// The default `faq.toml` beside the articles may be absent.
    pub faq_required: bool,
    /// The bot token, when one is configured.
    pub token: Option<BotToken>,
    /// The Bot API server, when not the official one.
    pub api_url: Option<url::Url>,
    /// Telegram user ids allowed to use `/reload`.
    pub admins: Vec<u64>,
    /// Where abstained questions are logged, when logging is on.
    pub unanswered_log: Option<PathBuf>,
    /// Redis server for conversation context, when set.
    pub redis_url: Option<String>,
    /// Idle time after which a chat's conversation context expires.
    pub context_ttl: Duration,
    /// The semantic stage's model; `None` with `--lexical`.
    pub semantic: Option<Semantic>,
    /// Folder of cached sentence vectors and keyword indexes; `None` when no cache folder
    /// can be found.
    pub cache: Option<PathBuf>,
    /// The log filter (`RUST_LOG`), when set.
    pub log: Option<String>,
    /// Where the settings came from: the article folder's, the FAQ file's and the token's
    /// origins and the `.env` file read.
    pub sources: ConfigSources,
    /// Telegram messages older than this when the bot gets them are skipped; `None` answers
    /// every one.
    pub max_update_age: Option<Duration>,
    /// Webhook or polling, health and metrics, the Telegram environment.
    pub service: Service,
}

/// Where a configuration's main settings came from, for the start-up log and the errors
/// about them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConfigSources {
    /// The `.env` file read, if any.
    pub env_file: Option<PathBuf>,
    /// Where the article folder or file was named (`Default`: `./seeds`, the `.env` file's
    /// `seeds`, or the shipped folder).
    pub corpus: Origin,
    /// Where the FAQ file was named (`Default`: `faq.toml` beside the articles).
    pub faq: Origin,
    /// Where the token came from, when there is one.
    pub token: Option<Origin>,
    /// True when the token came from the environment although the `.env` file sets one too.
    pub token_shadows_env_file: bool,
}

/// Where the semantic stage's model is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Semantic {
    /// Folder of `config.json`, `tokenizer.json` and `model.safetensors`.
    pub model: PathBuf,
}

impl Config {
    /// Builds the configuration from flags, then variables from `lookup` (the environment in
    /// the binary, a map in tests), then defaults. Blank variables count as unset.
    ///
    /// Errors: [`ConfigError::Invalid`] naming the first variable whose value is unusable.
    pub fn from_sources(
        cli: &Cli,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        Self::build(
            cli,
            Sources {
                env: lookup,
                file: None,
            },
        )
    }

    /// Builds the configuration from flags, then the process environment, then the `.env`
    /// file `file` (relative paths in it read against its folder), then defaults.
    ///
    /// Errors: as [`Config::from_sources`].
    pub fn from_environment(cli: &Cli, file: Option<&EnvFile>) -> Result<Self, ConfigError> {
        Self::build(
            cli,
            Sources {
                env: |name: &str| std::env::var(name).ok(),
                file,
            },
        )
    }

    fn build<F: Fn(&str) -> Option<String>>(
        cli: &Cli,
        sources: Sources<'_, F>,
    ) -> Result<Self, ConfigError> {
        let var = |name: &str| sources.value(name);
        let (corpus, corpus_origin) = match (&cli.corpus.article, &cli.corpus.seeds) {
            (Some(file), _) => (CorpusLocation::File(file.clone()), Origin::Flag),
            (None, Some(dir)) => (CorpusLocation::Dir(dir.clone()), Origin::Flag),
            (None, None) => match sources.path(SEEDS_VAR) {
                Some((dir, origin)) => (CorpusLocation::Dir(dir), origin),
                None => (
                    CorpusLocation::Dir(default_seeds(sources.file)),
                    Origin::Default,
                ),
            },
        };
        let named = match &cli.faq {
            Some(path) => Some((path.clone(), Origin::Flag)),
            None => sources.path(FAQ_VAR),
        };
        let faq_required = named.is_some() && !cli.no_faq;
        let (faq, faq_origin) = match named {
            _ if cli.no_faq => (None, Origin::Flag),
            Some((path, origin)) => (Some(path), origin),
            None => (Some(corpus.folder().join("faq.toml")), Origin::Default),
        };
        let token = sources.get(TOKEN_VAR);
        let token_origin = token.as_ref().map(|t| t.origin.clone());
        let token_shadows_env_file = token_origin == Some(Origin::Environment)
            && sources
                .file
                .and_then(|f| f.get(TOKEN_VAR))
                .is_some_and(|t| !t.trim().is_empty());
        Ok(Self {
            corpus,
            faq,
            faq_required,
            token: token.map(|t| BotToken::new(&t.value)).transpose()?,
            api_url: var(API_URL_VAR).map(|u| parse_api_url(&u)).transpose()?,
            admins: var(ADMINS_VAR).map_or(Ok(Vec::new()), |list| parse_ids(&list))?,
            unanswered_log: sources.path(UNANSWERED_VAR).map(|(p, _)| p),
            redis_url: var(REDIS_VAR),
            context_ttl: var(CONTEXT_VAR).map_or(Ok(DEFAULT_CONTEXT_TTL), |m| parse_ttl(&m))?,
            semantic: semantic(cli.lexical, &sources)?,
            cache: cache_folder(&sources),
            max_update_age: var(MAX_AGE_VAR)
                .map_or(Ok(Some(DEFAULT_MAX_UPDATE_AGE)), |m| parse_max_age(&m))?,
            log: var(LOG_VAR),
            service: service(cli, &var)?,
            sources: ConfigSources {
                env_file: sources.file.map(|f| f.path.clone()),
                corpus: corpus_origin,
                faq: faq_origin,
                token: token_origin,
                token_shadows_env_file,
            },
        })
    }

    /// Where the token came from, in words for an error about it (never the token):
    /// `TELOXIDE_TOKEN in /srv/bot/.env`, or `TELOXIDE_TOKEN in the environment` (saying so
    /// when it wins over a `.env` file's).
    pub fn token_source(&self) -> String {
        let file = self.sources.env_file.as_deref().map(Path::display);
        match (&self.sources.token, file) {
            (Some(Origin::EnvFile(path)), _) => format!("{TOKEN_VAR} in {}", path.display()),
            (Some(_), Some(file)) if self.sources.token_shadows_env_file => {
                format!("{TOKEN_VAR} in the environment, which wins over the one in {file}")
            }
            (Some(_), _) => format!("{TOKEN_VAR} in the environment"),
            (None, _) => format!("nowhere: {TOKEN_VAR} is not set"),
        }
    }

    /// One line saying which article folder (or file), FAQ rules file and `.env` file this
    /// configuration uses and why, with absolute paths: what the bot logs at start-up.
    pub fn describe(&self) -> String {
        let shown = |path: &Path| {
            std::path::absolute(path)
                .unwrap_or_else(|_| path.to_path_buf())
                .display()
                .to_string()
        };
        let why = |origin: &Origin, flag: &str, var: &str, default: &str| match origin {
            Origin::Flag => flag.to_string(),
            Origin::Environment => format!("{var} in the environment"),
            Origin::EnvFile(file) => format!("{var} in {}", shown(file)),
            Origin::Default => default.to_string(),
        };
        let (kind, path, flag) = match &self.corpus {
            CorpusLocation::Dir(dir) => ("article folder", dir, "--seeds"),
            CorpusLocation::File(file) => ("article file", file, "--article"),
        };
        let corpus_default = if *path == shipped_seeds() {
            "the shipped folder: no ./seeds here"
        } else if path.is_relative() {
            "./seeds"
        } else {
            "the seeds folder beside the .env file"
        };
        let corpus = format!(
            "{kind} {} ({})",
            shown(path),
            why(&self.sources.corpus, flag, SEEDS_VAR, corpus_default)
        );
        let faq = match &self.faq {
            None => "FAQ rules off (--no-faq)".to_string(),
            Some(path) if !self.faq_required && !path.exists() => {
                format!("no FAQ rules (no {})", shown(path))
            }
            Some(path) => format!(
                "FAQ rules {} ({})",
                shown(path),
                why(&self.sources.faq, "--faq", FAQ_VAR, "beside the articles")
            ),
        };
        let env = match &self.sources.env_file {
            Some(file) => format!("settings from {}", shown(file)),
            None => "no .env file".to_string(),
        };
        format!("{corpus}; {faq}; {env}")
    }
}

/// The semantic stage's settings: off with `--lexical` or `ARTICLE_QA_LEXICAL=1`.
fn semantic<F: Fn(&str) -> Option<String>>(
    lexical: bool,
    sources: &Sources<'_, F>,
) -> Result<Option<Semantic>, ConfigError> {
    let var = |name: &str| sources.value(name);
    let off = match var(LEXICAL_VAR).as_deref() {
        None | Some("0" | "false" | "no") => lexical,
        Some("1" | "true" | "yes") => true,
        Some(_) => {
            return Err(ConfigError::Invalid {
                var: LEXICAL_VAR,
                why: "the value is not 1 or 0".into(),
            });
        }
    };
    if off {
        return Ok(None);
    }
    let model = sources.path(MODEL_VAR).map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("models/multilingual-e5-small"),
        |(path, _)| path,
    );
    Ok(Some(Semantic { model }))
}

/// The cache folder: `ARTICLE_QA_CACHE`, else `$XDG_CACHE_HOME/article-qa`, else
/// `~/.cache/article-qa`; `None` when none of them is set.
fn cache_folder<F: Fn(&str) -> Option<String>>(sources: &Sources<'_, F>) -> Option<PathBuf> {
    let var = |name: &str| sources.value(name);
    sources.path(CACHE_VAR).map(|(p, _)| p).or_else(|| {
        let base = var("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .or_else(|| var("HOME").map(|home| Path::new(&home).join(".cache")))?;
        Some(base.join("article-qa"))
    })
}

/// `TELOXIDE_API_URL`'s value as a URL, without a trailing slash.
fn parse_api_url(url: &str) -> Result<url::Url, ConfigError> {
    url::Url::parse(url.trim_end_matches('/')).map_err(|e| ConfigError::Invalid {
        var: API_URL_VAR,
        why: format!("{e} (expected something like http://127.0.0.1:8081)"),
    })
}

/// `ARTICLE_QA_CONTEXT_MINUTES`'s value: whole minutes from 1 to a year.
fn parse_ttl(minutes: &str) -> Result<Duration, ConfigError> {
    match minutes.parse::<u64>() {
        Ok(m) if m > 0 && m <= 525_600 => Ok(Duration::from_secs(m * 60)),
        _ => Err(ConfigError::Invalid {
            var: CONTEXT_VAR,
            why: "the value is not a whole number of minutes from 1 to 525600 (a year)".into(),
        }),
    }
}

/// The service settings: webhook mode's from `telegram --webhook`'s flags, then `var`.
fn service(cli: &Cli, var: &impl Fn(&str) -> Option<String>) -> Result<Service, ConfigError> {
    // Only the bot reads these: a bad value does not stop `ask` or `chat`.
    let args = match &cli.command {
        Some(Command::Telegram(args)) => args.clone(),
        None => Default::default(),
        Some(_) => return Ok(Service::default()),
    };
    let webhook_unused = !args.webhook && var(WEBHOOK_URL_VAR).is_some();
    let webhook = match args.webhook {
        false => None,
        true => {
            let required = |flag: Option<String>, name: &'static str| {
                flag.or_else(|| var(name)).ok_or(ConfigError::Missing {
                    var: name,
                    why: "webhook mode (--webhook) needs it (see README, Deploying)".into(),
                })
            };
            let listen = args.listen.or_else(|| var(LISTEN_VAR));
            Some(Webhook {
                url: parse_webhook_url(&required(args.webhook_url, WEBHOOK_URL_VAR)?)?,
                listen: parse_address(listen.as_deref().unwrap_or(DEFAULT_LISTEN), LISTEN_VAR)?,
                secret: WebhookSecret::new(&required(args.webhook_secret, WEBHOOK_SECRET_VAR)?)?,
                max_connections: var(MAX_CONNECTIONS_VAR)
                    .map_or(Ok(DEFAULT_MAX_CONNECTIONS), |n| parse_max_connections(&n))?,
            })
        }
    };
    Ok(Service {
        webhook,
        metrics_listen: var(METRICS_LISTEN_VAR)
            .map(|a| parse_address(&a, METRICS_LISTEN_VAR))
            .transpose()?,
        test_env: var(TEST_ENV_VAR).is_some_and(|v| is_on(&v)),
        claim_idle: var(CLAIM_VAR).map_or(Ok(DEFAULT_CLAIM_IDLE), |s| parse_claim(&s))?,
        webhook_unused,
        edit_window: var(EDIT_VAR).map_or(Ok(Some(DEFAULT_EDIT_WINDOW)), |m| parse_edit(&m))?,
    })
}

/// True for a switch turned on: `1`, `true`, `yes` or `on`.
fn is_on(value: &str) -> bool {
    ["1", "true", "yes", "on"]
        .iter()
        .any(|on| value.trim().eq_ignore_ascii_case(on))
}

/// The webhook URL: absolute HTTPS with a host (Telegram calls nothing else). The error never
/// quotes the value (a token pasted into the wrong variable must not be printed).
fn parse_webhook_url(url: &str) -> Result<url::Url, ConfigError> {
    let invalid = |why: &str| ConfigError::Invalid {
        var: WEBHOOK_URL_VAR,
        why: format!("{why} (expected something like https://bot.example.org/telegram)"),
    };
    let parsed = url::Url::parse(url.trim()).map_err(|_| invalid("not a URL"))?;
    if parsed.scheme() != "https" || parsed.host_str().is_none() {
        return Err(invalid(
            "Telegram only calls https:// URLs with a host name",
        ));
    }
    if !matches!(parsed.port_or_known_default(), Some(443 | 80 | 88 | 8443)) {
        return Err(invalid("Telegram only calls ports 443, 80, 88 and 8443"));
    }
    let plain = |c: char| c.is_ascii_alphanumeric() || "-._~/".contains(c);
    if !parsed.path().chars().all(plain) {
        return Err(invalid(
            "its path may hold only letters, digits and - . _ ~ / (it is the path served)",
        ));
    }
    Ok(parsed)
}

/// A listening address, `IP:PORT`.
fn parse_address(address: &str, var: &'static str) -> Result<SocketAddr, ConfigError> {
    address.trim().parse().map_err(|_| ConfigError::Invalid {
        var,
        why: "not an IP:PORT address (like 127.0.0.1:8443 or 0.0.0.0:8443)".into(),
    })
}

/// `ARTICLE_QA_EDIT_MINUTES`: whole minutes up to a year, `0` for never.
fn parse_edit(minutes: &str) -> Result<Option<Duration>, ConfigError> {
    match minutes.trim().parse::<u64>() {
        Ok(0) => Ok(None),
        Ok(m) if m <= 525_600 => Ok(Some(Duration::from_secs(m * 60))),
        _ => Err(ConfigError::Invalid {
            var: EDIT_VAR,
            why: "the value is not a whole number of minutes from 0 to 525600 (a year)".into(),
        }),
    }
}

/// `ARTICLE_QA_CLAIM_SECONDS`: whole seconds from 1 to a day.
fn parse_claim(seconds: &str) -> Result<Duration, ConfigError> {
    match seconds.trim().parse::<u64>() {
        Ok(s) if (1..=86_400).contains(&s) => Ok(Duration::from_secs(s)),
        _ => Err(ConfigError::Invalid {
            var: CLAIM_VAR,
            why: "the value is not a whole number of seconds from 1 to 86400 (a day)".into(),
        }),
    }
}

/// `max_connections`: 1 to 100, as Telegram allows.
fn parse_max_connections(n: &str) -> Result<u8, ConfigError> {
    match n.trim().parse::<u8>() {
        Ok(n) if (1..=100).contains(&n) => Ok(n),
        _ => Err(ConfigError::Invalid {
            var: MAX_CONNECTIONS_VAR,
            why: "the value is not a whole number from 1 to 100".into(),
        }),
    }
}

/// `ARTICLE_QA_MAX_UPDATE_MINUTES`'s value: whole minutes up to a year, `0` for no limit.
fn parse_max_age(minutes: &str) -> Result<Option<Duration>, ConfigError> {
    match minutes.parse::<u64>() {
        Ok(0) => Ok(None),
        Ok(m) if m <= 525_600 => Ok(Some(Duration::from_secs(m * 60))),
        _ => Err(ConfigError::Invalid {
            var: MAX_AGE_VAR,
            why: "the value is not a whole number of minutes from 0 to 525600 (a year)".into(),
        }),
    }
}

/// `./seeds` when it exists, else `seeds` beside the `.env` file in use (a bot started in a
/// subfolder of its project), else the folder shipped with the crate.
fn default_seeds(file: Option<&EnvFile>) -> PathBuf {
    let local = PathBuf::from("seeds");
    let beside_env = file.map(|f| f.folder().join("seeds"));
    std::iter::once(local)
        .chain(beside_env)
        .find(|dir| dir.is_dir())
        .unwrap_or_else(shipped_seeds)
}

/// The seeds folder of the source tree the binary was built from.
pub fn shipped_seeds() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds")
}

/// `ADMIN_USER_IDS`'s value: numeric user ids, comma-separated, blanks skipped.
fn parse_ids(list: &str) -> Result<Vec<u64>, ConfigError> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .enumerate()
        .map(|(i, id)| {
            id.parse::<u64>().map_err(|_| ConfigError::Invalid {
                var: ADMINS_VAR,
                why: format!("entry {} is not a numeric Telegram user id", i + 1),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;
    use std::collections::HashMap;

    fn config(args: &[&str], vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let cli =
            Cli::try_parse_from(std::iter::once("article-qa").chain(args.iter().copied())).unwrap();
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_sources(&cli, |k| vars.get(k).cloned())
    }

    #[test]
    fn token_is_redacted_in_debug_and_display() {
        let token = BotToken::new("123456:ABC-def_ghi").unwrap();
        assert!(!format!("{token:?} {token}").contains("ABC"));
        let cfg = config(&[], &[(TOKEN_VAR, "123456:ABC-def_ghi")]).unwrap();
        assert!(!format!("{cfg:?}").contains("ABC-def"));
        assert_eq!(cfg.token.unwrap().expose(), "123456:ABC-def_ghi");
    }

    #[test]
    fn malformed_settings_are_errors_naming_the_variable() {
        let cases = [
            (TOKEN_VAR, "not a token"),
            (API_URL_VAR, "not a url"),
            (ADMINS_VAR, "12,abc"),
            (CONTEXT_VAR, "0"),
        ];
        for (var, value) in cases {
            let err = config(&[], &[(var, value)]).unwrap_err();
            assert!(err.to_string().starts_with(var), "{err}");
            assert!(!err.to_string().contains('\n'));
        }
        // A token pasted into the wrong variable is not printed back.
        let secret = "123456789:AAHsecretsecretsecretsecretsecret";
        for var in [
            ADMINS_VAR,
            CONTEXT_VAR,
            LEXICAL_VAR,
            API_URL_VAR,
            MAX_AGE_VAR,
        ] {
            let err = config(&[], &[(var, secret)]).unwrap_err().to_string();
            assert!(err.starts_with(var) && !err.contains("secret"), "{err}");
        }
    }

    #[test]
    fn flags_beat_variables_and_blank_variables_are_unset() {
        let cfg = config(&["--seeds", "a"], &[(SEEDS_VAR, "b"), (TOKEN_VAR, "  ")]).unwrap();
        assert_eq!(cfg.corpus, CorpusLocation::Dir("a".into()));
        assert!(cfg.token.is_none());
        let cfg = config(
            &[],
            &[(SEEDS_VAR, "b"), (ADMINS_VAR, "1, 2"), (CONTEXT_VAR, "5")],
        )
        .unwrap();
        assert_eq!(cfg.corpus, CorpusLocation::Dir("b".into()));
        assert_eq!(cfg.admins, vec![1, 2]);
        assert_eq!(cfg.context_ttl, Duration::from_secs(300));
        let cfg = config(&["--article", "x/one.txt", "--no-faq"], &[]).unwrap();
        assert_eq!(cfg.corpus, CorpusLocation::File("x/one.txt".into()));
        assert!(cfg.faq.is_none());
    }
}
