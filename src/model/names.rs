//! What the API server accepts as an object's name, label keys and values, and annotation keys
//! (`k8s.io/apimachinery/pkg/util/validation`, with each kind's name rule from
//! `pkg/apis/*/validation`), and the `invalid-object` findings of the metadata it rejects. The
//! messages are the API server's own, so a user can search for them.

use super::kinds::{group_of, is_builtin_group};
use super::location::resolve_written;
use super::object::Object;
use crate::report::Diagnostic;
use crate::rules::invalid_object;
use crate::source::scalar::{resolve, Resolved};
use crate::source::tree::is_merge_key;
use crate::source::NodeId;

const DNS1123_LABEL_FMT: &str = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1123_SUBDOMAIN_FMT: &str =
    "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
const DNS1035_LABEL_FMT: &str = "[a-z]([-a-z0-9]*[a-z0-9])?";
const QUALIFIED_NAME_FMT: &str = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const LABEL_VALUE_FMT: &str = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
const QUALIFIED_NAME_MSG: &str = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/// The API server's size limit of all of an object's annotations, keys and values together.
pub const ANNOTATIONS_MAX_BYTES: usize = 256 * 1024;

/// apimachinery's `RegexError`: the message, examples and the regex, word for word.
fn regex_error(msg: &str, fmt: &str, examples: &[&str]) -> String {
    let mut out = format!("{msg} (e.g. ");
    for (i, e) in examples.iter().enumerate() {
        if i > 0 {
            out.push_str(" or ");
        }
        out.push_str(&format!("'{e}', "));
    }
    out.push_str(&format!("regex used for validation is '{fmt}')"));
    out
}

fn max_len_error(n: usize) -> String {
    format!("must be no more than {n} characters")
}

fn alnum_lower(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit()
}

fn alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// `[first]([-inner]*[last])?`: the shape of every name rule, by bytes.
fn shaped(value: &str, first: fn(u8) -> bool, inner: fn(u8) -> bool, last: fn(u8) -> bool) -> bool {
    let b = value.as_bytes();
    match b {
        [] => false,
        [only] => first(*only) && last(*only),
        [head, mid @ .., tail] => first(*head) && last(*tail) && mid.iter().all(|c| inner(*c)),
    }
}

fn dns1123_label_shape(value: &str) -> bool {
    shaped(
        value,
        alnum_lower,
        |c| alnum_lower(c) || c == b'-',
        alnum_lower,
    )
}

/// The problems of a DNS-1123 label (`IsDNS1123Label`): a Namespace's name.
pub fn dns1123_label(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > 63 {
        errs.push(max_len_error(63));
    }
    if !dns1123_label_shape(value) {
        errs.push(regex_error(
            "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
            DNS1123_LABEL_FMT,
            &["my-name", "123-abc"],
        ));
    }
    errs
}

/// The problems of a DNS-1123 subdomain (`IsDNS1123Subdomain`): most kinds' names.
pub fn dns1123_subdomain(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > 253 {
        errs.push(max_len_error(253));
    }
    if !value.split('.').all(dns1123_label_shape) {
        errs.push(regex_error(
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
            DNS1123_SUBDOMAIN_FMT,
            &["example.com"],
        ));
    }
    errs
}

/// The problems of a DNS-1035 label (`IsDNS1035Label`): a Service's name.
pub fn dns1035_label(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > 63 {
        errs.push(max_len_error(63));
    }
    let alpha = |c: u8| c.is_ascii_lowercase();
    if !shaped(value, alpha, |c| alnum_lower(c) || c == b'-', alnum_lower) {
        errs.push(regex_error(
            "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
            DNS1035_LABEL_FMT,
            &["my-name", "abc-123"],
        ));
    }
    errs
}

fn qualified_name_shape(value: &str) -> bool {
    shaped(
        value,
        alnum,
        |c| alnum(c) || matches!(c, b'-' | b'_' | b'.'),
        alnum,
    )
}

/// The problems of a label key or (lower-cased) annotation key (`IsQualifiedName`): an
/// optional DNS subdomain prefix and `/`, then a name of at most 63 characters.
pub fn qualified_name(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    let parts: Vec<&str> = value.split('/').collect();
    let name = match parts.as_slice() {
        [name] => *name,
        [prefix, name] => {
            if prefix.is_empty() {
                errs.push("prefix part must be non-empty".to_string());
            } else {
                errs.extend(
                    dns1123_subdomain(prefix)
                        .into_iter()
                        .map(|m| format!("prefix part {m}")),
                );
            }
            name
        }
        _ => {
            return vec![format!(
                "a qualified name {} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
                regex_error(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, &["MyName", "my.name", "123-abc"])
            )]
        }
    };
    if name.is_empty() {
        errs.push("name part must be non-empty".to_string());
    } else if name.len() > 63 {
        errs.push(format!("name part {}", max_len_error(63)));
    }
    if !qualified_name_shape(name) {
        errs.push(format!(
            "name part {}",
            regex_error(
                QUALIFIED_NAME_MSG,
                QUALIFIED_NAME_FMT,
                &["MyName", "my.name", "123-abc"]
            )
        ));
    }
    errs
}

/// The problems of a label value (`IsValidLabelValue`): empty, or at most 63 characters shaped
/// like a qualified name.
pub fn label_value(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > 63 {
        errs.push(max_len_error(63));
    }
    if !value.is_empty() && !qualified_name_shape(value) {
        errs.push(regex_error(
            "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
            LABEL_VALUE_FMT,
            &["MyValue", "my_value", "12345"],
        ));
    }
    errs
}

/// How the API server validates a kind's `metadata.name`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameRule {
    /// Most kinds: lower-case labels joined by dots, 253 characters at most.
    Dns1123Subdomain,
    /// Namespaces: one lower-case label, 63 characters at most.
    Dns1123Label,
    /// Services: one lower-case label starting with a letter (it becomes a DNS name).
    Dns1035Label,
}

/// The name rule of a built-in kind, from its validation code; `None` for kinds whose rule is
/// not one of these (RBAC names are path segments, so `system:controller:x` is valid) or that
/// kplint does not list: those names are not judged.
pub fn name_rule(group: &str, kind: &str) -> Option<NameRule> {
    use NameRule::*;
    Some(match (group, kind) {
        ("", "Service") => Dns1035Label,
        ("", "Namespace") => Dns1123Label,
        (
            "",
            "Pod"
            | "ConfigMap"
            | "Secret"
            | "ServiceAccount"
            | "PersistentVolumeClaim"
            | "PersistentVolume"
            | "Endpoints"
            | "ReplicationController"
            | "ResourceQuota"
            | "LimitRange"
            | "PodTemplate",
        )
        | (
            "apps" | "extensions",
            "Deployment" | "ReplicaSet" | "DaemonSet" | "StatefulSet" | "ControllerRevision",
        )
        | ("batch", "Job" | "CronJob")
        | ("networking.k8s.io" | "extensions", "Ingress" | "NetworkPolicy")
        | ("networking.k8s.io", "IngressClass")
        | ("policy", "PodDisruptionBudget")
        | ("autoscaling", "HorizontalPodAutoscaler")
        | ("scheduling.k8s.io", "PriorityClass")
        | ("storage.k8s.io", "StorageClass")
        | ("discovery.k8s.io", "EndpointSlice") => Dns1123Subdomain,
        _ => return None,
    })
}

/// Where labels and annotations sit that the API server validates with the object's own: its
/// metadata and its pod templates' (and a CronJob's Job template's).
const METADATA: [&str; 4] = [
    "metadata",
    "spec.template.metadata",
    "spec.jobTemplate.metadata",
    "spec.jobTemplate.spec.template.metadata",
];

/// The `invalid-object` findings of `obj`'s name, labels and annotations, for objects of the
/// groups Kubernetes serves (a document of another tool that merely has a `kind` is not sent to
/// the API server as written). Only string scalars are judged: a value of another type is a
/// type error, reported as such.
pub fn check_metadata(obj: &Object, out: &mut Vec<Diagnostic>) {
    let group = group_of(&obj.api_version);
    if !is_builtin_group(group) {
        return;
    }
    if let Some(rule) = name_rule(group, &obj.kind) {
        check_name(obj, rule, out);
    }
    for meta in METADATA {
        let r = resolve_written(&obj.tree, obj.root, meta);
        if !r.complete || !obj.tree.is_mapping(r.value) {
            continue;
        }
        if let Some((_, labels)) = obj.tree.get(r.value, "labels") {
            check_labels(obj, meta, labels, out);
        }
        if let Some((key, annotations)) = obj.tree.get(r.value, "annotations") {
            check_annotations(obj, meta, key, annotations, out);
        }
    }
}

/// The key of a mapping entry as kubectl reads it; `None` for a merge key (`<<`), whose
/// entries come from elsewhere and are not judged here.
fn key_of(obj: &Object, k: NodeId) -> Option<std::borrow::Cow<'_, str>> {
    let s = obj.tree.scalar(k)?;
    if is_merge_key(&s) {
        return None;
    }
    Some(s.key())
}

/// A string scalar's value; `None` for other types (and aliases' targets of other types).
fn string_of(obj: &Object, node: NodeId) -> Option<&str> {
    let s = obj.tree.scalar(node)?;
    match resolve(s.text, s.style, s.tag) {
        Resolved::Str(t) => Some(t),
        _ => None,
    }
}

fn finding(obj: &Object, node: NodeId, path: String, message: String, help: &str) -> Diagnostic {
    Diagnostic::new(
        invalid_object::RULE.id,
        invalid_object::RULE.severity,
        obj.at_node(node),
        message,
    )
    .path(path)
    .help(help.to_string())
    .object(obj)
}

/// True for text a template or placeholder leaves (`<node-hostname>`, `${NAME}`, `{{ .name }}`):
/// said in the help, since the fix is to fill it in.
fn looks_like_placeholder(value: &str) -> bool {
    value.contains(['<', '>', '{', '}', '$', '@'])
}

fn check_name(obj: &Object, rule: NameRule, out: &mut Vec<Diagnostic>) {
    let r = resolve_written(&obj.tree, obj.root, "metadata.name");
    // No name: `generateName` may stand for it, and a missing name is not this check's.
    if !r.complete {
        return;
    }
    let Some(name) = string_of(obj, r.value) else {
        return;
    };
    if name.is_empty() {
        return;
    }
    let mut errs = match rule {
        NameRule::Dns1123Subdomain => dns1123_subdomain(name),
        NameRule::Dns1123Label => dns1123_label(name),
        NameRule::Dns1035Label => dns1035_label(name),
    };
    // A CronJob names the Jobs it creates `<name>-<11 characters>`, and those must stay within
    // 63 (batch validation).
    if obj.kind == "CronJob" && name.len() > 52 {
        errs.push("must be no more than 52 characters".to_string());
    }
    if errs.is_empty() {
        return;
    }
    let help = if looks_like_placeholder(name) {
        "this name still holds a placeholder: fill it in (or render the template) before applying"
    } else {
        match rule {
            NameRule::Dns1123Subdomain => "use lower-case letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters",
            NameRule::Dns1123Label => "use lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters",
            NameRule::Dns1035Label => "use lower-case letters, digits and '-', starting with a letter and ending with a letter or digit, at most 63 characters (a Service name becomes a DNS label)",
        }
    };
    out.push(finding(
        obj,
        r.value,
        "metadata.name".to_string(),
        format!(
            "{}: metadata.name: Invalid value: {name:?}: {}; the API server rejects the object",
            obj.kind,
            errs.join(", ")
        ),
        help,
    ));
}

fn check_labels(obj: &Object, meta: &str, labels: NodeId, out: &mut Vec<Diagnostic>) {
    for (k, v) in obj.tree.entries(labels) {
        let Some(key) = key_of(obj, k) else {
            continue;
        };
        let path = format!("{meta}.labels[\"{key}\"]");
        let errs = qualified_name(&key);
        if !errs.is_empty() {
            out.push(finding(
                obj,
                k,
                path.clone(),
                format!(
                    "{}: {meta}.labels: Invalid value: {key:?}: {}; the API server rejects the object",
                    obj.display(),
                    errs.join(", ")
                ),
                "a label key is an optional DNS subdomain prefix and '/', then at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit",
            ));
        }
        let Some(value) = string_of(obj, v) else {
            continue;
        };
        let errs = label_value(value);
        if !errs.is_empty() {
            out.push(finding(
                obj,
                v,
                path,
                format!(
                    "{}: {meta}.labels: Invalid value: {value:?}: {}; the API server rejects the object",
                    obj.display(),
                    errs.join(", ")
                ),
                if looks_like_placeholder(value) {
                    "this value still holds a placeholder: fill it in before applying"
                } else {
                    "a label value is empty or at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit; longer text belongs in an annotation"
                },
            ));
        }
    }
}

fn check_annotations(
    obj: &Object,
    meta: &str,
    at: NodeId,
    annotations: NodeId,
    out: &mut Vec<Diagnostic>,
) {
    let mut total = 0usize;
    for (k, v) in obj.tree.entries(annotations) {
        let Some(key) = key_of(obj, k) else {
            continue;
        };
        total += key.len() + obj.tree.scalar(v).map_or(0, |s| s.text.len());
        // Annotation keys are validated lower-cased: upper case is allowed in them.
        let errs = qualified_name(&key.to_ascii_lowercase());
        if errs.is_empty() {
            continue;
        }
        out.push(finding(
            obj,
            k,
            format!("{meta}.annotations[\"{key}\"]"),
            format!(
                "{}: {meta}.annotations: Invalid value: {key:?}: {}; the API server rejects the object",
                obj.display(),
                errs.join(", ")
            ),
            "an annotation key is an optional DNS subdomain prefix and '/', then at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit",
        ));
    }
    if total > ANNOTATIONS_MAX_BYTES {
        out.push(finding(
            obj,
            at,
            format!("{meta}.annotations"),
            format!(
                "{}: {meta}.annotations: Too long: may not be more than {ANNOTATIONS_MAX_BYTES} bytes (these have {total}); the API server rejects the object",
                obj.display()
            ),
            "keep large data in a ConfigMap; `kubectl apply` also stores the whole object in the last-applied-configuration annotation, so use `kubectl apply --server-side` or `kubectl create` for large objects",
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_api_servers_rules() {
        assert!(dns1123_subdomain("web.example-1").is_empty());
        assert!(dns1123_subdomain("0web").is_empty());
        let errs = dns1123_subdomain("rook-ceph-cleanup-<node-hostname>");
        assert_eq!(errs.len(), 1);
        assert!(errs[0].starts_with("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '"));
        for bad in ["Web", "web-", "-web", "web..x", "web.", "a_b", ""] {
            assert!(!dns1123_subdomain(bad).is_empty(), "{bad}");
        }
        assert_eq!(dns1123_subdomain(&"a".repeat(254)), [max_len_error(253)]);
        assert!(dns1123_label("kube-system").is_empty());
        assert!(!dns1123_label("kube.system").is_empty());
        assert!(dns1035_label("web-1").is_empty());
        assert!(!dns1035_label("1web").is_empty());
        assert!(!dns1035_label("web.x").is_empty());
        assert_eq!(dns1035_label(&"a".repeat(64)), [max_len_error(63)]);
    }

    #[test]
    fn qualified_names_and_label_values() {
        for ok in ["app", "app.kubernetes.io/name", "MyName", "a_b.c-d", "x/y"] {
            assert!(qualified_name(ok).is_empty(), "{ok}");
        }
        assert_eq!(qualified_name("/x"), ["prefix part must be non-empty"]);
        assert_eq!(
            qualified_name("x/"),
            [
                "name part must be non-empty",
                &format!(
                    "name part {}",
                    regex_error(
                        QUALIFIED_NAME_MSG,
                        QUALIFIED_NAME_FMT,
                        &["MyName", "my.name", "123-abc"]
                    )
                )
            ]
        );
        assert!(qualified_name("a/b/c")[0].starts_with("a qualified name must consist"));
        assert!(qualified_name("Example.com/x")[0]
            .starts_with("prefix part a lowercase RFC 1123 subdomain"));
        assert_eq!(
            qualified_name(&"a".repeat(64)),
            [format!("name part {}", max_len_error(63))]
        );
        assert!(!qualified_name("my key").is_empty());
        assert!(label_value("").is_empty());
        assert!(label_value("v1.2_3-x").is_empty());
        assert!(!label_value("-v").is_empty());
        assert!(!label_value("a b").is_empty());
        assert_eq!(label_value(&"a".repeat(64)), [max_len_error(63)]);
        // Word for word as apimachinery writes it: two spaces before each "or".
        assert!(label_value("a b")[0].contains("(e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"));
    }

    fn findings(yaml: &str) -> Vec<Diagnostic> {
        let file = crate::source::SourceFile::new(0, "t.yaml".to_string(), yaml);
        crate::source::tree::parse(&file)
            .documents
            .into_iter()
            .flat_map(|doc| crate::model::decode::decode_document(0, doc, "default").diagnostics)
            .collect()
    }

    #[test]
    fn annotations_are_limited_in_all_and_located_at_their_key() {
        let big = "a".repeat(ANNOTATIONS_MAX_BYTES);
        let yaml = format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  annotations:\n    note: {big}\n");
        let found = findings(&yaml);
        assert_eq!(found.len(), 1);
        assert!(found[0]
            .message
            .contains("Too long: may not be more than 262144 bytes"));
        assert_eq!(found[0].path.as_deref(), Some("metadata.annotations"));
        let fits = format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  annotations:\n    note: {}\n",
            &big[..big.len() - 4]
        );
        assert!(findings(&fits).is_empty());
        // A pod template's labels are the API server's too; a number is a type error, not this.
        let yaml = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w}\nspec:\n  selector: {matchLabels: {app: w}}\n  template:\n    metadata:\n      labels: {app: w, bad key: x}\n    spec: {containers: [{name: w, image: w}]}\n";
        let found = findings(yaml);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].path.as_deref(),
            Some("spec.template.metadata.labels[\"bad key\"]")
        );
        assert_eq!(
            found[0].span.start as usize,
            yaml.find("bad key").expect("written")
        );
    }

    #[test]
    fn name_rules_per_kind() {
        assert_eq!(name_rule("", "Service"), Some(NameRule::Dns1035Label));
        assert_eq!(name_rule("", "Namespace"), Some(NameRule::Dns1123Label));
        assert_eq!(
            name_rule("apps", "Deployment"),
            Some(NameRule::Dns1123Subdomain)
        );
        assert_eq!(name_rule("rbac.authorization.k8s.io", "ClusterRole"), None);
        assert_eq!(name_rule("example.com", "Deployment"), None);
    }
}
