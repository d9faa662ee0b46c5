//! article-qa: answers questions about news articles by quoting their own sentences.
//!
//! The core is Telegram-free: [`answer::Engine::answer`] turns a question into an
//! [`answer::Answer`] (the article's sentences, a FAQ answer, or an abstention); the console
//! chat, the `ask` command and the Telegram bot only render it with [`reply`].
pub mod analyze;
pub mod answer;
pub mod article;
pub mod buttons;
pub mod chat;
pub mod cli;
pub mod config;
pub mod console;
pub mod conversation;
pub mod error;
pub mod eval;
pub mod explain;
pub mod faq;
pub mod index;
pub mod logging;
pub mod query;
pub mod reply;
pub mod retrieve;
pub mod setup;
pub mod store;
pub mod telegram;
pub mod thesaurus;
pub mod unanswered;
pub mod words;
