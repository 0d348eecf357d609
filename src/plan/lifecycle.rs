//! What happens to a planned occurrence given the patient's facts: opt-outs, refusals,
//! stop facts and samples.

use super::task::DropReason;
use crate::compile::{Program, Step};
use crate::model::Channel;
use crate::offset::{Landing, MonthEnd};
use crate::Episode;
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
/// facts. A fact counts when it happened strictly before `due`. Opt-outs and refusals are
/// the patient's (`patient.opt_outs`, `patient.declined`) or the episode's facts
/// (`opt_out`, `declined`), whichever comes first: every program honours them.
pub(super) fn judge(
    ep: &Episode,
    program: &Program,
    step: &Step,
    channel: Channel,
    due: NaiveDateTime,
) -> Verdict {
    judge_contact(ep, &program.declined, &step.stop_when, channel, due)
}

/// [`judge`] for a contact of no step (a follow-up added by hand): the refusal rule
/// `declined` and the facts `stop_when`.
pub(super) fn judge_contact(
    ep: &Episode,
    declined: &crate::compile::Declined,
    stop_when: &[Box<str>],
    channel: Channel,
    due: NaiveDateTime,
) -> Verdict {
    let patient = &ep.patient;
    let opted_out = patient
        .opt_outs
        .iter()
        .any(|o| o.channel == channel && o.at < due)
        || ep
            .facts
            .iter()
            .any(|f| f.kind == "opt_out" && f.channel == Some(channel) && f.at < due);
    if opted_out {
        let name: &'static str = channel.name();
        return Some((DropReason::OptedOut, Some(Arc::from(name))));
    }
    let refusal = ep
        .facts
        .iter()
        .filter(|f| f.kind == "declined")
        .map(|f| f.at)
        .chain(patient.declined)
        .filter(|at| *at < due)
        .min();
    if let Some(refusal) = refusal {
        let rule = declined;
        if rule.stop_channels.contains(&channel) {
            return Some((DropReason::Declined, None));
        }
        let message = matches!(channel, Channel::Sms | Channel::Wechat | Channel::Mail);
        let horizon_end = match rule.horizon.apply(refusal.date(), MonthEnd::Clamp) {
            Landing::Date(d) => d,
            _ => chrono::NaiveDate::MAX,
        };
        if message && due.date() > horizon_end {
            return Some((DropReason::PastHorizon, None));
        }
    }
    for kind in stop_when {
        if ep.facts.iter().any(|f| *f.kind == **kind && f.at < due) {
            return Some((DropReason::Stopped, Some(Arc::from(&**kind))));
        }
    }
    None
}
