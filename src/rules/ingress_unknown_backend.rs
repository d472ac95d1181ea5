//! `ingress-unknown-backend`: an Ingress routes to a Service or port that does not exist.

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::{Check, Pattern, Rule};
use crate::model::inventory::CustomResources;
use crate::model::{Inventory, Object, Typed};
use crate::report::{Diagnostic, Severity};

/// An Ingress backend naming a Service not in its namespace, or a port that Service lacks.
pub const RULE: Rule = Rule {
    id: "ingress-unknown-backend",
    severity: Severity::Warning,
    pattern: Pattern::ServiceDiscovery,
    summary: "An Ingress backend names a Service that is not in its namespace, or a port that Service does not expose.",
    doc: include_str!("../../rules/ingress-unknown-backend.md"),
    check: Check::Inventory(check),
};

/// How a backend names the Service port.
enum PortRef<'a> {
    Number(i32),
    Name(&'a str),
    /// A legacy `servicePort` string: a port name, or a number written as a string.
    Text(&'a str),
}

/// One Service backend of an Ingress, with the field paths of its parts.
struct Backend<'a> {
    service: &'a str,
    port: Option<PortRef<'a>>,
    service_path: String,
    port_path: String,
    route: String,
}

fn route(host: Option<&str>, path: Option<&str>) -> String {
    let path = path.filter(|p| !p.is_empty()).unwrap_or("/");
    match host.filter(|h| !h.is_empty()) {
        Some(h) => format!("requests for {h}{path}"),
        None => format!("requests for {path} on any host"),
    }
}

const DEFAULT_ROUTE: &str = "requests that match no rule (its default backend)";

fn backends(obj: &Object) -> Vec<Backend<'_>> {
    let mut out = Vec::new();
    match &obj.typed {
        Typed::Ingress(ing) => {
            let Some(spec) = &ing.spec else { return out };
            if let Some(svc) = spec
                .default_backend
                .as_ref()
                .and_then(|b| b.service.as_ref())
            {
                out.push(v1_backend(
                    svc,
                    "spec.defaultBackend".into(),
                    DEFAULT_ROUTE.into(),
                ));
            }
            for (i, rule) in spec.rules.iter().flatten().enumerate() {
                let Some(http) = &rule.http else { continue };
                for (j, p) in http.paths.iter().enumerate() {
                    let Some(svc) = &p.backend.service else {
                        continue;
                    };
                    out.push(v1_backend(
                        svc,
                        format!("spec.rules[{i}].http.paths[{j}].backend"),
                        route(rule.host.as_deref(), p.path.as_deref()),
                    ));
                }
            }
        }
        Typed::LegacyIngress(ing) => {
            let Some(spec) = &ing.spec else { return out };
            if let Some(b) = &spec.backend {
                out.extend(legacy_backend(
                    b,
                    "spec.backend".into(),
                    DEFAULT_ROUTE.into(),
                ));
            }
            for (i, rule) in spec.rules.iter().flatten().enumerate() {
                let Some(http) = &rule.http else { continue };
                for (j, p) in http.paths.iter().enumerate() {
                    out.extend(legacy_backend(
                        &p.backend,
                        format!("spec.rules[{i}].http.paths[{j}].backend"),
                        route(rule.host.as_deref(), p.path.as_deref()),
                    ));
                }
            }
        }
        _ => {}
    }
    out
}

fn v1_backend(
    svc: &k8s_openapi::api::networking::v1::IngressServiceBackend,
    at: String,
    route: String,
) -> Backend<'_> {
    let port = svc.port.as_ref().and_then(|p| match (p.number, &p.name) {
        (Some(n), _) => Some((PortRef::Number(n), "number")),
        (None, Some(name)) => Some((PortRef::Name(name), "name")),
        (None, None) => None,
    });
    let port_path = format!("{at}.service.port.{}", port.as_ref().map_or("", |p| p.1));
    Backend {
        service: &svc.name,
        port: port.map(|p| p.0),
        service_path: format!("{at}.service.name"),
        port_path,
        route,
    }
}

fn legacy_backend(
    b: &crate::model::legacy::LegacyIngressBackend,
    at: String,
    route: String,
) -> Option<Backend<'_>> {
    let service = b.service_name.as_deref()?;
    let port = b.service_port.as_ref().map(|p| match p {
        IntOrString::Int(n) => PortRef::Number(*n),
        IntOrString::String(s) => PortRef::Text(s),
    });
    Some(Backend {
        service,
        port,
        service_path: format!("{at}.serviceName"),
        port_path: format!("{at}.servicePort"),
        route,
    })
}

fn check(inv: &Inventory, out: &mut Vec<Diagnostic>) {
    let operated = inv.custom_resources();
    for obj in inv.objects.iter() {
        if matches!(obj.typed, Typed::Ingress(_) | Typed::LegacyIngress(_)) {
            check_ingress(inv, obj, &operated, out);
        }
    }
}

fn check_ingress(
    inv: &Inventory,
    obj: &Object,
    operated: &CustomResources<'_>,
    out: &mut Vec<Diagnostic>,
) {
    let ns = obj.namespace.as_deref().unwrap_or_default();
    for b in backends(obj) {
        // The AWS Load Balancer Controller's actions: `port: use-annotation` makes the backend
        // the action in the annotation `alb.ingress.kubernetes.io/actions.<service name>` (a
        // redirect, a fixed response), not a Service.
        if matches!(
            b.port,
            Some(PortRef::Name("use-annotation") | PortRef::Text("use-annotation"))
        ) {
            continue;
        }
        // A Service defined twice (alternative bundles): prefer the one in the Ingress's file,
        // and accept the port when any definition exposes it.
        let candidates = inv.resolve(obj, inv.named(ns, "Service", b.service));
        let Some(&svc) = candidates.first() else {
            // Operators create Services from custom resources (ECK's `<name>-kb-http` for a
            // Kibana): such a Service exists in the cluster though no input defines it.
            if operated.may_create(ns, b.service) {
                continue;
            }
            out.push(
                RULE.at(
                    obj,
                    &b.service_path,
                    format!(
                        "{} sends {} to Service \"{}\", but no Service of that name is defined in namespace \"{ns}\" among the linted inputs: the ingress controller has no backend for these requests and answers them with an error",
                        obj.display(),
                        b.route,
                        b.service
                    ),
                )
                .help("name a Service of the Ingress's own namespace (an Ingress cannot route to another namespace), or define the Service"),
            );
            continue;
        };
        let Some(port) = &b.port else { continue };
        let exposes = |o: &&Object| {
            let Typed::Service(s) = &o.typed else {
                return true;
            };
            let Some(spec) = &s.spec else { return true };
            // An ExternalName Service is a DNS alias with no port list of its own to check.
            if spec.type_.as_deref() == Some("ExternalName") {
                return true;
            }
            spec.ports.iter().flatten().any(|p| match port {
                PortRef::Number(n) => p.port == *n,
                PortRef::Name(name) => p.name.as_deref() == Some(*name),
                // Controllers of the old API look a string up as a name, some as a number too.
                PortRef::Text(t) => p.name.as_deref() == Some(*t) || p.port.to_string() == *t,
            })
        };
        if candidates.iter().any(exposes) {
            continue;
        }
        let Typed::Service(s) = &svc.typed else {
            continue;
        };
        let ports = s
            .spec
            .as_ref()
            .and_then(|s| s.ports.as_deref())
            .unwrap_or_default();
        let wanted = match port {
            PortRef::Number(n) => format!("port {n}"),
            PortRef::Name(n) | PortRef::Text(n) => format!("the port named \"{n}\""),
        };
        let exposed: Vec<String> = ports
            .iter()
            .map(|p| match &p.name {
                Some(n) if !n.is_empty() => format!("{} (\"{n}\")", p.port),
                _ => p.port.to_string(),
            })
            .collect();
        let has = if exposed.is_empty() {
            "exposes no ports".to_string()
        } else {
            format!("exposes only {}", exposed.join(", "))
        };
        let help = match port {
            PortRef::Number(_) => {
                "use the Service's `port` (not the container's targetPort), or the port's name"
            }
            _ => "use the `name` of one of the Service's ports, or its port number",
        };
        out.push(
            RULE.at(
                obj,
                &b.port_path,
                format!(
                    "{} sends {} to {wanted} of {}, which {has}: the ingress controller has no backend for these requests and answers them with an error",
                    obj.display(),
                    b.route,
                    svc.display()
                ),
            )
            .help(help)
            .related(svc.locate_key("spec.ports"), format!("the ports of {}", svc.display())),
        );
    }
}
