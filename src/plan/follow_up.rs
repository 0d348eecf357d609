//! The end of a plan made with a history: the follow-ups staff added by hand, and each
//! task's owner and filled texts.

use super::ledger::{IgnoredReason, FOLLOW_UP};
use super::task::{task_id, DropReason, Dropped, Task, TaskInfo};
use super::{lifecycle, shift, Planner};
use crate::error::Result;
use crate::model::Role;
use chrono::{NaiveDate, NaiveTime};
use std::sync::Arc;

impl Planner<'_> {
    /// The follow-ups staff added by hand: tasks of the program `follow-up`, judged by
    /// the patient's refusals and opt-outs like any contact, with their own outcomes.
    pub(super) fn follow_ups(&mut self) -> Result<()> {
        let Some(list) = self.ledger.as_ref().map(|l| l.follow_ups) else {
            return Ok(());
        };
        let declined = crate::compile::Declined::default();
        // A follow-up of another episode is that episode's plan's (`FollowUp::episode`).
        let episode = self.subject.episode.clone();
        let own = move |f: &&crate::history::FollowUp| {
            f.episode.as_deref().is_none_or(|e| e == &*episode)
        };
        for f in list.iter().filter(own) {
            // Placeholders as in rule files; texts that do not read as templates (a
            // stray brace in a note) are taken as written.
            let texts = crate::template::follow_up_texts(&f.title, f.script.as_ref(), "").ok();
            let info = Arc::new(TaskInfo {
                program: FOLLOW_UP.into(),
                step: f.id.as_str().into(),
                channel: f.channel,
                role: f.role,
                picked_by: None,
                wait_for: None,
                class: None,
                on_duty: false,
                title: texts
                    .as_ref()
                    .map_or_else(|| f.title.clone(), |t| t.title.clone()),
                script: match &texts {
                    Some(t) => t.script.clone(),
                    None => f.script.clone(),
                },
                templates: texts.and_then(|t| t.templates),
                rank: self.rules.follow_up_rank,
                slot: crate::plan::task::NO_SLOT,
                json: Default::default(),
            });
            // The time staff set, for a call or a message, less the clinic's quiet hours and
            // the patient's rest hours (docs/domain.md §9: they hold for every call); when
            // they cover it, the free part of the day window (else the evening), as for a
            // step (audit 269: a call set for 10:00-11:00 stayed there for a patient resting
            // 09:00-18:00). A time the patient agreed is a `rescheduled` outcome.
            use crate::model::Channel;
            let remote = matches!(f.channel, Channel::Phone | Channel::Sms | Channel::Wechat);
            let window = match f.time {
                Some(w) if remote && !self.blocked().is_empty() => w
                    .outside(self.blocked())
                    .or_else(|| self.day_window(f.channel)),
                Some(w) => Some(w),
                None => self.day_window(f.channel),
            };
            let id = task_id(FOLLOW_UP, &f.id, &self.subject.episode, 0);
            let drop = |this: &mut Self, reason, detail| {
                let ids = (FOLLOW_UP.into(), f.id.as_str().into(), id.clone());
                let d = Dropped::own(&this.subject, ids, 0, Some(f.due), (reason, detail));
                this.plan.dropped.push(d)
            };
            let Some(window) = window else {
                drop(self, DropReason::RestHours, None);
                continue;
            };
            // One the history records made (done, a refusal, an abnormal recovery)
            // happened, whatever the patient's refusals and opt-outs say, as a rule's
            // call (audit 99: its `done` after a refusal was thrown away). An agreed time
            // is no call made: judged as any (audit 102).
            let made = (self.ledger.as_ref()).is_some_and(|l| {
                (l.list(FOLLOW_UP, &f.id, 0).iter())
                    .any(|e| e.derived.is_none() && e.outcome.outcome.is_done())
            });
            if !made
                && let Some((reason, detail)) = lifecycle::judge_contact(
                    &self.facts,
                    &declined,
                    &[],
                    f.channel,
                    f.due.and_time(window.start),
                )
            {
                drop(self, reason, detail);
                continue;
            }
            let latest = f.latest.unwrap_or(f.due).max(f.due);
            self.plan.tasks.push(Task {
                info: super::task::InfoRef::Own(info),
                subject: self.subject.clone(),
                occurrence: 0,
                earliest: f.due,
                due: f.due,
                latest,
                window,
                nominal: f.due,
                shifted: None,
                closed: None,
                beyond_calendar: !self.cal.covers(f.due),
                expires: shift::add_days(latest, 7),
                status: None,
                waiting: false,
                derived: None,
                record: None,
                owner: None,
                full_window: crate::time::PackedWindow::NONE,
                filled: None,
            });
            let i = self.plan.tasks.len() - 1;
            let entries = self
                .ledger
                .as_mut()
                .and_then(|l| l.take(FOLLOW_UP, &f.id, 0))
                .unwrap_or_default();
            for e in &entries {
                if e.derived.is_some() {
                    self.ignore(e, IgnoredReason::NoSuchTask);
                } else {
                    self.apply_simple(i, e);
                }
            }
            // Moved to an agreed time and not made: judged again on its new day, as a
            // rule's call (audit 104: a refusal between the agreement and the agreed day
            // left it open).
            let moved = (self.plan.tasks.get(i))
                .filter(|t| !t.is_closed() && (t.due, t.window.start) != (f.due, window.start))
                .map(|t| t.due.and_time(t.window.start));
            if let Some(at) = moved
                && i + 1 == self.plan.tasks.len()
                && let Some((reason, detail)) =
                    lifecycle::judge_contact(&self.facts, &declined, &[], f.channel, at)
            {
                self.plan.tasks.pop();
                drop(self, reason, detail);
                for e in entries.iter().filter(|e| e.derived.is_none()) {
                    self.ignore(e, IgnoredReason::Dropped);
                }
            }
            if let Some(l) = self.ledger.as_mut() {
                l.give_back(entries);
            }
        }
        Ok(())
    }

    /// Gives every task its owner — for a closed task whoever owned its role when it was
    /// closed; for an open one whoever owns it now, or, when it expired before the role
    /// changed hands, whoever owned it on its last day. Titles and scripts are filled
    /// with the owner's name when asked for.
    pub(super) fn owners(&mut self) {
        let ep = self.ep;
        if ep.owners.is_empty() && ep.reassignments.is_empty() {
            return;
        }
        let end_of = |d: NaiveDate| {
            d.and_time(NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN))
        };
        let mut tasks = std::mem::take(&mut self.plan.tasks);
        for t in &mut tasks {
            let role: Role = t.role();
            let owner = match (&t.record, t.expires) {
                (Some(r), _) if r.closed => ep.owner_at(role, r.at),
                (_, Some(e)) => ep.owner_at(role, end_of(e)),
                _ => ep.owner(role),
            };
            t.owner = owner.map(|o| o.id.clone());
        }
        self.plan.tasks = tasks;
    }
}
