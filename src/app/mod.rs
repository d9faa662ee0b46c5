//! Application layer (front ends): the command line, configuration, the console chat, `ask`
//! and `eval`, the unanswered-question log, logging and the Telegram bot. The only layer that
//! uses teloxide, clap, tokio, reqwest, redis or anyhow; it may use every layer to its left.
pub mod cli;
pub mod config;
pub mod console;
pub mod eval;
pub mod logging;
pub mod setup;
pub mod telegram;
pub mod turns;
pub mod unanswered;
