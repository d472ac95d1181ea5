//! One line per diagnostic, `path:line:col: severity[rule] message`, for editors' error formats
//! (Vim's `errorformat`, VS Code problem matchers) and for grep.

use super::Report;

/// Renders one line per listed diagnostic; nothing else (the summary is for humans).
pub fn render(report: &Report) -> String {
    // Writing to memory can't fail.
    super::written(|out| write(report, out)).unwrap_or_default()
}

/// As [`render`], written to `out` line by line.
pub fn write(report: &Report, mut out: impl std::io::Write) -> std::io::Result<()> {
    for d in report.listed() {
        let p = report.place(d.file, d.span);
        let mut message = one_line(&d.message);
        if let Some(help) = &d.help {
            message.push_str(" (help: ");
            message.push_str(&one_line(help));
            message.push(')');
        }
        if let Some(s) = &d.suppressed {
            message.push_str(&format!(" [suppressed by {}]", s.by.as_str()));
        }
        writeln!(
            out,
            "{}:{}:{}: {}[{}] {}",
            p.name, p.start.line, p.start.column, d.severity, d.rule, message
        )?;
    }
    out.flush()
}

fn one_line(text: &str) -> String {
    text.split(['\r', '\n'])
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}
