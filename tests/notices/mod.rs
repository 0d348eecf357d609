//! Clinic notices (docs/domain.md §5: expert clinic days, promotions, clinic events — dates
//! from the clinic, not from a rule): who they target, the day they go out, opt-outs,
//! refusals, rest hours, the contact policy's caps, and the errors of notice files.
//! Expected days, ids and reasons are written by hand from the domain.
//!
//! Days used: 2026-04-06 is a Monday, 2026-04-08 a Wednesday, 2026-04-12 a Sunday.

mod campaigns;
mod caps;
mod invalid;
mod planning;
mod properties;

use crate::support::{builtin, ser};
use followup::{
    calendar::Calendar,
    episode::{Episode, Patient},
    plan::Plan,
    rules::Notice,
};

/// Notices read from a JSON array (or one object) with the built-in vocabulary.
fn notices(json: &str) -> Vec<Notice> {
    builtin()
        .read_notices("test notices", json)
        .expect("test notices read")
}

/// A notice's JSON: its id, day and a title, then `fields` (members of a JSON object,
/// `audience` among them).
fn notice(id: &str, send_on: &str, fields: &str) -> String {
    format!(
        r#"{{"id": "{id}", "send_on": "{send_on}", "title": {{"zh": "通知", "en": "Notice"}}, {fields}}}"#
    )
}

/// A notice text of one notice, read as [`notices`] does: [`notice`]'s arguments.
fn one_notice(id: &str, send_on: &str, fields: &str) -> Vec<Notice> {
    notices(&format!("[{}]", notice(id, send_on, fields)))
}

/// The expert-day call the tests use: sent on `send_on` for an expert clinic day on Sun
/// 12 April 2026, to every patient.
fn expert_call(send_on: &str) -> Vec<Notice> {
    one_notice(
        "expert-call",
        send_on,
        r#""event_day": "2026-04-12", "channel": "phone", "audience": {}"#,
    )
}

fn patient(json: &str) -> Patient {
    serde_json::from_str(json).expect("test patient parses")
}

fn episode(json: &str) -> Episode {
    builtin()
        .read_episode("test episode", json)
        .expect("test episode reads")
}

/// A procedure of patient `p-1` on 2 March 2026.
fn procedure(id: &str, category: &str, setting: &str) -> Episode {
    episode(&format!(
        r#"{{"id": "{id}", "event": "procedure", "at": "2026-03-02T10:00:00",
            "attributes": {{"category": "{category}", "setting": "{setting}"}},
            "patient": {{"id": "p-1"}}}}"#
    ))
}

fn plan_for(p: &Patient, episodes: &[Episode], list: &[Notice], cal: &Calendar) -> Plan {
    builtin()
        .plan_notices(p, episodes, list, cal)
        .expect("notices plan")
}

/// One line per task: `due step channel role window`, plus ` <- nominal (reason)` when
/// shifted.
fn lines(plan: &Plan) -> Vec<String> {
    plan.tasks
        .iter()
        .map(|t| {
            let mut s = format!(
                "{} {} {} {} {}",
                t.due,
                t.step(),
                ser(&t.channel()),
                ser(&t.role()),
                t.window
            );
            if let Some(r) = t.shifted {
                s.push_str(&format!(" <- {} ({})", t.nominal, ser(&r)));
            }
            s
        })
        .collect()
}

/// `id reason detail` per dropped entry (`-` for none).
fn dropped(plan: &Plan) -> Vec<String> {
    plan.dropped
        .iter()
        .map(|d| {
            format!(
                "{} {} {}",
                d.id(),
                ser(&d.reason),
                d.detail.as_deref().unwrap_or("-")
            )
        })
        .collect()
}
