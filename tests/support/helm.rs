//! The helm binary the tests run: CI's real engine, installed by the project's own script.
//!
//! `KPLINT_HELM=/path/to/helm` uses that binary instead; `KPLINT_SKIP_HELM=1` skips the helm
//! tests knowingly. Otherwise `scripts/install-helm-standin` runs once per test process and a
//! failed install fails the test: there is no mock to fall back on.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The repository root.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The helm binary to test with, or None when the run skips helm (and says so).
pub fn helm() -> Option<&'static Path> {
    static HELM: OnceLock<Option<PathBuf>> = OnceLock::new();
    let helm = HELM.get_or_init(|| {
        if std::env::var_os("KPLINT_SKIP_HELM").is_some_and(|v| v == "1") {
            return None;
        }
        if let Some(explicit) = std::env::var_os("KPLINT_HELM") {
            let explicit = PathBuf::from(explicit);
            assert!(
                explicit.is_file(),
                "KPLINT_HELM={} is not a file",
                explicit.display()
            );
            return Some(explicit);
        }
        let out = std::process::Command::new(root().join("scripts/install-helm-standin"))
            .stdin(std::process::Stdio::null())
            .output()
            .expect("run scripts/install-helm-standin");
        assert!(
            out.status.success(),
            "scripts/install-helm-standin failed (set KPLINT_SKIP_HELM=1 to skip the helm tests \
             knowingly):\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        Some(root().join("target/tools/bin/helm"))
    });
    if helm.is_none() {
        eprintln!("KPLINT_SKIP_HELM=1: skipping a test that needs helm");
    }
    helm.as_deref()
}
