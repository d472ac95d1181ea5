//! One line per diagnostic, `path:line:col: severity[rule] message`, for editors' error formats
//! (Vim's `errorformat`, VS Code problem matchers) and for grep.

use super::Report;

/// Renders one line per listed diagnostic; nothing else (the summary is for humans).
pub fn render(report: &Report) -> String {
    let mut out = String::new();
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
        out.push_str(&format!(
            "{}:{}:{}: {}[{}] {}\n",
            p.name, p.start.line, p.start.column, d.severity, d.rule, message
        ));
    }
    out
}

fn one_line(text: &str) -> String {
    text.split(['\r', '\n'])
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}
