//! The case runner: the exact report of a failing case file, exact and at-least
//! matching, `only`, `programs`, cases that cannot be planned, and the two written forms
//! of an expected line.

use followup::cases::{Difference, Verdict};
use followup::{cases::Cases, rules::RuleSet};
use std::path::Path;

fn read(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(name)).expect(name)
}

fn dental() -> RuleSet {
    let name = "examples/rule-authoring/dental.json";
    RuleSet::builder()
        .source(name, read(name))
        .build()
        .expect("dental rules")
}

/// The report of the case file written in a hurry that the README shows.
const WRONG_DENTAL_REPORT: &str = "\
examples/rule-authoring/wrong/dental.cases.json
  FAIL /cases/0 (line 7): an extraction on Thu 2 Apr 2026, written in a hurry
    tasks (exact):
      different  suture-reminder in channel  (line 18)
        expected 2026-04-08 suture-reminder phone customer_service
        actual   2026-04-08 suture-reminder sms customer_service 14:00-18:00  [dental/suture-reminder/ep-1/0]
      different  month-1-call in due  (line 19)
        expected 2026-05-02 month-1-call phone doctor_assistant
        actual   2026-05-06 month-1-call phone doctor_assistant 14:00-18:00  [dental/month-1-call/ep-1/0, moved from 2026-05-02 (holiday)]
      unexpected 2026-10-02 check-up-invitation sms customer_service 14:00-18:00  [dental/check-up-invitation/ep-1/0]
  PASS /cases/1 (line 24): a filling on Tue 7 Apr, review visit booked for Tue 21 Apr
  2 cases: 1 passed, 1 failed
";

#[test]
fn a_failing_case_file_prints_its_exact_diff() {
    let rules = dental();
    let name = "examples/rule-authoring/wrong/dental.cases.json";
    let cases = rules.read_cases(name, &read(name)).unwrap();
    let report = rules.run_cases(&cases);
    assert!(!report.passed());
    assert_eq!((report.passed_count(), report.failed_count()), (1, 1));
    assert_eq!(report.to_string(), WRONG_DENTAL_REPORT);
    let Verdict::Fail(diffs) = report.results()[0].verdict() else {
        panic!("expected a failure");
    };
    assert!(matches!(&diffs[0], Difference::TaskDiffers { fields, .. } if fields == &["channel"]));
    assert!(
        matches!(&diffs[2], Difference::UnexpectedTask(t) if t.step() == "check-up-invitation")
    );
}

/// A report's heading is the name the host gave, on one printable line (audit 98: a file
/// name holding a line break and an escape forged a line and cleared the terminal).
#[test]
fn a_reports_heading_writes_the_files_name_on_one_line() {
    let rules = dental();
    let text = read("examples/rule-authoring/dental.cases.json");
    let cases = rules.read_cases("bad\nname\u{1b}[2J.json", &text).unwrap();
    let report = rules.run_cases(&cases).to_string();
    assert_eq!(report.lines().next(), Some("bad\\u{a}name\\u{1b}[2J.json"));
    assert!(report
        .lines()
        .nth(1)
        .is_some_and(|l| l.starts_with("  PASS /cases/0")));
}

#[test]
fn the_readme_shows_the_reports_check_rules_prints() {
    let readme = read("README.md");
    let rules = dental();
    for name in [
        "examples/rule-authoring/dental.cases.json",
        "examples/rule-authoring/wrong/dental.cases.json",
    ] {
        let report = rules.run_cases(&rules.read_cases(name, &read(name)).unwrap());
        assert!(
            readme.contains(&report.to_string()),
            "the README's rule-authoring section no longer shows the report of {name}:\n{report}"
        );
    }
    assert!(readme.contains(WRONG_DENTAL_REPORT));
}

#[test]
fn the_shipped_dental_cases_pass() {
    let rules = dental();
    let name = "examples/rule-authoring/dental.cases.json";
    let report = rules.run_cases(&rules.read_cases(name, &read(name)).unwrap());
    assert!(report.passed(), "{report}");
}

const DENTAL_EPISODE: &str = r#"{"id": "ep-1", "event": "procedure", "at": "2026-04-02T10:00",
    "attributes": {"category": "dental", "procedure": "extraction"}, "patient": {"id": "p-1"}}"#;

/// A case file of one case: the extraction of 2 Apr 2026 (default calendar: open every
/// day), with `expect` as given.
fn one_case(expect: &str) -> String {
    format!(
        r#"{{"cases": [{{"name": "extraction", "episode": {DENTAL_EPISODE}, "expect": {expect}}}]}}"#
    )
}

fn run(rules: &RuleSet, text: &str) -> followup::cases::CaseReport {
    rules.run_cases(&rules.read_cases("t.cases.json", text).unwrap())
}

// The plan of `one_case` with the dental rules, worked out by hand: day-1 call 3 Apr,
// suture reminder 8 Apr (removal 9 Apr), month-1 call 2 May, check-up invitation 2 Oct,
// the review reminder dropped (no review visit).

#[test]
fn at_least_passes_with_some_of_the_plan_and_exact_needs_all_of_it() {
    let rules = dental();
    let some = r#"["2026-04-03 day-1-call phone customer_service", "2026-05-02 month-1-call phone doctor_assistant"]"#;
    let at_least = run(
        &rules,
        &one_case(&format!(r#"{{"match": "at_least", "tasks": {some}}}"#)),
    );
    assert!(at_least.passed(), "{at_least}");
    let exact = run(&rules, &one_case(&format!(r#"{{"tasks": {some}}}"#)));
    assert_eq!(
        exact.to_string(),
        "\
t.cases.json
  FAIL /cases/0 (line 1): extraction
    tasks (exact):
      unexpected 2026-04-08 suture-reminder sms customer_service 14:00-18:00  [dental/suture-reminder/ep-1/0]
      unexpected 2026-10-02 check-up-invitation sms customer_service 14:00-18:00  [dental/check-up-invitation/ep-1/0]
    dropped (exact):
      unexpected review-reminder missing_anchor review_visit  [dental/review-reminder/ep-1/0]
  1 case: 0 passed, 1 failed
"
    );
}

/// `programs` under `at_least`: these apply, others may too (audit 15: a greetings case
/// failed because the quarterly touch applies beside it). A patient born on 29 Feb 1996,
/// greeted over 2026: the built-in `greetings` and `quarterly-touch` both apply.
#[test]
fn at_least_programs_may_have_others_beside_them() {
    let rules = RuleSet::builtin().unwrap();
    let case = |expect: &str| {
        format!(
            r#"{{"cases": [{{"name": "g", "patient": {{"id": "p-7", "birthday": "1996-02-29"}},
                "horizon": {{"from": "2026-01-01", "until": "2026-12-31"}}, "expect": {expect}}}]}}"#
        )
    };
    let passed = |expect: &str| run(&rules, &case(expect)).passed();
    assert!(passed(
        r#"{"match": "at_least", "programs": ["greetings"]}"#
    ));
    assert!(passed(
        r#"{"match": "at_least", "programs": ["greetings", "quarterly-touch"]}"#
    ));
    assert!(!passed(
        r#"{"match": "at_least", "programs": ["greetings", "plan-611"]}"#
    ));
    // `[]` still says no program applies.
    assert!(!passed(
        r#"{"match": "at_least", "programs": [], "tasks": []}"#
    ));
    let missing = run(
        &rules,
        &case(r#"{"match": "at_least", "programs": ["plan-611"]}"#),
    );
    assert!(
        missing
            .to_string()
            .contains("expected   plan-611\n      actual     greetings, quarterly-touch"),
        "{missing}"
    );
}

#[test]
fn at_least_still_reports_what_is_missing_or_different() {
    let rules = dental();
    let report = run(
        &rules,
        &one_case(
            r#"{"match": "at_least",
                "tasks": ["2026-04-04 day-1-call phone customer_service"],
                "dropped": ["review-reminder missing_anchor"]}"#,
        ),
    );
    assert_eq!(
        report.to_string(),
        "\
t.cases.json
  FAIL /cases/0 (line 1): extraction
    tasks (at_least):
      different  day-1-call in due  (line 3)
        expected 2026-04-04 day-1-call phone customer_service
        actual   2026-04-03 day-1-call phone customer_service 14:00-18:00  [dental/day-1-call/ep-1/0]
  1 case: 0 passed, 1 failed
"
    );
    // day-2-call is no step of the dental program: read_cases refuses it (see `invalid`);
    // Cases::from_json does not know the rules, and the runner reports it as missing.
    let text = one_case(
        r#"{"match": "at_least", "tasks": ["2026-04-05 day-2-call phone customer_service"]}"#,
    );
    let report = rules.run_cases(&Cases::from_json("t.cases.json", &text).unwrap());
    assert!(report
        .to_string()
        .contains("      missing    2026-04-05 day-2-call phone customer_service  (line 2)\n"));
}

#[test]
fn exact_with_no_dropped_list_means_the_plan_drops_nothing() {
    let rules = dental();
    let all = r#"["2026-04-03 day-1-call phone customer_service", "2026-04-08 suture-reminder sms customer_service",
        "2026-05-02 month-1-call phone doctor_assistant", "2026-10-02 check-up-invitation sms customer_service"]"#;
    let without = run(&rules, &one_case(&format!(r#"{{"tasks": {all}}}"#)));
    assert!(without
        .to_string()
        .contains("unexpected review-reminder missing_anchor review_visit"));
    let with = run(
        &rules,
        &one_case(&format!(
            r#"{{"tasks": {all}, "dropped": ["review-reminder missing_anchor review_visit"]}}"#
        )),
    );
    assert!(with.passed(), "{with}");
}

#[test]
fn windows_and_owners_are_checked_only_when_written() {
    let rules = dental();
    let report = run(
        &rules,
        &one_case(
            r#"{"match": "at_least", "tasks": ["2026-04-03 day-1-call phone customer_service 09:00-18:00 @u-3"]}"#,
        ),
    );
    assert!(report
        .to_string()
        .contains("      different  day-1-call in window, owner  (line 2)\n"));
}

#[test]
fn the_order_of_the_lines_never_decides() {
    // Resolved before the promised callback: the ten callbacks counted from it are dropped
    // alike. One line names the first of them, one any of them: taken in file order, the
    // line for any would take the first and leave the other line without one; the
    // matching gives each line its own, in either order.
    let rules = RuleSet::builtin().unwrap();
    let case = |lines: &str| {
        format!(
            r#"{{"cases": [{{"name": "resolved early", "episode": {{"id": "c-1", "event": "complaint",
            "at": "2026-05-06T09:30", "patient": {{"id": "p-1"}}, "milestones": {{"promised_callback": "2026-05-08"}},
            "facts": [{{"kind": "complaint_resolved", "at": "2026-05-07T11:00"}}]}},
            "expect": {{"match": "at_least", "dropped": [{lines}]}}}}]}}"#
        )
    };
    let any = r#""until-resolved-callback anchor_dropped""#;
    let first = r#""until-resolved-callback#0 anchor_dropped""#;
    for lines in [format!("{any}, {first}"), format!("{first}, {any}")] {
        let report = run(&rules, &case(&lines));
        assert!(report.passed(), "{report}");
    }
    // Two lines for the first: one is left over, and says so.
    let report = run(&rules, &case(&format!("{first}, {first}")));
    assert!(
        report
            .to_string()
            .contains("      missing    until-resolved-callback#0 anchor_dropped  (line 4)\n"),
        "{report}"
    );
}

#[test]
fn an_object_says_what_a_line_says() {
    let rules = dental();
    let object = one_case(
        r#"{"match": "at_least",
            "tasks": [{"program": "dental", "step": "day-1-call", "occurrence": 0, "due": "2026-04-03",
                       "channel": "phone", "role": "customer_service", "window": {"start": "14:00", "end": "18:00"}},
                      {"step": "month-1-call", "due": "2026-05-02", "channel": "phone", "role": "doctor_assistant", "window": "14:00-18:00"}],
            "dropped": [{"step": "review-reminder", "reason": "missing_anchor", "detail": "review_visit"}]}"#,
    );
    let cases = rules.read_cases("t.cases.json", &object).unwrap();
    let lines: Vec<String> = cases.cases()[0]
        .expect()
        .tasks
        .iter()
        .map(|t| t.to_string())
        .collect();
    assert_eq!(
        lines,
        [
            "2026-04-03 dental:day-1-call#0 phone customer_service 14:00-18:00",
            "2026-05-02 month-1-call phone doctor_assistant 14:00-18:00"
        ]
    );
    assert!(rules.run_cases(&cases).passed());
}

#[test]
fn only_compares_the_programs_named() {
    let rules = RuleSet::builtin().unwrap();
    let text = r#"{"cases": [{"name": "lead",
        "episode": {"id": "l-1", "event": "consultation", "at": "2026-03-10T11:00",
                    "attributes": {"source": "phone", "outcome": "not_booked"}, "patient": {"id": "p-1"}},
        "expect": {"only": ["presales"], "tasks": [
            "2026-03-10 thanks-sms sms consultant", "2026-03-13 first-follow-up phone consultant",
            "2026-03-14 second-follow-up phone consultant"]}}]}"#;
    let report = run(&rules, text);
    assert!(report.passed(), "{report}");
    // Without `only`, the 611 plan's tasks are unexpected.
    let all = text.replace(r#""only": ["presales"], "#, "");
    let report = run(&rules, &all);
    assert!(report.to_string().contains("    tasks (exact):\n"));
    assert!(report
        .to_string()
        .contains("unexpected 2026-03-15 message sms consultant"));
}

#[test]
fn programs_and_the_reason_no_program_applied() {
    let rules = dental();
    // No category: the dental program does not apply.
    let laser = r#"{"id": "e-2", "event": "procedure", "at": "2026-04-02T10:00", "patient": {"id": "p-2"}}"#;
    let none = format!(
        r#"{{"cases": [{{"name": "no category", "episode": {laser}, "expect": {{"programs": []}}}}]}}"#
    );
    let report = rules.run_cases(&Cases::from_json("t.cases.json", &none).unwrap());
    assert!(report.passed(), "{report}");
    let wrong = format!(
        r#"{{"cases": [{{"name": "no category", "episode": {laser}, "expect": {{"programs": ["dental"]}}}}]}}"#
    );
    let report = rules.run_cases(&Cases::from_json("t.cases.json", &wrong).unwrap());
    assert_eq!(
        report.to_string(),
        "\
t.cases.json
  FAIL /cases/0 (line 1): no category
    programs:
      expected   dental
      actual     none
    no program applied: no program applies to event procedure, category (none); loaded: dental (category dental, event procedure)
  1 case: 0 passed, 1 failed
"
    );
}

#[test]
fn a_case_that_cannot_be_planned_fails_with_the_error() {
    // Read without the rules, the episode's category is not checked against their
    // vocabulary until it is planned.
    let text = r#"{"cases": [{"name": "a typo",
        "episode": {"id": "e-1", "event": "procedure", "at": "2026-04-02", "attributes": {"category": "dentl"}, "patient": {"id": "p-1"}},
        "expect": {"programs": []}}]}"#;
    let report = dental().run_cases(&Cases::from_json("t.cases.json", text).unwrap());
    assert!(matches!(report.results()[0].verdict(), Verdict::Error(e) if e.is_episode()));
    assert_eq!(
        report.to_string(),
        "\
t.cases.json
  ERROR /cases/0 (line 1): a typo
    episode \"e-1\": /attributes/category: unknown category \"dentl\": expected one of dental; did you mean \"dental\"?
  1 case: 0 passed, 1 failed
"
    );
}
