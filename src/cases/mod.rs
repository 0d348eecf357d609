//! Rule test cases: an episode (or a patient over a horizon), its calendar and history, and
//! the tasks and drops the rules must plan for it — read from a case file
//! ([`Cases::from_json`], [`RuleSet::read_cases`]), run against a rule set
//! ([`RuleSet::run_cases`]) and reported with a readable diff ([`CaseReport`]).
//!
//! A case file (`dental.cases.json` beside `dental.json`; the format is in
//! `docs/rule-cases.md`):
//!
//! ```json
//! {"cases": [
//!   {"name": "a filling on Tuesday 7 April",
//!    "episode": {"id": "ep-1", "event": "procedure", "at": "2026-04-07T10:00",
//!                "attributes": {"category": "dental"}, "patient": {"id": "p-1"}},
//!    "calendar": "cn-2026",
//!    "expect": {"tasks": ["2026-04-08 day-1-call phone customer_service"]}}
//! ]}
//! ```
//!
//! Like the rest of the library this does no IO: the caller reads the files, and the
//! report is a value (its `Display` is the diff).
//!
//! ```
//! use followup::{cases::Cases, rules::RuleSet};
//! let rules = RuleSet::builder().source("dental.json", r#"{
//!     "format": "followup/v1", "id": "dental",
//!     "name": {"zh": "口腔回访", "en": "Dental follow-up"},
//!     "applies": {"event": "procedure", "category": "dental"},
//!     "steps": [{"id": "day-1-call", "offset": "P1D",
//!                "title": {"zh": "术后第一天回访", "en": "Day-1 call"}}]
//! }"#).build()?;
//! let cases = rules.read_cases("dental.cases.json", r#"{"cases": [
//!   {"name": "a filling",
//!    "episode": {"id": "ep-1", "event": "procedure", "at": "2026-04-07T10:00",
//!                "attributes": {"category": "dental"}, "patient": {"id": "p-1"}},
//!    "expect": {"tasks": ["2026-04-09 day-1-call phone customer_service"]}}
//! ]}"#)?;
//! let report = rules.run_cases(&cases);
//! assert!(!report.passed());
//! assert_eq!(report.to_string(), "\
//! dental.cases.json
//!   FAIL /cases/0 (line 2): a filling
//!     tasks (exact):
//!       different  day-1-call in due  (line 5)
//!         expected 2026-04-09 day-1-call phone customer_service
//!         actual   2026-04-08 day-1-call phone customer_service 09:00-18:00  [dental/day-1-call/ep-1/0]
//!   1 case: 0 passed, 1 failed
//! ");
//! # Ok::<(), followup::Error>(())
//! ```

mod compare;
mod expect;
mod read;
mod report;

pub use expect::{Expect, ExpectedDrop, ExpectedTask, Match, TaskRef};
pub use read::CASES_FORMAT;
pub use report::{CaseReport, CaseResult, Difference, Verdict};

use crate::calendar::Calendar;
use crate::episode::{Episode, Patient};
use crate::error::{Located, Result};
use crate::history::History;
use crate::limits::Limits;
use crate::plan::task::Plan;
use crate::ruleset::RuleSet;
use chrono::NaiveDate;

/// The cases of one case file, read and checked.
#[derive(Debug, Clone)]
pub struct Cases {
    source: String,
    cases: Vec<Case>,
}

/// One case: what to plan, with which calendar and history, and what the plan must be.
#[derive(Debug, Clone)]
pub struct Case {
    name: String,
    pointer: String,
    line: Option<usize>,
    subject: CaseSubject,
    calendar: Calendar,
    history: Option<History>,
    expect: Expect,
}

/// What a case plans.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CaseSubject {
    /// An episode, planned with [`RuleSet::plan`] (or [`RuleSet::plan_with`] when the
    /// case has a history).
    Episode(Box<Episode>),
    /// A patient over a horizon, for patient-level programs (greetings), planned with
    /// [`RuleSet::plan_patient`] (or [`RuleSet::plan_patient_with`]).
    Patient {
        /// The patient.
        patient: Patient,
        /// The first day of the horizon.
        from: NaiveDate,
        /// The last day of the horizon.
        until: NaiveDate,
    },
}

impl Cases {
    /// Reads a case file; `name` is used in error messages and in the report. Episodes,
    /// calendars and histories inside it are checked as their own readers check them;
    /// [`RuleSet::read_cases`] also checks them against a rule set.
    ///
    /// # Errors
    ///
    /// [`crate::Error::Case`] naming `name`, the JSON pointer, line and column, and what
    /// was expected: malformed JSON, unknown fields, a malformed task or drop line, a case
    /// without an episode or a patient, an unknown calendar name, two cases of one name,
    /// an episode, calendar or history refused by its own checks.
    pub fn from_json(name: &str, text: &str) -> Result<Cases> {
        read::read(name, text, &Limits::default())
    }

    /// The name the case file was read under.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The cases, in file order.
    pub fn cases(&self) -> &[Case] {
        &self.cases
    }
}

impl Case {
    /// The case's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The case's JSON pointer in its file (`/cases/3`).
    pub fn pointer(&self) -> &str {
        &self.pointer
    }

    /// The line of its file the case starts on.
    pub fn line(&self) -> Option<usize> {
        self.line
    }

    /// What the case plans.
    pub fn subject(&self) -> &CaseSubject {
        &self.subject
    }

    /// The calendar the case is planned with.
    pub fn calendar(&self) -> &Calendar {
        &self.calendar
    }

    /// What happened so far, when the case gives it.
    pub fn history(&self) -> Option<&History> {
        self.history.as_ref()
    }

    /// What the plan must be.
    pub fn expect(&self) -> &Expect {
        &self.expect
    }
}

impl RuleSet {
    /// Reads a case file as [`Cases::from_json`] does, under this set's limits, and checks
    /// it against the set: each episode against the [vocabulary](RuleSet::vocabulary),
    /// each expected line's program and step against the programs (a follow-up added by
    /// hand in the case's history is a step of the program `follow-up`), each expected
    /// program against the set.
    ///
    /// ```
    /// use followup::rules::RuleSet;
    /// let rules = RuleSet::builtin()?;
    /// let err = rules.read_cases("laser.cases.json", r#"{"cases": [{"name": "laser",
    ///   "episode": {"id": "e1", "event": "procedure", "at": "2026-03-02",
    ///               "attributes": {"category": "laser"}, "patient": {"id": "p1"}},
    ///   "expect": {"tasks": ["2026-03-03 day-1-cal phone customer_service"]}}]}"#).unwrap_err();
    /// assert_eq!(err.to_string(), "laser.cases.json: /cases/0/expect/tasks/0 (line 4, column 24): \
    ///     no program has a step \"day-1-cal\": expected a step of the rule set's programs; did you mean \"day-1-call\"?");
    /// # Ok::<(), followup::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`crate::Error::Case`], located, as [`Cases::from_json`]; and an episode value
    /// outside the vocabulary, an unknown program or step.
    pub fn read_cases(&self, name: &str, text: &str) -> Result<Cases> {
        let cases = read::read(name, text, &self.limits)?;
        for case in &cases.cases {
            self.check_case(case).map_err(|mut e| {
                // `"programs": "dental"`, one id without an array: the error is on it.
                if crate::json::locate(text, &e.pointer).is_none()
                    && let Some(list) = e.pointer.strip_suffix("/0")
                {
                    e.pointer = list.to_string();
                }
                crate::json::located_in(e, text).into_case(name)
            })?;
        }
        Ok(cases)
    }

    fn check_case(&self, case: &Case) -> std::result::Result<(), Located> {
        if let CaseSubject::Episode(ep) = &case.subject {
            self.vocabulary().check(ep).map_err(|mut e| {
                e.pointer = format!("{}/episode{}", case.pointer, e.pointer);
                e
            })?;
        }
        let follow_ups: Vec<&str> = (case.history.iter())
            .flat_map(|h| &h.follow_ups)
            .map(|f| f.id.as_str())
            .collect();
        let steps_of = |program: &str| -> Vec<&str> {
            if program == crate::plan::ledger::FOLLOW_UP {
                return follow_ups.clone();
            }
            (self.programs.iter())
                .filter(|p| &*p.id == program)
                .flat_map(|p| p.steps.iter().map(|s| &*s.info.step))
                .collect()
        };
        let mut programs: Vec<&str> = self.program_ids().collect();
        if !follow_ups.is_empty() {
            programs.push(crate::plan::ledger::FOLLOW_UP);
        }
        // The programs named first: a line's step is looked up among them.
        for (key, list) in [
            ("programs", &case.expect.programs),
            ("only", &case.expect.only),
        ] {
            for (k, p) in list.iter().flatten().enumerate() {
                if !programs.contains(&p.as_str()) {
                    let at = format!("{}/expect/{key}/{k}", case.pointer);
                    return Err(unknown_program(&at, p, &programs));
                }
            }
        }
        // The steps a line without a program may name: those of the programs compared.
        let all_steps: Vec<&str> = (programs.iter())
            .filter(|p| (case.expect.only.as_ref()).is_none_or(|only| only.iter().any(|o| o == *p)))
            .flat_map(|p| steps_of(p))
            .collect();
        let refs = (case.expect.tasks.iter().map(|t| (&t.task, t.pointer())))
            .chain(case.expect.dropped.iter().map(|d| (&d.task, d.pointer())));
        for (task, at) in refs {
            let compared = |p: &str| (case.expect.only.iter().flatten()).any(|o| o == p);
            if let (Some(p), Some(only)) = (&task.program, &case.expect.only)
                && !compared(p)
            {
                return Err(Located::new(
                    at,
                    format!(
                        "program {p} is not compared in this case: expected one of \"only\": {}",
                        only.join(", ")
                    ),
                ));
            }
            let steps = match &task.program {
                Some(p) if !programs.contains(&p.as_str()) => {
                    return Err(unknown_program(at, p, &programs))
                }
                Some(p) => steps_of(p),
                None => all_steps.clone(),
            };
            if !steps.contains(&task.step.as_str()) {
                let whose = match &task.program {
                    Some(p) => format!(
                        "program {p} has no step {:?}: expected one of {}",
                        task.step,
                        steps.join(", ")
                    ),
                    None if case.expect.only.is_some() => format!(
                        "no program compared has a step {:?}: expected a step of the programs of \"only\"",
                        task.step
                    ),
                    None => format!(
                        "no program has a step {:?}: expected a step of the rule set's programs",
                        task.step
                    ),
                };
                let mut message = whose;
                if let Some(near) = crate::vocabulary::nearest(&task.step, &steps) {
                    message.push_str(&format!("; did you mean {near:?}?"));
                }
                return Err(Located::new(at, message));
            }
        }
        Ok(())
    }

    /// Runs every case of `cases` and compares each plan with what the case expects: one
    /// [`CaseResult`] per case, in file order. Pure: the same rules and cases give the
    /// same report.
    ///
    /// Each case is planned with [`RuleSet::plan`], or [`RuleSet::plan_with`] when it
    /// has a history (an empty history too: that plan adds the supervisors' checks), or
    /// [`RuleSet::plan_patient`] / [`RuleSet::plan_patient_with`] for a patient over a
    /// horizon. A case whose planning fails is a failure, with the error.
    pub fn run_cases(&self, cases: &Cases) -> CaseReport {
        CaseReport {
            source: cases.source.clone(),
            results: cases.cases.iter().map(|c| self.run_case(c)).collect(),
        }
    }

    /// Runs one case.
    pub fn run_case(&self, case: &Case) -> CaseResult {
        let (verdict, no_program) = match self.plan_case(case) {
            Err(e) => (Verdict::Error(e), None),
            Ok(plan) => {
                let diffs = compare::compare(&case.expect, &plan);
                if diffs.is_empty() {
                    (Verdict::Pass, None)
                } else {
                    (Verdict::Fail(diffs), plan.no_program)
                }
            }
        };
        CaseResult {
            name: case.name.clone(),
            pointer: case.pointer.clone(),
            line: case.line,
            matching: case.expect.matching,
            only: case.expect.only.clone(),
            verdict,
            no_program,
        }
    }

    /// The plan a case is compared with: [`RuleSet::plan`], [`RuleSet::plan_with`],
    /// [`RuleSet::plan_patient`] or [`RuleSet::plan_patient_with`], as the case says.
    ///
    /// # Errors
    ///
    /// As the planning function the case calls.
    pub fn plan_case(&self, case: &Case) -> Result<Plan> {
        let cal = &case.calendar;
        match (&case.subject, &case.history) {
            (CaseSubject::Episode(ep), None) => self.plan(ep, cal),
            (CaseSubject::Episode(ep), Some(h)) => self.plan_with(ep, h, cal),
            (
                CaseSubject::Patient {
                    patient,
                    from,
                    until,
                },
                None,
            ) => self.plan_patient(patient, *from, *until, cal),
            (
                CaseSubject::Patient {
                    patient,
                    from,
                    until,
                },
                Some(h),
            ) => self.plan_patient_with(patient, h, *from, *until, cal),
        }
    }
}

fn unknown_program(at: &str, program: &str, known: &[&str]) -> Located {
    let mut m = format!(
        "unknown program {program:?}: expected one of {}",
        known.join(", ")
    );
    if let Some(near) = crate::vocabulary::nearest(program, known) {
        m.push_str(&format!("; did you mean {near:?}?"));
    }
    Located::new(at, m)
}
