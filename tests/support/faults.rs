//! Faults the fake Bot API can inject into its next answer to a method: Bot API errors
//! (429, 403, 409…) and a connection broken mid-answer.

#![allow(dead_code)]

use serde_json::{Value, json};

/// A fault to inject into the next call of a method.
#[derive(Debug, Clone)]
pub enum Fault {
    /// Answer with this HTTP status and Bot API error body.
    Status(u16, Value),
    /// Send headers, then break the connection mid-body.
    Drop,
}

impl Fault {
    /// 429 Too Many Requests with `retry_after` seconds.
    pub fn flood(retry_after: u64) -> Self {
        Fault::Status(
            429,
            json!({"ok": false, "error_code": 429, "description": format!("Too Many Requests: retry after {retry_after}"), "parameters": {"retry_after": retry_after}}),
        )
    }

    /// 403: the user blocked the bot.
    pub fn blocked() -> Self {
        Fault::Status(
            403,
            json!({"ok": false, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}),
        )
    }

    /// 409: another instance is polling.
    pub fn conflict() -> Self {
        Fault::Status(
            409,
            json!({"ok": false, "error_code": 409, "description": "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"}),
        )
    }
}
