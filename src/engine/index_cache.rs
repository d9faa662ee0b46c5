//! A disk cache of the keyword index, so a restart over a large archive reads the index
//! rather than analysing every sentence again (20,000 paragraphs: about 1.6 s to build).
//!
//! One file per corpus, `index-<16 hex digits>.idx` in the cache folder, named by its key:
//! the SHA-256 of the format, the analysis code (the source of the text layer and of the
//! index, and `Cargo.lock` for the stemmer's version) and every article's name, text and
//! paragraph and sentence spans. A change to any of them makes another key, so a stale index
//! is never read. The file is `AQEIDX01` · key (32 bytes) · the index (postcard) · SHA-256
//! of everything before it, read in one call and trusted only when all of it checks out;
//! otherwise the index is built and the file written again (through a temporary file and a
//! rename). Small corpora (under [`MIN_SENTENCES`]) build faster than a file is read and
//! are never cached.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use tracing::{debug, info};

use crate::corpus::Corpus;
use crate::embed::cache::{finish_and_write, read_checked};
use crate::search::article_index::ArticleIndex;
use crate::text::analyze::Analyzer;

const MAGIC: &[u8; 8] = b"AQEIDX01";
/// Corpora with fewer sentences are indexed at each start (the shipped article: 1 ms).
pub const MIN_SENTENCES: usize = 2_000;

/// The code whose changes change what the index holds.
const ANALYSIS: &[&str] = &[
    include_str!("../text/analyze.rs"),
    include_str!("../text/words.rs"),
    include_str!("../search/index.rs"),
    include_str!("../search/article_index.rs"),
    include_str!("../search/forms.rs"),
    include_str!("../../Cargo.lock"),
];

/// Where an index came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Read from a valid cache file.
    Read,
    /// Built now, and written to the cache (or not, when writing failed: logged).
    Built,
    /// Built now; the corpus is too small to cache.
    Small,
}

/// The index of `corpus`, read from `dir` when a valid file for it is there, else built by
/// `analyzer` and saved. Cache problems (no folder, a corrupt or stale file, a failed write)
/// only mean building; they are logged, never errors.
pub fn load_or_build(analyzer: &Analyzer, corpus: &Corpus, dir: &Path) -> (ArticleIndex, Outcome) {
    let sentences: usize = corpus.articles.iter().map(|a| a.sentence_count()).sum();
    if sentences < MIN_SENTENCES {
        return (ArticleIndex::build(analyzer, corpus), Outcome::Small);
    }
    let key = key(corpus);
    let path = file_for(dir, &key);
    if let Some(index) = read_valid(&path, &key) {
        info!("keyword index read from {}", path.display());
        return (index, Outcome::Read);
    }
    let index = ArticleIndex::build(analyzer, corpus);
    match postcard::to_allocvec(&index) {
        Ok(body) => {
            let bytes = [MAGIC.as_slice(), &key, &body].concat();
            match finish_and_write(&path, bytes) {
                Ok(()) => info!("keyword index saved to {}", path.display()),
                Err(e) => info!("keyword index not saved to {}: {e}", path.display()),
            }
        }
        Err(e) => debug!("keyword index not saved: {e}"),
    }
    (index, Outcome::Built)
}

/// The cache file for `corpus` in `dir`.
pub fn path_for(dir: &Path, corpus: &Corpus) -> PathBuf {
    file_for(dir, &key(corpus))
}

fn key(corpus: &Corpus) -> [u8; 32] {
    let mut hash = Sha256::new();
    hash.update(MAGIC);
    for source in ANALYSIS {
        hash.update((source.len() as u64).to_le_bytes());
        hash.update(source.as_bytes());
    }
    for article in &corpus.articles {
        for text in [&article.name, &article.text] {
            hash.update((text.len() as u64).to_le_bytes());
            hash.update(text.as_bytes());
        }
        for paragraph in &article.paragraphs {
            hash.update(format!("{:?}", paragraph.span).as_bytes());
            for sentence in &paragraph.sentences {
                hash.update(format!("{:?}", sentence.span).as_bytes());
            }
        }
    }
    hash.finalize().into()
}

fn file_for(dir: &Path, key: &[u8; 32]) -> PathBuf {
    let name: String = key[..8].iter().map(|b| format!("{b:02x}")).collect();
    dir.join(format!("index-{name}.idx"))
}

/// The index in `path` when the file is complete, uncorrupted and for `key`.
fn read_valid(path: &Path, key: &[u8; 32]) -> Option<ArticleIndex> {
    let bytes = read_checked(path)?;
    let body = bytes
        .strip_prefix(MAGIC.as_slice())?
        .strip_prefix(key.as_slice())?;
    postcard::from_bytes(body).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A corpus just big enough to be cached.
    fn big() -> Corpus {
        let text: String = (0..MIN_SENTENCES)
            .map(|i| format!("Sentence number {i} names Putin and Bogdanov.\n"))
            .collect();
        Corpus::from_text("big", &text).unwrap()
    }

    /// What an index holds, in an order its hash maps cannot change: every unit's terms with
    /// their stems, postings, IDF and form look-ups.
    fn summary(index: &ArticleIndex) -> String {
        let terms = &index.terms;
        let mut out = format!("{:?} {:?}\n", index.anaphoric, index.sentences);
        let mut seen = std::collections::HashSet::new();
        for unit in 0..terms.unit_count() as u32 {
            out += &format!(
                "{unit}: {:?} {:?}\n",
                terms.unit_terms(unit),
                terms.unit_sequence(unit)
            );
            for t in terms
                .unit_terms(unit)
                .iter()
                .filter(|t| seen.insert(t.term))
            {
                let stem = terms.stem(t.term);
                out += &format!(
                    "  {stem} {:?} {:?} {:?} {:?} {:?} {:?}\n",
                    terms.term_of(stem),
                    terms.postings(t.term),
                    terms.group_postings(t.term),
                    terms.idf_of(t.term),
                    terms.surfaces(t.term),
                    terms.forms().fuzzy_candidates(&[stem]),
                );
            }
        }
        out
    }

    #[test]
    fn an_index_is_saved_read_back_the_same_and_rebuilt_when_its_file_is_corrupt() {
        let dir = tempfile::tempdir().unwrap();
        let (analyzer, corpus) = (Analyzer::new(), big());
        let (built, outcome) = load_or_build(&analyzer, &corpus, dir.path());
        assert_eq!(outcome, Outcome::Built);
        let (read, outcome) = load_or_build(&analyzer, &corpus, dir.path());
        assert_eq!(outcome, Outcome::Read);
        assert_eq!(summary(&read), summary(&built));
        let path = path_for(dir.path(), &corpus);
        let mut bytes = std::fs::read(&path).unwrap();
        let middle = bytes.len() / 2;
        bytes[middle] ^= 1;
        std::fs::write(&path, bytes).unwrap();
        let (again, outcome) = load_or_build(&analyzer, &corpus, dir.path());
        assert_eq!(outcome, Outcome::Built, "a corrupt file is not trusted");
        assert_eq!(summary(&again), summary(&built));
    }

    #[test]
    fn another_text_is_another_file_and_a_small_corpus_none() {
        let corpus = big();
        let mut changed = corpus.clone();
        changed.articles[0].name = "other".into();
        assert_ne!(key(&corpus), key(&changed));
        let dir = tempfile::tempdir().unwrap();
        let small = Corpus::from_text("small", "One sentence.\n").unwrap();
        let (_, outcome) = load_or_build(&Analyzer::new(), &small, dir.path());
        assert_eq!(outcome, Outcome::Small);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
