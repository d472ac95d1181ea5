//! The first five minutes with kplint (issue 21): what a new user meets on a real repository,
//! a broken file, an empty folder, a long report, a wrong path in the configuration and
//! `kplint explain`.
//! One test binary, one file per subject: each binary costs a link on a small machine.

mod config_paths;
mod empty_runs;
mod explain;
mod json_summary;
mod statistics;

use std::fs;
use std::path::Path;

pub use assert_cmd::Command;

pub const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: busybox\n      livenessProbe:\n        exec: {command: [\"true\"]}\n";

pub fn kplint() -> Command {
    Command::cargo_bin("kplint").expect("binary built")
}

pub fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    fs::write(path, text).expect("write");
}

pub fn stdout_of(out: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&out.get_output().stdout).to_string()
}

pub fn stderr_of(out: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&out.get_output().stderr).to_string()
}
