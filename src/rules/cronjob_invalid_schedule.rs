//! `cronjob-invalid-schedule`: a CronJob `schedule` or `timeZone` that the API server rejects.
//!
//! The API server validates `schedule` with robfig/cron v3's `ParseStandard` and then refuses
//! any schedule containing `TZ`; this module re-implements exactly that dialect, so that what
//! it accepts is what the API accepts (including robfig's quirks: `?` in any field, empty list
//! items skipped, `@every <duration>`).

use std::ops::Range;
use std::str::FromStr;

use super::{Check, Pattern, Rule};
use crate::model::{Object, Typed};
use crate::report::{Diagnostic, Severity};
use crate::spelling::edit_distance;

/// A CronJob whose schedule or time zone the API server rejects.
pub const RULE: Rule = Rule {
    id: "cronjob-invalid-schedule",
    severity: Severity::Error,
    pattern: Pattern::PeriodicJob,
    summary: "A CronJob schedule or timeZone that Kubernetes' cron parser rejects.",
    doc: include_str!("../../rules/cronjob-invalid-schedule.md"),
    check: Check::Local(check),
};

fn check(obj: &Object, out: &mut Vec<Diagnostic>) {
    let Typed::CronJob(cj) = &obj.typed else {
        return;
    };
    let Some(spec) = &cj.spec else { return };
    if obj.has("spec.schedule") {
        if let Err(e) = validate_schedule(&spec.schedule) {
            let at = obj.locate_within("spec.schedule", e.range.clone());
            out.push(
                RULE.report(
                    obj,
                    at,
                    format!(
                        "{} has schedule \"{}\" that the API server rejects: {}; the CronJob is never created, so it never runs",
                        obj.display(),
                        spec.schedule,
                        e.message
                    ),
                )
                .path("spec.schedule")
                .help(e.help),
            );
        }
    }
    if let Some(tz) = &spec.time_zone {
        if let Err((message, help)) = validate_time_zone(tz) {
            out.push(
                RULE.at(
                    obj,
                    "spec.timeZone",
                    format!(
                        "{} has timeZone \"{tz}\": {message}; the API server rejects the CronJob",
                        obj.display()
                    ),
                )
                .help(help),
            );
        }
    }
}

/// Why a schedule is rejected, and which bytes of it are at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CronError {
    /// The bytes of the schedule at fault (empty for an empty schedule).
    pub range: Range<usize>,
    /// What is wrong, to follow "the API server rejects it: ".
    pub message: String,
    /// How to fix it.
    pub help: String,
}

fn err(range: Range<usize>, message: impl Into<String>, help: impl Into<String>) -> CronError {
    CronError {
        range,
        message: message.into(),
        help: help.into(),
    }
}

const FIELD_HELP: &str = "write five fields: minute (0-59) hour (0-23) day-of-month (1-31) month (1-12 or JAN-DEC) day-of-week (0-6 or SUN-SAT), each `*`, `?`, a number, a range `a-b`, a step `*/n` or `a-b/n`, or a comma list of these";

struct Bounds {
    name: &'static str,
    min: u64,
    max: u64,
    names: &'static [&'static str],
}

const MONTH_NAMES: &[&str] = &[
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const DOW_NAMES: &[&str] = &["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

const FIELDS: [Bounds; 5] = [
    Bounds {
        name: "minute",
        min: 0,
        max: 59,
        names: &[],
    },
    Bounds {
        name: "hour",
        min: 0,
        max: 23,
        names: &[],
    },
    Bounds {
        name: "day-of-month",
        min: 1,
        max: 31,
        names: &[],
    },
    Bounds {
        name: "month",
        min: 1,
        max: 12,
        names: MONTH_NAMES,
    },
    Bounds {
        name: "day-of-week",
        min: 0,
        max: 6,
        names: DOW_NAMES,
    },
];

const DESCRIPTORS: &[&str] = &[
    "@yearly",
    "@annually",
    "@monthly",
    "@weekly",
    "@daily",
    "@midnight",
    "@hourly",
];

/// Checks a schedule as the API server does (robfig/cron v3 `ParseStandard`, then no `TZ`).
pub fn validate_schedule(spec: &str) -> Result<(), CronError> {
    if let Some(pos) = spec.find("TZ") {
        // The time zone prefix is the first whitespace-separated word.
        let end = spec
            .get(pos..)
            .and_then(|rest| rest.find(char::is_whitespace))
            .map_or(spec.len(), |e| pos + e);
        let start = spec
            .get(..pos)
            .and_then(|head| head.rfind(char::is_whitespace))
            .map_or(0, |s| s + 1);
        return Err(err(
            start..end,
            "a TZ= or CRON_TZ= time zone in the schedule is not allowed",
            "remove the TZ=/CRON_TZ= prefix and set spec.timeZone to the IANA zone name instead",
        ));
    }
    if spec.is_empty() {
        return Err(err(0..0, "it is empty", FIELD_HELP));
    }
    if spec.starts_with('@') {
        return validate_descriptor(spec);
    }
    let fields = words(spec);
    if fields.len() != 5 {
        let range = match fields.get(5) {
            Some(extra) => extra.start..spec.len(),
            None => 0..spec.len(),
        };
        let more = if fields.len() == 6 {
            " (Kubernetes has no seconds field)"
        } else {
            ""
        };
        return Err(err(
            range,
            format!("it has {} fields, not 5{more}", fields.len()),
            FIELD_HELP,
        ));
    }
    for (field, bounds) in fields.iter().zip(FIELDS.iter()) {
        validate_field(spec, field.clone(), bounds)?;
    }
    Ok(())
}

/// Byte ranges of the whitespace-separated words (Go's `strings.Fields`).
fn words(s: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(st)) => {
                out.push(st..i);
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(st) = start {
        out.push(st..s.len());
    }
    out
}

fn validate_descriptor(spec: &str) -> Result<(), CronError> {
    if DESCRIPTORS.contains(&spec) {
        return Ok(());
    }
    if let Some(d) = spec.strip_prefix("@every ") {
        return match parse_go_duration(d) {
            Ok(()) => Ok(()),
            Err(why) => Err(err(
                "@every ".len()..spec.len(),
                format!("\"{d}\" is not a Go duration ({why})"),
                "write the interval as a Go duration such as `@every 1h30m`, or use five cron fields",
            )),
        };
    }
    Err(err(
        0..spec.len(),
        format!("\"{spec}\" is not a known macro"),
        "use one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly, `@every <duration>`, or five cron fields",
    ))
}

fn validate_field(spec: &str, field: Range<usize>, b: &Bounds) -> Result<(), CronError> {
    let text = spec.get(field.clone()).unwrap_or("");
    let mut any = false;
    let mut pos = field.start;
    // robfig splits with FieldsFunc: empty list items are skipped, not errors.
    for item in text.split(',') {
        let range = pos..pos + item.len();
        pos += item.len() + 1;
        if item.is_empty() {
            continue;
        }
        any = true;
        validate_range(item, range, b)?;
    }
    if !any {
        return Err(err(
            field,
            format!(
                "the {} field lists no value, so the schedule never matches (the API accepts it, but the CronJob never runs)",
                b.name
            ),
            FIELD_HELP,
        ));
    }
    Ok(())
}

fn validate_range(item: &str, range: Range<usize>, b: &Bounds) -> Result<(), CronError> {
    let name = b.name;
    let bounds_help = || {
        let mut h = format!("the {name} field takes {}-{}", b.min, b.max);
        if b.names == MONTH_NAMES {
            h.push_str(" or JAN-DEC");
        } else if b.names == DOW_NAMES {
            h.push_str(" or SUN-SAT (Sunday is 0, not 7)");
        }
        h
    };
    let parts: Vec<&str> = item.split('/').collect();
    let Some(range_part) = parts.first().copied() else {
        return Ok(());
    };
    let ends: Vec<&str> = range_part.split('-').collect();
    let single = ends.len() == 1;
    let first = ends.first().copied().unwrap_or("");
    let (start, mut end) = if first == "*" || first == "?" {
        // robfig ignores anything after `*-`.
        (b.min, b.max)
    } else {
        let start =
            parse_int_or_name(first, b).map_err(|m| err(range.clone(), m, bounds_help()))?;
        let end = match ends.len() {
            1 => start,
            2 => parse_int_or_name(ends.get(1).copied().unwrap_or(""), b)
                .map_err(|m| err(range.clone(), m, bounds_help()))?,
            _ => {
                return Err(err(
                    range,
                    format!("\"{item}\" in the {name} field has too many hyphens"),
                    bounds_help(),
                ))
            }
        };
        (start, end)
    };
    let step = match parts.len() {
        1 => 1,
        2 => {
            let s = parts.get(1).copied().unwrap_or("");
            let step = parse_int(s).map_err(|m| {
                err(
                    range.clone(),
                    format!("the step of \"{item}\" in the {name} field: {m}"),
                    "a step is a positive number, as in `*/5`",
                )
            })?;
            if single {
                // robfig reads `N/step` as `N-max/step`.
                end = b.max;
            }
            step
        }
        _ => {
            return Err(err(
                range,
                format!("\"{item}\" in the {name} field has too many slashes"),
                "write a step once, as in `*/5` or `10-40/10`",
            ))
        }
    };
    if start > b.max {
        return Err(err(
            range,
            format!("{start} in the {name} field is above the maximum {}", b.max),
            bounds_help(),
        ));
    }
    if start < b.min {
        return Err(err(
            range,
            format!("{start} in the {name} field is below the minimum {}", b.min),
            bounds_help(),
        ));
    }
    if end > b.max {
        return Err(err(
            range,
            format!("{end} in the {name} field is above the maximum {}", b.max),
            bounds_help(),
        ));
    }
    if start > end {
        return Err(err(
            range,
            format!("the range \"{item}\" in the {name} field starts after it ends ({start} > {end})"),
            "write ranges low to high; for a range across the wrap-around, list two ranges (`22-23,0-2`)",
        ));
    }
    if step == 0 {
        return Err(err(
            range,
            format!("the step of \"{item}\" in the {name} field is 0"),
            "a step is a positive number, as in `*/5`",
        ));
    }
    Ok(())
}

fn parse_int_or_name(s: &str, b: &Bounds) -> Result<u64, String> {
    let lower = s.to_ascii_lowercase();
    if let Some(i) = b.names.iter().position(|n| *n == lower) {
        // Month names count from 1, day names from 0: both are `min + index`.
        return Ok(b.min + i as u64);
    }
    parse_int(s).map_err(|m| format!("\"{s}\" in the {} field: {m}", b.name))
}

/// Go's `strconv.Atoi`, then robfig's refusal of negatives.
fn parse_int(s: &str) -> Result<u64, String> {
    let (neg, digits) = if let Some(d) = s.strip_prefix('+') {
        (false, d)
    } else if let Some(d) = s.strip_prefix('-') {
        (true, d)
    } else {
        (false, s)
    };
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return Err("not a number".to_string());
    }
    let Ok(n) = digits.parse::<u64>() else {
        return Err("number too large".to_string());
    };
    if n > i64::MAX as u64 {
        return Err("number too large".to_string());
    }
    if neg && n != 0 {
        return Err("negative numbers are not allowed".to_string());
    }
    Ok(n)
}

/// Go's `time.ParseDuration`: accepted or why not.
fn parse_go_duration(orig: &str) -> Result<(), String> {
    let (neg, mut s) = if let Some(d) = orig.strip_prefix('-') {
        (true, d)
    } else {
        (false, orig.strip_prefix('+').unwrap_or(orig))
    };
    if s == "0" {
        return Ok(());
    }
    if s.is_empty() {
        return Err("empty".to_string());
    }
    // Go durations are int64 nanoseconds; float precision is plenty to tell ±292 years.
    let limit = if neg {
        -(i64::MIN as f64)
    } else {
        i64::MAX as f64
    };
    let mut total: f64 = 0.0;
    while !s.is_empty() {
        let (int_part, rest) = split_at_first(s, |c| !c.is_ascii_digit());
        s = rest;
        let mut frac_part = "";
        if let Some(rest) = s.strip_prefix('.') {
            let (f, rest) = split_at_first(rest, |c| !c.is_ascii_digit());
            frac_part = f;
            if int_part.is_empty() && frac_part.is_empty() {
                return Err("a number is missing".to_string());
            }
            s = rest;
        } else if int_part.is_empty() {
            return Err("a number is missing".to_string());
        }
        let (unit, rest) = split_at_first(s, |c| c == '.' || c.is_ascii_digit());
        s = rest;
        let ns: f64 = match unit {
            "ns" => 1.0,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            "" => return Err("a unit (ns, us, ms, s, m, h) is missing".to_string()),
            other => return Err(format!("unknown unit \"{other}\"")),
        };
        let value: f64 = format!(
            "{}.{}",
            if int_part.is_empty() { "0" } else { int_part },
            if frac_part.is_empty() { "0" } else { frac_part }
        )
        .parse()
        .map_err(|_| "not a number".to_string())?;
        total += value * ns;
        if total > limit {
            return Err("out of range".to_string());
        }
    }
    Ok(())
}

/// `s` split before the first character matching `stop` (all of `s` when none does).
fn split_at_first(s: &str, stop: impl Fn(char) -> bool) -> (&str, &str) {
    let at = s.find(stop).unwrap_or(s.len());
    s.split_at_checked(at).unwrap_or((s, ""))
}

/// Checks `spec.timeZone` as the API server does; the error message and a fix.
fn validate_time_zone(tz: &str) -> Result<(), (String, String)> {
    let iana = "set an IANA time zone name such as `Etc/UTC` or `Europe/Berlin`, or remove timeZone to use the controller's zone";
    if tz.is_empty() {
        return Err(("it is empty".to_string(), iana.to_string()));
    }
    if tz.eq_ignore_ascii_case("Local") {
        return Err((
            "\"Local\" is not an explicit time zone".to_string(),
            iana.to_string(),
        ));
    }
    if chrono_tz::Tz::from_str(tz).is_ok() {
        return Ok(());
    }
    let wanted = tz.replace(' ', "_").to_ascii_lowercase();
    // Only reached for a bad zone, so a scan of the ~600 names is cheap; zone names are short,
    // so anything long is not worth the quadratic comparison.
    let close = (wanted.len() <= 64)
        .then(|| {
            chrono_tz::TZ_VARIANTS
                .iter()
                .map(|z| {
                    (
                        edit_distance(&z.name().to_ascii_lowercase(), &wanted),
                        z.name(),
                    )
                })
                .filter(|(d, _)| *d <= 2)
                .min()
        })
        .flatten();
    let help = match close {
        Some((0, name)) => format!("write `{name}` (zone names are case-sensitive)"),
        Some((_, name)) => format!("did you mean `{name}`?"),
        None => iana.to_string(),
    };
    Err(("it is not an IANA time zone name".to_string(), help))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) {
        assert_eq!(validate_schedule(s), Ok(()), "{s:?} should be valid");
    }

    fn bad(s: &str) -> CronError {
        match validate_schedule(s) {
            Ok(()) => panic!("{s:?} should be rejected"),
            Err(e) => e,
        }
    }

    fn bad_at(s: &str, want: &str) {
        let e = bad(s);
        assert_eq!(&s[e.range.clone()], want, "{s:?}: {}", e.message);
    }

    #[test]
    fn accepts_the_standard_dialect() {
        ok("* * * * *");
        ok("*/5 * * * *");
        ok("0 0 1 1 0");
        ok("59 23 31 12 6");
        ok("1-10/2 * * * *");
        ok("5/15 * * * *");
        ok("0 9 * * MON-FRI");
        ok("0 9 * jan-Mar sun,SAT");
        ok("0 0 ? * ?");
        ok("0,30 8-18 * * 1-5");
        ok("  0   0 * * *  ");
        ok("0\t0 * * *");
        ok("+5 * * * *");
        ok("05 * * * *");
    }

    #[test]
    fn follows_robfig_quirks() {
        // `?` is accepted in every field, empty list items are skipped, `*-x` ignores `-x`.
        ok("? ? * * *");
        ok("1,,2 * * * *");
        ok(",5 * * * *");
        ok("*-5 * * * *");
        ok("*/1 * * * *");
    }

    #[test]
    fn accepts_macros_and_every() {
        for m in DESCRIPTORS {
            ok(m);
        }
        ok("@every 1h30m");
        ok("@every 5m");
        ok("@every 1.5h");
        ok("@every 0");
        ok("@every 300ms");
    }

    #[test]
    fn rejects_bad_macros() {
        bad_at("@Daily", "@Daily");
        bad_at("@reboot", "@reboot");
        bad_at("@every 5", "5");
        bad_at("@every 5 minutes", "5 minutes");
        bad_at("@every ", "");
        bad_at("@daily ", "@daily ");
        bad("@every");
        // Not at the start: five fields are expected.
        bad(" @daily");
    }

    #[test]
    fn rejects_time_zone_prefixes() {
        bad_at("TZ=UTC 0 0 * * *", "TZ=UTC");
        bad_at("CRON_TZ=Europe/Berlin 0 0 * * *", "CRON_TZ=Europe/Berlin");
    }

    #[test]
    fn rejects_field_counts() {
        assert!(bad("0 0 * *").message.contains("4 fields"));
        bad_at("0 0 0 * * *", "*");
        assert!(bad("0 0 0 * * *").message.contains("seconds"));
        bad_at("0 0 * * * 2024 x", "2024 x");
        bad("");
        bad("   ");
    }

    #[test]
    fn rejects_out_of_range_values() {
        bad_at("60 * * * *", "60");
        bad_at("* 24 * * *", "24");
        bad_at("* * 0 * *", "0");
        bad_at("* * 32 * *", "32");
        bad_at("* * * 0 *", "0");
        bad_at("* * * 13 *", "13");
        bad_at("* * * * 7", "7");
        bad_at("* * * * 1-7", "1-7");
        bad_at("1,2,99 * * * *", "99");
    }

    #[test]
    fn rejects_bad_ranges_and_steps() {
        bad_at("30-10 * * * *", "30-10");
        bad_at("*/0 * * * *", "*/0");
        bad_at("1-2-3 * * * *", "1-2-3");
        bad_at("*/5/2 * * * *", "*/5/2");
        bad_at("*/ * * * *", "*/");
        bad_at("1- * * * *", "1-");
        bad_at("-1 * * * *", "-1");
        bad_at("*/x * * * *", "*/x");
        bad_at("* * * * FRI-MON", "FRI-MON");
        // `5/15` means `5-59/15`: a start above the maximum is still out of range.
        bad_at("60/15 * * * *", "60/15");
    }

    #[test]
    fn rejects_names_out_of_place() {
        bad_at("* * * MON *", "MON");
        bad_at("* * * * JAN", "JAN");
        bad_at("JAN * * * *", "JAN");
        bad_at("* * * * monday", "monday");
        bad_at("* * * * 1/MON", "1/MON");
    }

    #[test]
    fn rejects_non_standard_syntax() {
        bad_at("0 0 L * *", "L");
        bad_at("0 0 * * 5#3", "5#3");
        bad_at("0 0 15W * *", "15W");
        bad_at(", * * * *", ",");
    }

    /// The text a schedule diagnostic points at, for a CronJob with this `schedule:` line.
    fn pointed(schedule_line: &str) -> String {
        let yaml = format!(
            "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: c\nspec:\n{schedule_line}\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: Never\n          containers:\n            - name: w\n              image: w:1\n"
        );
        let report = crate::lint_sources(
            vec![("c.yaml".to_string(), yaml.clone().into_bytes())],
            &crate::Options::default(),
        );
        let d = report
            .diagnostics
            .iter()
            .find(|d| d.rule == RULE.id)
            .expect("a schedule finding");
        yaml[d.span.start as usize..d.span.end as usize].to_string()
    }

    #[test]
    fn points_inside_the_string_when_written_verbatim() {
        assert_eq!(pointed("  schedule: 0 0 * * 7"), "7");
        assert_eq!(pointed("  schedule: \"0 24 * * *\""), "24");
        assert_eq!(pointed("  schedule: '0 0 * 13 *'"), "13");
        assert_eq!(pointed("  schedule: \"\""), "\"\"");
        // Escapes change the length: the whole value is reported.
        assert_eq!(
            pointed("  schedule: \"0 0 * * \\x37\""),
            "\"0 0 * * \\x37\""
        );
    }

    #[test]
    fn time_zones() {
        assert!(validate_time_zone("Etc/UTC").is_ok());
        assert!(validate_time_zone("UTC").is_ok());
        assert!(validate_time_zone("America/New_York").is_ok());
        assert!(validate_time_zone("US/Eastern").is_ok());
        assert!(validate_time_zone("").is_err());
        assert!(validate_time_zone("Local").is_err());
        assert!(validate_time_zone("Mars/Olympus").is_err());
        let (_, help) = validate_time_zone("america/new_york").unwrap_err();
        assert!(help.contains("America/New_York"), "{help}");
        let (_, help) = validate_time_zone("Europe/Berln").unwrap_err();
        assert!(help.contains("`Europe/Berlin`"), "{help}");
        let (_, help) = validate_time_zone("Mars/Olympus").unwrap_err();
        assert!(help.contains("IANA"), "{help}");
    }

    #[test]
    fn go_durations() {
        for d in [
            "1h", "1h30m", "1.5h", ".5s", "1.s", "-1m", "+2s", "0", "1us", "1µs",
        ] {
            assert_eq!(parse_go_duration(d), Ok(()), "{d}");
        }
        for d in ["", "1", "h", ".s", "1x", "1h2", "-", "99999999999h"] {
            assert!(parse_go_duration(d).is_err(), "{d}");
        }
    }
}
