//! Running the tools a unit needs (kustomize, helm) on untrusted input: in an emptied
//! environment with a throwaway HOME, proxies pointed at a closed port, git limited to local
//! files, no standard input, killed after a timeout or past an output cap. The build and
//! render stages share this one runner.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A port nothing listens on: whatever reaches for the network through a proxy fails at once.
const DEAD_PROXY: &str = "http://127.0.0.1:9";

/// The most of a tool's stderr kept for a message (the rest is read and dropped, so the tool
/// never blocks writing it).
const MAX_STDERR: usize = 64 << 10;

/// The first executable named `name` on PATH.
pub fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

/// True for a file the current user may execute.
#[cfg(unix)]
pub fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// True for a file the current user may execute.
#[cfg(not(unix))]
pub fn is_executable(p: &Path) -> bool {
    p.is_file() || p.with_extension("exe").is_file()
}

/// A fresh, private folder under the system's temporary folder, removed when dropped.
#[derive(Debug)]
pub struct TempDir {
    pub path: PathBuf,
}

impl TempDir {
    /// Creates one, named after `purpose` (`kplint-<purpose>-…`).
    pub fn new(purpose: &str) -> std::io::Result<TempDir> {
        static COUNT: AtomicU64 = AtomicU64::new(0);
        let base = std::env::temp_dir();
        let base = base.canonicalize().unwrap_or(base);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let mut last = None;
        for _ in 0..16 {
            let n = COUNT.fetch_add(1, Ordering::Relaxed);
            let path = base.join(format!(
                "kplint-{purpose}-{}-{n}-{nanos}",
                std::process::id()
            ));
            // create, not create_all: a folder that is already there may be someone else's.
            match private_dir(&path) {
                Ok(()) => return Ok(TempDir { path }),
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(|| std::io::Error::other("no free temporary folder name")))
    }
}

#[cfg(unix)]
fn private_dir(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new().mode(0o700).create(path)
}

#[cfg(not(unix))]
fn private_dir(path: &Path) -> std::io::Result<()> {
    std::fs::create_dir(path)
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// `program` in an emptied environment: PATH kept, HOME (and the XDG homes) set to `home`,
/// every proxy pointed at a closed port, git limited to local files, no standard input, its
/// output piped. Callers add their arguments and variables.
pub fn sealed(program: &Path, home: &Path) -> Command {
    let mut cmd = Command::new(program);
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_CACHE_HOME", home.join(".cache"))
        .env("NO_PROXY", "")
        .env("no_proxy", "")
        .env("GIT_ALLOW_PROTOCOL", "file")
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for var in ["HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"] {
        cmd.env(var, DEAD_PROXY);
    }
    cmd
}

/// What a finished tool left.
#[derive(Debug)]
pub struct Output {
    pub success: bool,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

/// Why a tool gave no output to read.
#[derive(Debug)]
pub enum RunError {
    /// It could not be started.
    Spawn(std::io::Error),
    /// Waiting for it failed.
    Wait(std::io::Error),
    /// It ran past the timeout and was stopped.
    TimedOut(Duration),
    /// It printed more than the cap and was stopped.
    TooMuch(usize),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Spawn(e) => write!(f, "could not be started: {e}"),
            RunError::Wait(e) => write!(f, "waiting for it failed: {e}"),
            RunError::TimedOut(t) => {
                write!(f, "did not finish within {} s; stopped", t.as_secs_f32())
            }
            RunError::TooMuch(n) => write!(f, "printed more than {} KiB; stopped", n >> 10),
        }
    }
}

/// Runs `cmd`, killing it after `timeout` or past `max_output` bytes of stdout.
pub fn run(mut cmd: Command, timeout: Duration, max_output: usize) -> Result<Output, RunError> {
    let mut child = cmd.spawn().map_err(RunError::Spawn)?;
    let overflow = Arc::new(AtomicBool::new(false));
    let stdout = child
        .stdout
        .take()
        .map(|s| read_capped(s, max_output, Some(overflow.clone())));
    let stderr = child
        .stderr
        .take()
        .map(|s| read_capped(s, MAX_STDERR, None));
    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) => {}
            Err(e) => {
                kill(&mut child);
                return Err(RunError::Wait(e));
            }
        }
        if overflow.load(Ordering::Relaxed) {
            kill(&mut child);
            return Err(RunError::TooMuch(max_output));
        }
        if Instant::now() >= deadline {
            kill(&mut child);
            return Err(RunError::TimedOut(timeout));
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    // A process the tool started may still hold the pipes open: wait for them no longer than
    // the deadline rather than join a reader that may never end.
    let stdout = collect(stdout, deadline).ok_or(RunError::TimedOut(timeout))?;
    let stderr = collect(stderr, deadline).ok_or(RunError::TimedOut(timeout))?;
    if overflow.load(Ordering::Relaxed) {
        return Err(RunError::TooMuch(max_output));
    }
    Ok(Output {
        success: status.success(),
        stdout,
        stderr,
    })
}

fn kill(child: &mut Child) {
    // Errors mean it has already exited.
    let _ = child.kill();
    let _ = child.wait();
}

/// Reads `from` on a thread, keeping at most `cap` bytes; past that it raises `overflow` and
/// stops reading when given one, else reads on and drops the rest.
fn read_capped(
    mut from: impl Read + Send + 'static,
    cap: usize,
    overflow: Option<Arc<AtomicBool>>,
) -> mpsc::Receiver<Vec<u8>> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut kept = Vec::new();
        let mut buf = vec![0u8; 64 << 10];
        loop {
            let n = match from.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            let room = cap.saturating_sub(kept.len());
            kept.extend(buf.iter().take(n.min(room)));
            if n > room {
                if let Some(flag) = &overflow {
                    flag.store(true, Ordering::Relaxed);
                    break;
                }
            }
        }
        let _ = tx.send(kept);
    });
    rx
}

fn collect(rx: Option<mpsc::Receiver<Vec<u8>>>, deadline: Instant) -> Option<Vec<u8>> {
    let Some(rx) = rx else {
        return Some(Vec::new());
    };
    rx.recv_timeout(deadline.saturating_duration_since(Instant::now()))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_tool_sees_no_network_route_and_its_home_goes_away() {
        let home = TempDir::new("sealed-test").unwrap();
        let sh = find_on_path("sh").unwrap();
        let mut env = sealed(&sh, &home.path);
        env.env("SECRET_FROM_CALLER", "x"); // a caller's own variable still passes
        env.args([
            "-c",
            "echo $HTTPS_PROXY $GIT_ALLOW_PROTOCOL $HOME $SECRET_FROM_CALLER; echo oops >&2; exit 3",
        ]);
        let out = run(env, Duration::from_secs(10), 4096).unwrap();
        assert!(!out.success);
        let expected = format!("http://127.0.0.1:9 file {} x\n", home.path.display());
        assert_eq!(String::from_utf8_lossy(&out.stdout), expected);
        assert_eq!(out.stderr, b"oops\n");
        let path = home.path.clone();
        drop(home);
        assert!(!path.exists());
    }
}
