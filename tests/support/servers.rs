//! Real servers on loopback for the tests that need them: Redis (`redis-server` on a free
//! port, or `REDIS_TEST_URL`) and nginx (as the load balancer in front of bot replicas). In
//! CI (`CI` set, as CI services do and `.ci/run` does) a missing binary fails the test;
//! elsewhere the test passes without running, saying so on the terminal.

#![allow(dead_code)]

use std::io::Write as _;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// True when the tests run in CI: then the server tests must run.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.as_str(), "" | "0" | "false"))
}

/// `start()`'s server, or (outside CI) `None` after saying why the test is skipped.
fn required<T>(what: &str, start: Result<T, String>) -> Option<T> {
    match start {
        Ok(server) => Some(server),
        Err(why) if in_ci() => panic!("the {what} tests must run in CI: {why}"),
        Err(why) => {
            let _ = writeln!(std::io::stderr(), "SKIPPED {what} test: {why}");
            None
        }
    }
}

fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port: {e}"))
}

/// Waits until something listens on `port`.
fn wait_listening(port: u16, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

/// A Redis server for a test, stopped when dropped.
pub struct RedisServer {
    pub url: String,
    port: u16,
    child: Option<Child>,
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
    }
}

impl RedisServer {
    /// Stops the server (a `REDIS_TEST_URL` one is left alone).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it again on the same port.
    pub fn restart(&mut self) {
        self.stop();
        self.child = Some(spawn_redis(self.port).expect("redis-server starts again"));
        assert!(wait_listening(self.port, Duration::from_secs(5)));
    }
}

fn spawn_redis(port: u16) -> Result<Child, String> {
    Command::new("redis-server")
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
        .args(["--save", "", "--appendonly", "no"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("no redis-server on PATH and no REDIS_TEST_URL ({e})"))
}

/// A Redis server for the test: `REDIS_TEST_URL`, or a `redis-server` started on a free port.
/// Without either: in CI the test fails; elsewhere `None` (install Debian's `redis-server`).
pub fn redis_server() -> Option<RedisServer> {
    required("Redis", start_redis())
}

fn start_redis() -> Result<RedisServer, String> {
    if let Ok(url) = std::env::var("REDIS_TEST_URL") {
        return Ok(RedisServer {
            url,
            port: 0,
            child: None,
        });
    }
    let port = free_port()?;
    let server = RedisServer {
        url: format!("redis://127.0.0.1:{port}/"),
        port,
        child: Some(spawn_redis(port)?),
    };
    if wait_listening(port, Duration::from_secs(5)) {
        Ok(server)
    } else {
        Err("redis-server did not start within 5 s".into())
    }
}

/// nginx balancing between bot replicas, stopped when dropped (one process, no master: a
/// killed master would leave its workers running).
pub struct Nginx {
    /// Where it listens.
    pub address: SocketAddr,
    child: Child,
    _dir: tempfile::TempDir,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// nginx on a free port in front of `upstreams` (round robin; a request a replica fails is
/// passed to the next, as the README's deploy/nginx.conf does). Without nginx: in CI the test
/// fails; elsewhere `None` (install Debian's `nginx`).
pub fn nginx(upstreams: &[SocketAddr]) -> Option<Nginx> {
    required("nginx", start_nginx(upstreams))
}

fn nginx_binary() -> Option<PathBuf> {
    ["/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

fn start_nginx(upstreams: &[SocketAddr]) -> Result<Nginx, String> {
    let binary = nginx_binary().ok_or("no nginx (install Debian's nginx)")?;
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let port = free_port()?;
    let servers: String = upstreams
        .iter()
        .map(|a| format!("        server {a} max_fails=1 fail_timeout=2s;\n"))
        .collect();
    let root = dir.path().display();
    let config = format!(
        "daemon off;\nmaster_process off;\nworker_processes 1;\npid {root}/nginx.pid;\nerror_log {root}/error.log;\n\
         events {{ worker_connections 256; }}\n\
         http {{\n    access_log off;\n    client_body_temp_path {root}/body;\n\
             proxy_temp_path {root}/proxy;\n    fastcgi_temp_path {root}/fastcgi;\n\
             uwsgi_temp_path {root}/uwsgi;\n    scgi_temp_path {root}/scgi;\n\
             upstream article_qa {{\n{servers}    }}\n\
             server {{\n        listen 127.0.0.1:{port};\n        client_max_body_size 1m;\n\
                 location / {{\n            proxy_pass http://article_qa;\n\
                     proxy_next_upstream error timeout http_502 http_503 non_idempotent;\n\
                     proxy_connect_timeout 1s;\n            proxy_read_timeout 10s;\n        }}\n    }}\n}}\n"
    );
    let conf = dir.path().join("nginx.conf");
    std::fs::write(&conf, config).map_err(|e| e.to_string())?;
    let child = Command::new(binary)
        .arg("-p")
        .arg(dir.path())
        .arg("-c")
        .arg(&conf)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("nginx does not start: {e}"))?;
    if !wait_listening(port, Duration::from_secs(5)) {
        return Err("nginx did not start within 5 s".into());
    }
    Ok(Nginx {
        address: SocketAddr::from(([127, 0, 0, 1], port)),
        child,
        _dir: dir,
    })
}
