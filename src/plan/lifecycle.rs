//! What happens to a planned occurrence given the patient's facts: opt-outs, refusals,
//! stop facts and samples.

use super::facts::Facts;
use super::task::DropReason;
use crate::compile::{Program, Step};
use crate::episode::Episode;
use crate::model::Channel;
use crate::offset::{Landing, MonthEnd};
use chrono::NaiveDateTime;
use std::sync::Arc;

/// Why a task does not go ahead, with the detail (fact kind, channel).
pub(super) type Verdict = Option<(DropReason, Option<Arc<str>>)>;

/// True if the patient is in the step's sample (or the step has none).
pub(super) fn in_sample(ep: &Episode, program: &Program, step: &Step) -> bool {
    match &step.sample {
        None => true,
        Some(s) => {
            (!s.always.is_empty() && s.always.matches(ep))
                || crate::sample::sample_draw(&program.id, &s.salt, &ep.patient.id) < s.fraction
        }
    }
}

/// Judges one occurrence due at `due` (its day and the start of its time window).
///
/// Order: opt-out of the channel, then the refusal rule, then the step's `stop_when`
/// facts. A fact counts when it happened by the end of `due`'s minute ([`by`]: at the start of the
/// window, nothing of it is left for a contact after the fact; audits 219, 223), and, in an episode plan,
/// a refusal not before the episode's event, a stop fact not before its day. Opt-outs and refusals are
/// the patient's (`patient.opt_outs`, `patient.declined`) or the episode's facts
/// (`opt_out`, `declined`), whichever comes first: every program honours them.
#[inline]
pub(super) fn judge(
    facts: &Facts<'_>,
    program: &Program,
    step: &Step,
    channel: Channel,
    due: NaiveDateTime,
) -> Verdict {
    // Most episodes are planned before anything happened: nothing to judge.
    if facts.is_empty() {
        return None;
    }
    judge_contact(facts, &program.declined, &step.stop_when, channel, due)
}

/// The last day a contact on `channel` is worth doing, whatever its own day, when a
/// fact ends it for good: the day of the channel's opt-out, of a refusal the `declined`
/// rule stops the channel for, or of one of `stop_when`'s facts; for another channel
/// (messages), the last day of the refusal's horizon — unless the patient came back by
/// `due`, the task's day (a patient-level plan's `came_back`). A task due before it and not
/// done by then is worth doing until that day only (audit 73: a day-1 call missed
/// before the patient refused stayed overdue work, and its supervisor's check open).
#[cold]
#[inline(never)]
pub(super) fn last_day(
    facts: &Facts<'_>,
    declined: &crate::compile::Declined,
    stop_when: &[Box<str>],
    channel: Channel,
    due: chrono::NaiveDate,
) -> Option<chrono::NaiveDate> {
    if facts.is_empty() {
        return None;
    }
    let opted = (facts.opt_out(channel, declined.opt_outs_from_event)).map(|(_, at)| at.date());
    let refused = facts.refusal_ending(due).and_then(|at| {
        if declined.stop_channels.contains(&channel) {
            Some(at.date())
        } else if channel.is_message() {
            match declined.horizon.apply(at.date(), MonthEnd::Clamp) {
                Landing::Date(d) => Some(d),
                _ => None,
            }
        } else {
            None
        }
    });
    let stopped = (stop_when.iter()).filter_map(|kind| facts.first_since_event(kind));
    let stopped = stopped.map(|at| at.date());
    opted.into_iter().chain(refused).chain(stopped).min()
}

/// True when a fact at `at` counts against a contact due at `moment`: it happened by the
/// end of that minute. Windows count whole minutes, so a fact within a window's first
/// minute leaves nothing of it (audit 223: a refusal at 09:00:30 left 09:00-09:01).
pub(super) fn by(at: NaiveDateTime, moment: NaiveDateTime) -> bool {
    moment
        .checked_add_signed(chrono::TimeDelta::minutes(1))
        .is_none_or(|end| at < end)
}

/// The moment a task whose window runs to `end` on its last day is judged at: the start
/// of the window's last minute (a fact at `end` itself is after the window: audit 223).
pub(super) fn last_minute(end: NaiveDateTime) -> NaiveDateTime {
    end.checked_sub_signed(chrono::TimeDelta::minutes(1))
        .unwrap_or(end)
}

/// [`judge`] for a contact of no step (a follow-up added by hand): the refusal rule
/// `declined` and the facts `stop_when`.
pub(super) fn judge_contact(
    facts: &Facts<'_>,
    declined: &crate::compile::Declined,
    stop_when: &[Box<str>],
    channel: Channel,
    due: NaiveDateTime,
) -> Verdict {
    let opted = facts.opt_out(channel, declined.opt_outs_from_event);
    if let Some((opted, _)) = opted.filter(|(_, at)| by(*at, due)) {
        let name: &'static str = opted.name();
        return Some((DropReason::OptedOut, Some(Arc::from(name))));
    }
    if let Some(refusal) = facts.refusal_by(due) {
        let rule = declined;
        if rule.stop_channels.contains(&channel) {
            return Some((DropReason::Declined, None));
        }
        let message = channel.is_message();
        let horizon_end = match rule.horizon.apply(refusal.date(), MonthEnd::Clamp) {
            Landing::Date(d) => d,
            _ => chrono::NaiveDate::MAX,
        };
        if message && due.date() > horizon_end {
            // The last day messages went on (audit 255: no detail said when it ended).
            let last = Arc::from(horizon_end.to_string());
            return Some((DropReason::PastHorizon, Some(last)));
        }
    }
    for kind in stop_when {
        if facts.first_since_event(kind).is_some_and(|at| by(at, due)) {
            return Some((DropReason::Stopped, Some(Arc::from(&**kind))));
        }
    }
    None
}
