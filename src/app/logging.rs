//! Logging set-up: `tracing` to standard error, level from `RUST_LOG` (default `info`), with
//! every secret redacted from every line before it is written, whoever logged it (our code,
//! teloxide through the `log` bridge, or reqwest errors that print request URLs).

use std::io::{self, IsTerminal, Write};
use std::sync::{Arc, RwLock};

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

/// Replaces each secret in `text` with `<redacted>`.
pub fn redact(text: &str, secrets: &[String]) -> String {
    let mut out = text.to_string();
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        if out.contains(secret.as_str()) {
            out = out.replace(secret.as_str(), "<redacted>");
        }
    }
    out
}

/// The secrets to scrub from log lines; shared so they can be set after logging starts.
#[derive(Clone, Default)]
pub struct Secrets(Arc<RwLock<Vec<String>>>);

impl Secrets {
    /// Adds a secret (a bot token) to scrub from now on.
    pub fn add(&self, secret: &str) {
        if let Ok(mut secrets) = self.0.write() {
            secrets.push(secret.to_string());
        }
    }

    /// `text` with every secret replaced.
    pub fn scrub(&self, text: &str) -> String {
        match self.0.read() {
            Ok(secrets) => redact(text, &secrets),
            Err(_) => text.to_string(),
        }
    }
}

/// A writer that buffers one formatted event and writes it to `inner` with secrets scrubbed.
pub struct RedactingWriter<W: Write> {
    secrets: Secrets,
    buffer: Vec<u8>,
    inner: W,
}

impl<W: Write> Write for RedactingWriter<W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.buffer.is_empty() {
            let text = String::from_utf8_lossy(&self.buffer);
            self.inner.write_all(self.secrets.scrub(&text).as_bytes())?;
            self.buffer.clear();
        }
        self.inner.flush()
    }
}

impl<W: Write> Drop for RedactingWriter<W> {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

/// Makes a [`RedactingWriter`] per event, writing to `make()`.
#[derive(Clone)]
pub struct Redacting<F> {
    secrets: Secrets,
    make: F,
}

impl<F> Redacting<F> {
    /// Scrubs `secrets` from whatever the writers made by `make` receive.
    pub fn new(secrets: Secrets, make: F) -> Self {
        Self { secrets, make }
    }
}

impl<'a, F, W> MakeWriter<'a> for Redacting<F>
where
    F: Fn() -> W + 'static,
    W: Write,
{
    type Writer = RedactingWriter<W>;

    fn make_writer(&'a self) -> Self::Writer {
        RedactingWriter {
            secrets: self.secrets.clone(),
            buffer: Vec::new(),
            inner: (self.make)(),
        }
    }
}

/// Starts logging to standard error at `filter` (`RUST_LOG`'s value, from the environment or
/// `.env`; when unset or not a valid filter, `info` with the HTTP stack's chatter kept at
/// `warn`). Returns the secrets registry to add the token to. Calling it twice keeps the
/// first set-up.
pub fn init(filter: Option<&str>) -> Secrets {
    let secrets = Secrets::default();
    let filter = filter
        .and_then(|f| EnvFilter::try_new(f).ok())
        .unwrap_or_else(|| {
            EnvFilter::new("info,hyper=warn,hyper_util=warn,reqwest=warn,h2=warn,rustls=warn")
        });
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_ansi(io::stderr().is_terminal())
        .with_writer(Redacting::new(secrets.clone(), io::stderr))
        .try_init();
    std::panic::set_hook(Box::new(log_panic));
    secrets
}

/// Panics are logged through the (redacting) log, with their place only: a panic's message
/// can quote what a person sent, which is not logged above debug level.
fn log_panic(info: &std::panic::PanicHookInfo<'_>) {
    let at = info
        .location()
        .map(|l| format!("{}:{}", l.file(), l.line()))
        .unwrap_or_else(|| "an unknown place".into());
    tracing::error!("panic at {at} (RUST_LOG=debug shows its message)");
    tracing::debug!("panic message: {}", panic_message(info.payload()));
}

/// The text a panic was raised with (`panic!("…")`), or `"unknown panic"`.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_scrubbed_from_each_line() {
        let secrets = Secrets::default();
        secrets.add("123:SECRET");
        let mut out = Vec::new();
        {
            let mut writer = RedactingWriter {
                secrets: secrets.clone(),
                buffer: Vec::new(),
                inner: &mut out,
            };
            writer
                .write_all(b"error sending request for url (https://x/bot123:")
                .unwrap();
            writer.write_all(b"SECRET/getMe)\n").unwrap();
        }
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "error sending request for url (https://x/bot<redacted>/getMe)\n"
        );
    }
}
