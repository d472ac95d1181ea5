//! The rule registry. A rule is one file: its metadata and a pure check over the inventory.

use std::fmt;

use crate::model::{Inventory, KubeVersion, Location, Object};
use crate::report::{Diagnostic, Severity};

pub mod bare_pod;
pub mod controllers_overlap;
pub mod cronjob_concurrency_policy;
pub mod cronjob_invalid_schedule;
pub mod cronjob_starting_deadline;
pub mod daemonset_priority_class;
pub mod daemonset_restart_policy;
pub mod deprecated_api_version;
pub mod downward_api_field;
pub mod duplicate_key;
pub mod duplicate_object;
pub mod hpa_target_missing;
pub mod indexed_job_completions;
pub mod indexed_job_worker_count;
pub mod ingress_unknown_backend;
pub mod invalid_object;
pub mod invalid_yaml;
pub mod job_missing_ttl;
pub mod job_restart_policy;
pub mod missing_liveness_probe;
pub mod missing_readiness_probe;
pub mod nodeport_service;
pub mod pdb_blocks_eviction;
pub mod pdb_selects_nothing;
pub mod removed_annotation;
pub mod removed_api_version;
pub mod render_failed;
pub mod replicaset_without_deployment;
pub mod rwo_pvc_rolling_update;
pub mod selector_adopts_bare_pod;
pub mod selector_mismatch;
pub mod service_selects_nothing;
pub mod service_target_port;
pub mod service_without_endpoints;
pub mod shared_pvc;
pub mod singleton_without_pdb;
pub mod statefulset_service_missing;
pub mod statefulset_service_not_headless;
pub mod statefulset_service_selector;
pub mod unknown_field;
pub mod unknown_rule;
pub mod unreadable_file;
pub mod unused_suppression;
pub mod workload_restart_policy;

/// The workload pattern a rule protects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pattern {
    /// Engine diagnostics: what the API server or kubectl would reject outright.
    Api,
    BatchJob,
    PeriodicJob,
    DaemonService,
    SingletonService,
    StatelessService,
    StatefulService,
    ServiceDiscovery,
    SelfAwareness,
    /// Feedback on kplint's own suppressions and configuration.
    Suppression,
}

impl Pattern {
    /// The name shown in `kplint rules`.
    pub fn as_str(self) -> &'static str {
        match self {
            Pattern::Api => "API",
            Pattern::BatchJob => "Batch Job",
            Pattern::PeriodicJob => "Periodic Job",
            Pattern::DaemonService => "Daemon Service",
            Pattern::SingletonService => "Singleton Service",
            Pattern::StatelessService => "Stateless Service",
            Pattern::StatefulService => "Stateful Service",
            Pattern::ServiceDiscovery => "Service Discovery",
            Pattern::SelfAwareness => "Self Awareness",
            Pattern::Suppression => "Suppression",
        }
    }
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a rule runs.
#[derive(Clone, Copy)]
pub enum Check {
    /// Reported by the engine itself while reading and decoding.
    Engine,
    /// Called once per object, reading nothing but the object: it needs no inventory, so it
    /// holds for one file alone (an editor's buffer) as for the whole run.
    Local(fn(&Object, &mut Vec<Diagnostic>)),
    /// As `Local`, also given the Kubernetes release the run targets (what it serves and
    /// honours): still nothing of the other objects.
    Versioned(fn(KubeVersion, &Object, &mut Vec<Diagnostic>)),
    /// Called once per object, with the whole inventory built.
    Object(fn(&Inventory, &Object, &mut Vec<Diagnostic>)),
    /// Called once for the whole inventory (pairwise rules).
    Inventory(fn(&Inventory, &mut Vec<Diagnostic>)),
}

/// A rule's metadata and check.
#[derive(Clone, Copy)]
pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    pub pattern: Pattern,
    pub summary: &'static str,
    /// The user documentation, `rules/<id>.md`.
    pub doc: &'static str,
    pub check: Check,
}

impl fmt::Debug for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rule").field("id", &self.id).finish()
    }
}

impl Rule {
    /// A finding of this rule about `obj`, at `at`.
    pub fn report(&self, obj: &Object, at: Location, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(self.id, self.severity, at, message).object(obj)
    }

    /// A finding at the field `path` of `obj` (or its nearest written parent).
    pub fn at(&self, obj: &Object, path: &str, message: impl Into<String>) -> Diagnostic {
        self.report(obj, obj.locate(path), message).path(path)
    }

    /// True for the engine diagnostics, whose severity can't go below warning: what kubectl
    /// or the API server rejects (an error), read from one object alone. A finding between
    /// objects (`duplicate-object`) depends on which files are applied together, and an API
    /// warning (`deprecated-api-version`: still served today) is advice about a later release,
    /// so both are rules the user can configure like any other.
    pub fn is_engine(&self) -> bool {
        matches!(self.pattern, Pattern::Api)
            && self.severity == Severity::Error
            && !matches!(self.check, Check::Object(_) | Check::Inventory(_))
    }
}

/// Every rule, in the order `kplint rules` lists them.
pub const ALL: &[&Rule] = &[
    &invalid_yaml::RULE,
    &invalid_object::RULE,
    &duplicate_key::RULE,
    &duplicate_object::RULE,
    &unreadable_file::RULE,
    &render_failed::RULE,
    &unknown_field::RULE,
    &removed_api_version::RULE,
    &deprecated_api_version::RULE,
    &removed_annotation::RULE,
    &bare_pod::RULE,
    &job_restart_policy::RULE,
    &indexed_job_completions::RULE,
    &indexed_job_worker_count::RULE,
    &job_missing_ttl::RULE,
    &cronjob_invalid_schedule::RULE,
    &cronjob_concurrency_policy::RULE,
    &cronjob_starting_deadline::RULE,
    &daemonset_restart_policy::RULE,
    &daemonset_priority_class::RULE,
    &downward_api_field::RULE,
    &missing_readiness_probe::RULE,
    &missing_liveness_probe::RULE,
    &replicaset_without_deployment::RULE,
    &service_selects_nothing::RULE,
    &service_target_port::RULE,
    &service_without_endpoints::RULE,
    &ingress_unknown_backend::RULE,
    &nodeport_service::RULE,
    // Singleton Service
    &singleton_without_pdb::RULE,
    &pdb_selects_nothing::RULE,
    &pdb_blocks_eviction::RULE,
    // Stateless Service
    &selector_adopts_bare_pod::RULE,
    &controllers_overlap::RULE,
    &selector_mismatch::RULE,
    &shared_pvc::RULE,
    &rwo_pvc_rolling_update::RULE,
    &hpa_target_missing::RULE,
    // Stateful Service
    &statefulset_service_not_headless::RULE,
    &statefulset_service_missing::RULE,
    &statefulset_service_selector::RULE,
    // Stateless Service, read from one object (listed last, as when it was added)
    &workload_restart_policy::RULE,
    &unused_suppression::RULE,
    &unknown_rule::RULE,
];

/// The rule with this id.
pub fn by_id(id: &str) -> Option<&'static Rule> {
    ALL.iter().copied().find(|r| r.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_docs_exist() {
        let mut ids: Vec<&str> = ALL.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        let n = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), n, "duplicate rule id");
        for r in ALL {
            assert!(
                r.doc.starts_with(&format!("# {}", r.id)),
                "rules/{}.md must start with its id",
                r.id
            );
            assert_eq!(
                page_layout_problem(r.doc),
                None,
                "rules/{}.md: not in the common layout",
                r.id
            );
        }
    }

    /// What is wrong with a page in the rule page layout: its second-level sections exactly
    /// these, in this order (then `Configuration` and `References` if the page needs them);
    /// severity and pattern never written by hand (they come from the rule's metadata).
    fn page_layout_problem(doc: &str) -> Option<String> {
        const REQUIRED: [&str; 6] = [
            "What it checks",
            "Why it matters",
            "When it does not apply",
            "Example",
            "Fix",
            "Suppress",
        ];
        if doc.contains("**Severity:**")
            || doc.contains("**Pattern:**")
            || doc.lines().any(|l| l.starts_with("Severity:"))
        {
            return Some("severity or pattern written by hand".to_string());
        }
        let mut in_code = false;
        let mut sections = Vec::new();
        for line in doc.lines() {
            if line.starts_with("```") {
                in_code = !in_code;
            } else if let Some(title) = line.strip_prefix("## ").filter(|_| !in_code) {
                sections.push(title.trim());
            }
        }
        let (head, tail) = sections.split_at(sections.len().min(REQUIRED.len()));
        if head != REQUIRED {
            return Some(format!("sections {sections:?}"));
        }
        let mut optional = ["Configuration", "References"].iter();
        tail.iter()
            .find(|t| !optional.any(|o| o == *t))
            .map(|t| format!("unexpected or misplaced section `{t}`"))
    }

    #[test]
    fn the_page_layout_is_checked() {
        let good = "# x\n## What it checks\n## Why it matters\n## When it does not apply\n## Example\n```\n## not a section\n```\n## Fix\n## Suppress\n";
        assert_eq!(page_layout_problem(good), None);
        let extra = good.replace(
            "## Suppress",
            "## Suppress\n## Configuration\n## References",
        );
        assert_eq!(page_layout_problem(&extra), None);
        let misplaced = good.replace(
            "## Suppress",
            "## Suppress\n## References\n## Configuration",
        );
        assert!(page_layout_problem(&misplaced).is_some());
        let unknown = good.replace("## Suppress", "## Suppress\n## Notes");
        assert!(page_layout_problem(&unknown).is_some());
        let reordered = good.replace("## Fix\n## Suppress", "## Suppress\n## Fix");
        assert!(page_layout_problem(&reordered).is_some());
        let severity = good.replace("# x", "# x\n**Severity:** warning");
        assert!(page_layout_problem(&severity).is_some());
        let by_hand = good.replace("# x", "# x\nSeverity: info. Pattern: API.");
        assert!(page_layout_problem(&by_hand).is_some());
        let missing = good.replace("## Fix\n", "");
        assert!(page_layout_problem(&missing).is_some());
    }
}
