//! Walking a program's steps in dependency order: the anchor dates of each step (the
//! event, milestones, other steps, sessions, facts, yearly days) and their occurrences.

use super::explain::day;
use super::{lifecycle, AnchorDay, Planner};
use crate::compile::{Anchor, Program};
use crate::error::Result;
use crate::offset::{Landing, MonthEnd};
use crate::plan::DropReason;
use chrono::Datelike;

impl Planner<'_> {
    pub(super) fn program(&mut self, program: &Program) -> Result<()> {
        self.anchors.clear();
        self.ghosts.clear();
        self.spans.clear();
        // One occurrence per step is the common case: no regrowing.
        self.anchors.reserve(program.steps.len());
        self.placed.reserve(program.steps.len());
        self.spans.reserve(program.steps.len());
        let ep = self.ep;
        let event = ep.date();
        let event_day = AnchorDay {
            day: event,
            at: Some(ep.at.time()),
            moved: None,
            unsure: false,
            ghost: false,
            key: None,
        };
        let decided = self.decided.clone();
        let planned = decided.as_deref().and_then(|d| d.steps(self.program_index));
        // An attribute the program requires is missing: the steps that test it are listed.
        // Asked once, and only when a step is left out or tests it in `unless`.
        let mut lacks = None;
        for (i, step) in program.steps.iter().enumerate() {
            let start = self.anchors.len();
            let wanted = match planned.and_then(|p| p.get(i)) {
                Some(wanted) => *wanted,
                None => {
                    step.when.matches(ep) && (step.unless.is_empty() || !step.unless.matches(ep))
                }
            };
            // `unless` holds for no episode without the attribute it tests: a required
            // one missing leaves the step out as one `when` tests (audit 80).
            let wanted = wanted
                && (program.requires.is_empty()
                    || step.unless.is_empty()
                    || self.missing_required(program, step, &mut lacks).is_none());
            if !wanted {
                if !program.requires.is_empty() {
                    self.missing_attribute(program, step, &mut lacks);
                }
                self.spans.push(None);
                continue;
            }
            let sampled = lifecycle::in_sample(ep, program, step);
            let mut occ = 0u32;
            let one = |this: &mut Self, a: Option<AnchorDay>, occ: &mut u32| {
                this.occurrences(program, step, a, sampled, occ)
            };
            match &step.anchor {
                Anchor::Event => {
                    self.why_anchor(|| {
                        format!(
                            "the event on {} at {}",
                            day(event),
                            super::explain::clock(ep.at.time())
                        )
                    });
                    one(self, Some(event_day), &mut occ)?
                }
                Anchor::Milestone(m) => {
                    let Some(ms) = program.milestones.get(*m) else {
                        self.spans.push(None);
                        continue;
                    };
                    // Found already when the texts name the milestone's day.
                    let found = self.found(program, *m);
                    let given = match found {
                        Some(super::visits::Days::Given(dates)) => Some(dates),
                        Some(super::visits::Days::Default(_)) => None,
                        _ => ep.milestone(&ms.name),
                    };
                    if let Some(dates) = given {
                        for &d in &dates.0 {
                            self.why_anchor(|| {
                                format!("milestone {}, given by the episode: {}", ms.name, day(d))
                            });
                            one(self, Some(AnchorDay::plain(d)), &mut occ)?;
                        }
                    } else if let Some(default) = ms.default {
                        let landed = match found {
                            Some(super::visits::Days::Default(a)) => {
                                Some((a.moved.map_or(a.day, |(from, _)| from), a))
                            }
                            _ => match default.apply(event, MonthEnd::Clamp) {
                                Landing::Date(d) => Some((d, self.visit_day(ms, &default, d))),
                                _ => None,
                            },
                        };
                        match landed {
                            Some((d, mut a)) => {
                                // A visit the calendar may still move: its day, or the
                                // day it moved from, is outside the calendar's coverage.
                                a.unsure = ms.closed_day != crate::model::ClosedDay::Keep
                                    && !(self.cal.covers(d) && self.cal.covers(a.day));
                                self.why_anchor(|| {
                                    let mut s = format!(
                                        "milestone {}: not given, its default {default} from the event: {}",
                                        ms.name,
                                        day(d)
                                    );
                                    if let Some((from, reason)) = a.moved {
                                        s.push_str(&format!(
                                            ", a visit on a day the clinic is closed ({}): moved to {} ({})",
                                            reason.name(),
                                            day(a.day),
                                            super::explain::policy(ms.closed_day)
                                        ));
                                        let _ = from;
                                    }
                                    s
                                });
                                one(self, Some(a), &mut occ)?
                            }
                            _ => return Err(self.out_of_range(step)),
                        }
                    } else {
                        self.why_anchor(|| {
                            format!("milestone {}: not given, and it has no default", ms.name)
                        });
                        let name = self.milestone_name(program, *m, &ms.name);
                        self.missing(program, step, name);
                    }
                }
                Anchor::Step(j) => {
                    let Some(Some((from, to))) = self.spans.get(*j).copied() else {
                        // Its anchor step was listed as missing an attribute (or counts
                        // from one that was): so is it, as `anchor_dropped` (audit 80:
                        // it vanished without a word).
                        if let Some(anchor) = program.steps.get(*j)
                            && self.listed_whole(program, anchor)
                        {
                            let from = Some(anchor.info.step.clone());
                            self.drop(program, step, 0, None, DropReason::AnchorDropped, from);
                        }
                        self.spans.push(None);
                        continue;
                    };
                    for k in from..to {
                        let mut anchor = self.anchors.get(k).copied().flatten();
                        // In the second pass, a step counts from its anchor's day of the
                        // first: its rule days, and so its neighbours, stay those the
                        // first pass ordered.
                        match (anchor, self.first_anchors.get(k)) {
                            (Some(now), Some(Some(first))) => {
                                // Its anchor took another day in this pass: a last pass
                                // counts from it (audit 46).
                                if now.0 != first.0 {
                                    self.chain_moved = true;
                                }
                                anchor = Some(*first);
                            }
                            // Its anchor was dropped in the first pass: it has no
                            // neighbours of the first (a third pass gives it some).
                            (Some(_), _) if !self.first_pass.is_empty() => self.new_chain = true,
                            _ => {}
                        }
                        let of = program.steps.get(*j).map(|s| &s.info.step);
                        self.why_anchor(|| match (anchor, &of) {
                            (Some((d, _)), Some(s)) => {
                                format!("step {s}, occurrence {}: {}", k - from, day(d))
                            }
                            (None, Some(s)) => {
                                format!("step {s}, occurrence {}, which was dropped", k - from)
                            }
                            _ => "another step".into(),
                        });
                        // A dropped anchor's day, when it had one: what the history
                        // records as done from it is kept (audit 55 A4).
                        let ghost = || {
                            let (_, d) = self.ghosts.iter().find(|(i, _)| *i == k)?;
                            Some(AnchorDay {
                                ghost: true,
                                key: None,
                                ..AnchorDay::plain(*d)
                            })
                        };
                        let anchor = match anchor {
                            Some((d, key)) => Some(AnchorDay {
                                key: Some(key),
                                ..AnchorDay::plain(d)
                            }),
                            None => ghost(),
                        };
                        one(self, anchor, &mut occ)?;
                    }
                }
                Anchor::EachSession | Anchor::UpcomingSession => {
                    let upcoming_only = matches!(step.anchor, Anchor::UpcomingSession);
                    let (first, last) = step.sessions;
                    // A course that lists no session (sold, not yet booked) has none to
                    // count from, as an episode with no course (audit 153: its session
                    // steps were listed nowhere).
                    let listed = (ep.course.as_ref()).filter(|c| c.sessions().next().is_some());
                    if let Some(course) = listed {
                        for s in course.sessions() {
                            let wanted = s.number >= first && last.is_none_or(|l| s.number <= l);
                            // The reminder of a session done since is no work, but what the
                            // history records on it happened (audit 88: its `done` was
                            // listed as on no task, and compliance lost it).
                            let reminded = || {
                                (self.ledger.as_ref())
                                    .is_some_and(|l| l.recorded(step, &program.id, s.number))
                            };
                            // A session done on the event's day (the course's first, the
                            // event itself) had no reminder before it: one recorded is a
                            // slip (audit 205: it made a reminder the day before the event).
                            let first = s.date <= ep.date();
                            if wanted && (!(upcoming_only && s.done) || (reminded() && !first)) {
                                occ = s.number;
                                self.why_anchor(|| {
                                    format!(
                                        "session {} of the course, {}: {}",
                                        s.number,
                                        if s.done { "done" } else { "planned" },
                                        day(s.date)
                                    )
                                });
                                one(self, Some(AnchorDay::plain(s.date)), &mut occ)?;
                            }
                        }
                    } else {
                        // A course episode without its sessions: said, not silently empty.
                        let name = if upcoming_only {
                            "before_each_upcoming_session"
                        } else {
                            "each_session"
                        };
                        let why = if ep.course.is_some() {
                            "the course lists no session"
                        } else {
                            "the episode gives no course"
                        };
                        self.why_anchor(|| format!("{name}: {why}"));
                        self.missing(program, step, name.into());
                    }
                }
                Anchor::CourseEnd | Anchor::OneSessionLeft => {
                    let date = ep.course.as_ref().and_then(|c| match step.anchor {
                        Anchor::CourseEnd => c.end(),
                        _ => c.one_left(),
                    });
                    let what = if matches!(step.anchor, Anchor::CourseEnd) {
                        "the course end (the day after its last session)"
                    } else {
                        "the session after which one is left in the package"
                    };
                    match date {
                        Some(d) => {
                            self.why_anchor(|| format!("{what}: {}", day(d)));
                            one(self, Some(AnchorDay::plain(d)), &mut occ)?
                        }
                        // A course that ended with the planning call's session: a call
                        // the history records made happened, and stays from the day it
                        // had (audit 108: it was dropped, its `done` ignored).
                        None if matches!(step.anchor, Anchor::OneSessionLeft)
                            && (self.ledger.as_ref())
                                .is_some_and(|l| l.reached(step, &program.id, occ))
                            && let Some(d) =
                                (ep.course.as_ref()).and_then(|c| c.one_left_had_it_gone_on()) =>
                        {
                            self.why_anchor(|| {
                                format!("{what}, before the course ended: {}", day(d))
                            });
                            let ghost = AnchorDay {
                                ghost: true,
                                key: None,
                                ..AnchorDay::plain(d)
                            };
                            one(self, Some(ghost), &mut occ)?
                        }
                        None => {
                            self.why_anchor(|| format!("{what}: the course does not give it"));
                            let name = if matches!(step.anchor, Anchor::CourseEnd) {
                                "course_end"
                            } else {
                                "one_session_left"
                            };
                            self.missing(program, step, name.into());
                        }
                    }
                }
                Anchor::Fact(kind) => {
                    // A fact dated before the episode is about something else, or a
                    // slip (audit 79: a resolution dated before the complaint brought
                    // its confirmation call, with the callbacks of an unresolved one).
                    let times: Vec<chrono::NaiveDateTime> = self.facts.since_event(kind).collect();
                    for at in times {
                        self.why_anchor(|| {
                            format!("fact {kind} at {}", at.format("%Y-%m-%d %H:%M"))
                        });
                        one(self, Some(AnchorDay::moment(at)), &mut occ)?;
                    }
                }
                Anchor::Birthday | Anchor::Festival(_) | Anchor::Date(..) => {
                    let Some((from, until)) = self.horizon else {
                        self.spans.push(None);
                        continue;
                    };
                    if matches!(step.anchor, Anchor::Birthday) && ep.patient.birthday.is_none() {
                        self.why_anchor(|| "the patient's birthday, which is not given".into());
                        self.missing(program, step, "birthday".into());
                    }
                    // A year either side: offsets may bring an anchor into the horizon.
                    for year in from.year() - 1..=until.year() + 1 {
                        let padding = year < from.year() || year > until.year();
                        // Greetings start the year after birth.
                        if matches!(step.anchor, Anchor::Birthday)
                            && ep.patient.birthday.is_some_and(|b| year <= b.year())
                        {
                            continue;
                        }
                        let landing = match self.yearly(step, year) {
                            Err(_) if padding => continue,
                            // A festival past the lunar table (2100 on): that year's
                            // greeting is listed, the others planned (audits 62, 75, 78:
                            // the whole patient plan was refused).
                            Err(_) if matches!(step.anchor, Anchor::Festival(_)) => {
                                self.unknown_festival(program, step, year, (from, until));
                                continue;
                            }
                            other => other?,
                        };
                        match landing {
                            Some(Landing::Date(d)) => {
                                let what = match &step.anchor {
                                    // Born on 29 February, greeted on the 28th in a common
                                    // year (audit 119: the day was not explained).
                                    Anchor::Birthday
                                        if ep.patient.birthday.is_some_and(|b| {
                                            (b.month(), b.day()) == (2, 29) && d.day() != 29
                                        }) =>
                                    {
                                        "the patient's birthday (29 February; 28 February in a common year)".to_string()
                                    }
                                    Anchor::Birthday => "the patient's birthday".to_string(),
                                    Anchor::Festival(f) => format!("the {} ({})", f.name_en(), f.id()),
                                    _ => "the day of the year".to_string(),
                                };
                                self.why_anchor(|| format!("{what} in {year}: {}", day(d)));
                                one(self, Some(AnchorDay::plain(d)), &mut occ)?
                            }
                            Some(Landing::Skipped) => {
                                self.skipped_yearly(program, step, year, from, until)
                            }
                            _ => {}
                        }
                    }
                }
                Anchor::AsOf => match self.horizon {
                    Some((from, _)) => {
                        self.why_anchor(|| format!("the first day of the horizon: {}", day(from)));
                        one(self, Some(AnchorDay::plain(from)), &mut occ)?
                    }
                    None => {
                        self.spans.push(None);
                        continue;
                    }
                },
                Anchor::Latest(kinds) => {
                    // The event itself counts: facts before it are older news.
                    let mut times: Vec<chrono::NaiveDateTime> = (kinds.iter())
                        .flat_map(|k| self.facts.since_event(k))
                        .filter(|at| *at > ep.at)
                        .collect();
                    times.sort_unstable();
                    let names: Vec<&str> = kinds.iter().map(|k| &**k).collect();
                    // An occurrence the history closed happened where it was: counted from
                    // the latest fact known the morning of the day it was closed (as the
                    // worklist of that morning had it); a fact after that one starts the
                    // next occurrence, counted from the latest fact (audits 245, 246, 248:
                    // a stale lead's check, done, moved three months on with its record
                    // when the handover it led to, or a contact that day, came, and the
                    // lead had no check after it).
                    let mut since: Option<chrono::NaiveDateTime> = None;
                    // Each pass takes a fact, or a closed occurrence's own record: bounded
                    // by both (the history is).
                    let records = self.ledger.as_ref().map_or(0, |l| l.len());
                    for _ in 0..=times.len().saturating_add(records) {
                        let closed = (self.ledger.as_ref())
                            .and_then(|l| l.closed_at(&program.id, &step.info.step, occ));
                        let after = |t: &chrono::NaiveDateTime| since.is_none_or(|s| *t > s);
                        let latest = (times.iter().copied())
                            .filter(|t| after(t) && closed.is_none_or(|c| t.date() < c.date()))
                            .max()
                            .or_else(|| {
                                times.iter().copied().find(|t| since.is_some() && after(t))
                            });
                        let a = latest.map_or(event_day, AnchorDay::moment);
                        self.why_anchor(|| match latest {
                            Some(at) => format!(
                                "the latest {} at {}",
                                names.join(" or "),
                                at.format("%Y-%m-%d %H:%M")
                            ),
                            None => format!(
                                "the event on {} (no {} since)",
                                day(event),
                                names.join(" or ")
                            ),
                        });
                        one(self, Some(a), &mut occ)?;
                        // The next counts from the facts after the one this counted from.
                        let from = latest.unwrap_or(ep.at);
                        // Closed before its day (a check done early), it does not cover
                        // that day: the next counts from the same fact, open (audit 250: a
                        // lead with no contact since was never checked again).
                        let early = closed.is_some_and(|c| {
                            match step.offset.apply(from.date(), step.month_end) {
                                crate::offset::Landing::Date(d) => c.date() < d,
                                _ => false,
                            }
                        });
                        match closed {
                            Some(_) if times.iter().any(|t| *t > from) => since = Some(from),
                            Some(_) if early => {}
                            _ => break,
                        }
                    }
                }
            }
            self.spans.push(Some((start, self.anchors.len())));
        }
        Ok(())
    }
}
