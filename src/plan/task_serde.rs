//! The JSON form of a [`Task`]: one flat object, with the id written out and checked
//! when read back.

use super::task::{task_id, Derived, InfoRef, Record, Status, Subject, Task, TaskInfo};
use crate::calendar::ShiftReason;
use crate::model::{Channel, Role};
use crate::template::{Placeholder, TextTemplate, Value, Words};
use crate::text::Text;
use crate::time::TimeWindow;
use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::sync::Arc;

/// A task as written and read: one flat object, fields in docs/design.md's order.
#[derive(Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "schema"), derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, rename = "Task")]
struct Repr {
    /// `program/step/episode/occurrence`, and `/` and the derived part for a task made
    /// from another occurrence: stable when only dates change.
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "crate::schema::strings::TaskId")
    )]
    id: String,
    /// The program's id (`follow-up` for follow-ups added by hand, `notice` for clinic
    /// notices).
    program: Arc<str>,
    /// The step's id (a follow-up's or a notice's id).
    step: Arc<str>,
    /// Occurrence number within the step for this episode, from 0 (session steps: the
    /// session number; patient-level steps: the day, `YYYYMMDD`).
    occurrence: u32,
    /// The episode's id (`patient:<id>` for patient-level plans).
    episode: Arc<str>,
    /// The patient's id.
    patient: Arc<str>,
    /// How.
    channel: Channel,
    /// Who.
    role: Role,
    /// The first day the task is on time.
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "crate::schema::strings::Date")
    )]
    #[serde(with = "crate::episode::dates::one")]
    earliest: NaiveDate,
    /// The day the task is planned for.
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "crate::schema::strings::Date")
    )]
    #[serde(with = "crate::episode::dates::one")]
    due: NaiveDate,
    /// The last day the task is on time; later is late.
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "crate::schema::strings::Date")
    )]
    #[serde(with = "crate::episode::dates::one")]
    latest: NaiveDate,
    /// The last day the task is worth doing; `null`: never expires.
    #[serde(default, with = "crate::episode::dates::option")]
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "Option<crate::schema::strings::Date>")
    )]
    expires: Option<NaiveDate>,
    /// Time of day.
    window: TimeWindow,
    /// Its time of day on another day, when the moment it counts from (the event, a
    /// fact) cut `window` on its due day ([`Task::window_on`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    full_window: Option<TimeWindow>,
    /// The day the rule gave, before the calendar and the history moved it.
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "crate::schema::strings::Date")
    )]
    #[serde(with = "crate::episode::dates::one")]
    nominal: NaiveDate,
    /// Why `due` differs from `nominal`, if it does.
    shifted: Option<ShiftReason>,
    /// Why the calendar closes the task's channel on its due day, when it does: a task
    /// kept there (its step's `keep`, an agreed or picked day, a call the history records).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "Option<crate::schema::strings::ClosedReason>")
    )]
    closed: Option<ShiftReason>,
    /// The due or nominal day is outside the dates the calendar covers: it may still move.
    #[serde(default, skip_serializing_if = "is_false")]
    beyond_calendar: bool,
    /// The role that picks the day between `earliest` and `latest`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    picked_by: Option<Role>,
    /// The fact the task waits for (do it only once the fact is recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    waits_for: Option<Arc<str>>,
    /// What the task is for, when its rule says (`class`: `reminder`, `complaint`,
    /// `aftercare`, `care`, `sales`, `greeting`): the contact policy ranks it so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    class: Option<crate::replan::PriorityClass>,
    /// Its step keeps its closed days (`closed_day: keep`, a complaint's calls): staff
    /// on duty do it on a day the calendar closes, overdue too.
    #[serde(default, skip_serializing_if = "is_false")]
    on_duty: bool,
    /// Where the task stands on the as-of day (plans made with `plan_as_of`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status: Option<Status>,
    /// What a task made from another occurrence is for (`attempt-2`, `overdue`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    derived: Option<Derived>,
    /// The staff id of the person who owns the task's role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    owner: Option<Arc<str>>,
    /// What the history says happened to the task.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    record: Option<Record>,
    /// Title, filled (placeholders replaced).
    title: Text,
    /// What to say or write (for an SMS, the message), filled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    script: Option<Text>,
    /// The languages in which an SMS's script takes more than one segment. Worked out
    /// from the script when written; read and ignored (worked out again).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    long_message: Vec<String>,
}

// The schema of the task's JSON form.
schema_of_form!(
    Task,
    Repr,
    Some("One contact: who contacts the patient, how, on which day and in which time window, with which title and script.")
);

fn is_false(b: &bool) -> bool {
    !*b
}

impl Serialize for Task {
    /// Written field by field in `Repr`'s order, borrowing every text: no text is
    /// copied, and dates and times are written without `fmt`.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use crate::json::out::Day;
        use serde::ser::SerializeStruct;
        let (info, subject) = (self.info(), &*self.subject);
        // Texts with placeholders are written from their templates, with no text built.
        let templates = info.templates.as_deref().filter(|_| self.filled.is_none());
        let context = templates.map(|t| self.context(t));
        let value = |p, w, tag: &str| context.unwrap_or_default().value(p, w, tag);
        let title_template = (templates.and_then(|t| t.title.as_ref())).map(|t| Filled(t, &value));
        let script_template =
            (templates.and_then(|t| t.script.as_ref())).map(|t| Filled(t, &value));
        let sms = info.channel == crate::model::Channel::Sms;
        let script = match script_template {
            Some(_) => None,
            None => self.script(),
        };
        let long_message: Vec<&str> = match (&script_template, &script) {
            (Some(Filled(t, _)), _) if sms => t.long_tags(value),
            (None, Some(s)) if sms => super::task::long_tags(s),
            _ => Vec::new(),
        };
        let waits_for = info.wait_for.as_ref().filter(|_| self.waiting);
        let optional = [
            self.full_window.get().is_some(),
            self.closed.is_some(),
            self.beyond_calendar,
            info.picked_by.is_some(),
            waits_for.is_some(),
            info.class.is_some(),
            info.on_duty,
            self.status.is_some(),
            self.derived.is_some(),
            self.owner.is_some(),
            self.record.is_some(),
            script.is_some() || script_template.is_some(),
            !long_message.is_empty(),
        ]
        .iter()
        .filter(|b| **b)
        .count();
        let mut m = s.serialize_struct("Task", 16 + optional)?;
        m.serialize_field("id", &self.id())?;
        m.serialize_field("program", &*info.program)?;
        m.serialize_field("step", &*info.step)?;
        m.serialize_field("occurrence", &self.occurrence)?;
        m.serialize_field("episode", &*subject.episode)?;
        m.serialize_field("patient", &*subject.patient)?;
        m.serialize_field("channel", &info.channel)?;
        m.serialize_field("role", &info.role)?;
        m.serialize_field("earliest", &Day(self.earliest))?;
        m.serialize_field("due", &Day(self.due))?;
        m.serialize_field("latest", &Day(self.latest))?;
        m.serialize_field("expires", &self.expires.map(Day))?;
        m.serialize_field("window", &self.window)?;
        match self.full_window.get() {
            Some(w) => m.serialize_field("full_window", &Some(w))?,
            None => m.skip_field("full_window")?,
        }
        m.serialize_field("nominal", &Day(self.nominal))?;
        m.serialize_field("shifted", &self.shifted)?;
        match self.closed {
            Some(c) => m.serialize_field("closed", &Some(c))?,
            None => m.skip_field("closed")?,
        }
        if self.beyond_calendar {
            m.serialize_field("beyond_calendar", &self.beyond_calendar)?;
        } else {
            m.skip_field("beyond_calendar")?;
        }
        macro_rules! some {
            ($name:literal, $value:expr) => {
                match $value {
                    Some(v) => m.serialize_field($name, &Some(v))?,
                    None => m.skip_field($name)?,
                }
            };
        }
        some!("picked_by", info.picked_by);
        some!("waits_for", waits_for);
        some!("class", info.class);
        if info.on_duty {
            m.serialize_field("on_duty", &true)?;
        } else {
            m.skip_field("on_duty")?;
        }
        some!("status", self.status);
        some!("derived", self.derived);
        some!("owner", self.owner.as_ref());
        some!("record", self.record.as_ref());
        match &title_template {
            Some(t) => m.serialize_field("title", t)?,
            None => m.serialize_field("title", &*self.title())?,
        }
        match (&script_template, &script) {
            (Some(t), _) => m.serialize_field("script", &Some(t))?,
            (None, s) => some!("script", s.as_deref()),
        }
        if long_message.is_empty() {
            m.skip_field("long_message")?;
        } else {
            m.serialize_field("long_message", &long_message)?;
        }
        m.end()
    }
}

/// What the ids of programs and steps are made of ([`crate::compile::is_id`]).
pub(super) const RULE_ID_CHARS: &str =
    "1 to 64 of a-z, 0-9, '-' and '_', starting with a letter or digit";

/// The program or step id of a task or dropped occurrence read back that no rule, notice
/// or follow-up can have (audit 66: an escape in a program id went raw into a CSV cell).
pub(super) fn rule_id_fault<'a>(
    program: &'a str,
    step: &'a str,
) -> Option<(&'static str, &'a str)> {
    if !crate::compile::is_id(program) {
        Some(("program", program))
    } else if !crate::compile::is_id(step) {
        Some(("step", step))
    } else {
        None
    }
}

/// An episode id the engine writes: an episode's, or `patient:<id>` for a patient-level plan.
pub(super) fn episode_id_ok(episode: &str) -> bool {
    crate::episode::is_safe_id(episode.strip_prefix("patient:").unwrap_or(episode))
}

impl<'de> Deserialize<'de> for Task {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let r = Repr::deserialize(d)?;
        let mut expected = task_id(&r.program, &r.step, &r.episode, r.occurrence);
        if let Some(d) = r.derived {
            expected.push('/');
            expected.push_str(&d.name());
        }
        if r.id != expected {
            return Err(serde::de::Error::custom(format!(
                "the task id {:?} does not match its program, step, episode and occurrence: expected {expected:?}",
                r.id
            )));
        }
        // The ids the engine writes, as its inputs are checked (audit 63: a BEL in an
        // episode id gave two tasks one iCalendar UID; a NUL or an escape in a patient id,
        // an owner or a recorder went raw into a CSV cell).
        let ids = crate::episode::ID_CHARS;
        if let Some((what, id)) = rule_id_fault(&r.program, &r.step) {
            return Err(serde::de::Error::custom(format!(
                "invalid {what} id {id:?} of task {:?}: expected {RULE_ID_CHARS}",
                r.id
            )));
        }
        if !episode_id_ok(&r.episode) {
            return Err(serde::de::Error::custom(format!(
                "invalid episode id {:?} of task {:?}: expected {ids}, or patient:<id>",
                r.episode, r.id
            )));
        }
        if !crate::episode::is_safe_id(&r.patient) {
            return Err(serde::de::Error::custom(format!(
                "invalid patient id {:?} of task {:?}: expected {ids}",
                r.patient, r.id
            )));
        }
        let staff = [
            (r.owner.as_deref(), "owner"),
            (r.record.as_ref().and_then(|x| x.by.as_deref()), "record.by"),
        ];
        for (id, what) in staff {
            if let Some(id) = id.filter(|id| !crate::episode::is_safe_id(id)) {
                return Err(serde::de::Error::custom(format!(
                    "invalid staff id {id:?} of task {:?} ({what}): expected {ids}",
                    r.id
                )));
            }
        }
        // What every planned task holds (audit 30: a window ending before it starts, a
        // due day outside its on-time days, read back and exported as they were).
        if r.window.start >= r.window.end {
            return Err(serde::de::Error::custom(format!(
                "the window {}-{} of task {:?} ends before it starts: expected its start before its end",
                r.window.start.format("%H:%M"),
                r.window.end.format("%H:%M"),
                r.id
            )));
        }
        if !(r.earliest <= r.due && r.due <= r.latest) {
            return Err(serde::de::Error::custom(format!(
                "task {:?} is due {} outside its on-time days {} to {}: expected earliest ≤ due ≤ latest",
                r.id, r.due, r.earliest, r.latest
            )));
        }
        if let Some(c) = r.closed.filter(|c| !c.is_closed_day()) {
            return Err(serde::de::Error::custom(format!(
                "\"closed\": {:?} is no reason a day is closed: expected one of closed_weekday, closed_date, holiday, weekend, call_desk_closed, messages_closed",
                c.name()
            )));
        }
        let waiting = r.waits_for.is_some();
        Ok(Task {
            info: InfoRef::Own(Arc::new(TaskInfo {
                program: r.program,
                step: r.step,
                channel: r.channel,
                role: r.role,
                picked_by: r.picked_by,
                wait_for: r.waits_for,
                class: r.class,
                on_duty: r.on_duty,
                title: r.title,
                script: r.script,
                templates: None,
                rank: 0,
                slot: crate::plan::task::NO_SLOT,
                json: Default::default(),
            })),
            subject: Arc::new(Subject::bare(r.episode, r.patient)),
            occurrence: r.occurrence,
            earliest: r.earliest,
            due: r.due,
            latest: r.latest,
            window: r.window,
            full_window: crate::time::PackedWindow::of(r.full_window),
            nominal: r.nominal,
            shifted: r.shifted,
            closed: r.closed,
            beyond_calendar: r.beyond_calendar,
            expires: r.expires,
            status: r.status,
            waiting,
            derived: r.derived,
            record: r.record.map(Box::new),
            owner: r.owner,
            filled: None,
        })
    }
}

/// A text with placeholders, filled by `.1` as it is written.
struct Filled<'a, F>(&'a TextTemplate, &'a F);

impl<'v, F: Fn(Placeholder, Words, &str) -> Value<'v>> Serialize for Filled<'_, F> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize_filled(s, self.1)
    }
}
