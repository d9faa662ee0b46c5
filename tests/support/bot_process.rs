//! Runs the real `article-qa` binary as a subprocess against the fake Bot API, capturing
//! its log (standard error) and stopping it with SIGTERM as a service manager would.

#![allow(dead_code)]

use std::io::Read;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::fake_telegram::{FakeTelegram, TOKEN};

/// A running bot process.
pub struct BotProcess {
    child: Child,
    log: Arc<Mutex<String>>,
    /// The thread copying standard error into `log`; it ends when the process has exited
    /// and its standard error is drained.
    reader: Option<JoinHandle<()>>,
    /// The folder it runs in (no `.env` there).
    pub dir: tempfile::TempDir,
}

/// Options for starting the bot.
pub struct Launch {
    /// Token to use.
    pub token: String,
    /// Extra arguments after `telegram`.
    pub args: Vec<String>,
    /// Extra environment variables.
    pub env: Vec<(String, String)>,
}

impl Default for Launch {
    fn default() -> Self {
        Self {
            token: TOKEN.to_string(),
            args: Vec::new(),
            env: Vec::new(),
        }
    }
}

impl BotProcess {
    /// Starts `article-qa telegram` against `fake` with the shipped seeds.
    pub fn start(fake: &FakeTelegram) -> Self {
        Self::launch(fake, Launch::default())
    }

    /// Starts the bot with options.
    pub fn launch(fake: &FakeTelegram, launch: Launch) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let seeds = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("seeds");
        let mut command = Command::new(env!("CARGO_BIN_EXE_article-qa"));
        command.arg("telegram");
        if !launch
            .args
            .iter()
            .any(|a| a == "--seeds" || a == "--article")
        {
            command.args(["--seeds", seeds.to_str().unwrap()]);
        }
        command
            .args(&launch.args)
            .current_dir(dir.path())
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("TELOXIDE_TOKEN", &launch.token)
            .env("TELOXIDE_API_URL", fake.url())
            .env("RUST_LOG", "info")
            // These tests are about Telegram, not ranking: keywords alone start at once (the
            // sentence model's answers are tested through `ask`); a test may set it to 0.
            .env("ARTICLE_QA_LEXICAL", "1");
        for (k, v) in &launch.env {
            command.env(k, v);
        }
        let mut child = command
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("bot starts");
        let log = Arc::new(Mutex::new(String::new()));
        let mut stderr = child.stderr.take().unwrap();
        let sink = Arc::clone(&log);
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stderr.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        Self {
            child,
            log,
            reader: Some(reader),
            dir,
        }
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Everything logged so far (all of it once [`BotProcess::wait_exit`] saw the exit).
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Waits for the process to end by itself; once it has, its whole log has been read.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(self.exited(status));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    /// Waits for the log reader to drain standard error after the process exited.
    fn exited(&mut self, status: ExitStatus) -> ExitStatus {
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
        status
    }

    /// Sends SIGTERM and waits for the exit status.
    pub fn stop(&mut self) -> Option<ExitStatus> {
        self.signal("-TERM")
    }

    /// Sends a signal (`-INT` is Ctrl-C) and waits for the exit status.
    pub fn signal(&mut self, signal: &str) -> Option<ExitStatus> {
        if let Some(status) = self.child.try_wait().unwrap() {
            return Some(self.exited(status));
        }
        let _ = Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status();
        self.wait_exit(Duration::from_secs(15))
    }

    /// Resident memory in kilobytes (Linux), when it can be read.
    pub fn rss_kb(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }
}

impl Drop for BotProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
