//! The bot's Prometheus metrics (the `prometheus` crate's default registry), served as text
//! on `GET /metrics` by [`super::service`]: updates received by kind, answers by source,
//! answer latency, Bot API errors by code, retries, updates waiting and Redis errors.

use std::sync::LazyLock;

use prometheus::{
    Encoder as _, Histogram, HistogramOpts, IntCounter, IntCounterVec, IntGauge, Opts, TextEncoder,
    register_histogram, register_int_counter, register_int_counter_vec, register_int_gauge,
};

/// Updates received (polled or posted to the webhook), by kind: `message`,
/// `callback_query`, `edited_message`…, `unreadable` for one that could not be read.
pub static UPDATES: LazyLock<IntCounterVec> = LazyLock::new(|| {
    register_int_counter_vec!(
        Opts::new(
            "article_qa_updates_received_total",
            "Updates received, by kind"
        ),
        &["kind"]
    )
    .expect("a new metric")
});

/// Questions and commands answered, by where the answer came from: `article`, `faq`, `none`
/// (the article does not say) or `text` (a command's reply).
pub static ANSWERS: LazyLock<IntCounterVec> = LazyLock::new(|| {
    register_int_counter_vec!(
        Opts::new("article_qa_answers_total", "Answers sent, by source"),
        &["source"]
    )
    .expect("a new metric")
});

/// Seconds from taking up a question to its reply sent.
pub static ANSWER_SECONDS: LazyLock<Histogram> = LazyLock::new(|| {
    register_histogram!(
        HistogramOpts::new(
            "article_qa_answer_duration_seconds",
            "Seconds from taking up a question to its reply sent"
        )
        .buckets(vec![
            0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
        ])
    )
    .expect("a new metric")
});

/// Bot API calls that failed, by HTTP status (`network` when none came back).
pub static API_ERRORS: LazyLock<IntCounterVec> = LazyLock::new(|| {
    register_int_counter_vec!(
        Opts::new(
            "article_qa_bot_api_errors_total",
            "Failed Bot API calls, by status code"
        ),
        &["code"]
    )
    .expect("a new metric")
});

/// Messages sent again after a failure (a 429 waited out, a 5xx or network error, HTML
/// refused and resent as plain text, a chat migrated).
pub static RETRIES: LazyLock<IntCounter> = LazyLock::new(|| {
    register_int_counter!(
        "article_qa_send_retries_total",
        "Messages sent again after a failure"
    )
    .expect("a new metric")
});

/// Updates received and not yet taken up by their chat's handler.
pub static QUEUED: LazyLock<IntGauge> = LazyLock::new(|| {
    register_int_gauge!(
        "article_qa_updates_queued",
        "Updates received and not yet taken up by a handler"
    )
    .expect("a new metric")
});

/// Updates in the Redis stream delivered to a replica and not yet acknowledged (all
/// replicas), as last read.
pub static PENDING: LazyLock<IntGauge> = LazyLock::new(|| {
    register_int_gauge!(
        "article_qa_stream_pending",
        "Updates in the Redis stream delivered and not yet acknowledged"
    )
    .expect("a new metric")
});

/// Redis commands that failed (stream, de-duplication and context store).
pub static REDIS_ERRORS: LazyLock<IntCounter> = LazyLock::new(|| {
    register_int_counter!("article_qa_redis_errors_total", "Failed Redis commands")
        .expect("a new metric")
});

/// The Content-Type of [`render`]'s text.
pub const CONTENT_TYPE: &str = prometheus::TEXT_FORMAT;

/// Every metric in Prometheus' text format (version 0.0.4).
pub fn render() -> String {
    // Series with labels appear once used; these are known from the start.
    for kind in ["message", "callback_query"] {
        UPDATES.with_label_values(&[kind]);
    }
    for source in ["article", "faq", "none"] {
        ANSWERS.with_label_values(&[source]);
    }
    LazyLock::force(&ANSWER_SECONDS);
    LazyLock::force(&API_ERRORS);
    LazyLock::force(&RETRIES);
    LazyLock::force(&QUEUED);
    LazyLock::force(&PENDING);
    LazyLock::force(&REDIS_ERRORS);
    let mut out = Vec::new();
    if TextEncoder::new()
        .encode(&prometheus::gather(), &mut out)
        .is_err()
    {
        return String::new();
    }
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_show_in_the_text_format() {
        UPDATES.with_label_values(&["message"]).inc();
        ANSWERS.with_label_values(&["faq"]).inc();
        ANSWER_SECONDS.observe(0.004);
        let text = render();
        assert!(text.contains("article_qa_updates_received_total{kind=\"message\"}"));
        assert!(text.contains("article_qa_answers_total{source=\"faq\"}"));
        assert!(text.contains("article_qa_answers_total{source=\"none\"} 0"));
        assert!(text.contains("article_qa_answer_duration_seconds_bucket{le=\"0.005\"}"));
        assert!(text.contains("# TYPE article_qa_stream_pending gauge"));
    }
}
