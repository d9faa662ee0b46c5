//! The corpus's sentences as index units: [`ArticleIndex`] (units = sentences, groups =
//! paragraphs) and [`SentenceRef`], where a unit stands in the corpus.

use crate::corpus::{Article, Corpus, Paragraph, Sentence};
use crate::search::index::{TermIndex, TermIndexBuilder};
use crate::text::analyze::{Analyzer, StemMemo, Token, with_bigrams};

/// Where one unit of the index stands in the corpus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SentenceRef {
    /// Index into [`Corpus::articles`].
    pub article: u32,
    /// Index into that article's `paragraphs`.
    pub paragraph: u32,
    /// Index into that paragraph's `sentences`.
    pub sentence: u32,
}

impl SentenceRef {
    /// The article, paragraph and sentence this points at in `corpus`, or `None` when it has
    /// no such sentence (a reference from elsewhere, such as an old conversation context).
    pub fn locate(self, corpus: &Corpus) -> Option<(&Article, &Paragraph, &Sentence)> {
        let article = corpus.articles.get(self.article as usize)?;
        let paragraph = article.paragraphs.get(self.paragraph as usize)?;
        let sentence = paragraph.sentences.get(self.sentence as usize)?;
        Some((article, paragraph, sentence))
    }
}

/// The corpus's sentences, analysed and indexed (units = sentences, groups = paragraphs).
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct ArticleIndex {
    /// The term index.
    pub terms: TermIndex,
    /// Per unit: true when the sentence opens with a word that points back to the one
    /// before (`This led to…`, `It has…`), so it inherits that sentence's terms.
    pub anaphoric: Vec<bool>,
    /// Unit number → where the sentence stands.
    pub sentences: Vec<SentenceRef>,
}

impl ArticleIndex {
    /// The unit (index into `sentences`) of the sentence at `at`, if the index has it.
    pub fn unit_of(&self, at: SentenceRef) -> Option<u32> {
        let key = |s: &SentenceRef| (s.article, s.paragraph, s.sentence);
        let unit = self.sentences.binary_search_by_key(&key(&at), key).ok()?;
        Some(unit as u32)
    }

    /// The units of article `article`'s sentences: one run, as units follow the corpus's
    /// order (empty past the last article).
    pub fn units_of_article(&self, article: usize) -> std::ops::Range<usize> {
        let first = self
            .sentences
            .partition_point(|s| (s.article as usize) < article);
        let end = self
            .sentences
            .partition_point(|s| (s.article as usize) <= article);
        first..end
    }

    /// Analyses and indexes every sentence of `corpus`. From [`PIPELINE_SENTENCES`]
    /// sentences, on a machine with more than one core, a second thread analyses the
    /// sentences while this one indexes them (the same index either way).
    pub fn build(analyzer: &Analyzer, corpus: &Corpus) -> Self {
        let units = units(corpus);
        let pipelined = units.len() >= PIPELINE_SENTENCES
            && std::thread::available_parallelism().is_ok_and(|n| n.get() > 1);
        Self::from_units(analyzer, corpus, &units, pipelined)
    }

    /// The index of `units` ([`units`]), analysed on a second thread when `pipelined` and
    /// one can be started.
    fn from_units(
        analyzer: &Analyzer,
        corpus: &Corpus,
        units: &[(SentenceRef, u32)],
        pipelined: bool,
    ) -> Self {
        let analyse = |memo: &mut StemMemo, at: SentenceRef| {
            let (article, _, sentence) = at.locate(corpus).expect("a sentence of this corpus");
            with_bigrams(analyzer.analyze_document(article.sentence_text(sentence), memo))
        };
        let piped = pipelined
            .then(|| Indexed::pipelined(units, &analyse))
            .flatten();
        let was_piped = piped.is_some();
        let indexed = piped.unwrap_or_else(|| {
            let mut indexed = Indexed::default();
            let mut memo = StemMemo::default();
            for &(at, group) in units {
                indexed.push(at, group, analyse(&mut memo, at));
            }
            indexed
        });
        let index = Self {
            terms: indexed.terms.finish(),
            anaphoric: indexed.anaphoric,
            sentences: indexed.sentences,
        };
        if was_piped {
            give_back_freed_memory();
        }
        index
    }
}

/// Every sentence of `corpus` in order: where it stands, and its paragraph's group number.
fn units(corpus: &Corpus) -> Vec<(SentenceRef, u32)> {
    let mut units = Vec::new();
    let mut group = 0u32;
    for (a, article) in corpus.articles.iter().enumerate() {
        for (p, paragraph) in article.paragraphs.iter().enumerate() {
            for s in 0..paragraph.sentences.len() {
                let at = SentenceRef {
                    article: a as u32,
                    paragraph: p as u32,
                    sentence: s as u32,
                };
                units.push((at, group));
            }
            group += 1;
        }
    }
    units
}

/// Returns to the operating system the memory a large build freed (its token lists, the
/// analysing thread's allocator arena), which glibc would otherwise keep resident. It locks
/// each allocator arena in turn, so other threads' allocations may wait for it a moment.
fn give_back_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` takes no pointer, is thread-safe in glibc and only releases
    // free heap pages.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// From this many sentences [`ArticleIndex::build`] analyses on a second thread (the size
/// from which, too, the index is worth caching on disk: `engine::index_cache`).
pub const PIPELINE_SENTENCES: usize = 2_000;
/// Sentences analysed per batch handed from the analysing thread to the indexing one.
const BATCH_SENTENCES: usize = 256;

/// An [`ArticleIndex`] being built, a sentence at a time in corpus order.
#[derive(Default)]
struct Indexed {
    terms: TermIndexBuilder,
    anaphoric: Vec<bool>,
    sentences: Vec<SentenceRef>,
    /// The tokens of the sentence before.
    previous: Vec<Token>,
}

impl Indexed {
    /// Adds the sentence at `at`, in paragraph `group`, analysed into `tokens`; gives back
    /// the tokens of the sentence before, no longer needed.
    fn push(&mut self, at: SentenceRef, group: u32, tokens: Vec<Token>) -> Vec<Token> {
        self.sentences.push(at);
        (self.anaphoric).push(at.sentence > 0 && points_back(&tokens, &self.previous));
        self.terms.push(group, &tokens);
        std::mem::replace(&mut self.previous, tokens)
    }

    /// Indexes `units` (where each sentence stands, its paragraph) as a second thread
    /// analyses them with `analyse`, [`BATCH_SENTENCES`] at a time; `None` when no thread
    /// can be started (a process at its thread limit).
    fn pipelined<F>(units: &[(SentenceRef, u32)], analyse: &F) -> Option<Self>
    where
        F: Fn(&mut StemMemo, SentenceRef) -> Vec<Token> + Sync,
    {
        std::thread::scope(|scope| {
            let (batches, received) = std::sync::mpsc::sync_channel(2);
            // The tokens go back to the thread that made them to be freed there: freed here,
            // they would contend for that thread's allocator arena (the build ran slower).
            let (spent, returned) = std::sync::mpsc::channel::<Vec<Vec<Token>>>();
            let analysing = move || {
                let mut memo = StemMemo::default();
                for chunk in units.chunks(BATCH_SENTENCES) {
                    let batch: Vec<Vec<Token>> = chunk
                        .iter()
                        .map(|&(at, _)| analyse(&mut memo, at))
                        .collect();
                    if batches.send(batch).is_err() {
                        return;
                    }
                    returned.try_iter().for_each(drop);
                }
                drop(batches);
                returned.into_iter().for_each(drop);
            };
            let thread = std::thread::Builder::new().name("index-analysis".into());
            thread.spawn_scoped(scope, analysing).ok()?;
            let mut indexed = Indexed::default();
            let mut next = units.iter();
            for batch in received {
                let mut done = Vec::with_capacity(batch.len());
                for (tokens, &(at, group)) in batch.into_iter().zip(next.by_ref()) {
                    done.push(indexed.push(at, group, tokens));
                }
                let _ = spent.send(done);
            }
            // The analysing thread frees the last batches once this end is gone.
            drop(spent);
            Some(indexed)
        })
    }
}

/// True when a sentence opens with a word that refers to the sentence before: a pronoun
/// (`This led to…`) or `the` + a noun that sentence used (`The expedition was a disaster.`).
fn points_back(tokens: &[Token], previous: &[Token]) -> bool {
    match tokens {
        [first, ..] if ANAPHORS.contains(&first.text.as_str()) => true,
        [first, second, ..] if first.text == "the" && !second.stop => {
            previous.iter().any(|t| t.stem == second.stem)
        }
        _ => false,
    }
}

/// Words that, opening a sentence, refer to something in the sentence before.
const ANAPHORS: &[&str] = &[
    "he", "her", "his", "it", "its", "she", "such", "their", "these", "they", "this", "those",
];

#[cfg(test)]
mod tests {
    use super::*;

    /// The pipelined build (a second thread analysing) gives the very index the one-thread
    /// build gives, byte for byte, whatever batch boundaries fall between the sentences.
    #[test]
    fn a_pipelined_build_equals_the_sequential_one() {
        let words = [
            "Russia",
            "base",
            "Tartus",
            "delegation",
            "led",
            "talks",
            "2015",
            "U.S.",
        ];
        let mut text = String::new();
        for p in 0..(PIPELINE_SENTENCES / 2 + 7) {
            let w = |k: usize| words[(p * 7 + k * 3) % words.len()];
            text.push_str(&format!(
                "The {} met officials in {} on day {p}. This {} was about the {}'s {}. \
                 They said {} and {} would follow.\n",
                w(0),
                w(1),
                w(2),
                w(3),
                w(4),
                w(5),
                w(6)
            ));
        }
        let corpus = Corpus::from_text("many", &text).unwrap();
        let analyzer = Analyzer::new();
        let at = units(&corpus);
        let one = ArticleIndex::from_units(&analyzer, &corpus, &at, false);
        let two = ArticleIndex::from_units(&analyzer, &corpus, &at, true);
        assert!(one.sentences.len() >= PIPELINE_SENTENCES);
        assert!(one.anaphoric.iter().any(|a| *a));
        let bytes = |index: &ArticleIndex| postcard::to_allocvec(index).unwrap();
        assert_eq!(bytes(&one), bytes(&two));
    }
}
