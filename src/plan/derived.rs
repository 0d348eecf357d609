//! What a task made from another occurrence is for (an attempt, an escalation…), and what
//! the history says happened to a task.

use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// What a task made from another occurrence of a step is for. Its id is the
/// occurrence's id, `/` and [`Derived::name`]: `…/ep-1/0/attempt-2`, `…/ep-1/0/overdue`.
///
/// Serialised as that name (`"attempt-2"`, `"overdue"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Derived {
    /// A supervisor looks into a task whose wait ended without its fact
    /// (`"then": "escalate"`).
    Escalation,
    /// The next call after an unanswered one (`no_answer`): attempt 2, 3…
    Attempt(u32),
    /// The message sent when the last attempt went unanswered (`"then": "sms"`).
    Message,
    /// A supervisor looks into a call unanswered `max_attempts` times
    /// (`"then": "escalate"`).
    Unanswered,
    /// A supervisor follows up a task still not done `escalate_after` its last on-time
    /// day.
    Overdue,
    /// The onsite consultant's same-day call after an abnormal recovery was reported.
    AbnormalContact,
    /// The doctor sees a patient who reported an abnormal recovery.
    DoctorVisit,
}

impl Derived {
    /// The last part of the task id (`escalation`, `attempt-2`, `message`, `unanswered`,
    /// `overdue`, `abnormal-contact`, `doctor-visit`).
    pub fn name(self) -> std::borrow::Cow<'static, str> {
        match self {
            Derived::Escalation => "escalation".into(),
            Derived::Attempt(n) => format!("attempt-{n}").into(),
            Derived::Message => "message".into(),
            Derived::Unanswered => "unanswered".into(),
            Derived::Overdue => "overdue".into(),
            Derived::AbnormalContact => "abnormal-contact".into(),
            Derived::DoctorVisit => "doctor-visit".into(),
        }
    }

    /// Reads a name written by [`Derived::name`]; attempts are numbered from 2.
    pub fn from_name(name: &str) -> Option<Derived> {
        Some(match name {
            "escalation" => Derived::Escalation,
            "message" => Derived::Message,
            "unanswered" => Derived::Unanswered,
            "overdue" => Derived::Overdue,
            "abnormal-contact" => Derived::AbnormalContact,
            "doctor-visit" => Derived::DoctorVisit,
            _ => {
                let n = name.strip_prefix("attempt-")?;
                if n.starts_with('0') || !n.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                Derived::Attempt(n.parse().ok().filter(|n| *n >= 2)?)
            }
        })
    }
}

impl std::fmt::Display for Derived {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name())
    }
}

impl Serialize for Derived {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.name())
    }
}

impl<'de> Deserialize<'de> for Derived {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Derived::from_name(&name).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown derived task {name:?}: expected escalation, attempt-N (N from 2), message, unanswered, overdue, abnormal-contact or doctor-visit"
            ))
        })
    }
}

/// What the history says happened to a task (see [`crate::rules::RuleSet::plan_with`]): the
/// outcome that counts, when, and who recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "schema"), derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Record {
    /// What happened: the closing outcome when there is one, else the last one.
    pub outcome: crate::history::OutcomeKind,
    /// When.
    #[serde(with = "crate::episode::date_time")]
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "crate::schema::strings::DateTime")
    )]
    pub at: chrono::NaiveDateTime,
    /// Who recorded it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<Arc<str>>,
    /// Nothing is left to do: the task was done (or declined, or an abnormal recovery was
    /// reported), or it was an unanswered call that the next attempt or what follows the
    /// last one took over. Worklists leave closed tasks out.
    pub closed: bool,
}
