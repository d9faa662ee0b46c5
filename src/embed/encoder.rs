//! [`Encoder`]: text in, L2-normalized multilingual-e5-small vectors out.

use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use lru::LruCache;

use safetensors::SafeTensors;
use sha2::{Digest, Sha256};

use super::error::{EmbedError, Result};
use super::model::{Bert, Config};
use super::tokenize::Tokenizer;

/// Prefix the model was trained with for questions.
const QUERY_PREFIX: &str = "query: ";
/// Prefix the model was trained with for the texts searched.
const PASSAGE_PREFIX: &str = "passage: ";
/// Most sequences encoded in one forward pass by [`Encoder::encode_passages`].
const BATCH_SEQUENCES: usize = 16;
/// Most tokens (sequences × longest) in one forward pass, which bounds memory.
const BATCH_TOKENS: usize = 2048;

/// Question vectors kept in memory by default (1.5 KB each): a repeated question, a "More"
/// button or an eval run over several settings is not encoded again.
pub const QUERY_MEMO: usize = 1024;

/// The files of a model folder (`models/multilingual-e5-small/`).
const FILES: [&str; 3] = ["config.json", "tokenizer.json", "model.safetensors"];

/// multilingual-e5-small, loaded from a folder written by `tools/convert_e5.py`.
///
/// Vectors are `dim()` (384) f32 values with unit L2 norm, so the cosine of two of them
/// is their dot product. Input longer than 512 tokens (with `<s>`, `</s>` and the prefix)
/// is truncated. Computation uses candle's CPU backend and as many threads as rayon
/// (`RAYON_NUM_THREADS`, else all cores).
///
/// ```
/// use article_qa::embed::{Encoder, cosine};
/// # fn main() -> Result<(), article_qa::embed::EmbedError> {
/// let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models/multilingual-e5-small");
/// let encoder = Encoder::load(&dir)?;
/// let question = encoder.encode_query("Кто возглавлял российскую делегацию?")?;
/// let sentences = encoder.encode_passages(&["The delegation was led by Mikhail Bogdanov.", "It rained."])?;
/// assert_eq!(question.len(), 384);
/// assert!(cosine(&question, &sentences[0]) > cosine(&question, &sentences[1]));
/// # Ok(())
/// # }
/// ```
pub struct Encoder {
    tokenizer: Tokenizer,
    bert: Bert,
    fingerprint: [u8; 32],
    /// The vectors of recent questions, by question text.
    queries: Mutex<LruCache<String, Vec<f32>>>,
}

impl Encoder {
    /// Loads `config.json`, `tokenizer.json` and `model.safetensors` from `dir`.
    ///
    /// The 4-bit layer weights are dequantized to f32 (about 85 MB); the token-embedding
    /// table stays packed (about 36 MB). Errors: a missing or unreadable file
    /// ([`EmbedError::Read`]), an invalid file or a tensor whose shape does not match the
    /// configuration, or a tokenizer whose vocabulary does not match the table.
    pub fn load(dir: &Path) -> Result<Self> {
        let [config, tokenizer, model] = FILES.map(|name| read(&dir.join(name)));
        let (config, tokenizer, model) = (config?, tokenizer?, model?);
        let fingerprint = fingerprint(&[&config, &tokenizer, &model]);
        let cfg: Config = serde_json::from_slice(&config)?;
        let tokenizer = Tokenizer::from_json(&tokenizer)?;
        let vocab = tokenizer.vocab_size();
        if vocab != cfg.vocab_size {
            let problem = format!(
                "the tokenizer has {vocab} tokens, the table {} rows",
                cfg.vocab_size
            );
            return Err(EmbedError::tensor("embeddings.word_embeddings", problem));
        }
        let bert = Bert::read(&SafeTensors::deserialize(&model)?, cfg)?;
        let memo = NonZeroUsize::new(QUERY_MEMO).unwrap_or(NonZeroUsize::MIN);
        Ok(Self {
            tokenizer,
            bert,
            fingerprint,
            queries: Mutex::new(LruCache::new(memo)),
        })
    }

    /// Width of every vector (384).
    pub fn dim(&self) -> usize {
        self.bert.config().hidden_size
    }

    /// SHA-256 of the three model files, for keying caches of vectors.
    pub fn fingerprint(&self) -> &[u8; 32] {
        &self.fingerprint
    }

    /// The token ids the model sees for `text` as a query or passage: `<s>`, the prefix
    /// and the trimmed text, `</s>`, at most 512.
    pub fn token_ids(&self, text: &str, query: bool) -> Result<Vec<u32>> {
        self.tokenize(if query { QUERY_PREFIX } else { PASSAGE_PREFIX }, text)
    }

    /// Number of [`Encoder::token_ids`].
    pub fn token_count(&self, text: &str, query: bool) -> Result<usize> {
        Ok(self.token_ids(text, query)?.len())
    }

    /// Share (0..=1) of the words of `text` the model's vocabulary cannot spell (they hold
    /// a character no token covers): near 1 for a language in a script the shipped
    /// vocabulary leaves out (Hebrew, Chinese), whose vectors mean nothing. Errors as
    /// [`Encoder::encode_query`].
    pub fn unknown_share(&self, text: &str) -> Result<f32> {
        self.tokenizer.unknown_share(text)
    }

    /// The vector of a question (`"query: "` prefix), `dim()` values, unit length.
    ///
    /// Any text is accepted (empty, emoji, right-to-left, control characters). Errors
    /// only on a tokenizer or computation failure, which a loaded model does not produce.
    /// Recent questions' vectors are remembered ([`QUERY_MEMO`]), so asking again costs a
    /// lookup.
    pub fn encode_query(&self, question: &str) -> Result<Vec<f32>> {
        if let Some(v) = self.memo().get(question) {
            return Ok(v.clone());
        }
        let ids = self.tokenize(QUERY_PREFIX, question)?;
        let mut out = self.bert.pooled(&[ids])?;
        let v = normalized(out.pop().unwrap_or_default());
        self.memo().put(question.to_string(), v.clone());
        Ok(v)
    }

    /// Keeps up to `capacity` question vectors in memory from now on (at least one).
    pub fn set_query_memo(&self, capacity: usize) {
        let capacity = NonZeroUsize::new(capacity).unwrap_or(NonZeroUsize::MIN);
        self.memo().resize(capacity);
    }

    /// The remembered question vectors, least recent first (for saving them, see
    /// [`crate::embed::cache::save_queries`]).
    pub fn remembered_queries(&self) -> Vec<(String, Vec<f32>)> {
        let memo = self.memo();
        memo.iter()
            .rev()
            .map(|(q, v)| (q.clone(), v.clone()))
            .collect()
    }

    /// Remembers question vectors computed earlier by this model (see
    /// [`crate::embed::cache::load_queries`]); vectors of another width are ignored.
    pub fn remember_queries(&self, entries: Vec<(String, Vec<f32>)>) {
        let dim = self.dim();
        let mut memo = self.memo();
        for (q, v) in entries.into_iter().filter(|(_, v)| v.len() == dim) {
            memo.put(q, v);
        }
    }

    fn memo(&self) -> std::sync::MutexGuard<'_, LruCache<String, Vec<f32>>> {
        self.queries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The vectors of the sentences searched (`"passage: "` prefix), one per sentence, in
    /// order. Sentences are batched by similar length (at most 16 a pass), so a long one
    /// does not pad the rest. Errors as [`Encoder::encode_query`].
    pub fn encode_passages(&self, sentences: &[&str]) -> Result<Vec<Vec<f32>>> {
        let ids = sentences
            .iter()
            .map(|s| self.tokenize(PASSAGE_PREFIX, s))
            .collect::<Result<Vec<_>>>()?;
        let mut order: Vec<usize> = (0..ids.len()).collect();
        order.sort_by_key(|&i| ids[i].len());
        let mut out = vec![Vec::new(); ids.len()];
        let mut start = 0;
        while start < order.len() {
            let end = batch_end(&order, &ids, start);
            let batch: Vec<Vec<u32>> = order[start..end].iter().map(|&i| ids[i].clone()).collect();
            for (&i, v) in order[start..end].iter().zip(self.bert.pooled(&batch)?) {
                out[i] = normalized(v);
            }
            start = end;
        }
        Ok(out)
    }

    /// Token ids of `prefix + text.trim()` with `<s>` and `</s>`, truncated to the model's
    /// positions.
    fn tokenize(&self, prefix: &str, text: &str) -> Result<Vec<u32>> {
        let input = format!("{prefix}{}", text.trim());
        self.tokenizer
            .encode(&input, self.bert.config().max_position_embeddings)
    }
}

/// End of the batch that starts at `order[start]` (lengths ascending): at most
/// [`BATCH_SEQUENCES`] sequences and [`BATCH_TOKENS`] padded tokens, at least one.
fn batch_end(order: &[usize], ids: &[Vec<u32>], start: usize) -> usize {
    let mut end = start + 1;
    while end < order.len() && end - start < BATCH_SEQUENCES {
        let longest = ids[order[end]].len();
        if longest * (end + 1 - start) > BATCH_TOKENS {
            break;
        }
        end += 1;
    }
    end
}

/// Cosine similarity of two vectors of equal length; 0 when either is all zeros.
///
/// For the unit vectors [`Encoder`] returns this equals their dot product, in −1..=1.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na: f32 = a.iter().map(|x| x * x).sum::<f32>().sqrt();
    let nb: f32 = b.iter().map(|x| x * x).sum::<f32>().sqrt();
    if na == 0.0 || nb == 0.0 {
        0.0
    } else {
        dot / (na * nb)
    }
}

fn normalized(mut v: Vec<f32>) -> Vec<f32> {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
    v.iter_mut().for_each(|x| *x /= norm);
    v
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|source| EmbedError::Read {
        path: PathBuf::from(path),
        source,
    })
}

fn fingerprint(files: &[&[u8]]) -> [u8; 32] {
    let mut hash = Sha256::new();
    for bytes in files {
        hash.update((bytes.len() as u64).to_le_bytes());
        hash.update(bytes);
    }
    hash.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cosine_of_zero_vector_is_zero() {
        assert_eq!(cosine(&[0.0, 0.0], &[1.0, 0.0]), 0.0);
        assert!((cosine(&[1.0, 1.0], &[2.0, 2.0]) - 1.0).abs() < 1e-6);
    }

    #[test]
    fn batches_respect_both_limits() {
        let ids: Vec<Vec<u32>> = [3, 3, 3, 1500, 1500].iter().map(|&n| vec![0; n]).collect();
        let order: Vec<usize> = (0..ids.len()).collect();
        assert_eq!(batch_end(&order, &ids, 0), 3); // 4 × 1500 > 2048
        assert_eq!(batch_end(&order, &ids, 3), 4); // 2 × 1500 > 2048
        let many: Vec<Vec<u32>> = vec![vec![0; 2]; 40];
        let order: Vec<usize> = (0..many.len()).collect();
        assert_eq!(batch_end(&order, &many, 0), BATCH_SEQUENCES);
    }
}
