//! `kplint explain <id>`: a rule's page, with a header made from the rule's metadata.
//!
//! The header (severity, pattern, whether the rule is always on) comes from [`Rule`], not from
//! the page, so the two can't disagree; a page that still carries its own `Severity:` line
//! (pages written before the header was generated) has it dropped, so either kind of page
//! reads the same.

use crate::rules::Rule;

mod terminal;

pub use terminal::to_text;

/// The header line, in Markdown: `**Severity:** warning · **Pattern:** Batch Job · on by
/// default (…)`.
pub fn header(rule: &Rule) -> String {
    let state = if rule.is_engine() {
        "engine diagnostic, always on: it can't be turned off, lowered below warning or \
         suppressed"
            .to_string()
    } else {
        // Every rule runs unless configured otherwise; say how to change that.
        format!(
            "on by default (`--ignore {id}` or `rules: {{{id}: off}}` in .kplint.yaml turns it off)",
            id = rule.id
        )
    };
    format!(
        "**Severity:** {} · **Pattern:** {} · {state}",
        rule.severity.as_str(),
        rule.pattern.as_str()
    )
}

/// The page as Markdown: its title, the generated header, then the page's own text without
/// the title and without a severity line of its own.
pub fn markdown(rule: &Rule) -> String {
    let mut lines = rule.doc.lines().peekable();
    let title = match lines.peek() {
        Some(first) if first.starts_with("# ") => {
            let t = first.to_string();
            lines.next();
            t
        }
        _ => format!("# {}", rule.id),
    };
    let mut rest: Vec<&str> = lines.collect();
    let first_text = rest.iter().position(|l| !l.trim().is_empty());
    if let Some(i) = first_text {
        let line = rest.get(i).map_or("", |l| l.trim_start());
        if line.starts_with("**Severity:**") || line.starts_with("Severity:") {
            rest.drain(..=i);
        }
    }
    while rest.first().is_some_and(|l| l.trim().is_empty()) {
        rest.remove(0);
    }
    let mut out = format!("{title}\n\n{}\n\n", header(rule));
    for line in rest {
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules;

    #[test]
    fn the_header_comes_from_the_metadata_and_a_page_s_own_severity_line_is_dropped() {
        let bare_pod = rules::by_id("bare-pod").expect("rule");
        let page = markdown(bare_pod);
        assert!(
            page.starts_with(
                "# bare-pod\n\n**Severity:** warning · **Pattern:** Batch Job · on by default"
            ),
            "{page}"
        );
        assert_eq!(page.matches("Severity:").count(), 1, "{page}");
        assert!(page.contains("\n\n## What it checks\n"), "{page}");
        let engine = markdown(rules::by_id("invalid-yaml").expect("rule"));
        assert!(engine.contains("engine diagnostic, always on"), "{engine}");
        assert_eq!(engine.matches("Severity:").count(), 1, "{engine}");
    }

    #[test]
    fn both_forms_of_a_written_severity_line_and_none_at_all_give_the_same_page() {
        let rule = rules::by_id("bare-pod").expect("rule");
        let body = "## What it checks\n\nA Pod.\n";
        let page_of = |doc: &'static str| markdown(&Rule { doc, ..*rule });
        let want = page_of(Box::leak(format!("# bare-pod\n\n{body}").into_boxed_str()));
        for written in [
            "**Severity:** warning · **Pattern:** Batch Job\n\n",
            "Severity: warning. Pattern: Batch Job.\n\n",
        ] {
            let doc = format!("# bare-pod\n\n{written}{body}");
            assert_eq!(page_of(Box::leak(doc.into_boxed_str())), want);
        }
    }

    #[test]
    fn every_page_renders_with_one_severity_line() {
        for rule in rules::ALL {
            let page = markdown(rule);
            assert_eq!(page.matches("Severity:").count(), 1, "{}", rule.id);
            let text = to_text(&page, false);
            assert!(text.starts_with(rule.id), "{}", rule.id);
            assert!(!text.contains("```"), "{}: a code fence left", rule.id);
            assert!(!text.contains("## "), "{}: a heading left", rule.id);
        }
    }
}
