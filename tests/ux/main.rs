//! The first five minutes with kplint (issue 21): what a new user meets on a real repository,
//! a broken file, an empty folder, a long report, a wrong path in the configuration and
//! `kplint explain`.
//! One test binary, one file per subject: each binary costs a link on a small machine.

#[path = "../support/cli.rs"]
mod cli;
mod config_paths;
mod empty_runs;
mod explain;
mod json_summary;
mod statistics;

pub use assert_cmd::Command;
pub use cli::{kplint, write};

pub const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: busybox\n      livenessProbe:\n        exec: {command: [\"true\"]}\n";

pub fn stdout_of(out: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&out.get_output().stdout).to_string()
}

pub fn stderr_of(out: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&out.get_output().stderr).to_string()
}
