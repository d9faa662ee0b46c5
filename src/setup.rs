//! Building the engine from the configuration: loading the articles (and, when configured,
//! the FAQ rules) with errors that name the path.

use anyhow::{Context as _, Result};

use crate::answer::Engine;
use crate::article::Corpus;
use crate::config::{Config, CorpusLocation};

/// Loads the corpus the configuration points at.
///
/// Errors: the folder or file is missing or unreadable, holds no article, or an article is
/// empty; each message names the path.
pub fn corpus(config: &Config) -> Result<Corpus> {
    let corpus = match &config.corpus {
        CorpusLocation::Dir(dir) => Corpus::load_dir(dir),
        CorpusLocation::File(file) => Corpus::load_file(file),
    };
    corpus.context("cannot load the articles")
}

/// Loads the corpus and builds the answer engine.
pub fn engine(config: &Config) -> Result<Engine> {
    Ok(Engine::new(corpus(config)?))
}
