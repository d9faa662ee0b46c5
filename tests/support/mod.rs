//! Test support: the fake Telegram Bot API and a handle on the bot process.

pub mod bot_process;
pub mod fake_telegram;
