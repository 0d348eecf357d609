//! What a `wait_for` does to an occurrence before the calendar places it: the fact came
//! after its rule's day (it waited: placed from the fact's day), by it (it did not wait:
//! placed from its rule's day, never before the fact), or not in time (`proceed`: placed
//! from the wait's end; `drop`, `escalate`: held until then). The calendar then moves it
//! as any task: by its closed-day policy, within its `max_shift`, its expiry (counted
//! from the day it is placed from) and its lane (audit 56: a call moved by its wait
//! ignored all three).

use super::explain::day;
use super::Planner;
use crate::calendar::ShiftReason;
use crate::compile::{Step, Wait};
use crate::error::Result;
use crate::model::WaitThen;
use crate::offset::{Landing, MonthEnd};
use chrono::{NaiveDate, NaiveDateTime};

/// A wait, worked out for one occurrence.
#[derive(Debug, Clone, Copy)]
pub(super) struct Waited {
    /// The day the task is placed from: the rule's day, the fact's day or the wait's end.
    pub from: NaiveDate,
    /// The first day it may take: the fact's day, or the wait's end.
    pub not_before: Option<NaiveDate>,
    /// Why it left its rule's day, when the wait moved it.
    pub shifted: Option<ShiftReason>,
    /// The fact's time, when it came in time: on its day the task comes after it.
    pub fact_at: Option<NaiveDateTime>,
    /// No fact yet, and `then` drops or escalates: worth doing until this day, then void
    /// (or a supervisor's task the day after, when it escalates).
    pub held_until: Option<(NaiveDate, WaitThen)>,
    /// Tried before its fact came, on this day: it stays where it was tried, and is
    /// worth doing as long from the fact's day as a task placed from it.
    pub tried_before: Option<NaiveDate>,
}

impl Planner<'_> {
    /// What `wait` does to the occurrence of `step` whose rule gives `rule_day`. Out of
    /// line: few steps wait, and the planning loop stays small for the others.
    #[inline(never)]
    pub(super) fn waited(
        &mut self,
        step: &Step,
        wait: &Wait,
        rule_day: NaiveDate,
    ) -> Result<Waited> {
        let Landing::Date(end) = wait.max.apply(rule_day, MonthEnd::Clamp) else {
            return Err(self.out_of_range(step));
        };
        // A fact that comes after the wait has ended comes too late: the plan is the one
        // without it (the task went ahead, or was void, at the end of the wait).
        let fact_at = if self.facts.is_empty() {
            None
        } else {
            self.facts.first_since_event(&wait.fact)
        };
        let came = fact_at.filter(|at| at.date() <= end);
        let mut w = Waited {
            from: rule_day,
            not_before: None,
            shifted: None,
            fact_at: came,
            held_until: None,
            tried_before: None,
        };
        // Tried or made before its fact came: staff called without waiting, and the call
        // stays where they made it, its tries judged at their own times (audit 112: a
        // `recovered` recorded later moved a call done on its day to the fact's, judged
        // early, and past a refusal the tries came before).
        if let (Some(c), Some(first)) = (came, self.tried_at(step))
            && first < c
        {
            self.why(|| {
                format!(
                    "tried on {} before {} came: not moved by its wait",
                    day(first.date()),
                    wait.fact
                )
            });
            w.tried_before = Some(c.date());
            // Made before the fact: it does not come after it on the fact's day either
            // (audit 124: made at 14:46, recovered at 19:46, it moved to the next day).
            w.fact_at = None;
            return Ok(w);
        }
        match came.map(|at| at.date()) {
            Some(fact) if fact > rule_day => {
                self.why(|| format!("waits for {}, which came on {}", wait.fact, day(fact)));
                (w.from, w.not_before) = (fact, Some(fact));
                w.shifted = Some(ShiftReason::WaitedForFact);
            }
            // By its rule's day: it does not wait, and comes no earlier than the fact.
            Some(fact) => w.not_before = Some(fact),
            None => {
                // Words for the explanation only: built when one is asked for.
                let not_come = || match fact_at {
                    Some(late) => format!("it came on {}, too late", late.date()),
                    None => "it has not come".to_string(),
                };
                let max = wait.max;
                match wait.then {
                    WaitThen::Proceed if end > rule_day => {
                        let fact = &wait.fact;
                        self.why(|| {
                            format!(
                                "waits for {fact} at most {max} ({end}); {}: goes ahead from {}",
                                not_come(),
                                day(end)
                            )
                        });
                        (w.from, w.not_before) = (end, Some(end));
                        w.shifted = Some(ShiftReason::WaitEnded);
                    }
                    WaitThen::Proceed => {}
                    then => {
                        let fact = &wait.fact;
                        let after = if then == WaitThen::Drop {
                            "dropped"
                        } else {
                            "a supervisor's task"
                        };
                        self.why(|| {
                            // "If nothing ends it first": a refusal or a stop fact
                            // before its day drops it, and no task follows (audit 176:
                            // a supervisor's task was promised that the plan did not hold).
                            format!("waits for {fact} at most {max} ({end}); {}: held until {end}, then {after} if nothing ends it first", not_come())
                        });
                        w.held_until = Some((end, then));
                    }
                }
            }
        }
        Ok(w)
    }
}

impl Planner<'_> {
    /// When the history records the occurrence being placed (`self.placing`) of `step`
    /// tried or made, on its call or an attempt: the first such record's time.
    fn tried_at(&self, step: &Step) -> Option<NaiveDateTime> {
        let program = self.rules.programs.get(self.program_index)?;
        let list = (self.ledger.as_ref())?.list(&program.id, &step.info.step, self.placing);
        (list.iter())
            .filter(|e| matches!(e.derived, None | Some(super::Derived::Attempt(_))))
            .filter(|e| e.outcome.outcome != crate::history::OutcomeKind::Note)
            .map(|e| e.outcome.at)
            .min()
    }
}
