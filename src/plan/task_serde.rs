//! The JSON form of a [`Task`]: one flat object, with the id written out and checked
//! when read back.

use super::task::{task_id, Derived, Record, Status, Subject, Task, TaskInfo};
use crate::calendar::ShiftReason;
use crate::model::{Channel, Role};
use crate::text::Text;
use crate::time::TimeWindow;
use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::sync::Arc;

/// A task as written and read: one flat object, fields in DESIGN.md's order.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Task")]
struct Repr {
    id: String,
    program: Arc<str>,
    step: Arc<str>,
    occurrence: u32,
    episode: Arc<str>,
    patient: Arc<str>,
    channel: Channel,
    role: Role,
    earliest: NaiveDate,
    due: NaiveDate,
    latest: NaiveDate,
    /// `null`: never expires.
    #[serde(default)]
    expires: Option<NaiveDate>,
    window: TimeWindow,
    nominal: NaiveDate,
    shifted: Option<ShiftReason>,
    #[serde(default, skip_serializing_if = "is_false")]
    beyond_calendar: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    picked_by: Option<Role>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    waits_for: Option<Arc<str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status: Option<Status>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    derived: Option<Derived>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    owner: Option<Arc<str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    record: Option<Record>,
    title: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    script: Option<Text>,
    /// Worked out from the script when written; read and ignored (worked out again).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    long_message: Vec<String>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Serialize for Task {
    /// Writing takes reference counts on the shared parts; no text is copied.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (info, subject) = (&*self.info, &*self.subject);
        Repr {
            id: self.id(),
            program: info.program.clone(),
            step: info.step.clone(),
            occurrence: self.occurrence,
            episode: subject.episode.clone(),
            patient: subject.patient.clone(),
            channel: info.channel,
            role: info.role,
            earliest: self.earliest,
            due: self.due,
            latest: self.latest,
            window: self.window,
            nominal: self.nominal,
            shifted: self.shifted,
            beyond_calendar: self.beyond_calendar,
            expires: self.expires,
            picked_by: info.picked_by,
            waits_for: info.wait_for.clone().filter(|_| self.waiting),
            status: self.status,
            derived: self.derived,
            owner: self.owner.clone(),
            record: self.record.clone(),
            title: self.title().clone(),
            script: self.script().cloned(),
            long_message: self.long_message_tags().map(str::to_string).collect(),
        }
        .serialize(s)
    }
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
        let waiting = r.waits_for.is_some();
        Ok(Task {
            info: Arc::new(TaskInfo {
                program: r.program,
                step: r.step,
                channel: r.channel,
                role: r.role,
                picked_by: r.picked_by,
                wait_for: r.waits_for,
                title: r.title,
                script: r.script,
                templates: None,
                rank: 0,
            }),
            subject: Arc::new(Subject {
                episode: r.episode,
                patient: r.patient,
            }),
            occurrence: r.occurrence,
            earliest: r.earliest,
            due: r.due,
            latest: r.latest,
            window: r.window,
            nominal: r.nominal,
            shifted: r.shifted,
            beyond_calendar: r.beyond_calendar,
            expires: r.expires,
            status: r.status,
            waiting,
            derived: r.derived,
            record: r.record,
            owner: r.owner,
            filled: None,
        })
    }
}
