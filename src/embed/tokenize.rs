//! Text → token ids for e5, from `tokenizer.json`: the `tokenizers` crate's normalizer
//! (SentencePiece `Precompiled` charsmap, repeated spaces collapsed) and Metaspace
//! pre-tokenizer, then our own unigram Viterbi over each word, then `<s> … </s>`.
//!
//! Why not the crate's whole `Tokenizer`: its unigram model keeps the vocabulary in a
//! byte trie of hash maps that takes about 190 MB for these 164,409 pieces; this keeps
//! the pieces in one hash map (about 12 MB) and gives the same ids (tested against the
//! crate's `Tokenizer` on the same file in `tests/embed/`). One deliberate difference:
//! the special pieces (`<s>`, `<unk>`, …) are never matched inside text.

use rustc_hash::FxHashMap;
use serde::Deserialize;
use tokenizers::{
    NormalizedString, Normalizer, NormalizerWrapper, OffsetReferential, OffsetType,
    PreTokenizedString, PreTokenizer, PreTokenizerWrapper,
};

use super::error::{EmbedError, Result};

/// Score below the lowest piece's given to a character no piece covers (SentencePiece's).
const UNK_PENALTY: f64 = 10.0;

#[derive(Deserialize)]
struct File {
    normalizer: NormalizerWrapper,
    pre_tokenizer: PreTokenizerWrapper,
    added_tokens: Vec<AddedToken>,
    model: Model,
}

#[derive(Deserialize)]
struct AddedToken {
    id: u32,
    content: String,
}

#[derive(Deserialize)]
struct Model {
    unk_id: u32,
    vocab: Vec<(String, f64)>,
}

/// The tokenizer of multilingual-e5-small (XLM-R's SentencePiece unigram vocabulary).
pub struct Tokenizer {
    normalizer: NormalizerWrapper,
    pre_tokenizer: PreTokenizerWrapper,
    pieces: FxHashMap<Box<str>, (u32, f64)>,
    longest: usize,
    unk: (u32, f64),
    bos: u32,
    eos: u32,
    vocab_size: usize,
}

impl Tokenizer {
    /// Reads a `tokenizer.json` (Unigram model, `<s>`/`</s>` among its added tokens).
    pub fn from_json(bytes: &[u8]) -> Result<Self> {
        let file: File = serde_json::from_slice(bytes).map_err(EmbedError::tokenizer)?;
        let special = |name: &str| {
            let token = file.added_tokens.iter().find(|t| t.content == name);
            token
                .map(|t| t.id)
                .ok_or_else(|| EmbedError::Tokenizer(format!("no {name} token")))
        };
        let (bos, eos) = (special("<s>")?, special("</s>")?);
        let vocab_size = file.model.vocab.len();
        let lowest = file
            .model
            .vocab
            .iter()
            .map(|(_, s)| *s)
            .fold(f64::INFINITY, f64::min);
        let specials: Vec<u32> = file.added_tokens.iter().map(|t| t.id).collect();
        let mut pieces = FxHashMap::default();
        pieces.reserve(vocab_size);
        let mut longest = 1;
        for (id, (piece, score)) in (0u32..).zip(file.model.vocab) {
            if !specials.contains(&id) && !piece.is_empty() {
                longest = longest.max(piece.len());
                pieces.insert(piece.into_boxed_str(), (id, score));
            }
        }
        let unk = (file.model.unk_id, lowest - UNK_PENALTY);
        let (normalizer, pre_tokenizer) = (file.normalizer, file.pre_tokenizer);
        Ok(Self {
            normalizer,
            pre_tokenizer,
            pieces,
            longest,
            unk,
            bos,
            eos,
            vocab_size,
        })
    }

    /// Number of ids, special tokens included (the embedding table's rows).
    pub fn vocab_size(&self) -> usize {
        self.vocab_size
    }

    /// `text` normalized and split into words (SentencePiece's `▁` marking each start).
    fn words(&self, text: &str) -> Result<PreTokenizedString> {
        let mut normalized = NormalizedString::from(text);
        self.normalizer
            .normalize(&mut normalized)
            .map_err(EmbedError::tokenizer)?;
        let mut words = PreTokenizedString::from(normalized);
        self.pre_tokenizer
            .pre_tokenize(&mut words)
            .map_err(EmbedError::tokenizer)?;
        Ok(words)
    }

    /// `<s>`, the ids of `text`, `</s>`; at most `max_len` ids (≥ 2), the text's cut at
    /// the end when longer.
    pub fn encode(&self, text: &str, max_len: usize) -> Result<Vec<u32>> {
        let words = self.words(text)?;
        let mut ids = vec![self.bos];
        for (word, _, _) in words.get_splits(OffsetReferential::Normalized, OffsetType::Byte) {
            self.viterbi(word, &mut ids);
        }
        ids.truncate(max_len.max(2) - 1);
        ids.push(self.eos);
        Ok(ids)
    }

    /// Share (0..=1) of the words of `text` whose letters hold one no piece covers
    /// (`<unk>`): 1 for a script the vocabulary was pruned of (Hebrew, Chinese), near 0 for
    /// the Latin, Greek, Cyrillic and Arabic scripts it keeps; 0 for a text with no letter.
    /// Only letters count: an emoji's variation selector or a stray symbol is no script.
    pub fn unknown_share(&self, text: &str) -> Result<f32> {
        let words = self.words(text)?;
        let (mut unknown, mut all) = (0usize, 0usize);
        let mut ids = Vec::new();
        for (word, _, _) in words.get_splits(OffsetReferential::Normalized, OffsetType::Byte) {
            let letters: String = word.chars().filter(|c| c.is_alphabetic()).collect();
            if letters.is_empty() {
                continue;
            }
            ids.clear();
            self.viterbi(&letters, &mut ids);
            all += 1;
            unknown += usize::from(ids.contains(&self.unk.0));
        }
        Ok(if all == 0 {
            0.0
        } else {
            unknown as f32 / all as f32
        })
    }

    /// Appends the best-scoring split of `word` into pieces; a run of characters no piece
    /// covers becomes one `<unk>`.
    fn viterbi(&self, word: &str, out: &mut Vec<u32>) {
        // best[end] = (score, start, id) of the best path covering word[..end].
        let mut best: Vec<Option<(f64, usize, u32)>> = vec![None; word.len() + 1];
        best[0] = Some((0.0, 0, self.unk.0));
        for (start, ch) in word.char_indices() {
            let Some((base, _, _)) = best[start] else {
                continue;
            };
            let mut single = false;
            let ends = word[start..]
                .char_indices()
                .skip(1)
                .map(|(i, _)| start + i)
                .chain([word.len()]);
            for end in ends.take_while(|&end| end - start <= self.longest) {
                if let Some(&(id, score)) = self.pieces.get(&word[start..end]) {
                    offer(&mut best[end], base + score, start, id);
                    single |= end - start == ch.len_utf8();
                }
            }
            if !single {
                offer(
                    &mut best[start + ch.len_utf8()],
                    base + self.unk.1,
                    start,
                    self.unk.0,
                );
            }
        }
        let mut path = Vec::new();
        let mut end = word.len();
        while end > 0 {
            let Some((_, start, id)) = best[end] else {
                break;
            };
            if !(id == self.unk.0 && path.last() == Some(&self.unk.0)) {
                path.push(id);
            }
            end = start;
        }
        out.extend(path.iter().rev());
    }
}

/// Keeps the first path to reach a position unless a later one scores strictly higher.
fn offer(slot: &mut Option<(f64, usize, u32)>, score: f64, start: usize, id: u32) {
    if slot.is_none_or(|(best, _, _)| score > best) {
        *slot = Some((score, start, id));
    }
}
