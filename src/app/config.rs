//! Configuration in two stages: raw settings (command-line flags, then environment variables,
//! which a `.env` file may fill) and the validated, typed [`Config`]. Nothing here panics or
//! exits; every problem is a [`ConfigError`] naming the variable.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::app::cli::Cli;

pub use crate::app::env::{
    ADMINS_VAR, API_URL_VAR, CACHE_VAR, CONTEXT_VAR, FAQ_VAR, LEXICAL_VAR, LOG_VAR, MAX_AGE_VAR,
    MODEL_VAR, REDIS_VAR, SEEDS_VAR, TOKEN_VAR, UNANSWERED_VAR, VARIABLES, Variable,
    environment_help,
};

/// The default idle time after which a chat's conversation context expires.
pub const DEFAULT_CONTEXT_TTL: Duration = crate::engine::conversation::DEFAULT_TTL;
/// The default age past which a Telegram message the bot gets is skipped (5 minutes).
pub const DEFAULT_MAX_UPDATE_AGE: Duration = Duration::from_secs(5 * 60);

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

/// A setting that is present but wrong.
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
    /// The semantic stage's model and cache; `None` with `--lexical`.
    pub semantic: Option<Semantic>,
    /// Telegram messages older than this when the bot gets them are skipped; `None` answers
    /// every one.
    pub max_update_age: Option<Duration>,
}

/// Where the semantic stage's model and vector cache are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Semantic {
    /// Folder of `config.json`, `tokenizer.json` and `model.safetensors`.
    pub model: PathBuf,
    /// Folder of cached sentence vectors; `None` when no cache folder can be found.
    pub cache: Option<PathBuf>,
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
        let var = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let corpus = match (&cli.corpus.article, &cli.corpus.seeds) {
            (Some(file), _) => CorpusLocation::File(file.clone()),
            (None, Some(dir)) => CorpusLocation::Dir(dir.clone()),
            (None, None) => CorpusLocation::Dir(
                var(SEEDS_VAR)
                    .map(PathBuf::from)
                    .unwrap_or_else(default_seeds),
            ),
        };
        let named = cli.faq.clone().or_else(|| var(FAQ_VAR).map(PathBuf::from));
        let faq_required = named.is_some() && !cli.no_faq;
        let faq = if cli.no_faq {
            None
        } else {
            Some(named.unwrap_or_else(|| corpus.folder().join("faq.toml")))
        };
        Ok(Self {
            corpus,
            faq,
            faq_required,
            token: var(TOKEN_VAR).map(|t| BotToken::new(&t)).transpose()?,
            api_url: var(API_URL_VAR).map(|u| parse_api_url(&u)).transpose()?,
            admins: var(ADMINS_VAR).map_or(Ok(Vec::new()), |list| parse_ids(&list))?,
            unanswered_log: var(UNANSWERED_VAR).map(PathBuf::from),
            redis_url: var(REDIS_VAR),
            context_ttl: var(CONTEXT_VAR).map_or(Ok(DEFAULT_CONTEXT_TTL), |m| parse_ttl(&m))?,
            semantic: semantic(cli.lexical, &var)?,
            max_update_age: var(MAX_AGE_VAR)
                .map_or(Ok(Some(DEFAULT_MAX_UPDATE_AGE)), |m| parse_max_age(&m))?,
        })
    }
}

/// The semantic stage's settings: off with `--lexical` or `ARTICLE_QA_LEXICAL=1`.
fn semantic(
    lexical: bool,
    var: &impl Fn(&str) -> Option<String>,
) -> Result<Option<Semantic>, ConfigError> {
    let off = match var(LEXICAL_VAR).as_deref() {
        None | Some("0" | "false" | "no") => lexical,
        Some("1" | "true" | "yes") => true,
        Some(other) => {
            return Err(ConfigError::Invalid {
                var: LEXICAL_VAR,
                why: format!("{other:?} is not 1 or 0"),
            });
        }
    };
    if off {
        return Ok(None);
    }
    let model = var(MODEL_VAR).map(PathBuf::from).unwrap_or_else(|| {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("models/multilingual-e5-small")
    });
    let cache = var(CACHE_VAR).map(PathBuf::from).or_else(|| {
        let base = var("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .or_else(|| var("HOME").map(|home| Path::new(&home).join(".cache")))?;
        Some(base.join("article-qa"))
    });
    Ok(Some(Semantic { model, cache }))
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
            why: format!("{minutes:?} is not a whole number of minutes from 1 to 525600 (a year)"),
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
            why: format!("{minutes:?} is not a whole number of minutes from 0 to 525600 (a year)"),
        }),
    }
}

/// `./seeds` when it exists, else the folder shipped with the crate.
fn default_seeds() -> PathBuf {
    let local = PathBuf::from("seeds");
    if local.is_dir() {
        local
    } else {
        shipped_seeds()
    }
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
        .map(|id| {
            id.parse::<u64>().map_err(|_| ConfigError::Invalid {
                var: ADMINS_VAR,
                why: format!("{id:?} is not a numeric Telegram user id"),
            })
        })
        .collect()
}

/// Loads `.env` into the process environment: the file named by `--env-file` (which must
/// exist), else `./.env` when present. Variables already set are kept.
///
/// Errors: one line naming the file, and for a line that is not `NAME=VALUE` its number and
/// variable, never its value (it may be the token).
pub fn load_env_file(path: Option<&Path>) -> anyhow::Result<()> {
    let (path, required) = match path {
        Some(path) => (path.to_path_buf(), true),
        None => (PathBuf::from(".env"), false),
    };
    if !required && !path.is_file() {
        return Ok(());
    }
    dotenvy::from_path(&path).map_err(|e| env_file_error(&path, &e))
}

/// The one-line error for an env file dotenvy could not read, without the line's text.
fn env_file_error(path: &Path, error: &dotenvy::Error) -> anyhow::Error {
    match error {
        dotenvy::Error::LineParse(line, _) => {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            let bad = text
                .lines()
                .enumerate()
                .find(|(_, l)| !l.trim().is_empty() && l.contains(line.trim()));
            let number = bad.map_or(String::new(), |(n, _)| format!(" line {}", n + 1));
            let name = bad
                .and_then(|(_, l)| l.split_once('='))
                .map(|(name, _)| name.trim().trim_start_matches("export ").trim())
                .filter(|name| {
                    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                })
                .map_or(String::new(), |name| format!(" ({name})"));
            anyhow::anyhow!(
                "cannot read env file {}:{number}{name} is not NAME=VALUE (quote a value that has spaces or quotes)",
                path.display()
            )
        }
        dotenvy::Error::Io(e) => anyhow::anyhow!("cannot read env file {}: {e}", path.display()),
        _ => anyhow::anyhow!("cannot read env file {}", path.display()),
    }
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
