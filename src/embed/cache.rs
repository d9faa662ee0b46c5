//! A disk cache of an article's sentence vectors, so a restart does not re-encode them.
//!
//! One file per (model, sentences) pair, named by the first 16 hex digits of its key, the
//! SHA-256 of the model's fingerprint and every sentence (length-prefixed). The file is
//! read in one call and trusted only when its magic, key, length and trailing SHA-256
//! all check out; otherwise the vectors are recomputed and the file rewritten (through a
//! temporary file and a rename, so a crash never leaves half a file under the name).
//!
//! Layout (little-endian): `AQEVEC01` · key (32 bytes) · count u32 · dim u32 ·
//! count × dim f32 · SHA-256 of everything before it (32 bytes).
//!
//! Question vectors ([`save_queries`], for eval runs that ask the same questions again)
//! go to one file per model, `queries-<fingerprint>.vec`: `AQEQRY01` · model fingerprint
//! (32 bytes) · count u32 · dim u32 · count × (text length u32 · text · dim f32) · SHA-256.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::encoder::Encoder;
use super::error::Result;

const MAGIC: &[u8; 8] = b"AQEVEC01";
const QUERIES_MAGIC: &[u8; 8] = b"AQEQRY01";
const HEADER: usize = 8 + 32 + 4 + 4;
const CHECKSUM: usize = 32;

/// Where the vectors returned by [`load_or_encode`] came from.
#[derive(Debug)]
pub enum Outcome {
    /// Read from a valid cache file.
    Hit,
    /// Encoded now (no file, or a corrupt or stale one) and written to the cache.
    Encoded,
    /// Encoded now; writing the cache file failed (the vectors are still right).
    NotSaved(io::Error),
}

/// The sentence vectors of `sentences` (as [`Encoder::encode_passages`]), read from
/// `dir` when a valid file for this model and these sentences is there, else encoded and
/// saved. `dir` is created if missing. Errors only when encoding fails; cache problems
/// fall back to encoding and are reported in the [`Outcome`].
pub fn load_or_encode(
    encoder: &Encoder,
    dir: &Path,
    sentences: &[&str],
) -> Result<(Vec<Vec<f32>>, Outcome)> {
    let key = key(encoder.fingerprint(), sentences);
    let path = file_for(dir, &key);
    if let Some(vectors) = read_valid(&path, &key, sentences.len(), encoder.dim()) {
        return Ok((vectors, Outcome::Hit));
    }
    let vectors = encoder.encode_passages(sentences)?;
    let outcome = match write(&path, &key, &vectors, encoder.dim()) {
        Ok(()) => Outcome::Encoded,
        Err(err) => Outcome::NotSaved(err),
    };
    Ok((vectors, outcome))
}

/// The cache file `dir` would hold for these sentences under the model `fingerprint`.
pub fn path_for(dir: &Path, fingerprint: &[u8; 32], sentences: &[&str]) -> PathBuf {
    file_for(dir, &key(fingerprint, sentences))
}

fn key(fingerprint: &[u8; 32], sentences: &[&str]) -> [u8; 32] {
    let mut hash = Sha256::new();
    hash.update(fingerprint);
    hash.update((sentences.len() as u64).to_le_bytes());
    for s in sentences {
        hash.update((s.len() as u64).to_le_bytes());
        hash.update(s.as_bytes());
    }
    hash.finalize().into()
}

fn file_for(dir: &Path, key: &[u8; 32]) -> PathBuf {
    let name: String = key[..8].iter().map(|b| format!("{b:02x}")).collect();
    dir.join(format!("{name}.vec"))
}

/// The vectors in `path` if it is a complete, uncorrupted file for `key`, `count` × `dim`.
fn read_valid(path: &Path, key: &[u8; 32], count: usize, dim: usize) -> Option<Vec<Vec<f32>>> {
    let bytes = fs::read(path).ok()?;
    if bytes.len() != HEADER + count * dim * 4 + CHECKSUM
        || &bytes[..8] != MAGIC
        || &bytes[8..40] != key
    {
        return None;
    }
    let (body, sum) = bytes.split_at(bytes.len() - CHECKSUM);
    let stored = (u32_at(body, 40), u32_at(body, 44));
    if stored != (count as u32, dim as u32) || Sha256::digest(body).as_slice() != sum {
        return None;
    }
    let floats: Vec<f32> = body[HEADER..]
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    Some(
        floats
            .chunks_exact(dim.max(1))
            .map(<[f32]>::to_vec)
            .take(count)
            .collect(),
    )
}

/// Gives `encoder` the question vectors saved in `dir` by [`save_queries`] for this model;
/// returns how many (0 when there is no valid file).
pub fn load_queries(encoder: &Encoder, dir: &Path) -> usize {
    let entries = fs::read(queries_file(encoder, dir))
        .ok()
        .and_then(|bytes| parse_queries(&bytes, encoder.fingerprint(), encoder.dim()))
        .unwrap_or_default();
    let count = entries.len();
    encoder.remember_queries(entries);
    count
}

/// Saves the question vectors `encoder` remembers to `dir`, for [`load_queries`].
///
/// Errors: the folder or file cannot be written.
pub fn save_queries(encoder: &Encoder, dir: &Path) -> io::Result<()> {
    let entries = encoder.remembered_queries();
    let bytes = queries_body(encoder.fingerprint(), encoder.dim(), &entries);
    finish_and_write(&queries_file(encoder, dir), bytes)
}

/// A question-vector file without its checksum.
fn queries_body(fingerprint: &[u8; 32], dim: usize, entries: &[(String, Vec<f32>)]) -> Vec<u8> {
    let mut bytes = Vec::new();
    bytes.extend_from_slice(QUERIES_MAGIC);
    bytes.extend_from_slice(fingerprint);
    bytes.extend_from_slice(&(entries.len() as u32).to_le_bytes());
    bytes.extend_from_slice(&(dim as u32).to_le_bytes());
    for (text, v) in entries {
        bytes.extend_from_slice(&(text.len() as u32).to_le_bytes());
        bytes.extend_from_slice(text.as_bytes());
        v.iter()
            .for_each(|x| bytes.extend_from_slice(&x.to_le_bytes()));
    }
    bytes
}

fn queries_file(encoder: &Encoder, dir: &Path) -> PathBuf {
    let name: String = encoder.fingerprint()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    dir.join(format!("queries-{name}.vec"))
}

/// The entries of a question-vector file, if it is complete and for this model.
fn parse_queries(
    bytes: &[u8],
    fingerprint: &[u8; 32],
    dim: usize,
) -> Option<Vec<(String, Vec<f32>)>> {
    let body_len = bytes.len().checked_sub(CHECKSUM)?;
    let (body, sum) = bytes.split_at(body_len);
    if body.len() < HEADER
        || &body[..8] != QUERIES_MAGIC
        || &body[8..40] != fingerprint
        || u32_at(body, 44) as usize != dim
        || Sha256::digest(body).as_slice() != sum
    {
        return None;
    }
    let mut entries = Vec::new();
    let mut at = HEADER;
    for _ in 0..u32_at(body, 40) {
        let len = u32_at(body.get(at..at.checked_add(4)?)?, 0) as usize;
        let end = at.checked_add(4)?.checked_add(len)?;
        let text = std::str::from_utf8(body.get(at + 4..end)?).ok()?;
        at = end;
        let end = at.checked_add(dim.checked_mul(4)?)?;
        let floats = body.get(at..end)?;
        at = end;
        let v = floats
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        entries.push((text.to_string(), v));
    }
    (at == body.len()).then_some(entries)
}

/// The part of the file at `path` before its trailing SHA-256, when the file is there and
/// the checksum matches (as [`finish_and_write`] wrote it).
pub fn read_checked(path: &Path) -> Option<Vec<u8>> {
    let mut bytes = fs::read(path).ok()?;
    let body_len = bytes.len().checked_sub(CHECKSUM)?;
    if Sha256::digest(&bytes[..body_len]).as_slice() != &bytes[body_len..] {
        return None;
    }
    bytes.truncate(body_len);
    Some(bytes)
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

fn write(path: &Path, key: &[u8; 32], vectors: &[Vec<f32>], dim: usize) -> io::Result<()> {
    let mut bytes = Vec::with_capacity(HEADER + vectors.len() * dim * 4 + CHECKSUM);
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(key);
    bytes.extend_from_slice(&(vectors.len() as u32).to_le_bytes());
    bytes.extend_from_slice(&(dim as u32).to_le_bytes());
    for v in vectors {
        v.iter()
            .for_each(|x| bytes.extend_from_slice(&x.to_le_bytes()));
    }
    finish_and_write(path, bytes)
}

/// Appends the SHA-256 of `bytes` and writes them to `path` through a temporary file.
/// Writes `bytes` and their SHA-256 to `path` (its folder created if missing), through a
/// temporary file and a rename, so a crash never leaves half a file under the name; other
/// caches (the keyword index's) write their files this way too.
///
/// Errors: the folder or file cannot be written.
pub fn finish_and_write(path: &Path, mut bytes: Vec<u8>) -> io::Result<()> {
    let sum = Sha256::digest(&bytes);
    bytes.extend_from_slice(&sum);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    fs::write(&tmp, &bytes)?;
    fs::rename(&tmp, path).inspect_err(|_| {
        let _ = fs::remove_file(&tmp);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<Vec<f32>> {
        vec![vec![0.5, -0.25, 1.0], vec![0.0, 2.0, -1.0]]
    }

    #[test]
    fn round_trips_and_rejects_corruption_and_staleness() {
        let dir = tempfile::tempdir().expect("temp dir");
        let key = key(&[7; 32], &["a", "b"]);
        let path = file_for(dir.path(), &key);
        write(&path, &key, &sample(), 3).expect("write");
        assert_eq!(read_valid(&path, &key, 2, 3), Some(sample()));
        // Another model or other sentences: another key, so no hit.
        assert_eq!(
            read_valid(&path, &super::key(&[8; 32], &["a", "b"]), 2, 3),
            None
        );
        // A flipped byte in the vectors fails the checksum.
        let mut bytes = fs::read(&path).expect("read");
        bytes[HEADER + 1] ^= 0x40;
        fs::write(&path, &bytes).expect("corrupt");
        assert_eq!(read_valid(&path, &key, 2, 3), None);
        // A truncated file fails the length check.
        fs::write(&path, &bytes[..bytes.len() - 5]).expect("truncate");
        assert_eq!(read_valid(&path, &key, 2, 3), None);
    }

    #[test]
    fn question_vectors_round_trip_and_a_damaged_file_is_ignored() {
        let entries = vec![
            ("Кто?".to_string(), vec![0.5, -0.25, 1.0]),
            ("why".to_string(), vec![0.0, 2.0, -1.0]),
        ];
        let mut bytes = queries_body(&[7; 32], 3, &entries);
        bytes.extend_from_slice(&Sha256::digest(&bytes));
        assert_eq!(parse_queries(&bytes, &[7; 32], 3), Some(entries.clone()));
        assert_eq!(parse_queries(&bytes, &[8; 32], 3), None, "another model");
        assert_eq!(parse_queries(&bytes, &[7; 32], 4), None, "another width");
        assert_eq!(parse_queries(&bytes[..bytes.len() - 1], &[7; 32], 3), None);
        let mut flipped = bytes.clone();
        flipped[HEADER + 5] ^= 1;
        assert_eq!(parse_queries(&flipped, &[7; 32], 3), None, "checksum");
        assert_eq!(parse_queries(&[], &[7; 32], 3), None);
        // Well signed but inconsistent inside: one entry more than there is, a text longer
        // than the file, a text that is not UTF-8, bytes left over.
        let signed = |mut body: Vec<u8>| {
            let sum = Sha256::digest(&body);
            body.extend_from_slice(&sum);
            body
        };
        let body = queries_body(&[7; 32], 3, &entries);
        let mut more = body.clone();
        more[40..44].copy_from_slice(&3u32.to_le_bytes());
        let mut long = body.clone();
        long[HEADER..HEADER + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        let mut not_utf8 = body.clone();
        not_utf8[HEADER + 4] = 0xff;
        let mut extra = body.clone();
        extra.push(0);
        for damaged in [more, long, not_utf8, extra] {
            assert_eq!(parse_queries(&signed(damaged), &[7; 32], 3), None);
        }
    }

    #[test]
    fn key_separates_sentence_boundaries() {
        assert_ne!(key(&[0; 32], &["ab", "c"]), key(&[0; 32], &["a", "bc"]));
    }
}
