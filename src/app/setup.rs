//! Building the engine from the configuration: loading the articles (and, when configured,
//! the FAQ rules) with errors that name the path.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::{Context as _, Result};

use crate::app::config::{Config, CorpusLocation};
use crate::corpus::Corpus;
use crate::embed::Encoder;
use crate::engine::Engine;
use crate::engine::faq::Faq;

/// Loads the corpus the configuration points at.
///
/// Errors: the folder or file is missing or unreadable, holds no article, or an article is
/// empty; each message names the path.
pub fn corpus(config: &Config) -> Result<Corpus> {
    let corpus = match &config.corpus {
        CorpusLocation::Dir(dir) => Corpus::load_dir(dir),
        CorpusLocation::File(file) => Corpus::load_file(file),
    };
    match &config.corpus {
        // The fallback for a binary run outside its source tree: say how to point it elsewhere.
        CorpusLocation::Dir(dir) if corpus.is_err() && *dir == crate::app::config::shipped_seeds() => {
            corpus.context(
                "cannot load the articles (there is no ./seeds here: pass --seeds DIR or set ARTICLE_QA_SEEDS)",
            )
        }
        _ => corpus.context("cannot load the articles"),
    }
}

/// Loads the corpus and the FAQ rules (when configured) and builds the answer engine.
///
/// Errors: as [`corpus`], and a FAQ rules file that cannot be read or fails its check.
pub fn engine(config: &Config) -> Result<Engine> {
    let cache = config.cache.as_deref();
    let engine = Engine::with_index_cache(corpus(config)?, cache).per_article(cache);
    let engine = with_meaning(engine, config)?;
    match &config.faq {
        Some(path) if config.faq_required || path.exists() => with_faq(&engine, path),
        _ => Ok(engine),
    }
}

/// The engine with the semantic stage, unless the configuration turns it off.
///
/// Errors: the model cannot be loaded (missing or broken files; the message says how to
/// answer without it).
pub fn with_meaning(engine: Engine, config: &Config) -> Result<Engine> {
    let Some(semantic) = &config.semantic else {
        return Ok(engine);
    };
    let encoder = encoder(&semantic.model)?;
    engine
        .with_meaning(encoder, config.cache.as_deref())
        .context("cannot encode the articles' sentences")
}

/// The question-vector memo of the configured model, for a run that asks many questions
/// (eval): raised to `capacity` and filled from the cache folder's saved question vectors.
/// Returns the model, to save its memo with [`crate::embed::cache::save_queries`] after the
/// run; `None` without the semantic stage, its model or a cache folder.
pub fn remembering_encoder(config: &Config, capacity: usize) -> Option<(Arc<Encoder>, PathBuf)> {
    let semantic = config.semantic.as_ref()?;
    let dir = config.cache.clone()?;
    let encoder = encoder(&semantic.model).ok()?;
    encoder.set_query_memo(capacity);
    crate::embed::cache::load_queries(&encoder, &dir);
    Some((encoder, dir))
}

/// The sentence model at `dir`, loaded once per process (eval builds many engines).
fn encoder(dir: &Path) -> Result<Arc<Encoder>> {
    static LOADED: Mutex<Option<(PathBuf, Arc<Encoder>)>> = Mutex::new(None);
    let mut loaded = LOADED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((path, encoder)) = loaded.as_ref()
        && path == dir
    {
        return Ok(Arc::clone(encoder));
    }
    let encoder = Arc::new(Encoder::load(dir).with_context(|| {
        format!(
            "cannot load the sentence model from {} (pass --lexical or set ARTICLE_QA_LEXICAL=1 to answer by keywords alone)",
            dir.display()
        )
    })?);
    *loaded = Some((dir.to_path_buf(), Arc::clone(&encoder)));
    Ok(encoder)
}

/// The engine with the FAQ rules at `path`, checked against its articles. A rule whose
/// quotes these articles do not have is left out with a warning (on the log when logging is
/// set up, else on standard error), so an article added to the folder never stops the bot.
pub fn with_faq(engine: &Engine, path: &Path) -> Result<Engine> {
    let engine = engine
        .with_faq_file(path, &crate::app::telegram::html::TelegramLimit)
        .context("cannot load the FAQ rules")?;
    for problem in engine.faq().map(Faq::skipped).unwrap_or_default() {
        warn(&format!(
            "FAQ rule left out: {} (see `article-qa faq check`)",
            problem.located(path)
        ));
    }
    Ok(engine)
}

/// A warning for the person running the bot: a WARN log line when logging is set up (the
/// Telegram bot), else a `warning:` line on standard error (the console, `ask`, `eval`).
pub fn warn(message: &str) {
    if tracing::dispatcher::has_been_set() {
        tracing::warn!("{message}");
    } else {
        eprintln!("warning: {message}");
    }
}
