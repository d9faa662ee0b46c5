//! Integration tests, compiled as one binary: the engine's quality floors and regressions,
//! bad input, the command line, and the Telegram bot against a fake Bot API.

mod cli;
mod common;
mod conversation;
mod engine;
mod faq;
mod layers;
mod support;
mod telegram;
