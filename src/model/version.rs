//! The Kubernetes release a run targets (`--kubernetes-version`, `kubernetes-version:`): what
//! the API server serves and which annotations it still honours depend on it.

use std::fmt;

/// A Kubernetes release, `major.minor` (patch releases never add or remove an API).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KubeVersion {
    /// Always 1 so far.
    pub major: u16,
    /// The release: 30 in 1.30.
    pub minor: u16,
}

/// The newest release kplint's tables and schema (`k8s-openapi` v1.35) know: the default target.
pub const NEWEST: KubeVersion = KubeVersion::new(1, 35);

impl Default for KubeVersion {
    fn default() -> Self {
        NEWEST
    }
}

impl KubeVersion {
    /// The release `major.minor`.
    pub const fn new(major: u16, minor: u16) -> KubeVersion {
        KubeVersion { major, minor }
    }

    /// Reads `1.30`, `v1.30` or `1.30.2` (the patch is ignored); `None` for anything else,
    /// including a major version other than 1, which does not exist.
    pub fn parse(text: &str) -> Option<KubeVersion> {
        let text = text.trim();
        let text = text.strip_prefix('v').unwrap_or(text);
        let mut parts = text.split('.');
        let major = number(parts.next()?)?;
        let minor = number(parts.next()?)?;
        if let Some(patch) = parts.next() {
            number(patch)?;
        }
        if parts.next().is_some() || major != 1 {
            return None;
        }
        Some(KubeVersion::new(major, minor))
    }
}

/// A decimal number without sign or leading zeros (`1.08` is not a release).
fn number(text: &str) -> Option<u16> {
    let canonical = !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    if canonical {
        text.parse().ok()
    } else {
        None
    }
}

impl fmt::Display for KubeVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// How a bad version is explained, on the command line and in the configuration alike.
pub const VERSION_HELP: &str = "write the Kubernetes release as major.minor, e.g. 1.30";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_releases_and_rejects_the_rest() {
        assert_eq!(KubeVersion::parse("1.24"), Some(KubeVersion::new(1, 24)));
        assert_eq!(KubeVersion::parse("v1.30"), Some(KubeVersion::new(1, 30)));
        assert_eq!(KubeVersion::parse("1.30.2"), Some(KubeVersion::new(1, 30)));
        for bad in [
            "", "1", "1.", "1.x", "2.0", "1.24.3.1", "1.-1", "1.08", "latest", "1.2a",
        ] {
            assert_eq!(KubeVersion::parse(bad), None, "{bad}");
        }
        assert!(KubeVersion::new(1, 9) < KubeVersion::new(1, 10));
        assert_eq!(NEWEST.to_string(), "1.35");
    }
}
