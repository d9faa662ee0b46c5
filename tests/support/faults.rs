//! Faults the fake Bot API can inject into its next answer to a method: Bot API errors
//! (429, 400 can't-parse and migrated-group, 403, 409, 5xx…), an answer broken off after its
//! status, an answer that never ends, a connection closed with no answer at all, and odd answers (an empty batch at
//! once, a `result` teloxide cannot read).

#![allow(dead_code)]

use serde_json::{Value, json};

/// A fault to inject into the next call of a method.
#[derive(Debug, Clone)]
pub enum Fault {
    /// Answer with this HTTP status and Bot API error body.
    Status(u16, Value),
    /// Send the status (200) and headers, then break the connection mid-body.
    Drop,
    /// Close the connection without answering.
    Close,
    /// Send the status (200) and headers, then nothing more, ever.
    Hang,
}

impl Fault {
    /// 429 Too Many Requests with `retry_after` seconds.
    pub fn flood(retry_after: u64) -> Self {
        Fault::Status(
            429,
            json!({"ok": false, "error_code": 429, "description": format!("Too Many Requests: retry after {retry_after}"), "parameters": {"retry_after": retry_after}}),
        )
    }

    /// 200 with no updates, at once (a poll that got through).
    pub fn no_updates() -> Self {
        Fault::Status(200, json!({"ok": true, "result": []}))
    }

    /// 200 whose `result` teloxide cannot read, holding `text`.
    pub fn unreadable(text: &str) -> Self {
        Fault::Status(200, json!({"ok": true, "result": text}))
    }

    /// 403: the bot was removed from the group.
    pub fn kicked() -> Self {
        Fault::Status(
            403,
            json!({"ok": false, "error_code": 403, "description": "Forbidden: bot was kicked from the group chat"}),
        )
    }

    /// 403: the bot may not write in the chat (an admin took its rights).
    pub fn no_rights() -> Self {
        Fault::Status(
            403,
            json!({"ok": false, "error_code": 403, "description": "Forbidden: not enough rights to send text messages to the chat"}),
        )
    }

    /// 400: the forum topic is gone.
    pub fn thread_not_found() -> Self {
        Fault::Status(
            400,
            json!({"ok": false, "error_code": 400, "description": "Bad Request: message thread not found"}),
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

    /// 409: a webhook is set, so `getUpdates` is refused.
    pub fn webhook_active() -> Self {
        Fault::Status(
            409,
            json!({"ok": false, "error_code": 409, "description": "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"}),
        )
    }

    /// 400: Telegram cannot parse the message's HTML.
    pub fn cant_parse() -> Self {
        Fault::Status(
            400,
            json!({"ok": false, "error_code": 400, "description": "Bad Request: can't parse entities: Unsupported start tag \"br\" at byte offset 12"}),
        )
    }

    /// 400: the group was upgraded to the supergroup `to`.
    pub fn migrated(to: i64) -> Self {
        Fault::Status(
            400,
            json!({"ok": false, "error_code": 400, "description": "Bad Request: group chat was upgraded to a supergroup chat", "parameters": {"migrate_to_chat_id": to}}),
        )
    }

    /// A 5xx from the Bot API (`502 Bad Gateway`, `500 Internal Server Error`…).
    pub fn server(status: u16) -> Self {
        let reason = axum::http::StatusCode::from_u16(status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("Server Error");
        Fault::Status(
            status,
            json!({"ok": false, "error_code": status, "description": reason}),
        )
    }
}
