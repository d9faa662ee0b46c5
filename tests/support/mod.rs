//! Test support: the fake Telegram Bot API (its faults and HTML checks), a handle on the
//! bot process and a small HTTP client for the bot's webhook, and real Redis and nginx servers.

pub mod bot_process;
pub mod fake_telegram;
pub mod faults;
pub mod html;
pub mod http;
pub mod in_process;
pub mod servers;
