//! Findings counted per rule (`kplint check --statistics`, and the end of a long human report):
//! on a real repository a user first wants to know which rules dominate, not the 200th finding.

use super::{Report, Severity};

/// How many counted findings one rule reported at one severity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleCount {
    pub rule: &'static str,
    pub severity: Severity,
    pub count: usize,
}

/// A human report lists this many findings or fewer without the table: about a screenful of
/// graphical reports (each takes five to ten lines), which a reader still takes in at a glance.
/// Past it, the first findings have scrolled away and the table is what says what dominates.
pub const TABLE_AFTER: usize = 10;

/// The counted findings (not the suppressed ones, as the summary line), one entry per rule and
/// severity: a rule may report below its level (an identical `duplicate-object` is info), and a
/// line must not claim one severity for findings of two. Most findings first; then the more
/// severe; then by rule id, so the order never depends on the run.
pub fn by_rule(report: &Report) -> Vec<RuleCount> {
    let mut counts: Vec<RuleCount> = Vec::new();
    for d in &report.diagnostics {
        match counts
            .iter_mut()
            .find(|c| c.rule == d.rule && c.severity == d.severity)
        {
            Some(c) => c.count += 1,
            None => counts.push(RuleCount {
                rule: d.rule,
                severity: d.severity,
                count: 1,
            }),
        }
    }
    counts.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then(b.severity.cmp(&a.severity))
            .then(a.rule.cmp(b.rule))
    });
    counts
}

/// Writes the table: a heading, then `  49  warning  singleton-without-pdb` per entry, the
/// counts right-aligned. Nothing when there are no findings.
pub fn write_table(report: &Report, out: &mut impl std::io::Write) -> std::io::Result<()> {
    let counts = by_rule(report);
    let Some(widest) = counts.iter().map(|c| c.count).max() else {
        return Ok(());
    };
    let width = widest.to_string().len();
    writeln!(out, "findings per rule:")?;
    for c in &counts {
        writeln!(
            out,
            "  {:>width$}  {:7}  {}",
            c.count,
            c.severity.as_str(),
            c.rule
        )?;
    }
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Location;
    use crate::report::{Diagnostic, FileCounts, Summary};
    use crate::source::SourceFile;

    fn report(findings: &[(&'static str, Severity)]) -> Report {
        let diagnostics = findings
            .iter()
            .enumerate()
            .map(|(i, (rule, severity))| {
                let at = Location {
                    file: 0,
                    span: crate::source::Span::new(i as u32, i as u32 + 1),
                };
                Diagnostic::new(rule, *severity, at, "m")
            })
            .collect();
        Report::new(
            vec![SourceFile::new(0, "a.yaml".into(), &"x\n".repeat(40))],
            vec![FileCounts::default()],
            vec![Vec::new()],
            diagnostics,
            Vec::new(),
            Summary::default(),
        )
    }

    #[test]
    fn most_findings_first_then_severity_then_id_and_severities_apart() {
        use Severity::*;
        let r = report(&[
            ("b-rule", Warning),
            ("duplicate-object", Info),
            ("a-rule", Warning),
            ("duplicate-object", Warning),
            ("z-rule", Error),
            ("b-rule", Warning),
            ("a-rule", Warning),
        ]);
        let got: Vec<(&str, Severity, usize)> = by_rule(&r)
            .into_iter()
            .map(|c| (c.rule, c.severity, c.count))
            .collect();
        assert_eq!(
            got,
            [
                ("a-rule", Warning, 2),
                ("b-rule", Warning, 2),
                ("z-rule", Error, 1),
                ("duplicate-object", Warning, 1),
                ("duplicate-object", Info, 1),
            ]
        );
    }

    #[test]
    fn the_table_aligns_counts_and_is_empty_without_findings() {
        let mut findings = vec![("singleton-without-pdb", Severity::Warning); 12];
        findings.push(("invalid-yaml", Severity::Error));
        let mut out = Vec::new();
        write_table(&report(&findings), &mut out).expect("written");
        assert_eq!(
            String::from_utf8(out).expect("utf-8"),
            "findings per rule:\n  12  warning  singleton-without-pdb\n   1  error    invalid-yaml\n\n"
        );
        let mut out = Vec::new();
        write_table(&report(&[]), &mut out).expect("written");
        assert!(out.is_empty());
    }
}
