//! article-qa: answers questions about news articles by quoting their own sentences.
//!
//! Layers, each a folder, with dependencies in one direction (a layer uses only those before
//! it): [`text`] → [`corpus`] → [`search`] → [`engine`] → [`chat`] → [`app`].
//!
//! The core is Telegram-free: [`Engine::answer`] turns a question into an [`Answer`] (the
//! article's sentences, a FAQ answer, or an abstention); the console chat, the `ask` command
//! and the Telegram bot in [`app`] only render it.
pub mod app;
pub mod chat;
pub mod corpus;
pub mod embed;
pub mod engine;
pub mod search;
pub mod text;

pub use corpus::Corpus;
pub use engine::{Abstention, Answer, Engine, FaqAnswer, Quote};
