//! Every built-in rule file has a case file in `rules/cases/` (`NAME.cases.json` for
//! `rules/NAME.json`), every built-in program is planned by one of its cases, and every
//! case passes. The expected tasks were written by hand from docs/domain.md's tables and the
//! rule files (dates worked out with the calendar), never copied from the planner.

use followup::rules::{RuleSet, BUILTIN_RULES};
use std::collections::BTreeSet;
use std::path::Path;

/// The walk fails with fewer cases (a lost folder is no pass).
const MIN_CASES: usize = 50;

fn case_files() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/cases");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("rules/cases")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.to_string_lossy().ends_with(".cases.json"))
        .map(|p| format!("rules/cases/{}", p.file_name().unwrap().to_string_lossy()))
        .collect();
    files.sort();
    files
}

fn read(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(name)).expect(name)
}

#[test]
fn every_builtin_case_passes() {
    let rules = RuleSet::builtin().expect("built-in rules");
    let mut failed = Vec::new();
    let mut cases = 0;
    for name in case_files() {
        let read = rules.read_cases(&name, &read(&name));
        let cases_of = read.unwrap_or_else(|e| panic!("{e}"));
        let report = rules.run_cases(&cases_of);
        cases += report.results().len();
        if !report.passed() {
            failed.push(report.to_string());
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
    assert!(
        cases >= MIN_CASES,
        "only {cases} cases, expected at least {MIN_CASES}"
    );
}

#[test]
fn every_builtin_rule_file_has_a_case_file() {
    let files: BTreeSet<String> = case_files().into_iter().collect();
    for (name, _) in BUILTIN_RULES {
        let stem = name
            .strip_prefix("rules/")
            .and_then(|n| n.strip_suffix(".json"))
            .unwrap();
        let cases = format!("rules/cases/{stem}.cases.json");
        assert!(files.contains(&cases), "{name} has no {cases}");
    }
    let rules: BTreeSet<String> = BUILTIN_RULES
        .iter()
        .map(|(n, _)| {
            n.replace("rules/", "rules/cases/")
                .replace(".json", ".cases.json")
        })
        .collect();
    for f in &files {
        assert!(
            rules.contains(f),
            "{f} is the case file of no built-in rule file"
        );
    }
}

#[test]
fn every_builtin_program_is_planned_by_a_case() {
    let rules = RuleSet::builtin().unwrap();
    let mut planned = BTreeSet::new();
    for name in case_files() {
        for case in rules.read_cases(&name, &read(&name)).unwrap().cases() {
            let plan = rules.plan_case(case).unwrap();
            planned.extend(plan.programs.iter().map(|p| p.to_string()));
        }
    }
    let all: BTreeSet<String> = rules.program_ids().map(str::to_string).collect();
    let missing: Vec<&String> = all.difference(&planned).collect();
    assert!(missing.is_empty(), "no case plans {missing:?}");
}

#[test]
fn the_rule_folders_leave_the_case_files_out() {
    // BUILTIN_RULES lists rules/*.json only; rules/cases/ is a folder of its own.
    assert!(BUILTIN_RULES.iter().all(|(n, _)| !n.contains("cases")));
}

#[test]
fn the_sampled_ids_of_the_cases_fall_where_their_names_say() {
    // rules/cases/product-aftersales.cases.json: the callback draws with no salt, the
    // message draws with the salt "sms" (rules/product-aftersales.json).
    use followup::rules::sample_draw;
    let repair = |salt: &str, id: &str| sample_draw("repair-aftersales", salt, id);
    let purchase = |id: &str| sample_draw("purchase-aftersales", "", id);
    assert!(repair("", "c-1008") < 0.5 && repair("sms", "c-1008") < 0.5);
    assert!(repair("", "c-1006") >= 0.5 && repair("sms", "c-1006") >= 0.5);
    assert!(repair("", "c-1001") >= 0.5 && repair("sms", "c-1001") < 0.5);
    assert!(purchase("c-1004") < 0.1);
    assert!(purchase("c-1008") >= 0.1);
}
