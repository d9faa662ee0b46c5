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

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::encoder::Encoder;
use super::error::Result;

const MAGIC: &[u8; 8] = b"AQEVEC01";
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
    fn key_separates_sentence_boundaries() {
        assert_ne!(key(&[0; 32], &["ab", "c"]), key(&[0; 32], &["a", "bc"]));
    }
}
