//! A rule page's Markdown as text for a terminal or a pager: what `kplint explain` prints.
//!
//! Only what the pages use: headings, fenced code blocks, tables, lists, paragraphs, inline
//! code and emphasis. Headings become emphasised lines (man-page style capitals for sections,
//! so they stand out without colour too), code blocks are indented four spaces without their
//! fences, tables are laid out in columns. With colour, emphasis is bold, inline code is cyan
//! and loses its backticks; without, backticks stay: in plain text they are what delimits code.

const BOLD: &str = "\x1b[1m";
const CYAN: &str = "\x1b[36m";
const RESET: &str = "\x1b[0m";

/// The page as text; `color` adds ANSI emphasis.
pub fn to_text(markdown: &str, color: bool) -> String {
    let mut out = String::new();
    let mut in_code = false;
    let mut table: Vec<Vec<String>> = Vec::new();
    for line in markdown.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            if line.is_empty() {
                out.push('\n');
            } else {
                let shown = if color {
                    format!("{CYAN}{line}{RESET}")
                } else {
                    line.to_string()
                };
                out.push_str(&format!("    {shown}\n"));
            }
            continue;
        }
        if trimmed.starts_with('|') {
            // The `|---|---|` row only separates the header.
            if !trimmed.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ')) {
                table.push(cells(trimmed).map(|c| inline(c, color)).collect());
            }
            continue;
        }
        flush_table(&mut table, &mut out);
        if let Some(title) = trimmed.strip_prefix("# ") {
            out.push_str(&emphasised(title, color));
        } else if let Some(section) = trimmed.strip_prefix("## ") {
            out.push_str(&emphasised(&section.to_uppercase(), color));
        } else if let Some(sub) = trimmed.strip_prefix("### ") {
            out.push_str(&emphasised(sub, color));
        } else {
            out.push_str(&inline(line, color));
        }
        out.push('\n');
    }
    flush_table(&mut table, &mut out);
    out
}

fn emphasised(text: &str, color: bool) -> String {
    let text = inline(text, color);
    if color {
        format!("{BOLD}{text}{RESET}")
    } else {
        text
    }
}

/// The cells of a table row, trimmed.
fn cells(row: &str) -> impl Iterator<Item = &str> {
    let row = row.trim();
    let row = row.strip_prefix('|').unwrap_or(row);
    let row = row.strip_suffix('|').unwrap_or(row);
    row.split('|').map(str::trim)
}

/// A table wider than this is written a row per line, each cell named by its header:
/// columns padded to one long cell left every other row mostly blanks.
const TABLE_WIDTH: usize = 100;

/// Writes the rows gathered so far as columns two spaces apart (or, too wide for that, a line
/// per row), and empties them.
fn flush_table(rows: &mut Vec<Vec<String>>, out: &mut String) {
    let mut widths: Vec<usize> = Vec::new();
    for row in rows.iter() {
        for (i, cell) in row.iter().enumerate() {
            let w = visible_width(cell);
            match widths.get_mut(i) {
                Some(max) => *max = (*max).max(w),
                None => widths.push(w),
            }
        }
    }
    if widths.iter().map(|w| w + 2).sum::<usize>() > TABLE_WIDTH {
        let mut drained = rows.drain(..);
        let header = drained.next().unwrap_or_default();
        for row in drained {
            let named: Vec<String> = row
                .iter()
                .enumerate()
                .filter(|(_, cell)| !cell.is_empty())
                .map(|(i, cell)| match header.get(i) {
                    Some(name) if i > 0 => format!("{name}: {cell}"),
                    _ => cell.clone(),
                })
                .collect();
            out.push_str(&format!("  - {}\n", named.join("; ")));
        }
        return;
    }
    for row in rows.drain(..) {
        let mut line = String::from("  ");
        let last = row.len().saturating_sub(1);
        for (i, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if i < last {
                let pad = widths
                    .get(i)
                    .copied()
                    .unwrap_or(0)
                    .saturating_sub(visible_width(cell))
                    + 2;
                line.push_str(&" ".repeat(pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
}

/// Characters shown, ANSI escapes left out.
fn visible_width(text: &str) -> usize {
    let mut width = 0;
    let mut in_escape = false;
    for c in text.chars() {
        match (in_escape, c) {
            (false, '\x1b') => in_escape = true,
            (true, 'm') => in_escape = false,
            (true, _) => {}
            (false, _) => width += 1,
        }
    }
    width
}

/// Inline Markdown: `code`, **strong** and *emphasis*. Without colour, backticks are kept and
/// the emphasis markers dropped.
fn inline(text: &str, color: bool) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let (mut strong, mut emphasis) = (false, false);
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let next = chars.get(i + 1).copied();
        match c {
            '`' => {
                // A code span runs to the next backtick; one left open is a literal backtick.
                let close = chars
                    .iter()
                    .skip(i + 1)
                    .position(|&x| x == '`')
                    .map(|p| p + i + 1);
                match close {
                    Some(end) => {
                        let code: String = chars.get(i + 1..end).unwrap_or(&[]).iter().collect();
                        if color {
                            out.push_str(&format!("{CYAN}{code}{RESET}"));
                            if strong || emphasis {
                                out.push_str(BOLD);
                            }
                        } else {
                            out.push('`');
                            out.push_str(&code);
                            out.push('`');
                        }
                        i = end + 1;
                        continue;
                    }
                    None => out.push('`'),
                }
            }
            '*' if next == Some('*') => {
                strong = !strong;
                if color {
                    out.push_str(if strong || emphasis { BOLD } else { RESET });
                }
                i += 2;
                continue;
            }
            // A lone `*` opens emphasis before a word and closes it after one; elsewhere (a
            // list marker, `a * b`) it is itself.
            '*' if (!emphasis && next.is_some_and(char::is_alphanumeric))
                || (emphasis && i > 0 && chars.get(i - 1).is_some_and(|p| !p.is_whitespace())) =>
            {
                emphasis = !emphasis;
                if color {
                    out.push_str(if strong || emphasis { BOLD } else { RESET });
                }
            }
            _ => out.push(c),
        }
        i += 1;
    }
    if color && (strong || emphasis) {
        out.push_str(RESET);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "# bare-pod\n\n**Severity:** warning · **Pattern:** Batch Job\n\n## What it checks\n\nA `Pod` that *no* controller owns.\n\n```yaml\nkind: Pod\n\nmetadata: {}\n```\n\n| a | bb |\n|---|---|\n| `ccc` | d |\n\n- a list item, 2 * 3\n";

    #[test]
    fn plain_text_has_no_markdown_syntax_but_keeps_backticks() {
        assert_eq!(
            to_text(PAGE, false),
            "bare-pod\n\nSeverity: warning · Pattern: Batch Job\n\nWHAT IT CHECKS\n\nA `Pod` that no controller owns.\n\n    kind: Pod\n\n    metadata: {}\n\n  a      bb\n  `ccc`  d\n\n- a list item, 2 * 3\n"
        );
    }

    #[test]
    fn colour_emphasises_headings_and_highlights_code_without_backticks() {
        let text = to_text(PAGE, true);
        assert!(
            text.starts_with(&format!("{BOLD}bare-pod{RESET}\n")),
            "{text:?}"
        );
        assert!(
            text.contains(&format!("{BOLD}WHAT IT CHECKS{RESET}")),
            "{text:?}"
        );
        assert!(
            text.contains(&format!(
                "A {CYAN}Pod{RESET} that {BOLD}no{RESET} controller"
            )),
            "{text:?}"
        );
        assert!(
            text.contains(&format!("    {CYAN}kind: Pod{RESET}\n")),
            "{text:?}"
        );
        // Columns are aligned by what is shown, not by the escapes.
        assert!(
            text.contains(&format!("  a    bb\n  {CYAN}ccc{RESET}  d\n")),
            "{text:?}"
        );
        assert!(!text.contains('`'), "{text:?}");
    }

    #[test]
    fn unclosed_markers_are_kept_or_closed_and_nothing_panics() {
        assert_eq!(to_text("a `b\n", false), "a `b\n");
        assert_eq!(to_text("**open\n", false), "open\n");
        assert!(to_text("**open\n", true).ends_with(&format!("open{RESET}\n")));
        assert_eq!(to_text("```\nunclosed\n", false), "    unclosed\n");
        assert_eq!(to_text("|\n|x|\n", false), "  x\n");
    }

    #[test]
    fn a_wide_table_is_a_line_per_row_with_named_cells() {
        let long = "x".repeat(120);
        let table = format!(
            "| name | kinds | use |\n|---|---|---|\n| {long} | | `v1` |\n| a | Pod | b |\n"
        );
        assert_eq!(
            to_text(&table, false),
            format!("  - {long}; use: `v1`\n  - a; kinds: Pod; use: b\n")
        );
    }
}
