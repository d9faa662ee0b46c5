//! article-qa: answers questions about news articles by quoting their own sentences.
//!
//! Layers, each a folder, with dependencies in one direction (a layer uses only those before
//! it): [`text`] → [`corpus`] → [`embed`] → [`search`] → [`engine`] → [`chat`] → [`app`].
//!
//! The core is Telegram-free: [`Engine::answer`] turns a question into an [`Answer`] (the
//! article's sentences, a FAQ answer, or an abstention); the console chat, the `ask` command
//! and the Telegram bot in [`app`] only render it.
//!
//! The crate's API is the engine's: [`Engine`], [`Answer`] and its parts, [`Corpus`]. The layer
//! modules stay public for those who need more: the binary ([`app::run`]), the integration
//! tests and benchmarks ([`corpus`], [`search::params::Params`], [`engine`], [`chat`], [`app`]'s
//! config, eval and Telegram pieces) and the doctests ([`text`]); inside each layer only what
//! those use is public.
pub mod app;
pub mod chat;
pub mod corpus;
pub mod embed;
pub mod engine;
pub mod search;
pub mod text;

pub use corpus::Corpus;
pub use engine::{Abstention, Answer, Engine, FaqAnswer, Quote};
