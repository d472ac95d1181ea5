//! Every shape, fed every kind of scalar and collection, against the strict decoder's verdict.

use super::oracle::{overlay_for, strict_verdict, Verdict};
use super::validate;
use crate::model::kinds::KnownKind;
use crate::model::strict::Overlay;
use crate::source::tree::parse;
use crate::source::SourceFile;

/// Values written in place of `@`: each scalar type, its edges, and collections.
const VALUES: &[&str] = &[
    "0",
    "1",
    "-1",
    "+5",
    "-0",
    "2147483647",
    "2147483648",
    "-2147483648",
    "-2147483649",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "18446744073709551615",
    "18446744073709551616",
    "1.5",
    "-2.5",
    "3.0",
    "1e3",
    "1e20",
    "1e15",
    "999999999999999.0",
    "0x10",
    "0o17",
    "017",
    "08",
    "0b101",
    ".5",
    ".inf",
    "-.inf",
    ".nan",
    "true",
    "false",
    "yes",
    "no",
    "on",
    "off",
    "y",
    "n",
    "True",
    "NO",
    "~",
    "null",
    "Null",
    "",
    "'80'",
    "\"true\"",
    "''",
    "abc",
    "nginx",
    "name_x",
    "500m",
    "1Gi",
    "1.5Gi",
    "-",
    ".",
    "2021-01-01T00:00:00Z",
    "'2021-01-01T00:00:00Z'",
    "2021-01-01",
    "2021-13-01T00:00:00Z",
    "|\n  block",
    "!!str 5",
    "!!int 5",
    "!!bool yes",
    "!!null x",
    "!foo x",
    "1_000",
    "&a 5",
    "[]",
    "{}",
    "[1, a]",
    "{a: 1}",
    "[{}]",
    "{a: {b: 1}}",
    "[~]",
    "{a: ~}",
    "[[1]]",
    "{a: .nan}",
    "{1: a}",
    "{on: a}",
    "{'a': 1}",
];

/// Where a value of each shape goes: a document with `@` where the value is.
const HOSTS: &[(&str, KnownKind, &str)] = {
    use KnownKind as K;
    &[
        ("Str", K::Pod, "apiVersion: v1\nkind: Pod\nspec:\n  nodeName: @\n"),
        ("Str in a map", K::Pod, "apiVersion: v1\nkind: Pod\nmetadata:\n  labels:\n    a: @\n"),
        ("Str in a list", K::Pod, "apiVersion: v1\nkind: Pod\nmetadata:\n  finalizers:\n  - @\n"),
        ("Bool", K::Pod, "apiVersion: v1\nkind: Pod\nspec:\n  hostNetwork: @\n"),
        ("I32", K::Deployment, "apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: @\n"),
        ("I64", K::Pod, "apiVersion: v1\nkind: Pod\nspec:\n  activeDeadlineSeconds: @\n"),
        (
            "IntOrString",
            K::Deployment,
            "apiVersion: apps/v1\nkind: Deployment\nspec:\n  strategy:\n    rollingUpdate:\n      maxSurge: @\n",
        ),
        (
            "Quantity in a map",
            K::Pod,
            "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: c\n    resources:\n      limits:\n        cpu: @\n",
        ),
        (
            "Quantity",
            K::Pod,
            "apiVersion: v1\nkind: Pod\nspec:\n  volumes:\n  - name: v\n    emptyDir:\n      sizeLimit: @\n",
        ),
        ("Time", K::Pod, "apiVersion: v1\nkind: Pod\nmetadata:\n  creationTimestamp: @\n"),
        (
            "Json",
            K::Pod,
            "apiVersion: v1\nkind: Pod\nmetadata:\n  managedFields:\n  - fieldsV1: @\n",
        ),
        (
            "Json in a map",
            K::LegacyIngress,
            "spec:\n  backend:\n    resource:\n      a: @\n",
        ),
        (
            "required List",
            K::LegacyIngress,
            "spec:\n  rules:\n  - http:\n      paths: @\n",
        ),
        ("List", K::Pod, "apiVersion: v1\nkind: Pod\nspec:\n  containers: @\n"),
        ("Map", K::Pod, "apiVersion: v1\nkind: Pod\nmetadata:\n  labels: @\n"),
        ("Struct", K::Pod, "apiVersion: v1\nkind: Pod\nmetadata: @\n"),
        ("Struct spec", K::Deployment, "apiVersion: apps/v1\nkind: Deployment\nspec: @\n"),
        (
            "Struct in a list",
            K::Pod,
            "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - @\n",
        ),
        ("status", K::Pod, "apiVersion: v1\nkind: Pod\nstatus: @\n"),
        ("apiVersion", K::Pod, "apiVersion: @\nkind: Pod\n"),
        ("unknown key", K::Pod, "apiVersion: v1\nkind: Pod\nspec:\n  nodeNam: @\n"),
    ]
};

/// The fast and the strict verdict on `text` (its first document).
fn both(text: &str, kind: KnownKind, overlay: Option<Overlay>) -> Option<(bool, Verdict)> {
    let file = SourceFile::new(0, "t.yaml".into(), text);
    let parsed = parse(&file);
    let doc = parsed.documents.first()?;
    let overlay = overlay.unwrap_or_else(|| overlay_for(&doc.tree, doc.root, kind));
    let fast = validate(&doc.tree, doc.root, kind, overlay);
    let slow = strict_verdict(&doc.tree, doc.root, kind, overlay);
    Some((fast, slow))
}

/// Runs every value in every host with `overlay` (the decoder's own when `None`): a yes is
/// always the decoder's yes, and a no where the decoder says yes is one of the cases left to
/// the decoder on purpose (tags, numbers with `_`).
fn check_hosts(overlay: Option<Overlay>) {
    let mut wrong = Vec::new();
    let mut cautious = 0;
    let mut agreed = 0;
    for (shape, kind, host) in HOSTS {
        for value in VALUES {
            let text = host.replace('@', value);
            let Some((fast, slow)) = both(&text, *kind, overlay) else {
                continue;
            };
            if fast == slow.clean() {
                agreed += 1;
            } else if !fast && (value.starts_with('!') || value.contains('_')) {
                cautious += 1;
            } else {
                wrong.push(format!(
                    "{shape} <- {value:?}: fast {fast}, strict {slow:?}"
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} disagreements:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert!(
        agreed > 1000 && cautious < agreed / 10,
        "{agreed} agreed, {cautious} cautious"
    );
}

#[test]
fn every_shape_agrees_with_the_decoder_on_every_value() {
    check_hosts(None);
}

#[test]
fn every_shape_agrees_without_the_overlay() {
    check_hosts(Some(Overlay::default()));
    check_hosts(Some(Overlay {
        skip_status: true,
        api_version_kind: None,
        empty_selector: true,
        default_name: None,
    }));
}

#[test]
fn a_required_time_in_a_status_read_as_written() {
    let overlay = Overlay {
        skip_status: false,
        api_version_kind: Some(("policy/v1", "PodDisruptionBudget")),
        empty_selector: false,
        default_name: None,
    };
    let host = "apiVersion: policy/v1\nkind: PodDisruptionBudget\nstatus:\n  conditions:\n  - type: x\n    status: 'True'\n    lastTransitionTime: @\n";
    for value in VALUES {
        let text = host.replace('@', value);
        if let Some((fast, slow)) = both(&text, KnownKind::PodDisruptionBudget, Some(overlay)) {
            assert!(!fast || slow.clean(), "{value:?}: {slow:?}");
            let cautious = value.starts_with('!') || value.contains('_');
            assert!(
                fast == slow.clean() || cautious,
                "{value:?}: {fast} vs {slow:?}"
            );
        }
    }
    let text =
        "apiVersion: policy/v1\nkind: PodDisruptionBudget\nstatus:\n  conditions:\n  - type: x\n";
    let (fast, slow) = both(text, KnownKind::PodDisruptionBudget, Some(overlay)).expect("a doc");
    assert!(!fast && !slow.decodes, "a missing required field");
}

#[test]
fn the_overlay_selector_is_judged_like_a_written_one() {
    let overlay = Overlay {
        skip_status: true,
        api_version_kind: Some(("v1", "Pod")),
        empty_selector: true,
        default_name: None,
    };
    // A Pod's spec has no `selector`: showing one records it as unknown.
    let (fast, slow) = both(
        "apiVersion: v1\nkind: Pod\nspec: {}\n",
        KnownKind::Pod,
        Some(overlay),
    )
    .expect("a doc");
    assert_eq!((fast, slow.clean()), (false, false));
    let (fast, slow) = both(
        "apiVersion: apps/v1\nkind: Deployment\nspec: {replicas: 1}\n",
        KnownKind::Deployment,
        None,
    )
    .expect("a doc");
    assert_eq!((fast, slow.clean()), (true, true));
}

#[test]
fn a_wrong_constant_in_the_overlay_is_no() {
    let overlay = Overlay {
        skip_status: true,
        api_version_kind: Some(("apps/v1", "Pod")),
        empty_selector: false,
        default_name: None,
    };
    let (fast, slow) =
        both("apiVersion: v1\nkind: Pod\n", KnownKind::Pod, Some(overlay)).expect("a doc");
    assert_eq!((fast, slow.clean()), (false, false));
}

#[test]
fn aliases_merge_keys_and_repeated_keys_go_to_the_decoder() {
    for text in [
        "apiVersion: v1\nkind: Pod\nmetadata: {name: &n x, namespace: *n}\n",
        "apiVersion: v1\nkind: Pod\nmetadata: {<<: {name: x}}\n",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: x, name: y}\n",
        "apiVersion: v1\nkind: Pod\nmetadata: {labels: {80: a, '80': b}}\n",
    ] {
        let (fast, _) = both(text, KnownKind::Pod, None).expect("a doc");
        assert!(!fast, "{text}");
    }
}

#[test]
fn legacy_ingress_always_goes_to_the_decoder() {
    // Its type has no `apiVersion` or `kind` field: the decoder records both as unknown.
    let text = "apiVersion: extensions/v1beta1\nkind: Ingress\nspec: {backend: {serviceName: s, servicePort: 80}}\n";
    let (fast, slow) = both(text, KnownKind::LegacyIngress, None).expect("a doc");
    assert_eq!((fast, slow.decodes, slow.unknown), (false, true, 2));
}

#[test]
fn nesting_past_the_limit_is_no() {
    let deep = format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  managedFields:\n  - fieldsV1: {}1{}\n",
        "[".repeat(super::validate::MAX_DEPTH),
        "]".repeat(super::validate::MAX_DEPTH)
    );
    let (fast, slow) = both(&deep, KnownKind::Pod, None).expect("a doc");
    assert_eq!((fast, slow.clean()), (false, true));
}

#[test]
fn every_field_is_found_and_nothing_else_is() {
    for schema in super::table::STRUCTS.iter() {
        for (i, field) in schema.fields.iter().enumerate() {
            let found = schema.find(field).map(|(at, slot)| (at, *slot));
            assert_eq!(
                found,
                schema.slots.get(i).map(|s| (i, *s)),
                "{}",
                schema.name
            );
            let upper = field.to_uppercase();
            if !schema.fields.contains(&upper.as_str()) {
                assert!(schema.find(&upper).is_none(), "{}.{upper}", schema.name);
            }
        }
        for stranger in ["", "x", "zzUnknown", "nam", "names", "specs", "statu"] {
            if !schema.fields.contains(&stranger) {
                assert!(
                    schema.find(stranger).is_none(),
                    "{}: {stranger}",
                    schema.name
                );
            }
        }
    }
}
