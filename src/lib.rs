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
//! use followup::{calendar::Calendar, rules::{Channel, Role, RuleSet}, episode::Episode};
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
//! use followup::{calendar::{Calendar, ShiftReason}, episode::Episode, rules::RuleSet};
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
//! use followup::{calendar::Calendar, episode::Episode, rules::{RuleSet, Text}};
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
//! use followup::{calendar::Calendar, history::History, rules::RuleSet};
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
//! use followup::rules::RuleSet;
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
//!
//! ## Modules
//!
//! | module | holds |
//! |---|---|
//! | [`rules`] | rule texts compiled into a [`RuleSet`], the rule model, texts, offsets, limits, notices |
//! | [`episode`] | the event to plan and its patient |
//! | [`history`] | what happened: outcomes and follow-ups added by hand |
//! | [`calendar`] | the clinic's open days, crews, official calendars, time windows |
//! | [`plan`] | plans, tasks, drops, explanations |
//! | [`replan`] | after planning: diff, apply, merging a patient's plans, worklists, compliance |
//! | [`export`] | iCalendar, FHIR R4 and CSV |
//! | [`cases`] | rule test cases |
//! | [`labels`] | Chinese and English labels for the built-in vocabulary (events, attributes, facts, milestones) |
//! | [`lunar`] | lunar festival dates |
//! | [`guide`] | the rule format, rule cases and the closed loop, as documents |
//! | [`prelude`] | the types almost every host names |
//!
//! Errors are [`Error`] (with [`Error::code`]), at the crate root.
//!
//! [`RuleSet`]: rules::RuleSet
//! [`Episode`]: episode::Episode
//! [`Calendar`]: calendar::Calendar
//! [`Plan`]: plan::Plan
//! [`Task`]: plan::Task
//! [`History`]: history::History
//! [`RuleSet::plan_with`]: rules::RuleSet::plan_with
//! [`RuleSet::read_cases`]: rules::RuleSet::read_cases
//! [`RuleSet::run_cases`]: rules::RuleSet::run_cases
//! [`CaseReport`]: cases::CaseReport

#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]
#![warn(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::unwrap_used,
    clippy::expect_used
)]

pub mod calendar;
pub mod cases;
mod compile;
pub mod episode;
mod error;
pub mod export;
pub mod guide;
pub mod history;
mod json;
pub mod labels;
mod limits;
mod lint;
pub mod lunar;
mod model;
mod notice;
mod offset;
mod overrides;
pub mod plan;
pub mod prelude;
pub mod replan;
pub mod rules;
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

pub use error::{Error, InputError, Result, RuleError};

/// The `chrono` the API takes and returns dates and times of (`NaiveDate`,
/// `NaiveDateTime`, `NaiveTime`): a host may name them as `followup::chrono::NaiveDate`
/// instead of depending on `chrono` itself, and is then sure to have the same version.
pub use chrono;

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
