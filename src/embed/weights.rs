//! Reading `model.safetensors`: F32 tensors as they are and Q4_0 matrices, which are
//! dequantized at load (layers) or kept packed and dequantized a row at a time (the
//! token-embedding table).
//!
//! A Q4_0 matrix `name` of `rows × cols` weights is stored as `name.q4` (U8, `rows ×
//! cols/2`) and `name.scale` (F16, `rows × cols/32`). In each block of 32 weights, byte
//! `j` of the block's 16 bytes holds weight `j` in its low nibble and weight `j + 16` in
//! its high nibble, and weight = (nibble − 8) × scale (`tools/convert_e5.py`).

use half::f16;
use safetensors::{Dtype, SafeTensors, tensor::TensorView};

use super::error::{EmbedError, Result};

/// Weights per quantization block.
const BLOCK: usize = 32;

/// A Q4_0 matrix kept packed: `rows × cols` weights in `rows × cols/2` bytes plus one
/// scale per 32 weights.
pub struct PackedMatrix {
    rows: usize,
    cols: usize,
    nibbles: Vec<u8>,
    scales: Vec<f16>,
}

impl PackedMatrix {
    /// Reads `name.q4` and `name.scale`; `rows`/`cols` are the expected shape in weights.
    pub fn read(st: &SafeTensors, name: &str, rows: usize, cols: usize) -> Result<Self> {
        if !cols.is_multiple_of(BLOCK) {
            return Err(EmbedError::tensor(
                name,
                format!("{cols} columns, not a multiple of {BLOCK}"),
            ));
        }
        let q4 = view(st, &format!("{name}.q4"), Dtype::U8, &[rows, cols / 2])?;
        let sc = view(
            st,
            &format!("{name}.scale"),
            Dtype::F16,
            &[rows, cols / BLOCK],
        )?;
        let scales = sc
            .data()
            .chunks_exact(2)
            .map(|b| f16::from_le_bytes([b[0], b[1]]))
            .collect();
        Ok(Self {
            rows,
            cols,
            nibbles: q4.data().to_vec(),
            scales,
        })
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Writes row `row` as `cols` f32 weights into `out` (`out.len() == cols`).
    pub fn row_into(&self, row: usize, out: &mut [f32]) {
        let bytes = &self.nibbles[row * self.cols / 2..(row + 1) * self.cols / 2];
        let scales = &self.scales[row * self.cols / BLOCK..(row + 1) * self.cols / BLOCK];
        for ((block, scale), dst) in bytes
            .chunks_exact(BLOCK / 2)
            .zip(scales)
            .zip(out.chunks_exact_mut(BLOCK))
        {
            let d = scale.to_f32();
            let (low, high) = dst.split_at_mut(BLOCK / 2);
            for ((byte, lo), hi) in block.iter().zip(low).zip(high) {
                *lo = (f32::from(byte & 0x0F) - 8.0) * d;
                *hi = (f32::from(byte >> 4) - 8.0) * d;
            }
        }
    }

    /// The whole matrix as row-major f32, `rows × cols`.
    pub fn dequantize(&self) -> Vec<f32> {
        let mut out = vec![0.0; self.rows * self.cols];
        for (row, dst) in out.chunks_exact_mut(self.cols).enumerate() {
            self.row_into(row, dst);
        }
        out
    }
}

/// An F32 tensor of the given shape, as a flat vector.
pub fn read_f32(st: &SafeTensors, name: &str, shape: &[usize]) -> Result<Vec<f32>> {
    let v = view(st, name, Dtype::F32, shape)?;
    Ok(v.data()
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect())
}

fn view<'a>(
    st: &'a SafeTensors,
    name: &str,
    dtype: Dtype,
    shape: &[usize],
) -> Result<TensorView<'a>> {
    let v = st
        .tensor(name)
        .map_err(|_| EmbedError::tensor(name, "missing"))?;
    if v.dtype() != dtype || v.shape() != shape {
        let problem = format!(
            "is {:?} {:?}, expected {dtype:?} {shape:?}",
            v.dtype(),
            v.shape()
        );
        return Err(EmbedError::tensor(name, problem));
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unpacks_low_nibbles_first_then_high() {
        // One 32-weight row: byte j = (j+16 → high nibble 15, j → low nibble j % 16).
        let nibbles: Vec<u8> = (0..16u8).map(|j| j | 0xF0).collect();
        let m = PackedMatrix {
            rows: 1,
            cols: 32,
            nibbles,
            scales: vec![f16::from_f32(0.5)],
        };
        let mut row = [0.0; 32];
        m.row_into(0, &mut row);
        assert_eq!(row[0], -4.0); // (0 - 8) * 0.5
        assert_eq!(row[15], 3.5); // (15 - 8) * 0.5
        assert_eq!(row[16], 3.5); // high nibble of byte 0
        assert_eq!(m.dequantize(), row.to_vec());
    }
}
