//! The corpus's sentences as index units: [`ArticleIndex`] (units = sentences, groups =
//! paragraphs) and [`SentenceRef`], where a unit stands in the corpus.

use crate::corpus::{Article, Corpus, Paragraph, Sentence};
use crate::search::index::{TermIndex, TermIndexBuilder};
use crate::text::analyze::{Analyzer, Token, with_bigrams};

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

    /// Analyses and indexes every sentence of `corpus`.
    pub fn build(analyzer: &Analyzer, corpus: &Corpus) -> Self {
        let mut sentences = Vec::new();
        let mut anaphoric = Vec::new();
        let mut terms = TermIndexBuilder::default();
        let mut previous: Vec<Token> = Vec::new();
        let mut group = 0u32;
        for (a, article) in corpus.articles.iter().enumerate() {
            for (p, paragraph) in article.paragraphs.iter().enumerate() {
                for (s, sentence) in paragraph.sentences.iter().enumerate() {
                    sentences.push(SentenceRef {
                        article: a as u32,
                        paragraph: p as u32,
                        sentence: s as u32,
                    });
                    let tokens =
                        with_bigrams(analyzer.analyze_document(article.sentence_text(sentence)));
                    anaphoric.push(s > 0 && points_back(&tokens, &previous));
                    terms.push(group, &tokens);
                    previous = tokens;
                }
                group += 1;
            }
        }
        let terms = terms.finish();
        Self {
            terms,
            anaphoric,
            sentences,
        }
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
