//! The form index behind related and fuzzy matching: hashes of every word one derivational
//! ending longer or shorter than an index word, and of every stem and surface form with one
//! character deleted, so a question word finds its candidates without a vocabulary scan or a
//! per-key allocation.
//!
//! It records every form, of any length; how short a word may be to take part is the
//! matcher's decision at question time ([`crate::search::params::Params`]), so one index
//! serves any parameters.

/// Endings that make two words one family: `syria`+`n`, `interven`+`t`, `nation`+`al`.
const RELATED_ENDINGS: &[&str] = &[
    "n", "an", "ian", "i", "ic", "al", "ial", "t", "ist", "ism", "e",
];

/// The hashed forms of an index's vocabulary; terms are the index's term numbers.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct FormIndex {
    /// Hash of a word one ending longer or shorter than an index word → (the index word's
    /// term, length in bytes of the shorter of the two words).
    relatives: HashIndex<u64, (u32, u32)>,
    /// Hash (folded to 32 bits) of every alphabetic stem and surface form and of it with one
    /// character deleted → its term.
    deletes: HashIndex<u32, u32>,
}

impl FormIndex {
    /// Builds the index from the vocabulary: `words` are every stem and surface form with
    /// its term. Deletions are keyed for surface forms too, since a typo keeps a word from
    /// being stemmed like the word it misspells ("presidnet" stays whole while "president"
    /// becomes `presid`).
    pub fn build<'a>(words: impl Iterator<Item = (&'a str, u32)>) -> Self {
        let words: Vec<(&str, u32)> = words.collect();
        let mut deletes = Vec::new();
        for &(word, id) in &words {
            if word.chars().all(char::is_alphabetic) {
                deletes.push((fold(hash_skipping(word, usize::MAX)), id));
                deletes.extend(
                    word.char_indices()
                        .map(|(i, _)| (fold(hash_skipping(word, i)), id)),
                );
            }
        }
        let mut relatives = Vec::new();
        for &(word, term) in words.iter().filter(|(w, _)| is_plain(w)) {
            for ending in RELATED_ENDINGS {
                // The question says `word + ending`: `word` is its shorter relative.
                let longer = hash_bytes(word.bytes().chain(ending.bytes()));
                relatives.push((longer, (term, word.len() as u32)));
                // The question says `word - ending`: `word` is its longer relative.
                if let Some(base) = word.strip_suffix(ending)
                    && !base.is_empty()
                {
                    relatives.push((hash_bytes(base.bytes()), (term, base.len() as u32)));
                }
            }
        }
        Self {
            relatives: HashIndex::new(relatives),
            deletes: HashIndex::new(deletes),
        }
    }

    /// Terms one derivational ending apart from `word`, with the length in bytes of the
    /// shorter word of each pair, ordered by term. Only plain lower-case ASCII words take
    /// part (others find nothing).
    pub fn relatives(&self, word: &str) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.relatives.get(hash_bytes(word.bytes()))
    }

    /// Terms that share a key with one of `words` (the word itself or one of its
    /// one-character deletions): every term with a stem or surface form within one edit of
    /// one of them, plus some further ones and hash collisions to check; sorted, once each.
    pub fn fuzzy_candidates(&self, words: &[&str]) -> Vec<u32> {
        let mut candidates: Vec<u32> = Vec::new();
        for word in words {
            let keys = std::iter::once(usize::MAX).chain(word.char_indices().map(|(i, _)| i));
            for key in keys.map(|skip| fold(hash_skipping(word, skip))) {
                candidates.extend(self.deletes.get(key));
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        candidates
    }
}

/// True for a word that takes part in related matching: plain lower-case ASCII letters.
pub fn is_plain(word: &str) -> bool {
    !word.is_empty() && word.bytes().all(|b| b.is_ascii_lowercase())
}

/// A 64-bit hash of `word` with the character starting at byte `skip` left out (none when
/// `skip` is past the end), computed byte by byte so equal strings hash alike however they
/// were formed.
fn hash_skipping(word: &str, skip: usize) -> u64 {
    let skipped = word
        .get(skip..)
        .and_then(|rest| rest.chars().next())
        .map_or(0, char::len_utf8);
    let kept = word
        .bytes()
        .enumerate()
        .filter(|&(i, _)| i < skip || i >= skip + skipped);
    hash_bytes(kept.map(|(_, b)| b))
}

/// A hash a [`HashIndex`] is keyed by; its bucket is its top bits.
trait Key: Copy + Ord + std::fmt::Debug {
    /// Width in bits.
    const BITS: u32;
    /// The key shifted right by `shift` bits: its bucket.
    fn bucket(self, shift: u32) -> usize;
}

impl Key for u64 {
    const BITS: u32 = 64;
    fn bucket(self, shift: u32) -> usize {
        (self >> shift) as usize
    }
}

impl Key for u32 {
    const BITS: u32 = 32;
    fn bucket(self, shift: u32) -> usize {
        (self >> shift) as usize
    }
}

/// A 64-bit hash folded to 32 bits, for keys whose hits are checked anyway (fuzzy
/// candidates are compared letter by letter), at half the room.
fn fold(hash: u64) -> u32 {
    (hash ^ (hash >> 32)) as u32
}

/// A multimap from hashes to values: entries sorted by hash, with a table of where each
/// bucket (the hash's top bits) starts, so a look-up reads one small run.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct HashIndex<K, T> {
    entries: Vec<(K, T)>,
    starts: Vec<u32>,
    shift: u32,
}

impl<K, T> Default for HashIndex<K, T> {
    fn default() -> Self {
        Self {
            entries: Vec::new(),
            starts: Vec::new(),
            shift: 0,
        }
    }
}

impl<K: Key, T: Copy + Ord> HashIndex<K, T> {
    fn new(mut entries: Vec<(K, T)>) -> Self {
        entries.sort_unstable();
        entries.dedup();
        entries.shrink_to_fit();
        let bits = (entries.len() / 4)
            .max(2)
            .next_power_of_two()
            .trailing_zeros();
        let shift = K::BITS - bits;
        let mut starts = vec![0u32; (1usize << bits) + 1];
        for &(hash, _) in &entries {
            starts[hash.bucket(shift) + 1] += 1;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        Self {
            entries,
            starts,
            shift,
        }
    }

    fn get(&self, key: K) -> impl Iterator<Item = T> + '_ {
        let bucket = if self.starts.is_empty() {
            0
        } else {
            key.bucket(self.shift)
        };
        let range = match (self.starts.get(bucket), self.starts.get(bucket + 1)) {
            (Some(&a), Some(&b)) => a as usize..b as usize,
            _ => 0..0,
        };
        self.entries[range]
            .iter()
            .filter(move |e| e.0 == key)
            .map(|e| e.1)
    }
}

/// FNV-1a over bytes, so a string hashes alike however its bytes were put together.
fn hash_bytes(bytes: impl Iterator<Item = u8>) -> u64 {
    bytes.fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}
