//! GitHub Actions workflow commands: one `::error`/`::warning`/`::notice` line per diagnostic,
//! which the runner turns into annotations on the pull request's files.

use super::{Report, Severity};

/// Escapes a command's message as `@actions/core` does (`escapeData`).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command property value as `@actions/core` does (`escapeProperty`).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Renders one workflow command per diagnostic (suppressed ones are never annotated).
pub fn render(report: &Report) -> String {
    // Writing to memory can't fail.
    super::written(|out| write(report, out)).unwrap_or_default()
}

/// As [`render`], written to `out` command by command.
pub fn write(report: &Report, mut out: impl std::io::Write) -> std::io::Result<()> {
    for d in &report.diagnostics {
        let p = report.place(d.file, d.span);
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_property(p.name),
            p.start.line,
            p.start.column,
            p.end.line,
            p.end.column,
            escape_property(d.rule),
            escape_data(&message)
        )?;
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_matches_the_actions_toolkit() {
        assert_eq!(escape_data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(escape_data("a: b, c"), "a: b, c");
        assert_eq!(escape_property("dir:x,y%z\nw"), "dir%3Ax%2Cy%25z%0Aw");
    }
}
