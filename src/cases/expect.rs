//! What a case expects: tasks and drops, each written as one line or as an object, and
//! which task a line is about ([`TaskRef`]).

use crate::episode::dates;
use crate::model::{Channel, Role};
use crate::plan::derived::Derived;
use crate::plan::task::DropReason;
use crate::time::TimeWindow;
use chrono::NaiveDate;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use std::fmt;

/// How a case's expected lists compare with the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Match {
    /// The plan's tasks and drops are exactly the expected ones: one plan entry for each
    /// expected line, nothing more. A list left out means the plan has none.
    #[default]
    Exact,
    /// The plan has at least the expected tasks and drops; others may come beside them.
    AtLeast,
}

impl Match {
    /// The name as written in a case file (`exact`, `at_least`).
    pub fn name(self) -> &'static str {
        match self {
            Match::Exact => "exact",
            Match::AtLeast => "at_least",
        }
    }
}

/// Which task an expected line is about: `[PROGRAM:]STEP[#OCCURRENCE][/DERIVED]`, such
/// as `day-1-call`, `plastic-aftercare:day-1-call`, `session-reminder#2` or
/// `day-1-call/attempt-2`.
///
/// Left out, the program and the occurrence match any; the derived part left out matches
/// only a task that is not derived (`day-1-call` is not `day-1-call/overdue`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TaskRef {
    /// The program id, when given.
    pub program: Option<String>,
    /// The step id (for a follow-up added by hand in the history, its id).
    pub step: String,
    /// The occurrence number, when given.
    pub occurrence: Option<u32>,
    /// What the task is derived for (`attempt-2`, `overdue`…), when it is derived.
    pub derived: Option<Derived>,
}

impl TaskRef {
    /// True when a task or drop of `program`/`step`, occurrence `occurrence`, derived
    /// `derived` is the one this reference names.
    pub fn names(
        &self,
        program: &str,
        step: &str,
        occurrence: u32,
        derived: Option<Derived>,
    ) -> bool {
        self.step == step
            && self.derived == derived
            && self.program.as_deref().is_none_or(|p| p == program)
            && self.occurrence.is_none_or(|n| n == occurrence)
    }

    /// Reads `[PROGRAM:]STEP[#OCCURRENCE][/DERIVED]`; the message says what was expected.
    pub(crate) fn parse(token: &str) -> Result<TaskRef, String> {
        let (rest, derived) = match token.split_once('/') {
            Some((rest, d)) => (rest, Some(derived_name(d)?)),
            None => (token, None),
        };
        let (rest, occurrence) = match rest.split_once('#') {
            Some((rest, n)) => (rest, Some(occurrence(n)?)),
            None => (rest, None),
        };
        let (program, step) = match rest.split_once(':') {
            Some((p, s)) => (Some(id(p, "program id")?), s),
            None => (None, rest),
        };
        Ok(TaskRef {
            program,
            step: id(step, "step id")?,
            occurrence,
            derived,
        })
    }
}

impl fmt::Display for TaskRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(p) = &self.program {
            write!(f, "{p}:")?;
        }
        f.write_str(&self.step)?;
        if let Some(n) = self.occurrence {
            write!(f, "#{n}")?;
        }
        if let Some(d) = self.derived {
            write!(f, "/{d}")?;
        }
        Ok(())
    }
}

fn id(s: &str, what: &str) -> Result<String, String> {
    if crate::compile::is_id(s) {
        Ok(s.to_string())
    } else {
        Err(format!(
            "invalid {what} {s:?}: expected 1 to 64 lower-case letters, digits, '-' or '_', starting with a letter or digit"
        ))
    }
}

fn occurrence(s: &str) -> Result<u32, String> {
    let digits = !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits.then(|| s.parse().ok()).flatten().ok_or_else(|| {
        format!("invalid occurrence {s:?}: expected a number (0, 1, … or the day YYYYMMDD of a greeting)")
    })
}

fn derived_name(s: &str) -> Result<Derived, String> {
    Derived::from_name(s).ok_or_else(|| {
        format!("unknown derived task {s:?}: expected escalation, attempt-N (N from 2), message, unanswered, overdue, abnormal-contact or doctor-visit")
    })
}

/// Where an expected line is in its case file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Place {
    pub pointer: String,
    pub line: Option<usize>,
}

/// A task the plan must have: `DUE STEP CHANNEL ROLE [HH:MM-HH:MM] [@OWNER]`, such as
/// `2026-03-03 day-1-call phone customer_service`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedTask {
    /// Which task.
    pub task: TaskRef,
    /// Its due day.
    pub due: NaiveDate,
    /// How.
    pub channel: Channel,
    /// Who.
    pub role: Role,
    /// Its time window, when the case checks it.
    pub window: Option<TimeWindow>,
    /// Its owner (a staff id), when the case checks it.
    pub owner: Option<String>,
    pub(crate) place: Place,
}

impl ExpectedTask {
    /// The JSON pointer of the line in its case file (`/cases/2/expect/tasks/5`).
    pub fn pointer(&self) -> &str {
        &self.place.pointer
    }

    /// The line of the case file it is written on.
    pub fn line(&self) -> Option<usize> {
        self.place.line
    }
}

impl fmt::Display for ExpectedTask {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {} {}",
            self.due,
            self.task,
            self.channel.name(),
            self.role.name()
        )?;
        if let Some(w) = self.window {
            write!(f, " {w}")?;
        }
        if let Some(o) = &self.owner {
            write!(f, " @{o}")?;
        }
        Ok(())
    }
}

/// An occurrence the plan must drop: `STEP REASON [DETAIL]`, such as
/// `review-reminder missing_anchor review_visit`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedDrop {
    /// Which occurrence.
    pub task: TaskRef,
    /// Why it is dropped.
    pub reason: DropReason,
    /// The detail of the reason (a fact kind, a channel, a step), when the case checks it.
    pub detail: Option<String>,
    pub(crate) place: Place,
}

impl ExpectedDrop {
    /// The JSON pointer of the line in its case file (`/cases/2/expect/dropped/0`).
    pub fn pointer(&self) -> &str {
        &self.place.pointer
    }

    /// The line of the case file it is written on.
    pub fn line(&self) -> Option<usize> {
        self.place.line
    }
}

impl fmt::Display for ExpectedDrop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.task, reason_name(self.reason))?;
        if let Some(d) = &self.detail {
            write!(f, " {d}")?;
        }
        Ok(())
    }
}

/// What a case checks in the plan.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Expect {
    /// Exactly these, or at least these.
    pub matching: Match,
    /// The tasks.
    pub tasks: Vec<ExpectedTask>,
    /// The dropped occurrences.
    pub dropped: Vec<ExpectedDrop>,
    /// The programs that apply (in any order), when the case checks them: `[]` for an
    /// episode no program applies to.
    pub programs: Option<Vec<String>>,
    /// The programs whose tasks and drops are compared, when the case names them: the
    /// others are left out (a pre-sales case that leaves the 611 plan to its own cases).
    pub only: Option<Vec<String>>,
}

/// The name of a drop reason as written in JSON (`missing_anchor`).
pub(crate) fn reason_name(reason: DropReason) -> String {
    serde_json::to_value(reason)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

const TASK_FORM: &str =
    "a task line DUE STEP CHANNEL ROLE [HH:MM-HH:MM] [@OWNER], such as \"2026-03-03 day-1-call phone customer_service\"";
const DROP_FORM: &str =
    "a drop line STEP REASON [DETAIL], such as \"review-reminder missing_anchor review_visit\"";

/// Reads a task line; the message names the part at fault and what was expected.
pub(crate) fn task_line(line: &str) -> Result<ExpectedTask, String> {
    let at = |m: String| format!("task line {line:?}: {m}");
    let parts: Vec<&str> = line.split_whitespace().collect();
    let [due, task, channel, role, rest @ ..] = parts.as_slice() else {
        return Err(at(format!("{} parts: expected {TASK_FORM}", parts.len())));
    };
    let mut out = ExpectedTask {
        due: dates::parse(due).map_err(at)?,
        task: TaskRef::parse(task).map_err(at)?,
        channel: named(channel, "channel", &Channel::ALL, |c| c.name()).map_err(at)?,
        role: named(role, "role", &Role::ALL, |r| r.name()).map_err(at)?,
        window: None,
        owner: None,
        place: Place::default(),
    };
    for part in rest {
        if let Some(owner) = part.strip_prefix('@') {
            if out.owner.is_some() {
                return Err(at(format!("a second owner {part:?}: expected one @OWNER")));
            }
            out.owner = Some(staff_id(owner).map_err(at)?);
        } else if part.contains(':') {
            if out.window.is_some() {
                return Err(at(format!(
                    "a second time window {part:?}: expected one HH:MM-HH:MM"
                )));
            }
            out.window = Some(window(part).map_err(at)?);
        } else {
            return Err(at(format!(
                "unexpected {part:?} after the role: expected a time window HH:MM-HH:MM or an owner @OWNER"
            )));
        }
    }
    Ok(out)
}

/// Reads a drop line; the message names the part at fault and what was expected.
pub(crate) fn drop_line(line: &str) -> Result<ExpectedDrop, String> {
    let at = |m: String| format!("drop line {line:?}: {m}");
    let parts: Vec<&str> = line.split_whitespace().collect();
    let (task, reason, detail) = match parts.as_slice() {
        [task, reason] => (task, reason, None),
        [task, reason, detail] => (task, reason, Some(drop_detail(detail).map_err(at)?)),
        _ => return Err(at(format!("{} parts: expected {DROP_FORM}", parts.len()))),
    };
    Ok(ExpectedDrop {
        task: TaskRef::parse(task).map_err(at)?,
        reason: drop_reason(reason).map_err(at)?,
        detail,
        place: Place::default(),
    })
}

fn named<T: Copy>(
    s: &str,
    what: &str,
    all: &[T],
    name: fn(T) -> &'static str,
) -> Result<T, String> {
    if let Some(x) = all.iter().copied().find(|x| name(*x) == s) {
        return Ok(x);
    }
    let names: Vec<&str> = all.iter().map(|x| name(*x)).collect();
    Err(unknown(what, s, &names))
}

fn unknown(what: &str, value: &str, names: &[&str]) -> String {
    let mut m = format!(
        "unknown {what} {value:?}: expected one of {}",
        names.join(", ")
    );
    if let Some(near) = crate::vocabulary::nearest(value, names) {
        m.push_str(&format!("; did you mean {near:?}?"));
    }
    m
}

/// A drop reason by its JSON name. The list of names in the message is serde's, so that
/// it names every reason the planner has.
fn drop_reason(s: &str) -> Result<DropReason, String> {
    let de = de::value::StrDeserializer::<de::value::Error>::new(s);
    DropReason::deserialize(de).map_err(|e| {
        let message = e.to_string();
        let names: Vec<&str> = message
            .split_once("expected one of ")
            .map(|(_, list)| list.split(", ").map(|n| n.trim_matches('`')).collect())
            .unwrap_or_default();
        if names.is_empty() {
            message
        } else {
            unknown("drop reason", s, &names)
        }
    })
}

fn staff_id(s: &str) -> Result<String, String> {
    let ok = (1..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if ok {
        Ok(s.to_string())
    } else {
        Err(format!(
            "invalid owner {s:?}: expected a staff id, {}",
            crate::episode::ID_CHARS
        ))
    }
}

fn window(s: &str) -> Result<TimeWindow, String> {
    match s.split_once('-') {
        Some((start, end)) => TimeWindow::parse(start, end),
        None => Err(format!(
            "invalid time window {s:?}: expected HH:MM-HH:MM, such as \"09:00-18:00\""
        )),
    }
}

/// An expected task, written as a line or as an object.
pub(crate) struct TaskEntry(pub ExpectedTask);

/// An expected drop, written as a line or as an object.
pub(crate) struct DropEntry(pub ExpectedDrop);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TaskObject {
    #[serde(default, deserialize_with = "program_field")]
    program: Option<String>,
    #[serde(deserialize_with = "step_field")]
    step: String,
    #[serde(default)]
    occurrence: Option<u32>,
    #[serde(default)]
    derived: Option<Derived>,
    due: dates::Date,
    channel: Channel,
    role: Role,
    #[serde(default, deserialize_with = "window_field")]
    window: Option<TimeWindow>,
    #[serde(default, deserialize_with = "owner_field")]
    owner: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DropObject {
    #[serde(default, deserialize_with = "program_field")]
    program: Option<String>,
    #[serde(deserialize_with = "step_field")]
    step: String,
    #[serde(default)]
    occurrence: Option<u32>,
    #[serde(default)]
    derived: Option<Derived>,
    #[serde(deserialize_with = "reason_field")]
    reason: DropReason,
    #[serde(default, deserialize_with = "detail_field")]
    detail: Option<String>,
}

fn program_field<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let s = String::deserialize(d)?;
    id(&s, "program id").map(Some).map_err(de::Error::custom)
}

fn step_field<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let s = String::deserialize(d)?;
    id(&s, "step id").map_err(de::Error::custom)
}

fn reason_field<'de, D: Deserializer<'de>>(d: D) -> Result<DropReason, D::Error> {
    let s = String::deserialize(d)?;
    drop_reason(&s).map_err(de::Error::custom)
}

fn detail_field<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let s = String::deserialize(d)?;
    drop_detail(&s).map(Some).map_err(de::Error::custom)
}

/// A drop's detail as a case expects it: printable (a report prints it; audit 66: an
/// escape in it reached the terminal).
fn drop_detail(s: &str) -> Result<String, String> {
    match s.chars().enumerate().find(|(_, c)| c.is_control()) {
        Some((i, c)) => Err(format!(
            "the detail {s:?} holds the control character U+{:04X} at character {}: expected printable text",
            u32::from(c),
            i + 1
        )),
        None => Ok(s.to_string()),
    }
}

fn owner_field<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let s = String::deserialize(d)?;
    staff_id(&s).map(Some).map_err(de::Error::custom)
}

/// `"09:00-18:00"` or `{"start": "09:00", "end": "18:00"}`.
fn window_field<'de, D: Deserializer<'de>>(d: D) -> Result<Option<TimeWindow>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = TimeWindow;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(
                "a time window \"HH:MM-HH:MM\" or {\"start\": \"HH:MM\", \"end\": \"HH:MM\"}",
            )
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<TimeWindow, E> {
            window(v).map_err(E::custom)
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<TimeWindow, A::Error> {
            TimeWindow::deserialize(de::value::MapAccessDeserializer::new(map))
        }
    }
    d.deserialize_any(V).map(Some)
}

impl<'de> Deserialize<'de> for TaskEntry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = TaskEntry;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{TASK_FORM}, or a task object")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<TaskEntry, E> {
                task_line(v).map(TaskEntry).map_err(E::custom)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<TaskEntry, A::Error> {
                let o = TaskObject::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(TaskEntry(ExpectedTask {
                    task: TaskRef {
                        program: o.program,
                        step: o.step,
                        occurrence: o.occurrence,
                        derived: o.derived,
                    },
                    due: o.due.0,
                    channel: o.channel,
                    role: o.role,
                    window: o.window,
                    owner: o.owner,
                    place: Place::default(),
                }))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for DropEntry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = DropEntry;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{DROP_FORM}, or a drop object")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<DropEntry, E> {
                drop_line(v).map(DropEntry).map_err(E::custom)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<DropEntry, A::Error> {
                let o = DropObject::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(DropEntry(ExpectedDrop {
                    task: TaskRef {
                        program: o.program,
                        step: o.step,
                        occurrence: o.occurrence,
                        derived: o.derived,
                    },
                    reason: o.reason,
                    detail: o.detail,
                    place: Place::default(),
                }))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_lines_read_and_write_back_the_same() {
        for line in [
            "2026-03-03 day-1-call phone customer_service",
            "2026-03-03 plastic-aftercare:day-1-call#0/attempt-2 phone customer_service 12:05-18:00 @u-3",
            "2026-02-28 greetings:birthday-greeting#20260229 sms customer_service",
        ] {
            assert_eq!(task_line(line).unwrap().to_string(), line);
        }
        let spaced =
            task_line("  2026-03-03   day-1-call phone  customer_service @u-3 09:00-12:00 ")
                .unwrap();
        assert_eq!(
            spaced.to_string(),
            "2026-03-03 day-1-call phone customer_service 09:00-12:00 @u-3"
        );
    }

    #[test]
    fn drop_lines_read_and_write_back_the_same() {
        for line in [
            "review-reminder missing_anchor review_visit",
            "day-1-call#0 superseded day-3-call",
            "callback not_sampled",
        ] {
            assert_eq!(drop_line(line).unwrap().to_string(), line);
        }
    }

    #[test]
    fn bad_lines_say_what_was_expected() {
        assert_eq!(
            task_line("2026-03-03 day-1-call phon customer_service").unwrap_err(),
            "task line \"2026-03-03 day-1-call phon customer_service\": unknown channel \"phon\": expected one of phone, sms, in_person, wechat, mail, home_visit, internal; did you mean \"phone\"?"
        );
        assert_eq!(
            drop_line("callback not-sampled").unwrap_err(),
            "drop line \"callback not-sampled\": unknown drop reason \"not-sampled\": expected one of missing_anchor, missing_attribute, anchor_dropped, month_end_skipped, no_repeat_date, no_open_day, stopped, opted_out, declined, past_horizon, not_sampled, beyond_max_shift, after_event, expired, rest_hours, superseded, unanswered, frequency_cap, complaint_open; did you mean \"not_sampled\"?"
        );
        assert!(
            task_line("2026-03-03 day-1-call/attempt-1 phone customer_service")
                .unwrap_err()
                .contains("unknown derived task \"attempt-1\"")
        );
        assert!(
            task_line("2026-03-03 day-1-call phone customer_service 18:00-09:00")
                .unwrap_err()
                .contains("expected start before end")
        );
    }

    #[test]
    fn a_reference_names_its_task() {
        let r = TaskRef::parse("day-1-call").unwrap();
        assert!(r.names("plastic-aftercare", "day-1-call", 0, None));
        assert!(!r.names("plastic-aftercare", "day-1-call", 0, Some(Derived::Overdue)));
        let r = TaskRef::parse("laser-aftercare:day-1-call#1").unwrap();
        assert!(!r.names("plastic-aftercare", "day-1-call", 1, None));
        assert!(!r.names("laser-aftercare", "day-1-call", 0, None));
        assert!(r.names("laser-aftercare", "day-1-call", 1, None));
    }
}
