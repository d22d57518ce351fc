//! A window process under measurement: started in a home folder of its own, timed from just
//! before its exec to its startup mark on stdout, its memory read as the proportional set size
//! of it and every process under it (WebKit's web and network processes), killed with them.
//! A till's window can be signed into as a cashier would, with keys typed into it (`xdotool`).

use crate::STARTUP_MARK;
use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long a window may take to start before the benchmark gives up on it.
const START_LIMIT: Duration = Duration::from_secs(120);

/// How long a sign-in may take before the benchmark gives up on it.
const SIGN_IN_LIMIT: Duration = Duration::from_secs(30);

/// What the till logs (at `info`) once a cashier has signed in.
const SIGNED_IN: &str = "signed in";

/// A program to open and the folder it takes as its home (XDG data, config and cache).
pub struct Subject {
    pub exe: PathBuf,
    pub home: PathBuf,
    /// Whether its log is read (a till to sign into).
    log: bool,
}

pub struct Running {
    child: Child,
    /// From just before the exec to the startup mark read on stdout.
    pub started_in: Duration,
    /// A message for each sign-in the till logs, when its log is read.
    signed_in: Option<mpsc::Receiver<()>>,
}

impl Subject {
    pub fn new(exe: PathBuf, home: &Path) -> Subject {
        Subject {
            exe,
            home: home.to_path_buf(),
            log: false,
        }
    }

    /// A till whose sign-ins are read from its log, for [`Running::sign_in`].
    pub fn till(exe: PathBuf, home: &Path) -> Subject {
        Subject {
            log: true,
            ..Subject::new(exe, home)
        }
    }

    /// Opens the window and waits for its startup mark.
    pub fn open(&self) -> Result<Running, String> {
        let mut command = Command::new(&self.exe);
        command
            .env("HOME", &self.home)
            .env("XDG_DATA_HOME", self.home.join("data"))
            .env("XDG_CONFIG_HOME", self.home.join("config"))
            .env("XDG_CACHE_HOME", self.home.join("cache"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(if self.log {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .process_group(0);
        if self.log {
            command.env("KASSA_LOG", "info");
        }
        let exec = Instant::now();
        let mut child = command
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", self.exe.display()))?;
        let stdout = child.stdout.take().expect("stdout is piped");
        let (marked, mark) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { return };
                if line.starts_with(STARTUP_MARK) {
                    let _ = marked.send(Instant::now());
                }
            }
        });
        let signed_in = child.stderr.take().map(|stderr| {
            let (tx, rx) = mpsc::channel();
            std::thread::spawn(move || {
                for line in BufReader::new(stderr).lines() {
                    let Ok(line) = line else { return };
                    if line.contains(SIGNED_IN) {
                        let _ = tx.send(());
                    }
                }
            });
            rx
        });
        let mut running = Running {
            child,
            started_in: Duration::ZERO,
            signed_in,
        };
        match mark.recv_timeout(START_LIMIT) {
            Ok(at) => {
                running.started_in = at - exec;
                Ok(running)
            }
            Err(_) => Err(format!(
                "{} printed no {STARTUP_MARK} within {START_LIMIT:?}",
                self.exe.display()
            )),
        }
    }
}

impl Running {
    /// Signs into the till's window as a cashier does: their name, Enter, their PIN, Enter,
    /// typed into the focused window at a person's pace (faster keys are taken for a scanner's
    /// burst, which the sign-in screen does not use). Waits until the till has logged the
    /// sign-in.
    pub fn sign_in(&self, name: &str, pin: &str) -> Result<(), String> {
        let signed_in = self
            .signed_in
            .as_ref()
            .ok_or("this window's log is not read: open it as Subject::till")?;
        let pid = self.child.id().to_string();
        let windows = xdotool(&["search", "--sync", "--onlyvisible", "--pid", &pid])?;
        let window = windows.lines().next().ok_or("the till shows no window")?;
        xdotool(&["windowfocus", "--sync", window])?;
        for (text, pause) in [(name, 300), (pin, 0)] {
            xdotool(&["type", "--delay", "150", text])?;
            xdotool(&["key", "Return"])?;
            std::thread::sleep(Duration::from_millis(pause));
        }
        signed_in
            .recv_timeout(SIGN_IN_LIMIT)
            .map_err(|_| format!("{name} was not signed in within {SIGN_IN_LIMIT:?}"))
    }

    /// The proportional set size of each of the window's processes in KiB, by its name.
    pub fn pss_kib(&self) -> Vec<(String, u64)> {
        tree(self.child.id())
            .into_iter()
            .filter_map(|pid| Some((name_of(pid)?, pss_of(pid)?)))
            .collect()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let pids = tree(self.child.id());
        for &pid in &pids {
            // SAFETY: kill(2) with a pid we read from /proc; a pid gone meanwhile is ESRCH.
            unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) };
        }
        drop(self.child.wait());
        // The web processes are gone before the next window opens.
        let deadline = Instant::now() + Duration::from_secs(10);
        while pids.iter().any(|&pid| alive(pid)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Runs `xdotool` (on the display of this process), giving back what it printed.
fn xdotool(args: &[&str]) -> Result<String, String> {
    let out = Command::new("xdotool")
        .args(args)
        .output()
        .map_err(|e| format!("cannot run xdotool (make bench installs it): {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "xdotool {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// `root` and every process under it.
fn tree(root: u32) -> Vec<u32> {
    let parents: Vec<(u32, u32)> = std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let pid = entry.file_name().to_str()?.parse().ok()?;
            Some((pid, parent_of(pid)?))
        })
        .collect();
    let mut pids = vec![root];
    let mut i = 0;
    while i < pids.len() {
        let parent = pids[i];
        pids.extend(
            parents
                .iter()
                .filter(|(_, p)| *p == parent)
                .map(|(c, _)| *c),
        );
        i += 1;
    }
    pids
}

/// `/proc/<pid>/stat`: `pid (comm) state ppid ...`; comm may hold spaces and parentheses.
fn stat_fields(pid: u32) -> Option<Vec<String>> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after_comm = &stat[stat.rfind(')')? + 1..];
    Some(after_comm.split_whitespace().map(str::to_owned).collect())
}

fn parent_of(pid: u32) -> Option<u32> {
    stat_fields(pid)?.get(1)?.parse().ok()
}

fn alive(pid: u32) -> bool {
    stat_fields(pid).is_some_and(|f| f[0] != "Z")
}

fn name_of(pid: u32) -> Option<String> {
    Some(
        std::fs::read_to_string(format!("/proc/{pid}/comm"))
            .ok()?
            .trim()
            .to_owned(),
    )
}

fn pss_of(pid: u32) -> Option<u64> {
    let rollup = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
    rollup
        .lines()
        .find_map(|l| l.strip_prefix("Pss:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// A program built next to the running one (the suite is built into one target folder).
pub fn sibling(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("the running program's path");
    exe.parent().expect("a folder").join(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_process_tree_is_found_measured_and_killed() {
        let child = Command::new("sh")
            .args(["-c", "sleep 60 & sleep 60"])
            .process_group(0)
            .spawn()
            .unwrap();
        let running = Running {
            child,
            started_in: Duration::ZERO,
            signed_in: None,
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while tree(running.child.id()).len() < 3 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        let pids = tree(running.child.id());
        assert_eq!(pids.len(), 3, "sh and its two sleeps");
        let processes = running.pss_kib();
        let names: Vec<&str> = processes.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names, ["sh", "sleep", "sleep"]);
        assert!(processes.iter().all(|(_, kib)| *kib > 0));
        drop(running);
        assert!(pids.iter().all(|&pid| !alive(pid)));
    }
}
