//! Runs rule test cases: each case file's cases against the rules, PASS or FAIL per case
//! with a readable diff, and a summary.
//!
//! ```text
//! cargo run --example check_rules -- RULES [CASES]
//! cargo run --example check_rules -- examples/rule-authoring                   # dental.json + dental.cases.json
//! cargo run --example check_rules -- examples/rule-authoring/dental.json examples/rule-authoring/dental.cases.json
//! cargo run --example check_rules -- rules rules/cases                          # the rule files on disk and their cases
//! cargo run --example check_rules -- --builtin                                  # the built-in programs and rules/cases/
//! cargo run --example check_rules -- --builtin CASES                            # the built-in programs, other cases
//! cargo run --example check_rules -- --builtin RULES                            # and a clinic's override (a file, or a folder of them), its cases beside it
//! cargo run --example check_rules -- --builtin RULES CASES                      # the built-in programs and a clinic's
//! ```
//!
//! `RULES` is a rule file or a folder of them (its `*.json` files, leaving out
//! `*.cases.json`). `CASES` is a case file or a folder of them (its `*.cases.json` files);
//! left out, the cases beside the rules: a folder's `*.cases.json` files and those of its
//! `cases/` subfolder, or for a rule file `NAME.json`, `NAME.cases.json` beside it or in
//! `cases/` beside it. `--builtin` adds the built-in programs (then one path is `CASES` —
//! unless it is a rule file, or a folder holding rule files: then it is `RULES`, its cases
//! beside it — and no path at all means the crate's own `rules/cases`, wherever it is run
//! from).
//!
//! `--lint` checks the rules only: each lint on its own line, then their count; exit 1
//! when there is one (`check_rules --lint --builtin clinic/implant.json`).
//!
//! Before the cases, each word the rules write nearly as another of its kind (a fact kind
//! `recoverex` beside `recovered`, a condition key `tga`) is printed on stderr as
//! `warning: FILE: POINTER (line L, column C): …` ([`followup::rules::RuleSet::lints`]);
//! warnings change no exit code.
//!
//! Exit code 0 when every case passes, 1 when one fails, 2 when a file cannot be read or
//! the rules do not compile (the message on stderr names the file, the JSON pointer, the
//! line and column).

#[path = "support/mod.rs"]
mod support;

use followup::rules::RuleSet;
use std::path::{Path, PathBuf};

const USAGE: &str = "usage: check_rules RULES [CASES]\n       check_rules --builtin [[RULES] CASES]\n       check_rules --lint [--builtin] RULES\n";

struct Args {
    builtin: bool,
    /// Only the lints of the rules, no cases.
    lint: bool,
    rules: Option<PathBuf>,
    /// Case files, or folders of them.
    cases: Vec<PathBuf>,
    /// Why no case file was found beside the rules: said once the rules compile (audit
    /// 197: a rule error was hidden behind "no case file").
    no_cases: Option<String>,
}

fn parse_args() -> Result<Option<Args>, String> {
    let mut builtin = false;
    let mut lint = false;
    let mut paths: Vec<PathBuf> = Vec::new();
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--builtin" => builtin = true,
            "--lint" => lint = true,
            "-h" | "--help" => return Ok(None),
            a if a.starts_with('-') => return Err(format!("unknown argument {a:?}; try --help")),
            // An empty path is none (audit 98: it said "error: : no case file").
            "" => return Err("a path is empty: expected a file or folder name; try --help".into()),
            _ => paths.push(PathBuf::from(arg)),
        }
    }
    // The built-in cases of this crate, found from anywhere (audit 80: `rules/cases`
    // was read from the working folder).
    let builtin_cases = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/cases");
    if lint {
        // The rules only (audit 117: a clinic's file with no case file could not be
        // linted; `--builtin FILE` read it as a case file).
        let [rules] = paths.as_slice() else {
            return Err("--lint takes one rules path (a file or a folder); try --help".into());
        };
        if !rules.exists() {
            return Err(format!("{}: no such rules file or folder", rules.display()));
        }
        return Ok(Some(Args {
            builtin,
            lint,
            rules: Some(rules.clone()),
            cases: Vec::new(),
            no_cases: None,
        }));
    }
    let (rules, cases, no_cases) = match (builtin, paths.as_slice()) {
        (true, []) => (None, vec![builtin_cases], None),
        // A clinic's rule file (an override of the built-in programs) given alone: its
        // rules with the built-in ones, and its cases beside it (audit 249: it was read
        // as a case file, "unknown format followup/v1", its faults never reported).
        // So is a folder holding rule files (overrides) beside their cases (audit 272:
        // it was read as cases only, and a case of a step the override adds failed).
        (true, [rules]) if is_rule_file(rules) || holds_rule_files(rules) => match beside(rules)? {
            Ok(cases) => (Some(rules.clone()), cases, None),
            Err(none) => (Some(rules.clone()), Vec::new(), Some(none)),
        },
        (true, [cases]) => (None, vec![cases.clone()], None),
        // The two swapped (audit 224: "unknown field `calendars`" for the case file
        // read as rules).
        (_, [rules, cases]) if support::is_case_file(rules) && !support::is_case_file(cases) => {
            return Err(format!(
                "{} is a case file and {} is not: expected the rules first (check_rules RULES CASES)",
                rules.display(),
                cases.display()
            ));
        }
        (_, [rules, cases]) => (Some(rules.clone()), vec![cases.clone()], None),
        (false, [rules]) => match beside(rules)? {
            Ok(cases) => (Some(rules.clone()), cases, None),
            Err(none) => (Some(rules.clone()), Vec::new(), Some(none)),
        },
        _ => return Err("expected a rules path and a cases path; try --help".into()),
    };
    Ok(Some(Args {
        builtin,
        lint,
        rules,
        cases,
        no_cases,
    }))
}

/// True for a folder with at least one rule file (`*.json`, not `*.cases.json`, that reads
/// as a rule file).
fn holds_rule_files(path: &Path) -> bool {
    path.is_dir()
        && std::fs::read_dir(path).is_ok_and(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .any(|p| p.extension().is_some_and(|x| x == "json") && is_rule_file(&p))
        })
}

/// True for a file that reads as a rule file (an override or a program): an object with
/// `steps` or `override`, or the rules' `format`, and no `cases`. A case file keeps its
/// own errors (named `….cases.json` or not).
fn is_rule_file(path: &Path) -> bool {
    if !path.is_file() || support::is_case_file(path) {
        return false;
    }
    let Ok(serde_json::Value::Object(top)) = support::read(path)
        .map_err(|_| ())
        .and_then(|text| serde_json::from_str(&text).map_err(|_| ()))
    else {
        return false;
    };
    !top.contains_key("cases")
        && (top.contains_key("steps")
            || top.contains_key("override")
            || top.get("format").and_then(|f| f.as_str()) == Some("followup/v1"))
}

/// Where the cases of `rules` are when no cases path is given: a folder's own case files
/// and its `cases/` subfolder (as `rules/` keeps `rules/cases/`), both when both hold
/// some (audit 80: the subfolder was skipped when the folder held one); for a rule file
/// `NAME.json`, `NAME.cases.json` beside it, else in `cases/` beside it. The inner error:
/// none there, said after the rules are checked.
fn beside(rules: &Path) -> Result<Result<Vec<PathBuf>, String>, String> {
    // A rules path that is not there is said so, before its case files are looked for
    // (audit 107: "no case file" for a rules file misspelt).
    if !rules.exists() {
        return Err(format!("{}: no such rules file or folder", rules.display()));
    }
    // A case file given alone (audit 111: "no case file: expected ….cases.cases.json").
    if support::is_case_file(rules) {
        return Err(format!(
            "{} is a case file: expected the rules first (check_rules RULES CASES), or --builtin",
            rules.display()
        ));
    }
    if rules.is_dir() {
        let sub = rules.join("cases");
        let has_cases = std::fs::read_dir(rules)
            .map(|mut d| d.any(|e| e.is_ok_and(|e| support::is_case_file(&e.path()))))
            .unwrap_or(false);
        let mut places = Vec::new();
        if has_cases || !sub.is_dir() {
            places.push(rules.to_path_buf());
        }
        if sub.is_dir() {
            places.push(sub);
        }
        return Ok(Ok(places));
    }
    let stem = rules.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    let name = format!("{stem}.cases.json");
    let next_to = rules.with_file_name(&name);
    let in_cases = rules.with_file_name("cases").join(&name);
    Ok(match (next_to.is_file(), in_cases.is_file()) {
        (true, _) => Ok(vec![next_to]),
        (false, true) => Ok(vec![in_cases]),
        (false, false) => Err(format!(
            "{}: no case file: expected {} or {} (or give the cases path; --lint checks the rules alone)",
            rules.display(),
            next_to.display(),
            in_cases.display()
        )),
    })
}

fn load_rules(args: &Args) -> Result<RuleSet, String> {
    let mut builder = RuleSet::builder();
    if args.builtin {
        builder = builder.builtin();
    }
    let mut in_folders = Vec::new();
    if let Some(path) = &args.rules {
        for file in support::json_files(path)? {
            if path.is_dir() {
                in_folders.push(file.display().to_string());
            }
            builder = builder.source(file.display().to_string(), support::read(&file)?);
        }
    }
    builder
        .build()
        .map_err(|e| support::rule_error(&e, &in_folders))
}

/// The case files of the paths: each file itself, and each folder's `*.cases.json`
/// files, sorted.
fn case_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut all = Vec::new();
    for path in paths {
        all.extend(case_files_of(path)?);
    }
    Ok(all)
}

/// The case files of a path: the file itself, or a folder's `*.cases.json` files, sorted.
fn case_files_of(path: &Path) -> Result<Vec<PathBuf>, String> {
    if !path.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let entries = std::fs::read_dir(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let p = entry
            .map_err(|e| format!("{}: {e}", path.display()))?
            .path();
        if support::is_case_file(&p) && p.is_file() {
            files.push(p);
        }
    }
    files.sort();
    if files.is_empty() {
        return Err(format!("{}: no *.cases.json files", path.display()));
    }
    Ok(files)
}

/// Prints each file's report; returns the exit code.
fn run(args: &Args) -> Result<i32, String> {
    // A rule error first, then the missing case file, both said (audit 208: the second
    // was not).
    let rules = load_rules(args).map_err(|e| match &args.no_cases {
        Some(none) => {
            eprintln!("error: {}", support::one_line(&e));
            none.clone()
        }
        None => e,
    })?;
    if args.lint {
        // Each lint a line on stdout, then the count: exit 1 when there is one.
        for lint in rules.lints() {
            support::out(&format!(
                "warning: {}\n",
                support::one_line(&lint.to_string())
            ));
        }
        let n = rules.lints().len();
        // At the cap, say more may have been left out (audit 123).
        let capped = if n >= 100 {
            " (at most 100 are listed: there may be more)"
        } else {
            ""
        };
        support::out(&format!(
            "{n} lint{}{capped}\n",
            if n == 1 { "" } else { "s" }
        ));
        return Ok(if n == 0 {
            support::EXIT_OK
        } else {
            support::EXIT_NO
        });
    }
    // The rules compiled: now the missing case file is the error.
    if let Some(none) = &args.no_cases {
        return Err(none.clone());
    }
    let files = case_files(&args.cases)?;
    // Words written nearly as others of their kind: likely slips no error catches.
    for lint in rules.lints() {
        eprintln!("warning: {}", support::one_line(&lint.to_string()));
    }
    let (mut cases, mut passed, mut unreadable) = (0, 0, 0);
    for file in &files {
        let name = file.display().to_string();
        let read = support::read(file)
            .and_then(|text| rules.read_cases(&name, &text).map_err(|e| e.to_string()));
        match read {
            Ok(c) => {
                let report = rules.run_cases(&c);
                support::out(&report.to_string());
                cases += report.results().len();
                passed += report.passed_count();
            }
            Err(e) => {
                eprintln!("error: {}", support::one_line(&e));
                unreadable += 1;
            }
        }
    }
    let failed = cases - passed;
    let verdict = if unreadable > 0 {
        "ERROR"
    } else if failed > 0 {
        "FAIL"
    } else {
        "PASS"
    };
    let unread = if unreadable > 0 {
        format!(", {unreadable} unreadable")
    } else {
        String::new()
    };
    support::out(&format!(
        "{verdict}: {} case file{}{unread}, {cases} case{}: {passed} passed, {failed} failed\n",
        files.len(),
        if files.len() == 1 { "" } else { "s" },
        if cases == 1 { "" } else { "s" },
    ));
    Ok(if unreadable > 0 {
        support::EXIT_BAD_INPUT
    } else if failed > 0 {
        support::EXIT_NO
    } else {
        support::EXIT_OK
    })
}

fn main() {
    let code = match parse_args() {
        Ok(None) => support::finish(Ok(format!("{USAGE}{}", support::EXIT_CODES))),
        Ok(Some(args)) => run(&args).unwrap_or_else(|e| support::fail(&e)),
        Err(e) => support::fail(&e),
    };
    support::exit(code);
}
