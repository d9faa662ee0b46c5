//! Test support: the fake Telegram Bot API (its faults and HTML checks) and a handle on the
//! bot process.

pub mod bot_process;
pub mod fake_telegram;
pub mod faults;
pub mod html;
