//! What happened to the tasks of a plan — done, no answer, an agreed time, a picked day, a
//! refusal, an abnormal recovery, a note — and the follow-ups staff added by hand: passed
//! back in beside the episode, they give the next plan (`RuleSet::plan_with`).

use crate::error::{Located, Result};
use crate::limits::Limits;
use crate::model::{Channel, Role};
use crate::text::Text;
use crate::time::TimeWindow;
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What happened so far to the tasks of one episode (or of a patient's greetings), in any
/// order: the plan's tasks and drops are the same whatever the order (only
/// `Plan::ignored` changes: it names each outcome it lists by its index in the history
/// given).
///
/// ```json
/// {"outcomes": [
///    {"task": "plastic-aftercare/day-1-call/ep-1/0", "outcome": "no_answer", "at": "2026-03-03T10:00:00"},
///    {"task": "plastic-aftercare/day-1-call/ep-1/0/attempt-2", "outcome": "done", "at": "2026-03-03T14:10:00", "by": "u-3"},
///    {"task": "plastic-aftercare/day-3-call/ep-1/0", "outcome": "rescheduled", "at": "2026-03-05T09:30:00", "to": "2026-03-06T16:00:00"}
///  ],
///  "follow_ups": [
///    {"id": "third-call", "due": "2026-04-10", "channel": "phone", "role": "consultant",
///     "title": {"zh": "第三次回访", "en": "Third follow-up"}}
///  ]}
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "schema"), derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct History {
    /// What happened to each task, by task id.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::json::objects"
    )]
    pub outcomes: Vec<Outcome>,
    /// Follow-ups staff added by hand (a consultant's third call): planned, merged and
    /// reported like any other task, with the id `follow-up/<id>/<episode>/0`.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::json::objects"
    )]
    pub follow_ups: Vec<FollowUp>,
}

/// What happened to one task.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "schema"), derive(schemars::JsonSchema))]
#[cfg_attr(
    any(test, feature = "schema"),
    schemars(transform = crate::schema::custom::outcome_rules)
)]
#[serde(deny_unknown_fields)]
pub struct Outcome {
    /// The task's id, as the plan gave it (an attempt's id for a retried call).
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "crate::schema::strings::TaskId")
    )]
    pub task: String,
    /// What happened.
    pub outcome: OutcomeKind,
    /// When, in clinic wall-clock time.
    #[serde(with = "crate::episode::date_time")]
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "crate::schema::strings::DateTime")
    )]
    pub at: NaiveDateTime,
    /// Who recorded it (a staff id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "Option<crate::schema::strings::SafeId>")
    )]
    pub by: Option<String>,
    /// `rescheduled`: the day and time agreed with the patient.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::episode::date_time::option"
    )]
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "Option<crate::schema::strings::DateTime>")
    )]
    pub to: Option<NaiveDateTime>,
    /// `picked`: the day a consultant chose for a staff-picked task.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::episode::dates::option"
    )]
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "Option<crate::schema::strings::Date>")
    )]
    pub day: Option<NaiveDate>,
    /// Free text (never read by the planner).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// What happened to a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "schema"), derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum OutcomeKind {
    /// Done: the patient was reached, the message sent, the visit held.
    Done,
    /// The call was not answered.
    NoAnswer,
    /// The line was busy.
    Busy,
    /// The number could not be reached.
    Unreachable,
    /// The patient agreed another day and time (`to`): the task moves there.
    Rescheduled,
    /// A consultant picked the day (`day`) of a staff-picked task.
    Picked,
    /// The patient clearly said no: done, and a refusal for every program from `at`.
    Declined,
    /// The patient is not recovering as expected: done, and the onsite consultant calls the
    /// same day and a doctor sees the patient (seed 004).
    AbnormalRecovery,
    /// A note; changes nothing.
    Note,
}

impl OutcomeKind {
    /// The name as written in JSON (`done`, `no_answer`…).
    pub fn name(self) -> &'static str {
        match self {
            OutcomeKind::Done => "done",
            OutcomeKind::NoAnswer => "no_answer",
            OutcomeKind::Busy => "busy",
            OutcomeKind::Unreachable => "unreachable",
            OutcomeKind::Rescheduled => "rescheduled",
            OutcomeKind::Picked => "picked",
            OutcomeKind::Declined => "declined",
            OutcomeKind::AbnormalRecovery => "abnormal_recovery",
            OutcomeKind::Note => "note",
        }
    }

    /// A short label in `lang`, for staff (`未接听` / `no answer`).
    ///
    /// ```
    /// use followup::{rules::Lang, history::OutcomeKind};
    /// assert_eq!(OutcomeKind::NoAnswer.label(Lang::Zh), "未接听");
    /// assert_eq!(OutcomeKind::AbnormalRecovery.label(Lang::En), "abnormal recovery");
    /// ```
    pub fn label(self, lang: crate::rules::Lang) -> &'static str {
        lang.pick(match self {
            OutcomeKind::Done => ("已完成", "done"),
            OutcomeKind::NoAnswer => ("未接听", "no answer"),
            OutcomeKind::Busy => ("占线", "busy"),
            OutcomeKind::Unreachable => ("无法接通", "unreachable"),
            OutcomeKind::Rescheduled => ("另约时间", "rescheduled"),
            OutcomeKind::Picked => ("已选定日期", "day picked"),
            OutcomeKind::Declined => ("明确拒绝", "declined"),
            OutcomeKind::AbnormalRecovery => ("恢复异常", "abnormal recovery"),
            OutcomeKind::Note => ("备注", "note"),
        })
    }

    /// The call did not reach the patient.
    pub fn is_unanswered(self) -> bool {
        matches!(
            self,
            OutcomeKind::NoAnswer | OutcomeKind::Busy | OutcomeKind::Unreachable
        )
    }

    /// The task happened (done, declined, or an abnormal recovery reported).
    pub fn is_done(self) -> bool {
        matches!(
            self,
            OutcomeKind::Done | OutcomeKind::Declined | OutcomeKind::AbnormalRecovery
        )
    }
}

/// A follow-up added by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "schema"), derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct FollowUp {
    /// Its id: 1 to 64 of `a-z 0-9 - _`, unique among the episode's follow-ups.
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "crate::schema::strings::Id")
    )]
    pub id: String,
    /// The day to do it.
    #[serde(with = "crate::episode::dates::one")]
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "crate::schema::strings::Date")
    )]
    pub due: NaiveDate,
    /// The last day it is on time (default: `due`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::episode::dates::option"
    )]
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "Option<crate::schema::strings::Date>")
    )]
    pub latest: Option<NaiveDate>,
    /// The time of day (default: the calendar's `day` window).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<TimeWindow>,
    /// How.
    pub channel: Channel,
    /// Who.
    pub role: Role,
    /// Title.
    pub title: Text,
    /// Script.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub script: Option<Text>,
    /// The episode it belongs to, when a host plans a patient's episodes with one
    /// history: only that episode's plan makes it, so its id names that episode from the
    /// start (audit 276: left out, the example programs give it the episode its first
    /// record names, else the first episode — and its id changed when a record came).
    /// Left out: every plan the history is passed with makes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "Option<crate::schema::strings::Id>")
    )]
    pub episode: Option<String>,
}

impl crate::json::Expected for History {
    const EXPECTED: &'static str =
        "a history (a JSON object such as {\"outcomes\": [], \"follow_ups\": []})";
}

impl crate::json::Expected for Outcome {
    const EXPECTED: &'static str = "an outcome (a JSON object such as {\"task\": \"…\", \"outcome\": \"done\", \"at\": \"2026-03-03T10:00\"})";
}

impl crate::json::Expected for FollowUp {
    const EXPECTED: &'static str = "a follow-up (a JSON object)";
}

impl History {
    /// Reads a history from JSON; `name` is used in error messages.
    ///
    /// # Errors
    ///
    /// [`crate::Error::History`] with the JSON pointer, line and column: malformed JSON,
    /// unknown fields, bad dates, and what [`History::check`] refuses.
    pub fn from_json(name: &str, text: &str) -> Result<History> {
        History::read(name, text, &Limits::default())
    }

    /// [`History::from_json`] within `limits` (`max_rule_bytes`, `max_json_depth`): a rule
    /// set's own, through [`crate::rules::RuleSet::read_history`].
    pub(crate) fn read(name: &str, text: &str, limits: &Limits) -> Result<History> {
        if let Some(e) = crate::json::empty(
            text,
            "a history (a JSON object such as {\"outcomes\": [], \"follow_ups\": []})",
        ) {
            return Err(e.into_history(name));
        }
        let crate::json::Document(h): crate::json::Document<History> =
            crate::json::read(text, limits).map_err(|e| e.into_history(name))?;
        h.checked()
            .map_err(|e| crate::json::located_in(e, text).into_history(name))?;
        Ok(h)
    }

    /// Checks what JSON shape alone cannot: task ids are ids a plan gives; `to` is given
    /// with `rescheduled` only (and then it is), `day` with `picked` only, neither before
    /// the outcome's `at` (a time agreed in the past is a data slip) nor more than 10
    /// years after it (a slip of the year); follow-up ids
    /// are ids, unique, their texts are templates as in rule files (`{patient}`…; an
    /// unknown placeholder is an error) and their `latest` is not before `due`.
    ///
    /// # Errors
    ///
    /// [`crate::Error::History`] naming `name` and the JSON pointer.
    pub fn check(&self, name: &str) -> Result<()> {
        self.checked().map_err(|e| e.into_history(name))
    }

    pub(crate) fn checked(&self) -> std::result::Result<(), Located> {
        // An agreed time or a picked day may be at most this many days after the outcome
        // (about 10 years, the rules' own offset limit `max_offset_days`).
        const AGREED_WITHIN_DAYS: u64 = 3_660;
        use chrono::Datelike;
        let years = crate::time::RECORDED_YEARS;
        for (i, o) in self.outcomes.iter().enumerate() {
            let at = |field: &str| format!("/outcomes/{i}/{field}");
            let kind = o.outcome.name();
            if !years.contains(&o.at.year()) {
                return Err(Located::new(
                    at("at"),
                    format!(
                        "the outcome is recorded on {}: expected a day of the years {} to {} (the years of real records: a day outside them is a placeholder or a slip)",
                        o.at.date(),
                        years.start(),
                        years.end()
                    ),
                ));
            }
            match (o.outcome, o.to.is_some(), o.day.is_some()) {
                (OutcomeKind::Rescheduled, false, _) => {
                    return Err(Located::new(
                        format!("/outcomes/{i}"),
                        "a rescheduled outcome has no \"to\": expected the day and time agreed with the patient, such as \"2026-03-06T16:00\"",
                    ))
                }
                (OutcomeKind::Picked, _, false) => {
                    return Err(Located::new(
                        format!("/outcomes/{i}"),
                        "a picked outcome has no \"day\": expected the day the consultant chose, such as \"2026-03-20\"",
                    ))
                }
                (k, true, _) if k != OutcomeKind::Rescheduled => {
                    return Err(Located::new(
                        at("to"),
                        format!("\"to\" is for rescheduled outcomes, not {kind}: expected no \"to\", or \"outcome\": \"rescheduled\""),
                    ))
                }
                (k, _, true) if k != OutcomeKind::Picked => {
                    return Err(Located::new(
                        at("day"),
                        format!("\"day\" is for picked outcomes, not {kind}: expected no \"day\", or \"outcome\": \"picked\""),
                    ))
                }
                _ => {}
            }
            // Data slips: nobody agrees on a time, or picks a day, already past.
            // A day alone agreed for the day recorded (midnight: no time) is that day
            // (audit 142: refused, naming a `T00:00` nobody wrote).
            let day_only_today = |to: &NaiveDateTime| {
                to.time() == chrono::NaiveTime::MIN && to.date() == o.at.date()
            };
            if let Some(to) = o.to.filter(|to| *to < o.at && !day_only_today(to)) {
                // A day alone is said as a day (audits 147, 148: "T00:00", a time nobody
                // wrote).
                let message = if to.time() == chrono::NaiveTime::MIN {
                    format!(
                        "the agreed day {} is before the day the outcome was recorded ({}): expected that day or a later one",
                        to.date(),
                        o.at.date()
                    )
                } else {
                    format!(
                        "the agreed time {} is before the outcome was recorded ({}): expected a time agreed for later, such as the next day",
                        stamp(to),
                        stamp(o.at)
                    )
                };
                return Err(Located::new(at("to"), message));
            }
            if let Some(day) = o.day.filter(|d| *d < o.at.date()) {
                return Err(Located::new(
                    at("day"),
                    format!(
                        "the picked day {day} is before the day it was picked ({}): expected that day or a later one",
                        o.at.date()
                    ),
                ));
            }
            // ... nor for a time years away: a slip of the year (9999 for "unknown").
            let far =
                o.at.date()
                    .checked_add_days(chrono::Days::new(AGREED_WITHIN_DAYS));
            let agreed =
                o.to.map(|t| (t.date(), "to", "agreed time"))
                    .or(o.day.map(|d| (d, "day", "picked day")));
            if let Some((d, field, what)) = agreed.filter(|(d, ..)| far.is_none_or(|f| *d > f)) {
                return Err(Located::new(
                    at(field),
                    format!(
                        "the {what} {d} is more than 3,660 days (10 years and a week) after the outcome was recorded ({}): expected a day within 10 years of it",
                        o.at.date()
                    ),
                ));
            }
            // Who recorded it is a staff id, as an owner's (reports group by it): "" or
            // "u 3\n" would credit nobody, or somebody no report can name.
            if let Some(by) = o.by.as_deref().filter(|b| !crate::episode::is_safe_id(b)) {
                return Err(Located::new(
                    at("by"),
                    format!("invalid staff id {by:?}: expected {} (leave \"by\" out when it is not known)", crate::episode::ID_CHARS),
                ));
            }
            if crate::plan::ledger::parse_id(&o.task).is_none() {
                return Err(Located::new(
                    at("task"),
                    format!("invalid task id {:?}: expected the id of a task as a plan gives it, program/step/episode/occurrence with an optional derived part, such as \"plastic-aftercare/day-1-call/ep-1/0\" or \"…/ep-1/0/attempt-2\"", o.task),
                ));
            }
        }
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, f) in self.follow_ups.iter().enumerate() {
            if !crate::compile::is_id(&f.id) {
                return Err(Located::new(
                    format!("/follow_ups/{i}/id"),
                    format!("invalid follow-up id {:?}: expected 1 to 64 lower-case letters, digits, '-' or '_', starting with a letter or digit", f.id),
                ));
            }
            if let Some(first) = seen.insert(&f.id, i) {
                return Err(Located::new(
                    format!("/follow_ups/{i}/id"),
                    format!("follow-up id {:?} is given twice (also /follow_ups/{first}/id): expected each id once", f.id),
                ));
            }
            if let Some(e) = f
                .episode
                .as_deref()
                .filter(|e| !crate::episode::is_safe_id(e))
            {
                return Err(Located::new(
                    format!("/follow_ups/{i}/episode"),
                    format!(
                        "invalid episode id {e:?}: expected {}",
                        crate::episode::ID_CHARS
                    ),
                ));
            }
            crate::template::follow_up_texts(
                &f.title,
                f.script.as_ref(),
                &format!("/follow_ups/{i}"),
            )?;
            // A slip of the year (9999-12-31 for "not known"): the task and its exports
            // would reach past the year 9999, and the error would name the episode.
            let days = std::iter::once(("due", f.due)).chain(f.latest.map(|l| ("latest", l)));
            for (field, d) in days {
                if !years.contains(&d.year()) {
                    return Err(Located::new(
                        format!("/follow_ups/{i}/{field}"),
                        format!(
                            "the follow-up's {field} day is {d}: expected a day of the years {} to {} (the years of real records: a day outside them is a placeholder or a slip)",
                            years.start(),
                            years.end()
                        ),
                    ));
                }
            }
            // A window of the day, as a step's is (audit 78: 18:00-09:00 was planned, and
            // the plan then could not be read back).
            if let Some(w) = f.time.filter(|w| w.start >= w.end) {
                return Err(Located::new(
                    format!("/follow_ups/{i}/time"),
                    format!(
                        "the window starts at {} and ends at {}: expected start before end",
                        w.start.format("%H:%M"),
                        w.end.format("%H:%M")
                    ),
                ));
            }
            // On time for years is a slip of the year, as an agreed time years away is
            // (audit 78: `latest` 9899-12-31 gave a window of 7,873 years).
            if let Some(l) = f
                .latest
                .filter(|l| (*l - f.due).num_days() > AGREED_WITHIN_DAYS as i64)
            {
                return Err(Located::new(
                    format!("/follow_ups/{i}/latest"),
                    format!(
                        "latest {l} is more than {AGREED_WITHIN_DAYS} days after due {}: expected the last day it is on time, within about 10 years",
                        f.due
                    ),
                ));
            }
            if f.latest.is_some_and(|l| l < f.due) {
                return Err(Located::new(
                    format!("/follow_ups/{i}/latest"),
                    format!(
                        "latest {} is before due {}: expected a day on or after it",
                        f.latest.unwrap_or(f.due),
                        f.due
                    ),
                ));
            }
        }
        Ok(())
    }

    /// True when nothing was recorded and nothing added.
    pub fn is_empty(&self) -> bool {
        self.outcomes.is_empty() && self.follow_ups.is_empty()
    }
}

/// A moment as the history's errors say it: `YYYY-MM-DDTHH:MM`, with the seconds when
/// there are some (audit 138: "15:00 is before … (15:00)", seconds apart).
fn stamp(t: chrono::NaiveDateTime) -> String {
    if chrono::Timelike::second(&t) == 0 {
        t.format("%Y-%m-%dT%H:%M").to_string()
    } else {
        t.format("%Y-%m-%dT%H:%M:%S").to_string()
    }
}
