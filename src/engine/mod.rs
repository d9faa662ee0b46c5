//! Engine layer: the answer value types, [`Engine::answer`] and [`Engine::converse`], the FAQ
//! rules, conversation context and explanations. May use [`crate::text`], [`crate::corpus`] and
//! [`crate::search`]; no front-end crate (teloxide, clap, tokio, reqwest, redis, anyhow).
pub mod answer;
pub mod conversation;
pub mod explain;
pub mod faq;
pub mod index_cache;
pub mod meaning;
pub mod qa;

pub use answer::{Abstention, Answer, FaqAnswer, Quote};
pub use qa::Engine;
