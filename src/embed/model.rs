//! The BERT encoder of multilingual-e5-small written with candle ops: embeddings (token
//! rows dequantized on demand + positions from 0 + token type 0, LayerNorm), then
//! post-norm transformer layers (self-attention, GELU feed-forward), then mean pooling
//! over the real tokens of each sequence.

use candle_core::{DType, Device, Tensor};
use candle_nn::ops::{layer_norm, softmax_last_dim};
use safetensors::SafeTensors;
use serde::Deserialize;

use super::error::{EmbedError, Result};
use super::weights::{PackedMatrix, read_f32};

/// Added to attention scores of padding keys so that softmax gives them no weight.
const MASKED: f32 = -1.0e9;

/// The dimensions read from `config.json` (Hugging Face BERT names).
#[derive(Debug, Clone, Deserialize)]
pub struct Config {
    /// Width of every token vector (384).
    pub hidden_size: usize,
    /// Transformer layers (12).
    pub num_hidden_layers: usize,
    /// Attention heads per layer (12).
    pub num_attention_heads: usize,
    /// Width of the feed-forward layer (1536).
    pub intermediate_size: usize,
    /// Rows of the token-embedding table (the tokenizer's vocabulary size).
    pub vocab_size: usize,
    /// Longest input in tokens, `<s>` and `</s>` included (512).
    pub max_position_embeddings: usize,
    /// Rows of the token-type table (2; only row 0 is used).
    pub type_vocab_size: usize,
    /// LayerNorm epsilon (1e-12).
    pub layer_norm_eps: f64,
}

struct Linear {
    weight: Tensor, // [out, in]
    bias: Tensor,   // [out]
}

impl Linear {
    fn read(st: &SafeTensors, name: &str, out: usize, inp: usize) -> Result<Self> {
        let packed = PackedMatrix::read(st, &format!("{name}.weight"), out, inp)?;
        let weight = Tensor::from_vec(packed.dequantize(), (out, inp), &Device::Cpu)?;
        let bias = Tensor::from_vec(
            read_f32(st, &format!("{name}.bias"), &[out])?,
            out,
            &Device::Cpu,
        )?;
        Ok(Self { weight, bias })
    }

    /// `x`: `[n, in]` → `[n, out]`.
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        Ok(x.matmul(&self.weight.t()?)?.broadcast_add(&self.bias)?)
    }
}

struct Norm {
    weight: Tensor,
    bias: Tensor,
    eps: f32,
}

impl Norm {
    fn read(st: &SafeTensors, name: &str, width: usize, eps: f64) -> Result<Self> {
        let load = |part: &str| -> Result<Tensor> {
            let data = read_f32(st, &format!("{name}.{part}"), &[width])?;
            Ok(Tensor::from_vec(data, width, &Device::Cpu)?)
        };
        Ok(Self {
            weight: load("weight")?,
            bias: load("bias")?,
            eps: eps as f32,
        })
    }

    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        Ok(layer_norm(
            &x.contiguous()?,
            &self.weight,
            &self.bias,
            self.eps,
        )?)
    }
}

struct Layer {
    query: Linear,
    key: Linear,
    value: Linear,
    attn_out: Linear,
    attn_norm: Norm,
    ff_in: Linear,
    ff_out: Linear,
    out_norm: Norm,
}

impl Layer {
    fn read(st: &SafeTensors, cfg: &Config, index: usize) -> Result<Self> {
        let p = format!("encoder.layer.{index}.");
        let (h, ff, eps) = (cfg.hidden_size, cfg.intermediate_size, cfg.layer_norm_eps);
        Ok(Self {
            query: Linear::read(st, &format!("{p}attention.self.query"), h, h)?,
            key: Linear::read(st, &format!("{p}attention.self.key"), h, h)?,
            value: Linear::read(st, &format!("{p}attention.self.value"), h, h)?,
            attn_out: Linear::read(st, &format!("{p}attention.output.dense"), h, h)?,
            attn_norm: Norm::read(st, &format!("{p}attention.output.LayerNorm"), h, eps)?,
            ff_in: Linear::read(st, &format!("{p}intermediate.dense"), ff, h)?,
            ff_out: Linear::read(st, &format!("{p}output.dense"), h, ff)?,
            out_norm: Norm::read(st, &format!("{p}output.LayerNorm"), h, eps)?,
        })
    }

    /// `x`: `[b·l, h]` token vectors; `bias`: `[b, 1, 1, l]` (0 or [`MASKED`]).
    fn forward(&self, x: &Tensor, bias: &Tensor, shape: Shape) -> Result<Tensor> {
        let Shape { batch, len, heads } = shape;
        let width = x.dim(1)?;
        let split = |t: Tensor| -> Result<Tensor> {
            Ok(t.reshape((batch, len, heads, width / heads))?
                .transpose(1, 2)?
                .contiguous()?)
        };
        let q = split(self.query.forward(x)?)?;
        let k = split(self.key.forward(x)?)?;
        let v = split(self.value.forward(x)?)?;
        let scale = 1.0 / ((width / heads) as f64).sqrt();
        let scores = (q.matmul(&k.t()?)? * scale)?.broadcast_add(bias)?;
        let context = softmax_last_dim(&scores)?.matmul(&v)?;
        let context = context
            .transpose(1, 2)?
            .contiguous()?
            .reshape((batch * len, width))?;
        let x = self
            .attn_norm
            .forward(&(x + self.attn_out.forward(&context)?)?)?;
        let mid = self.ff_in.forward(&x)?.gelu_erf()?;
        self.out_norm.forward(&(&x + self.ff_out.forward(&mid)?)?)
    }
}

#[derive(Clone, Copy)]
struct Shape {
    batch: usize,
    len: usize,
    heads: usize,
}

/// The encoder: weights dequantized to f32 at load, except the token-embedding table,
/// which stays packed (4.5 bits a weight) and is dequantized one row per input token.
pub struct Bert {
    cfg: Config,
    word: PackedMatrix,
    position: Vec<f32>,   // [max_position_embeddings, hidden]
    token_type: Vec<f32>, // row 0 of the token-type table, [hidden]
    embed_norm: Norm,
    layers: Vec<Layer>,
}

impl Bert {
    /// Builds the model from the tensors of `model.safetensors`, checking every shape
    /// against `cfg`.
    pub fn read(st: &SafeTensors, cfg: Config) -> Result<Self> {
        let h = cfg.hidden_size;
        if cfg.num_attention_heads == 0 || !h.is_multiple_of(cfg.num_attention_heads) {
            return Err(EmbedError::tensor(
                "config",
                "hidden_size is not a multiple of the heads",
            ));
        }
        let word = PackedMatrix::read(st, "embeddings.word_embeddings.weight", cfg.vocab_size, h)?;
        let position = read_f32(
            st,
            "embeddings.position_embeddings.weight",
            &[cfg.max_position_embeddings, h],
        )?;
        let mut token_type = read_f32(
            st,
            "embeddings.token_type_embeddings.weight",
            &[cfg.type_vocab_size, h],
        )?;
        token_type.truncate(h);
        let embed_norm = Norm::read(st, "embeddings.LayerNorm", h, cfg.layer_norm_eps)?;
        let layers = (0..cfg.num_hidden_layers)
            .map(|i| Layer::read(st, &cfg, i))
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            cfg,
            word,
            position,
            token_type,
            embed_norm,
            layers,
        })
    }

    /// The configuration the model was read with.
    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// Mean-pooled (not yet normalized) vectors, one `hidden_size` vector per sequence.
    ///
    /// `batch`: token ids with `<s>`/`</s>`, each non-empty, at most
    /// `max_position_embeddings` long and below `vocab_size`. Shorter sequences are padded
    /// to the longest; padding is masked out of attention and pooling.
    pub fn pooled(&self, batch: &[Vec<u32>]) -> Result<Vec<Vec<f32>>> {
        let len = batch.iter().map(Vec::len).max().unwrap_or(0);
        if batch.is_empty() || len == 0 {
            return Ok(Vec::new());
        }
        self.check(batch, len)?;
        let h = self.cfg.hidden_size;
        let mask: Vec<f32> = batch
            .iter()
            .flat_map(|ids| (0..len).map(move |t| if t < ids.len() { 1.0 } else { 0.0 }))
            .collect();
        let mask = Tensor::from_vec(mask, (batch.len(), len), &Device::Cpu)?;
        let bias = ((&mask - 1.0)? * f64::from(-MASKED))?.reshape((batch.len(), 1, 1, len))?;
        let mut x = self.embed(batch, len)?;
        let shape = Shape {
            batch: batch.len(),
            len,
            heads: self.cfg.num_attention_heads,
        };
        for layer in &self.layers {
            x = layer.forward(&x, &bias, shape)?;
        }
        let x = x.reshape((batch.len(), len, h))?;
        let summed = x.broadcast_mul(&mask.unsqueeze(2)?)?.sum(1)?;
        let counts = mask.sum_keepdim(1)?;
        Ok(summed
            .broadcast_div(&counts)?
            .to_dtype(DType::F32)?
            .to_vec2()?)
    }

    fn check(&self, batch: &[Vec<u32>], len: usize) -> Result<()> {
        if len > self.cfg.max_position_embeddings {
            return Err(EmbedError::tensor(
                "input",
                format!("{len} tokens, more than the model's positions"),
            ));
        }
        let rows = self.word.rows();
        match batch.iter().flatten().find(|&&id| id as usize >= rows) {
            Some(id) => Err(EmbedError::tensor(
                "input",
                format!("token id {id} outside the vocabulary"),
            )),
            None if batch.iter().any(Vec::is_empty) => {
                Err(EmbedError::tensor("input", "an empty sequence"))
            }
            None => Ok(()),
        }
    }

    /// `[b·len, h]`: token row + position row + token-type row, then LayerNorm.
    fn embed(&self, batch: &[Vec<u32>], len: usize) -> Result<Tensor> {
        let h = self.cfg.hidden_size;
        let mut x = vec![0.0f32; batch.len() * len * h];
        for (ids, seq) in batch.iter().zip(x.chunks_exact_mut(len * h)) {
            for (t, (&id, row)) in ids.iter().zip(seq.chunks_exact_mut(h)).enumerate() {
                self.word.row_into(id as usize, row);
                let pos = &self.position[t * h..(t + 1) * h];
                for ((v, p), ty) in row.iter_mut().zip(pos).zip(&self.token_type) {
                    *v += p + ty;
                }
            }
        }
        let x = Tensor::from_vec(x, (batch.len() * len, h), &Device::Cpu)?;
        self.embed_norm.forward(&x)
    }
}
