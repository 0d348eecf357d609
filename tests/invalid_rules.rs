//! Invalid rule texts and the exact error each one gives.
//!
//! `tests/invalid/NAME.json` is a rule text that must be rejected and `tests/invalid/NAME.err`
//! the whole `Error` display string it must give (one line; surrounding whitespace is
//! trimmed), with the text added as `invalid/NAME.json`. The expected messages were
//! written by hand from the input, line and column counted in bytes, as serde_json counts
//! them; the column is the start of the offending value (of the key, for unknown fields). To add a case, write both files; a `.json` without its `.err` (or the reverse)
//! fails the walk.
//!
//! The other tests check the [`Limits`] bounds at and just over each limit, and the
//! structured accessors of [`followup::Error`].

use followup::{
    rules::{Limits, RuleSet},
    Error,
};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The walk fails if the folder holds fewer cases than this (a lost folder is no pass).
const MIN_CASES: usize = 30;

fn invalid_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/invalid")
}

/// A case: (name, rule text, expected message).
type Case = (String, String, String);

/// The `NAME.json`/`NAME.err` pairs of `dir`, sorted by name, and every file without
/// its partner (or with another extension) as a problem.
fn read_cases(dir: &Path) -> (Vec<Case>, Vec<String>) {
    let mut files: BTreeMap<String, (Option<PathBuf>, Option<PathBuf>)> = BTreeMap::new();
    let mut problems = Vec::new();
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            continue;
        }
        let (Some(stem), Some(ext)) = (
            path.file_stem().and_then(|s| s.to_str()),
            path.extension().and_then(|s| s.to_str()),
        ) else {
            problems.push(format!(
                "{}: expected NAME.json or NAME.err",
                path.display()
            ));
            continue;
        };
        let slot = files.entry(stem.to_string()).or_default();
        match ext {
            "json" => slot.0 = Some(path.clone()),
            "err" => slot.1 = Some(path.clone()),
            _ => problems.push(format!(
                "{}: expected NAME.json or NAME.err",
                path.display()
            )),
        }
    }
    let mut cases = Vec::new();
    for (name, pair) in files {
        match pair {
            (Some(json), Some(err)) => {
                let text = std::fs::read_to_string(&json)
                    .unwrap_or_else(|e| panic!("cannot read {}: {e}", json.display()));
                let expected = std::fs::read_to_string(&err)
                    .unwrap_or_else(|e| panic!("cannot read {}: {e}", err.display()));
                cases.push((name, text, expected.trim().to_string()));
            }
            (Some(_), None) => problems.push(format!("{name}.json has no {name}.err")),
            (None, Some(_)) => problems.push(format!("{name}.err has no {name}.json")),
            (None, None) => {}
        }
    }
    (cases, problems)
}

/// Builds a rule set from one source named `name`.
fn build(name: &str, text: &str) -> Result<RuleSet, Error> {
    RuleSet::builder().source(name, text).build()
}

fn build_with(limits: Limits, name: &str, text: &str) -> Result<RuleSet, Error> {
    RuleSet::builder().limits(limits).source(name, text).build()
}

/// Builds every case of `dir` (sources named `{prefix}/NAME.json`) and returns every
/// mismatch, missing partner file, and too small a folder, as one report.
fn check_folder(dir: &Path, prefix: &str, min_cases: usize) -> Result<usize, String> {
    let (cases, mut problems) = read_cases(dir);
    if cases.len() < min_cases {
        problems.push(format!(
            "only {} cases in {}, expected at least {min_cases}",
            cases.len(),
            dir.display()
        ));
    }
    for (name, text, expected) in &cases {
        let source = format!("{prefix}/{name}.json");
        match build(&source, text) {
            Ok(_) => problems.push(format!("{name}: accepted, expected:\n    {expected}")),
            Err(err) => {
                let actual = err.to_string();
                if actual != *expected {
                    problems.push(format!(
                        "{name}:\n    expected: {expected}\n    actual:   {actual}"
                    ));
                } else if !err.is_rule() {
                    problems.push(format!("{name}: not a rule error: {err:?}"));
                }
            }
        }
    }
    if problems.is_empty() {
        return Ok(cases.len());
    }
    let mut report = format!(
        "{} problems with the {} cases of {}:\n",
        problems.len(),
        cases.len(),
        dir.display()
    );
    for p in &problems {
        let _ = writeln!(report, "- {p}");
    }
    Err(report)
}

#[test]
fn every_invalid_rule_file_gives_its_expected_error() {
    if let Err(report) = check_folder(&invalid_dir(), "invalid", MIN_CASES) {
        panic!("{report}");
    }
}

/// A valid program with `steps` (each already a JSON object) and optional extra
/// top-level members (`"milestones": {...},`).
fn program(extra: &str, steps: &[String]) -> String {
    format!(
        "{{\n  \"format\": \"followup/v1\",\n  \"id\": \"dental\",\n  \"name\": {{\"zh\": \"口腔回访\", \"en\": \"Dental follow-up\"}},\n{extra}  \"steps\": [\n    {}\n  ]\n}}",
        steps.join(",\n    ")
    )
}

fn step(id: &str, fields: &str) -> String {
    format!("{{\"id\": \"{id}\", {fields}\"title\": {{\"zh\": \"回访\", \"en\": \"Call\"}}}}")
}

fn one_step(fields: &str) -> String {
    program("", &[step("s", fields)])
}

/// Checks that `result` is the limit error `name` and returns it.
#[track_caller]
fn limit_error(result: Result<RuleSet, Error>, name: &str) -> Error {
    let err = result.expect_err("expected a limit error");
    assert!(err.is_rule(), "{err}");
    assert!(err.is_limit(), "{err}");
    assert_eq!(err.limit(), Some(name), "{err}");
    err
}

#[test]
fn max_rule_bytes_at_the_limit_passes_and_one_byte_over_fails() {
    let text = one_step("\"offset\": \"P1D\", ");
    let at = Limits {
        max_rule_bytes: text.len(),
        ..Limits::default()
    };
    assert!(build_with(at, "big.json", &text).is_ok());
    let under = Limits {
        max_rule_bytes: text.len() - 1,
        ..Limits::default()
    };
    let err = limit_error(build_with(under, "big.json", &text), "max_rule_bytes");
    assert_eq!(
        err.to_string(),
        format!(
            "big.json: (root): the text is {} bytes, more than the limit max_rule_bytes ({}): expected at most {} bytes (split it, or raise the limit)",
            text.len(),
            text.len() - 1,
            text.len() - 1
        )
    );
    assert_eq!(err.pointer(), "");
    assert_eq!(err.line_column(), None);
}

#[test]
fn max_rule_bytes_counts_bytes_not_characters() {
    // "口腔回访" is 4 characters and 12 bytes.
    let text = one_step("");
    assert!(text.chars().count() < text.len());
    let chars = Limits {
        max_rule_bytes: text.chars().count(),
        ..Limits::default()
    };
    limit_error(build_with(chars, "zh.json", &text), "max_rule_bytes");
}

#[test]
fn max_json_depth_at_the_limit_passes_and_one_over_fails() {
    // root { steps [ step { when { setting [ : five levels, as the Limits docs say.
    let text = one_step("\"when\": {\"setting\": [\"outpatient\"]}, ");
    let at = Limits {
        max_json_depth: 5,
        ..Limits::default()
    };
    assert!(build_with(at, "deep.json", &text).is_ok());
    let under = Limits {
        max_json_depth: 4,
        ..Limits::default()
    };
    let err = limit_error(build_with(under, "deep.json", &text), "max_json_depth");
    assert_eq!(
        err.to_string(),
        "deep.json: (root) (line 6, column 37): JSON nested more than 4 levels deep (the limit max_json_depth): expected at most 4 levels of objects and arrays"
    );
}

#[test]
fn max_json_depth_default_rejects_33_nested_arrays_before_reading_them() {
    // As serde_json's own depth test: at the limit the text is read (and rejected for
    // its shape, not its depth); one more level is a limit error at the extra bracket.
    let nested = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    let at = build("nested.json", &nested(32)).expect_err("not a program");
    assert!(at.is_rule() && !at.is_limit(), "{at}");
    let over = limit_error(build("nested.json", &nested(33)), "max_json_depth");
    assert_eq!(
        over.to_string(),
        "nested.json: (root) (line 1, column 33): JSON nested more than 32 levels deep (the limit max_json_depth): expected at most 32 levels of objects and arrays"
    );
    // Brackets inside strings are not nesting (`{{` is a literal brace in a script).
    let in_string = one_step(&format!(
        "\"script\": {{\"zh\": \"{}\", \"en\": \"x\"}}, ",
        "[{{".repeat(100)
    ));
    assert!(build("strings.json", &in_string).is_ok());
}

#[test]
fn max_programs_at_the_limit_passes_and_one_over_fails() {
    let programs = |n: usize| {
        let list: Vec<String> = (0..n)
            .map(|i| {
                format!(
                    "{{\"format\": \"followup/v1\", \"id\": \"p{i}\", \"name\": {{\"zh\": \"程序\", \"en\": \"P\"}}, \"steps\": [{}]}}",
                    step("s", "")
                )
            })
            .collect();
        format!("[{}]", list.join(",\n"))
    };
    let limits = Limits {
        max_programs: 3,
        ..Limits::default()
    };
    let rules = build_with(limits, "many.json", &programs(3)).expect("three programs");
    assert_eq!(rules.program_ids().collect::<Vec<_>>(), ["p0", "p1", "p2"]);
    let err = limit_error(
        build_with(limits, "many.json", &programs(4)),
        "max_programs",
    );
    assert_eq!(
        err.to_string(),
        "many.json: /3 (line 4, column 1): this program is one more than the limit max_programs (3) allows in a rule set: expected at most 3 programs"
    );
}

#[test]
fn max_steps_per_program_at_the_limit_passes_and_one_over_fails() {
    let steps = |n: usize| -> Vec<String> {
        (0..n)
            .map(|i| step(&format!("day-{i}"), &format!("\"offset\": \"P{i}D\", ")))
            .collect()
    };
    let limits = Limits {
        max_steps_per_program: 4,
        ..Limits::default()
    };
    assert!(build_with(limits, "steps.json", &program("", &steps(4))).is_ok());
    let err = limit_error(
        build_with(limits, "steps.json", &program("", &steps(5))),
        "max_steps_per_program",
    );
    assert_eq!(
        err.to_string(),
        "steps.json: /steps (line 5, column 12): the program has 5 steps, more than the limit max_steps_per_program (4): expected at most that many (split the program, or raise the limit)"
    );
}

#[test]
fn max_occurrences_per_step_at_the_limit_passes_and_one_over_fails() {
    let limits = Limits {
        max_occurrences_per_step: 5,
        ..Limits::default()
    };
    let repeat = |rule: &str| one_step(&format!("\"repeat\": \"{rule}\", "));
    assert!(build_with(limits, "r.json", &repeat("FREQ=DAILY;COUNT=5")).is_ok());
    let err = limit_error(
        build_with(limits, "r.json", &repeat("FREQ=DAILY;COUNT=6")),
        "max_occurrences_per_step",
    );
    assert_eq!(
        err.to_string(),
        "r.json: /steps/0/repeat (line 6, column 27): invalid repeat rule \"FREQ=DAILY;COUNT=6\": COUNT=6 is more than the limit max_occurrences_per_step (5): expected a COUNT of at most 5"
    );
}

#[test]
fn max_offset_days_at_the_limit_passes_and_one_day_over_fails() {
    let limits = Limits {
        max_offset_days: 10,
        ..Limits::default()
    };
    let offset = |o: &str| one_step(&format!("\"offset\": \"{o}\", "));
    for ok in ["P10D", "-P10D", "P1W3D"] {
        assert!(build_with(limits, "o.json", &offset(ok)).is_ok(), "{ok}");
    }
    let err = limit_error(
        build_with(limits, "o.json", &offset("-P11D")),
        "max_offset_days",
    );
    assert_eq!(
        err.to_string(),
        "o.json: /steps/0/offset (line 6, column 27): offset \"-P11D\" is about 11 days, more than the limit max_offset_days (10): expected at most 10 days"
    );
}

#[test]
fn max_offset_days_applies_to_milestones_windows_and_repeat_spans() {
    let limits = Limits {
        max_offset_days: 10,
        ..Limits::default()
    };
    let milestone = |o: &str| {
        program(
            &format!("  \"milestones\": {{\"discharge\": \"{o}\"}},\n"),
            &[step("s", "\"from\": \"discharge\", ")],
        )
    };
    assert!(build_with(limits, "m.json", &milestone("P10D")).is_ok());
    let err = limit_error(
        build_with(limits, "m.json", &milestone("P11D")),
        "max_offset_days",
    );
    assert_eq!(
        err.to_string(),
        "m.json: /milestones/discharge (line 5, column 31): offset \"P11D\" is about 11 days, more than the limit max_offset_days (10): expected at most 10 days"
    );

    let window = |w: &str| one_step(&format!("\"window\": {w}, "));
    assert!(build_with(limits, "w.json", &window("\"P10D\"")).is_ok());
    let err = limit_error(
        build_with(limits, "w.json", &window("{\"earliest\": \"-P11D\"}")),
        "max_offset_days",
    );
    assert_eq!(
        err.to_string(),
        "w.json: /steps/0/window/earliest (line 6, column 40): earliest \"-P11D\" is about 11 days, more than the limit max_offset_days (10): expected at most 10 days"
    );

    // A daily rule with COUNT=11 spans 10 days from its first date.
    let repeat = |rule: &str| one_step(&format!("\"repeat\": \"{rule}\", "));
    assert!(build_with(limits, "r.json", &repeat("FREQ=DAILY;COUNT=11")).is_ok());
    let err = limit_error(
        build_with(limits, "r.json", &repeat("FREQ=DAILY;COUNT=12")),
        "max_offset_days",
    );
    assert_eq!(
        err.to_string(),
        "r.json: /steps/0/repeat (line 6, column 27): invalid repeat rule \"FREQ=DAILY;COUNT=12\": from 2001-01-31, a sample start the rule is checked from (a 31st, in a common and a leap year), its last date comes 11 days later, more than the limit max_offset_days (10): expected its dates within 10 days of any start"
    );
}

/// The other durations of a step are bounded by max_offset_days too, and the error
/// names the field (audit 144: each was an "offset", its months "counted 31" though the
/// field takes none).
#[test]
fn max_offset_days_names_the_duration_it_bounds() {
    let limits = Limits {
        max_offset_days: 10,
        ..Limits::default()
    };
    for (field, value) in [
        ("window", "\"P11D\""),
        ("expires", "\"P11D\""),
        ("max_shift", "\"P2W\""),
        ("escalate_after", "\"P11D\""),
    ] {
        let text = one_step(&format!("\"{field}\": {value}, "));
        let err = limit_error(build_with(limits, "d.json", &text), "max_offset_days");
        let days = if value.contains('W') { 14 } else { 11 };
        assert_eq!(err.pointer(), format!("/steps/0/{field}"));
        assert_eq!(
            err.message(),
            format!("{field} {value} is about {days} days, more than the limit max_offset_days (10): expected at most 10 days")
        );
    }
}

#[test]
fn errors_that_are_not_limits_name_no_limit() {
    let err = build("bad.json", &one_step("\"offset\": \"P1X\", ")).expect_err("bad offset");
    assert!(err.is_rule());
    assert!(!err.is_limit());
    assert_eq!(err.limit(), None);
}

#[test]
fn rule_errors_are_rule_errors_and_nothing_else() {
    for text in ["", "{", "[1]", &one_step("\"offset\": \"P1X\", ")] {
        let err = build("r.json", text).expect_err(text);
        assert!(err.is_rule(), "{err}");
        assert!(!err.is_episode() && !err.is_calendar(), "{err}");
    }
}

#[test]
fn rule_error_parts_make_up_its_display() {
    let err = build("parts.json", &one_step("\"offset\": \"P1X\", ")).expect_err("bad offset");
    let Error::Rule(rule) = &err else {
        panic!("not a rule error: {err:?}");
    };
    assert_eq!(rule.source_name(), "parts.json");
    assert!(rule.message().starts_with("invalid duration \"P1X\""));
    let (line, column) = err.line_column().expect("located");
    assert_eq!(
        err.to_string(),
        format!(
            "parts.json: {} (line {line}, column {column}): {}",
            err.pointer(),
            rule.message()
        )
    );
}

#[test]
fn line_column_points_at_the_offending_value() {
    let text = program(
        "",
        &[
            step("day-1", "\"offset\": \"P1D\", "),
            step("day-2", "\"offset\": \"P2X\", "),
        ],
    );
    let err = build("lc.json", &text).expect_err("bad offset");
    assert_eq!(err.line_column(), Some((7, 31)));
    let line = text.lines().nth(6).expect("line 7");
    assert!(line[30..].starts_with("\"P2X\""), "{line}");
}

#[test]
fn line_column_is_the_same_with_crlf_line_ends() {
    let lf = one_step("\"offset\": \"P1X\", ");
    let crlf = lf.replace('\n', "\r\n");
    let a = build("lf.json", &lf).expect_err("bad offset");
    let b = build("lf.json", &crlf).expect_err("bad offset");
    assert_eq!(a.line_column(), Some((6, 27)));
    assert_eq!(a, b);
    // serde's errors too.
    let lf = one_step("\"ofset\": \"P1D\", ");
    let crlf = lf.replace('\n', "\r\n");
    let a = build("lf.json", &lf).expect_err("unknown field");
    let b = build("lf.json", &crlf).expect_err("unknown field");
    assert_eq!(a.line_column(), Some((6, 17)));
    assert_eq!(a, b);
}

#[test]
fn line_column_counts_characters_after_chinese_text() {
    // "第一天" is 3 characters and 9 bytes: columns count characters, as an editor
    // does (serde_json counts bytes: 52 here).
    let text = program(
        "",
        &["{\"id\": \"a\", \"title\": {\"zh\": \"第一天\", \"en\": \"\"}}".to_string()],
    );
    let err = build("zh.json", &text).expect_err("empty title");
    assert_eq!(err.pointer(), "/steps/0/title/en");
    assert_eq!(err.line_column(), Some((6, 46)));
    // serde's own errors too: an unknown field after the same text.
    let text = program(
        "",
        &[
            "{\"id\": \"a\", \"title\": {\"zh\": \"第一天\", \"en\": \"a\"}, \"ofset\": \"P1D\"}"
                .to_string(),
        ],
    );
    let err = build("zh.json", &text).expect_err("unknown field");
    let line = text.lines().nth(5).expect("line 6");
    let key = line.find("\"ofset\"").expect("the key");
    assert_eq!(
        err.line_column(),
        Some((6, line[..key].chars().count() + 1))
    );
    assert_eq!(err.line_column(), Some((6, key + 1 - 6)));
    // And text after the JSON value: `x` is the 38th character, the 44th byte.
    let err = followup::calendar::Calendar::from_json(
        "c.json",
        "{\"clinic\": {\"zh\": \"第一天\", \"en\": \"x\"}} x",
    )
    .expect_err("trailing text");
    assert_eq!(err.line_column(), Some((1, 38)), "{err}");
}

#[test]
fn max_programs_points_at_the_first_program_over_the_limit() {
    let limits = Limits {
        max_programs: 0,
        ..Limits::default()
    };
    let err = limit_error(
        build_with(limits, "none.json", &one_step("")),
        "max_programs",
    );
    assert_eq!(err.line_column(), Some((1, 1)));
    assert_eq!(err.pointer(), "");
}

#[test]
fn pointer_names_the_offending_value_without_the_source() {
    let err =
        build("p.json", &one_step("\"window\": {\"latest\": \"P1M\"}, ")).expect_err("months");
    assert_eq!(err.pointer(), "/steps/0/window/latest");
    let err = build("p.json", &one_step("\"ofset\": \"P1D\", ")).expect_err("unknown field");
    assert_eq!(err.pointer(), "/steps/0/ofset");
    let err = build("p.json", "{} x").expect_err("trailing characters");
    assert_eq!(err.pointer(), "");
}

#[test]
fn pointer_escapes_slash_and_tilde_in_keys_and_still_locates_them() {
    // RFC 6901: "/" is written "~1" and "~" is written "~0".
    let text = one_step("\"when\": {\"a/b~c\": []}, ");
    let err = build("esc.json", &text).expect_err("no values");
    assert_eq!(err.pointer(), "/steps/0/when/a~1b~0c");
    assert_eq!(err.line_column(), Some((6, 35)));
    assert_eq!(
        err.to_string(),
        "esc.json: /steps/0/when/a~1b~0c (line 6, column 35): no values: expected a string or a non-empty array of strings"
    );
}

#[test]
fn pointer_starts_with_the_index_in_an_array_source() {
    let good = "{\"format\": \"followup/v1\", \"id\": \"a\", \"name\": {\"zh\": \"甲\", \"en\": \"A\"}, \"steps\": [{\"id\": \"s\", \"title\": {\"zh\": \"回访\", \"en\": \"Call\"}}]}";
    let second = good.replace("\"id\": \"a\"", "\"id\": \"b\"");
    let bad = good.replace("\"id\": \"a\"", "\"id\": \"C\"");
    let text = format!("[\n{good},\n{second},\n{bad}\n]");
    let err = build("array.json", &text).expect_err("bad program id");
    assert_eq!(err.pointer(), "/2/id");
    assert_eq!(err.line_column(), Some((4, 33)));
}

#[test]
fn two_sources_with_the_same_program_id_name_both_sources() {
    let a = one_step("");
    let err = RuleSet::builder()
        .source("a.json", a.as_str())
        .source("b.json", a.as_str())
        .build()
        .expect_err("duplicate program id");
    assert_eq!(
        err.to_string(),
        "b.json: /id (line 3, column 9): duplicate program id \"dental\" (also /id in a.json): expected program ids unique across all rule texts (to change that program, write an override: {\"format\": \"followup/v1\", \"override\": \"dental\", \"steps\": {…}})"
    );
}

#[test]
fn the_first_of_two_sources_with_json_errors_is_reported() {
    let err = RuleSet::builder()
        .source("good.json", one_step(""))
        .source("first-bad.json", "{")
        .source("second-bad.json", "[")
        .build()
        .expect_err("bad sources");
    let Error::Rule(rule) = &err else {
        panic!("not a rule error: {err:?}");
    };
    assert_eq!(rule.source_name(), "first-bad.json");
}

#[test]
fn the_first_of_two_sources_with_program_errors_is_reported() {
    let err = RuleSet::builder()
        .source("good.json", one_step(""))
        .source("first-bad.json", one_step("\"offset\": \"P1X\", "))
        .source("second-bad.json", one_step("\"offset\": \"P2X\", "))
        .build()
        .expect_err("bad sources");
    let Error::Rule(rule) = &err else {
        panic!("not a rule error: {err:?}");
    };
    assert_eq!(rule.source_name(), "first-bad.json");
}

#[test]
fn a_program_id_may_not_clash_with_a_builtin_program() {
    let text = one_step("").replace("\"dental\"", "\"laser-aftercare\"");
    let err = RuleSet::builder()
        .builtin()
        .source("mine.json", text)
        .build()
        .expect_err("clash with the built-in program");
    assert_eq!(
        err.to_string(),
        "mine.json: /id (line 3, column 9): duplicate program id \"laser-aftercare\" (also /id in rules/laser-aftercare.json): expected program ids unique across all rule texts (to change that program, write an override: {\"format\": \"followup/v1\", \"override\": \"laser-aftercare\", \"steps\": {…}})"
    );
}

/// The same file given twice names why it collides with itself (audit 123: "also /id in
/// a.json" beside "a.json:" read as a file colliding with itself).
#[test]
fn the_same_file_twice_says_so() {
    let text = r#"{"format": "followup/v1", "id": "a", "name": {"zh": "甲", "en": "A"},
        "steps": [{"id": "s", "title": {"zh": "甲", "en": "A"}}]}"#;
    let err = RuleSet::builder()
        .source("a.json", text)
        .source("a.json", text)
        .build()
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("a.json: /id (line 1, column 33): duplicate program id \"a\" (also /id in a.json, added before: the same file given twice, or a file named as a built-in one): "),
        "{err}"
    );
}
