//! # followup — rule-driven follow-up scheduling for clinics
//!
//! After a surgery, a consultation or a treatment session, who must contact the patient,
//! how, and when? `followup` answers from declarative rules: follow-up programs written
//! in JSON (format `followup/v1`) are compiled once into a [`RuleSet`]; each [`Episode`]
//! (one event and its patient) is then planned against a clinic [`Calendar`] into a
//! [`Plan`]: a dated, deterministic list of [`Task`]s plus the occurrences that were
//! dropped and why.
//!
//! The library does no IO, reads no clock and prints nothing: the caller passes rule
//! texts, episodes and calendars in.
//!
//! ## Planning with the built-in programs
//!
//! ```
//! use followup::{Calendar, Channel, Episode, Role, RuleSet};
//!
//! let rules = RuleSet::builtin()?;
//! let episode = Episode::from_json("episode.json", r#"{
//!     "id": "ep-1001", "event": "procedure", "at": "2026-03-02T10:00:00",
//!     "attributes": {"category": "plastic", "setting": "inpatient"},
//!     "patient": {"id": "p-42"},
//!     "milestones": {"discharge": "2026-03-05"}
//! }"#)?;
//! let plan = rules.plan(&episode, &Calendar::default())?;
//!
//! // The day after surgery, customer service calls with the aftercare advice.
//! let day1 = &plan.tasks[0];
//! assert_eq!(day1.id(), "plastic-aftercare/day-1-call/ep-1001/0");
//! assert_eq!(day1.due.to_string(), "2026-03-03");
//! assert_eq!((day1.channel(), day1.role()), (Channel::Phone, Role::CustomerService));
//! assert_eq!(day1.title().en(), "Day-1 aftercare call");
//!
//! // The onsite consultant sees the patient off on the discharge day.
//! let farewell = plan.tasks.iter().find(|t| t.step() == "discharge-farewell").unwrap();
//! assert_eq!(farewell.due.to_string(), "2026-03-05");
//! # Ok::<(), followup::Error>(())
//! ```
//!
//! ## Your own programs, and a calendar with closed days
//!
//! ```
//! use followup::{Calendar, Episode, RuleSet, ShiftReason};
//!
//! let rules = RuleSet::builder().source("clinic/dental.json", r#"{
//!     "format": "followup/v1",
//!     "id": "dental",
//!     "name": {"zh": "口腔回访", "en": "Dental follow-up"},
//!     "applies": {"event": "procedure", "category": "dental"},
//!     "defaults": {"channel": "phone", "role": "customer_service", "time": "afternoon"},
//!     "steps": [
//!         {"id": "day-1", "offset": "P1D", "title": {"zh": "术后第一天", "en": "Day 1"}},
//!         {"id": "month-1", "offset": "P1M", "title": {"zh": "术后一个月", "en": "Month 1"}}
//!     ]
//! }"#).build()?;
//! let episode = Episode::from_json("ep", r#"{"id": "e7", "event": "procedure",
//!     "at": "2026-01-31", "attributes": {"category": "dental"}, "patient": {"id": "p7"}}"#)?;
//! // Closed on Sundays: 1 Feb 2026 is a Sunday, so the day-1 call moves to Monday.
//! let calendar = Calendar::from_json("clinic.json", r#"{"closed_weekdays": ["Sun"]}"#)?;
//! let plan = rules.plan(&episode, &calendar)?;
//! let day1 = &plan.tasks[0];
//! assert_eq!((day1.nominal.to_string(), day1.due.to_string()), ("2026-02-01".into(), "2026-02-02".into()));
//! assert_eq!(day1.shifted, Some(ShiftReason::ClosedWeekday));
//! assert_eq!(day1.window.to_string(), "14:00-18:00");
//! // 31 Jan + 1 month is clamped to the end of February.
//! assert_eq!(plan.tasks[1].due.to_string(), "2026-02-28");
//! # Ok::<(), followup::Error>(())
//! ```
//!
//! ## Scripts that speak to the patient
//!
//! Titles and scripts are templates (`{patient}`, `{clinic}`, `{procedure}`, `{session}`…),
//! checked when the rules are compiled and filled when a plan is made; texts carry `zh`,
//! `en` and any other language (`zh-Hant`), read with a fallback chain.
//!
//! ```
//! use followup::{Calendar, Episode, RuleSet, Text};
//! let rules = RuleSet::builtin()?;
//! let ep = Episode::from_json("ep", r#"{"id": "c-1", "event": "course", "at": "2026-03-02",
//!     "attributes": {"category": "skin"}, "patient": {"id": "p-51", "name": "周女士"},
//!     "course": {"package": 3, "done": ["2026-03-02"], "planned": ["2026-03-16", "2026-03-30"]}}"#)?;
//! let clinic = Text::new("维多利亚医美", "Victoria Clinic").with("zh-Hant", "維多利亞醫美")?;
//! let calendar = Calendar::default().with_clinic(clinic)?;
//! let plan = rules.plan(&ep, &calendar)?;
//! let reminder = plan.tasks.iter().find(|t| t.step() == "session-reminder").unwrap();
//! assert_eq!(reminder.due.to_string(), "2026-03-15"); // the day before session 2
//! assert_eq!(reminder.title().zh(), "治疗前一日提醒短信（第2次）");
//! assert_eq!(
//!     reminder.script().unwrap().zh(),
//!     "周女士您好，维多利亚医美提醒您：明天是您的第2次皮肤护理，期待您的光临。"
//! );
//! assert_eq!(reminder.script().unwrap().get_tag("zh-HK"), reminder.script().unwrap().zh());
//! assert_eq!(reminder.sms_segments("zh"), Some(1)); // 36 characters: one SMS
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## The closed loop
//!
//! What happened to each task (done, no answer, an agreed time, a refusal…) goes back in
//! as a [`History`] with the episode, and [`RuleSet::plan_with`] gives the next plan:
//! retries, agreed and picked days, escalations, owners, follow-ups added by hand — still
//! a pure function (see `docs/closed-loop.md`).
//!
//! ```
//! use followup::{Calendar, History, RuleSet};
//! let rules = RuleSet::builtin()?;
//! let ep = rules.read_episode("ep", r#"{"id": "ep-1", "event": "procedure", "at": "2026-03-02T10:00",
//!     "attributes": {"category": "laser"}, "patient": {"id": "p-1"}}"#)?;
//! let history = History::from_json("h", r#"{"outcomes": [{"task": "laser-aftercare/day-1-call/ep-1/0",
//!     "outcome": "done", "at": "2026-03-03T10:20", "by": "u-3"}]}"#)?;
//! let plan = rules.plan_with(&ep, &history, &Calendar::default())?;
//! assert!(plan.tasks[0].is_done());
//! # Ok::<(), followup::Error>(())
//! ```
//!
//! ## Errors say where
//!
//! ```
//! use followup::RuleSet;
//! let err = RuleSet::builder().source("bad.json", r#"{
//!   "format": "followup/v1", "id": "x", "name": {"zh": "x", "en": "x"},
//!   "steps": [{"id": "a", "offset": "P1X", "title": {"zh": "a", "en": "a"}}]
//! }"#).build().unwrap_err();
//! assert!(err.to_string().starts_with("bad.json: /steps/0/offset (line 3, column 35): invalid duration \"P1X\""));
//! ```
//!
//! ## Proving rules with cases
//!
//! A case file pairs episodes with the tasks the rules must plan for them, written by
//! hand; [`RuleSet::read_cases`] reads one, [`RuleSet::run_cases`] gives a
//! [`CaseReport`] whose `Display` is a readable diff (see [`cases`] and
//! `docs/rule-cases.md`). Every built-in program has its cases in `rules/cases/`.
//!
//! The README documents the rule format field by field, the limits, and the examples.

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::unwrap_used,
    clippy::expect_used
)]

mod calendar;
pub mod cases;
mod compile;
mod episode;
mod error;
mod history;
mod json;
pub mod labels;
mod limits;
pub mod lunar;
mod model;
mod notice;
mod offset;
mod overrides;
mod plan;
mod replan;
mod ruleset;
mod sample;
#[cfg(any(test, feature = "schema"))]
pub mod schema;
mod sms;
mod stamp;
mod template;
mod text;
mod time;
mod vocabulary;

pub use calendar::{Calendar, Crew, DayKind, ShiftReason};
pub use cases::{CaseReport, Cases};
pub use compile::FORMAT;
pub use episode::{Course, Dates, Episode, Fact, OptOut, Owner, Patient, Reassignment, ID_CHARS};
pub use error::{Error, InputError, Result, RuleError};
pub use history::{FollowUp, History, Outcome, OutcomeKind};
pub use limits::Limits;
pub use model::{
    AfterEvent, BeyondMaxShift, Channel, ClosedDay, Conditions, DeclinedDef, Defaults, Fraction,
    MilestoneDef, ProgramDef, Role, SampleDef, SessionRange, StepDef, TimeDef, TimeOverrideDef,
    Values, WindowDef,
};
pub use notice::Notice;
pub use offset::{Landing, MonthEnd, Offset, OffsetError};
pub use plan::explain::{Explained, Explanation};
pub use plan::ledger::{Ignored, IgnoredReason, FOLLOW_UP};
pub use plan::task::{Derived, DropReason, Dropped, Plan, Record, Status, Task};
pub use replan::{
    apply, compliance, diff, merge, week, worklist, worklists_by_owner, Cancelled, Cap, CapMove,
    CheckedTask, Completion, ComplianceCounts, CompliancePeriod, ComplianceReport,
    ComplianceStatus, Contact, ContactPolicy, ContactReason, MergedPlan, MoveReason, OwnerWorklist,
    PlanDiff, PriorityClass, PriorityPolicy, TaskChange, WorkDay, WorkItem, WorkState,
    EXPIRED_LISTED_DAYS, MAX_CAP_DAYS,
};
pub use ruleset::{RuleSet, RuleSetBuilder, SourcedProgram, BUILTIN_RULES};
pub use sample::sample_draw;
pub use sms::sms_segments;
pub use stamp::{Stamp, VERSION};
pub use text::{Lang, TagError, Text};
pub use time::{NamedWindow, NamedWindows, TimeWindow};
pub use vocabulary::{Vocabulary, ENGINE_FACTS};

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

#[cfg(doctest)]
#[doc = include_str!("../docs/rule-cases.md")]
struct RuleCasesDoctests;
