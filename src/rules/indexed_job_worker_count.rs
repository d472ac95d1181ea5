//! `indexed-job-worker-count`: Indexed Job Pods see their index but not the total.

use super::indexed_job_completions::job_spec;
use super::{Check, Pattern, Rule};
use crate::model::view::Container;
use crate::model::Object;
use crate::report::{Diagnostic, Severity};

/// An Indexed Job whose containers are not told how many indexes there are.
pub const RULE: Rule = Rule {
    id: "indexed-job-worker-count",
    severity: Severity::Info,
    pattern: Pattern::BatchJob,
    summary: "An Indexed Job whose containers are not told the total number of completions (Pods only see JOB_COMPLETION_INDEX).",
    doc: include_str!("../../rules/indexed-job-worker-count.md"),
    check: Check::Local(check),
};

fn check(obj: &Object, out: &mut Vec<Diagnostic>) {
    let Some((spec, path)) = job_spec(obj) else {
        return;
    };
    if spec.completion_mode.as_deref() != Some("Indexed") {
        return;
    }
    // Without completions indexed-job-completions fires; with one index there is nothing to split.
    let Some(total) = spec.completions.filter(|&n| n > 1) else {
        return;
    };
    let Some(pod) = &spec.template.spec else {
        return;
    };
    let number = total.to_string();
    let told = pod
        .containers
        .iter()
        .chain(pod.init_containers.iter().flatten())
        .any(|c| is_told(c, &number));
    if told {
        return;
    }
    out.push(
        RULE.at(
            obj,
            &format!("{path}.completions"),
            format!(
                "{} runs {total} indexed Pods, but no env value, command or argument of its containers holds {total}: each Pod only sees its own JOB_COMPLETION_INDEX, so it can't tell what share of the work is its own",
                obj.display()
            ),
        )
        .help(format!(
            "pass the total to the containers, e.g. an env var `- name: TOTAL_WORKERS` with `value: \"{total}\"`, or an argument such as `--workers={total}`"
        )),
    );
}

/// True when an env value, command or argument of `c` holds `number` as a whole number.
fn is_told(c: &Container, number: &str) -> bool {
    let env = c.env.iter().flatten().filter_map(|e| e.value.as_deref());
    let cmd = c.command.iter().flatten().map(smol_str::SmolStr::as_str);
    let args = c.args.iter().flatten().map(smol_str::SmolStr::as_str);
    env.chain(cmd)
        .chain(args)
        .any(|s| contains_number(s, number))
}

/// `number` occurs in `s` not next to another digit (`5` is in `--workers=5`, not in `50`).
fn contains_number(s: &str, number: &str) -> bool {
    let bytes = s.as_bytes();
    s.match_indices(number).any(|(i, m)| {
        let before = i.checked_sub(1).and_then(|j| bytes.get(j));
        let after = bytes.get(i + m.len());
        !before.is_some_and(u8::is_ascii_digit) && !after.is_some_and(u8::is_ascii_digit)
    })
}

#[cfg(test)]
mod tests {
    use super::contains_number;

    #[test]
    fn whole_numbers_only() {
        assert!(contains_number("--workers=5", "5"));
        assert!(contains_number("5", "5"));
        assert!(contains_number("python run.py 5 shards", "5"));
        assert!(contains_number("x50 5", "5"));
        assert!(!contains_number("--port=8050", "5"));
        assert!(!contains_number("50", "5"));
        assert!(!contains_number("", "5"));
    }
}
