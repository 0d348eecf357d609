//! The JSON form of a [`Task`]: one flat object, with the id written out and checked
//! when read back.

use super::task::{task_id, Status, Subject, Task, TaskInfo};
use crate::calendar::ShiftReason;
use crate::model::{Channel, Role};
use crate::text::Text;
use crate::time::TimeWindow;
use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::sync::Arc;

/// A task as written: borrowed from the task, field order as in DESIGN.md.
#[derive(Serialize)]
struct Written<'a> {
    id: String,
    program: &'a str,
    step: &'a str,
    occurrence: u32,
    episode: &'a str,
    patient: &'a str,
    channel: Channel,
    role: Role,
    earliest: NaiveDate,
    due: NaiveDate,
    latest: NaiveDate,
    window: TimeWindow,
    nominal: NaiveDate,
    shifted: Option<ShiftReason>,
    #[serde(skip_serializing_if = "is_false")]
    beyond_calendar: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    picked_by: Option<Role>,
    #[serde(skip_serializing_if = "Option::is_none")]
    waits_for: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<Status>,
    title: &'a Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    script: Option<&'a Text>,
}

/// A task as read.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename = "Task")]
struct Read {
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
    window: TimeWindow,
    nominal: NaiveDate,
    shifted: Option<ShiftReason>,
    #[serde(default)]
    beyond_calendar: bool,
    #[serde(default)]
    picked_by: Option<Role>,
    #[serde(default)]
    waits_for: Option<Arc<str>>,
    #[serde(default)]
    status: Option<Status>,
    title: Text,
    #[serde(default)]
    script: Option<Text>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Serialize for Task {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Written {
            id: self.id(),
            program: self.program(),
            step: self.step(),
            occurrence: self.occurrence,
            episode: self.episode(),
            patient: self.patient(),
            channel: self.channel(),
            role: self.role(),
            earliest: self.earliest,
            due: self.due,
            latest: self.latest,
            window: self.window,
            nominal: self.nominal,
            shifted: self.shifted,
            beyond_calendar: self.beyond_calendar,
            picked_by: self.picked_by(),
            waits_for: self.waits_for(),
            status: self.status,
            title: self.title(),
            script: self.script(),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Task {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let r = Read::deserialize(d)?;
        let expected = task_id(&r.program, &r.step, &r.episode, r.occurrence);
        if r.id != expected {
            return Err(serde::de::Error::custom(format!(
                "the task id {:?} does not match its program, step, episode and occurrence: expected {expected:?}",
                r.id
            )));
        }
        Ok(Task {
            info: Arc::new(TaskInfo {
                program: r.program,
                step: r.step,
                channel: r.channel,
                role: r.role,
                picked_by: r.picked_by,
                wait_for: r.waits_for.clone(),
                title: r.title,
                script: r.script,
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
            status: r.status,
            waiting: r.waits_for.is_some(),
        })
    }
}
