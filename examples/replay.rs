//! Replays a patient's month through the closed loop: each morning, the day's worklist
//! per person from the plan made with everything recorded before that day (outcomes, the
//! episode's facts, the course's sessions done before it); then what came and was recorded that day, and what it changed in
//! the plan (a new attempt, an agreed time, the
//! consultant and the doctor after an abnormal recovery…). Ends with the month's
//! compliance per owner.
//!
//! ```text
//! cargo run --example replay                      # the sample patient's March, from examples/histories/
//! cargo run --example replay -- --lang en --days 10
//! cargo run --example replay -- --episode E.json --history H.json --from 2026-03-01 --days 31
//! ```
//!
//! `--rules PATH` and `--calendar cn-YYYY|cn|official:FILE|FILE` work as in `callback_calendar`.

#[path = "support/mod.rs"]
mod support;

#[allow(dead_code)]
#[path = "callback_calendar/render.rs"]
mod render;

use chrono::{Days, NaiveDate};
use followup::{
    calendar::Calendar,
    episode::Episode,
    history::{History, OutcomeKind},
    plan::{Derived, Plan, Task},
    replan::{
        compliance, diff, merge_plans, on_duty, worklists_by_owner, CompliancePeriod,
        ContactPolicy, WorkItem, WorkState,
    },
    rules::{Lang, RuleSet},
};
use render::{pad, weekday};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::path::PathBuf;

const SAMPLE_EPISODE: &str = include_str!("episodes/plastic-inpatient.json");
const SAMPLE_HISTORY: &str = include_str!("histories/p42-march.json");

const USAGE: &str = "usage: replay [--episode FILE]... [--history FILE] [--from YYYY-MM-DD] [--days N] [--rules PATH]... [--calendar cn-YYYY|cn|official:FILE|FILE]... [--lang zh|en]

Replays a patient's days through the closed loop: each morning the worklist per person
from the plan made with what was recorded before that day (the history's outcomes, and
the episode's facts: a purchase or a recovery is known from the morning after it came;
a course session the episode lists done that day or later was still booked that morning),
then the day's facts and outcomes and what they changed in the plan (+ a task they added, with ✓ when they also closed it;
~ a task moved; ✓ a task they closed; - a task cancelled); at the end the compliance
per owner (a merged call's open or missed tasks are its owner's; a closed task is its
own owner's, judged on the day it was due when it was closed).

  --episode FILE          an episode of the patient (repeatable: several episodes of one
                          patient are planned together and merged under the contact
                          policy, a merged call one line under its owner at its
                          time, its reasons joined; default: the built-in sample
                          patient)
  --history FILE          what was recorded (default: the sample's March)
  --from YYYY-MM-DD       the first day replayed (default: the episode's day)
  --days N                how many days, 1 to 366 (default 30; never past 9899-12-31)
  --rules PATH            a rule file or a folder of them (repeatable; `builtin` for the
                          built-in programs); replaces the built-in programs
  --calendar cn-YYYY|cn|official:FILE|FILE
                          the official calendar of mainland China for a year (cn: every
                          shipped year; several years: every year from the first to the
                          last; CN-2026 as cn-2026) and the clinic's calendar files
                          (repeatable); a few weekend days inside a break are not in
                          the official table: see rules/calendars/README.md;
                          official:FILE joins an official calendar of years not shipped
                          (the shipped files' format, with its covers) to those years
  --lang zh|en            the language (default zh)
  -h, --help              this help
";

struct Args {
    episodes: Vec<PathBuf>,
    history: Option<PathBuf>,
    from: Option<NaiveDate>,
    days: u64,
    rules: Vec<PathBuf>,
    calendars: Vec<String>,
    lang: Lang,
}

fn parse_args() -> Result<Option<Args>, String> {
    let mut out = Args {
        episodes: Vec::new(),
        history: None,
        from: None,
        days: 30,
        rules: Vec::new(),
        calendars: Vec::new(),
        lang: Lang::Zh,
    };
    let mut args = std::env::args().skip(1);
    // Flags of one value, each given once (--rules, --calendar… may repeat).
    let mut seen = Vec::new();
    while let Some(arg) = args.next() {
        if ["--history", "--from", "--days", "--lang"].contains(&arg.as_str()) {
            support::once(&mut seen, &arg)?;
        }
        let v = |args: &mut std::iter::Skip<std::env::Args>| support::value(args, &arg);
        match arg.as_str() {
            "--episode" => out.episodes.push(v(&mut args)?.into()),
            "--history" => out.history = Some(v(&mut args)?.into()),
            "--from" => {
                let s = v(&mut args)?;
                out.from = Some(support::day("--from", &s)?);
            }
            "--days" => {
                let s = v(&mut args)?;
                // Digits only: Rust's parser takes "+5" too (audit 66).
                out.days = (s.bytes().all(|b| b.is_ascii_digit()))
                    .then(|| s.parse().ok())
                    .flatten()
                    .filter(|n| (1..=366).contains(n))
                    .ok_or_else(|| format!("--days {s:?}: expected 1 to 366"))?;
            }
            "--rules" => out.rules.push(v(&mut args)?.into()),
            "--calendar" => out.calendars.push(v(&mut args)?),
            "--lang" => {
                out.lang = match v(&mut args)?.as_str() {
                    "zh" => Lang::Zh,
                    "en" => Lang::En,
                    other => return Err(format!("--lang {other:?}: expected zh or en")),
                }
            }
            "-h" | "--help" => return Ok(None),
            other => return Err(format!("unknown argument {other:?}; try --help")),
        }
    }
    Ok(Some(out))
}

struct Replay<'a> {
    rules: &'a RuleSet,
    cal: &'a Calendar,
    /// The patient's episodes, planned together and merged under the contact policy.
    eps: &'a [Episode],
    history: &'a History,
    lang: Lang,
}

impl Replay<'_> {
    fn zh(&self) -> bool {
        self.lang == Lang::Zh
    }

    /// The plan of `ep` (as [`Replay::morning`] knew it) made with what was known before
    /// `day`: the outcomes recorded before it; the follow-ups the history adds by hand go
    /// with the episode their outcomes name, else with the `first`. The patient is as all
    /// the episodes knew them that morning (`all`): a refusal recorded on one holds for
    /// every plan, as on the calendar (audit 210: the other episode's calls stayed on
    /// the worklists).
    fn plan_of(
        &self,
        ep: &Episode,
        all: &[Episode],
        first: bool,
        day: NaiveDate,
    ) -> Result<Plan, String> {
        let mut h = self.history.clone();
        // A follow-up whose outcomes name another episode is that episode's (audit 98:
        // it was planned here too, open, beside its `done`).
        let named = |f: &followup::history::FollowUp| {
            support::follow_up_episode(Some(self.history), f, self.eps)
        };
        h.follow_ups
            .retain(|f| named(f).map_or(first, |e| *e == *ep.id));
        h.outcomes.retain(|o| o.at.date() < day);
        (self.rules)
            .plan_with(&ep.with_patient_of(all), &h, self.cal)
            .map_err(|e| e.to_string())
    }

    /// The episode as it was known the morning of `day`: the facts that came before it,
    /// the reassignments made by its first minute (at midnight or before), the course
    /// sessions done before it.
    fn morning(ep: &Episode, day: NaiveDate) -> Episode {
        let mut ep = ep.clone();
        // A handover at midnight is made by the morning (audit 245: one dated 00:00 left
        // the day's work on the old owner's list); one later that day is not yet.
        ep.reassignments
            .retain(|r| r.at <= day.and_time(chrono::NaiveTime::MIN));
        // A purchase or a recovery of a later day was not known that morning (audits 126,
        // 131: the second follow-up a purchase later stopped was on no worklist).
        ep.facts.retain(|f| f.at.date() < day);
        // Nor a session done that day or later: that morning it was booked (audit 184:
        // the reminder of a session marked done was planned from day one as if the
        // session were past, and vanished before anyone could send it).
        if let Some(course) = ep.course.as_mut()
            && course.done.iter().any(|d| *d >= day)
        {
            let later = course.done.iter().filter(|d| **d >= day).copied();
            course.planned.extend(later.collect::<Vec<_>>());
            course.done.retain(|d| *d < day);
            course.planned.sort();
            course.planned.dedup();
            // The course went on past that morning.
            course.ended = false;
        }
        ep
    }

    /// The plan made with what was known before `day`: the outcomes recorded, the facts
    /// that came and the reassignments made before it (and every follow-up); with it,
    /// the tasks merged into one call, by id: the number of their call. With `one_call`
    /// (the worklists), such tasks are under their call's owner at its time; without
    /// (compliance), a task the history closed keeps its own owner, whoever owned its
    /// role when it was closed (audit 205: a 611 message merged into a customer-service
    /// message and recorded by its consultant was counted as customer service's), and an
    /// open one is the call's owner's, on whose list it was.
    fn plan_before(
        &self,
        day: NaiveDate,
        one_call: bool,
    ) -> Result<(Plan, BTreeMap<String, usize>), String> {
        let mornings: Vec<Episode> = (self.eps.iter()).map(|e| Self::morning(e, day)).collect();
        let mut plans = Vec::with_capacity(self.eps.len());
        for (n, ep) in mornings.iter().enumerate() {
            plans.push(self.plan_of(ep, &mornings, n == 0, day)?);
        }
        // The patient's contact policy, as `callback_calendar` applies it.
        let merged = merge_plans(&plans, &ContactPolicy::default(), self.cal);
        // What the policy dropped is not on anyone's worklist, nor judged (audit 100: it
        // was listed, then counted as expired against its owner); a task it moved is due
        // on its contact's day (audit 102); a sales task an open complaint cut is on time
        // to the day before it (audit 233).
        merged.apply_to(&mut plans, None);
        // One plan of the patient's episodes, in the order given.
        let mut all = plans.into_iter();
        let mut plan = all.next().ok_or("no episode")?;
        for p in all {
            plan.tasks.extend(p.tasks);
            plan.dropped.extend(p.dropped);
            plan.ignored.extend(p.ignored);
            plan.programs.extend(p.programs);
        }
        // The reasons of one contact are one call, by its owner at its time (audit 196:
        // a call merged of two episodes' tasks was on two people's lists, one of them
        // before the time agreed for the other).
        let mut joined = BTreeMap::new();
        for (n, c) in merged.contacts.iter().enumerate() {
            if c.reasons.len() < 2 {
                continue;
            }
            for r in &c.reasons {
                let id = r.task.id();
                if let Some(t) = plan.tasks.iter_mut().find(|t| t.id() == id) {
                    if one_call {
                        t.owner.clone_from(&c.owner);
                        t.window = c.window;
                    } else if !t.is_closed() {
                        // Open or missed, it is the call's owner's: on their list, under
                        // their name (audit 231: a complaint handler's merged call left
                        // undone was charged to the consultant of the other task).
                        t.owner.clone_from(&c.owner);
                    }
                }
                joined.insert(id, n);
            }
        }
        Ok((plan, joined))
    }

    /// A task the contact policy moved is due on its contact's day, but once closed it is
    /// neither merged nor moved: judged on the day and window the plan of the morning it
    /// was closed gave it, when it was still open (audit 227: a course's planning call
    /// moved off a care call's day, listed "today" and done that day, was judged late).
    fn days_they_were_due(&self, plan: &mut Plan) -> Result<(), String> {
        let days: BTreeSet<NaiveDate> = plan.tasks.iter().filter_map(closed_on).collect();
        for day in days {
            let (morning, _) = self.plan_before(day, false)?;
            as_they_stood(plan, &morning, day);
        }
        Ok(())
    }

    /// `u-3 小李`: the id and the name the episode gives.
    fn owner_name(&self, id: Option<&str>) -> String {
        let Some(id) = id else {
            return (if self.zh() {
                "（无负责人）"
            } else {
                "(nobody)"
            })
            .into();
        };
        let named = (self.eps.iter())
            .flat_map(|ep| {
                ep.owners
                    .values()
                    .chain(ep.reassignments.iter().map(|r| &r.to))
            })
            .find(|o| &*o.id == id)
            .and_then(|o| o.name.as_deref());
        match named {
            Some(n) => format!("{id} {n}"),
            None => id.into(),
        }
    }

    fn program_name<'t>(&'t self, t: &'t Task) -> &'t str {
        let lang = self.lang;
        (self.rules.program_name(t.program())).map_or(t.program(), move |n| n.get(lang))
    }

    fn title(&self, t: &Task) -> String {
        let mut s = t.title().get(self.lang).to_string();
        if let Some(Derived::Attempt(n)) = t.derived {
            let _ = if self.zh() {
                write!(s, "（第{n}次）")
            } else {
                write!(s, " (attempt {n})")
            };
        }
        s
    }

    /// The library's label of an outcome, in the replay's language (audit 119: the
    /// English replay printed the ids).
    fn outcome(&self, k: OutcomeKind) -> &'static str {
        k.label(self.lang)
    }

    fn day(&self, out: &mut String, day: NaiveDate) -> Result<(), String> {
        let zh = self.zh();
        let (before, joined) = self.plan_before(day, true)?;
        // On a day the calendar closes, what staff on duty can do (`on_duty`): the
        // tasks kept on that day, not a reception at a closed clinic.
        let lists: Vec<_> = worklists_by_owner(&before.tasks, day, &BTreeSet::new())
            .into_iter()
            .map(|mut l| {
                l.items = on_duty(l.items, day, self.cal);
                l
            })
            .filter(|l| !l.items.is_empty())
            .collect();
        let mut recorded: Vec<_> = (self.history.outcomes.iter())
            .filter(|o| o.at.date() == day)
            .collect();
        recorded.sort_by_key(|o| o.at);
        // What came that day (a purchase, a recovery): known from the next morning.
        let mut came: Vec<_> = (self.eps.iter())
            .flat_map(|ep| &ep.facts)
            .filter(|f| f.at.date() == day)
            .collect();
        came.sort_by_key(|f| f.at);
        if lists.is_empty() && recorded.is_empty() && came.is_empty() {
            return Ok(());
        }
        let _ = writeln!(out, "\n{day} {}", weekday(day, self.lang));
        if !lists.is_empty() {
            let _ = writeln!(out, "  {}", if zh { "工作清单" } else { "Worklist" });
        }
        for list in &lists {
            let _ = writeln!(out, "    {}", self.owner_name(list.owner.as_deref()));
            // A call merged of several tasks is one line, its reasons' titles joined
            // with their programmes, as `callback_calendar` writes it (audit 197: two
            // identical lines, two calls to make).
            // Of one state: an expired reason is to close, not part of the call to make
            // (audit 201: a thank-you expired the day before was joined to the 611
            // message still to send); an overdue one is late work, not a day to pick
            // (audit 210: a lead's missed call was shown as the follow-up's "a day to
            // pick" for days).
            let call = |item: &WorkItem| {
                let state = (item.state, item.days_overdue, support::unpicked(&item.task));
                joined.get(&*item.task.id()).map(|n| (*n, state))
            };
            for (i, item) in list.items.iter().enumerate() {
                let n = call(item);
                if n.is_some() && list.items[..i].iter().any(|o| call(o) == n) {
                    continue;
                }
                let reasons: Vec<&Task> = match n {
                    Some(_) => (list.items[i..].iter())
                        .filter(|o| call(o) == n)
                        .map(|o| &o.task)
                        .collect(),
                    None => vec![&item.task],
                };
                let state = match (item.state, zh) {
                    // A day staff pick, none picked yet: by its window, not its first day.
                    _ if support::unpicked(&item.task) && item.state != WorkState::Expired => {
                        support::unpicked_state(item, day, self.lang).unwrap_or_default()
                    }
                    (WorkState::Today, true) => "今日".to_string(),
                    (WorkState::Today, false) => "today".into(),
                    // Past its day but still on time ("within two weeks"), or late: said,
                    // as the worklist example does (audit 118: "3 days overdue" alone for
                    // a callback on time).
                    (WorkState::Overdue, zh) => support::past_its_day(item, zh),
                    (_, true) => "已失效，请关闭".into(),
                    (_, false) => "expired: close it".into(),
                };
                let t = &item.task;
                let title = if reasons.len() > 1 {
                    let titles: Vec<String> = (reasons.iter())
                        .map(|t| format!("{} ({})", self.title(t), self.program_name(t)))
                        .collect();
                    let merged = if zh { "合并" } else { "merged" };
                    format!("{}  [{merged} {}]", titles.join(" + "), reasons.len())
                } else if (list.items.iter()).any(|o| {
                    o.task.program() != t.program() && self.title(&o.task) == self.title(t)
                }) {
                    // A title another programme's task on the list has too (a reason of a
                    // merged call listed alone, expired; two episodes' supervisor's
                    // checks): its programme says which (audit 204: two like lines).
                    format!("{} ({})", self.title(t), self.program_name(t))
                } else {
                    self.title(t)
                };
                let _ = writeln!(
                    out,
                    "      {}  {}{}  {}",
                    t.window,
                    pad(t.channel().label(self.lang), 10),
                    pad(&title, 44),
                    state
                );
            }
        }
        if recorded.is_empty() && came.is_empty() {
            return Ok(());
        }
        let (mut after, _) = self.plan_before(day.succ_opt().ok_or("date out of range")?, true)?;
        // A moved task closed today stays on the day it was done (audit 227).
        as_they_stood(&mut after, &before, day);
        if !came.is_empty() {
            let _ = writeln!(out, "  {}", if zh { "事实" } else { "Facts" });
        }
        for f in &came {
            let kind = followup::labels::fact(&f.kind, self.lang).unwrap_or(&f.kind);
            let _ = writeln!(out, "    {}  {kind}", f.at.format("%H:%M"));
        }
        if !recorded.is_empty() {
            let _ = writeln!(out, "  {}", if zh { "记录" } else { "Recorded" });
        }
        for o in &recorded {
            // A task made the same day (a second attempt) is only in the next plan.
            let title = (after.tasks.iter().chain(&before.tasks))
                .find(|t| t.id() == o.task)
                .map_or_else(|| o.task.clone(), |t| self.title(t));
            let _ = write!(
                out,
                "    {}  {}  {}",
                o.at.format("%H:%M"),
                pad(&title, 44),
                pad(self.outcome(o.outcome), 18)
            );
            if let Some(by) = &o.by {
                let _ = write!(out, "{by}");
            }
            // A day agreed with no time is the day alone (audit 146: "00:00", a midnight
            // nobody agreed).
            if let Some(to) = o.to {
                let format = if to.time() == chrono::NaiveTime::MIN {
                    "%Y-%m-%d"
                } else {
                    "%Y-%m-%d %H:%M"
                };
                let _ = write!(out, "  → {}", to.format(format));
            }
            out.push('\n');
        }
        let d = diff(&before, &after);
        // What the outcomes changed; a heading with nothing under it says so.
        let mut changes = String::new();
        // A task the day's outcomes added and closed (an attempt answered the same day)
        // says so: it is no call left to make (audit 93).
        for t in &d.create {
            let _ = writeln!(
                changes,
                "    + {} {}  {}  {}{}",
                t.due,
                t.window,
                self.title(t),
                self.owner_name(t.owner.as_deref()),
                if t.is_closed() { "  ✓" } else { "" }
            );
        }
        for c in d.moved.iter().chain(&d.update) {
            let (p, n) = (&c.previous, &c.next);
            if (p.due, p.window) != (n.due, n.window) {
                let _ = writeln!(
                    changes,
                    "    ~ {}  {} {} → {} {}",
                    self.title(n),
                    p.due,
                    p.window,
                    n.due,
                    n.window
                );
            }
            if n.is_closed() && !p.is_closed() {
                let _ = writeln!(changes, "    ✓ {}", self.title(n));
            }
        }
        // With its day, as an added one has it: the occurrences of a repeating step read
        // as one line each, not as the same call twice (audit 270).
        for c in &d.cancel {
            let t = &c.task;
            let _ = writeln!(changes, "    - {} {}  {}", t.due, t.window, self.title(t));
        }
        if changes.is_empty() {
            let none = if zh {
                "计划无变化"
            } else {
                "Plan changes: none"
            };
            let _ = writeln!(out, "  {none}");
        } else {
            let _ = writeln!(out, "  {}", if zh { "计划变化" } else { "Plan changes" });
            out.push_str(&changes);
        }
        Ok(())
    }
}

fn run() -> Result<String, String> {
    let Some(args) = parse_args()? else {
        return Ok(format!("{USAGE}{}", support::EXIT_CODES));
    };
    let rules = support::load_rules(&args.rules)?;
    let cal = support::load_calendar(&args.calendars)?;
    let eps = if args.episodes.is_empty() {
        vec![(rules.read_episode("sample episode", SAMPLE_EPISODE)).map_err(|e| e.to_string())?]
    } else {
        (args.episodes.iter())
            .map(|p| support::load_episode(&rules, p))
            .collect::<Result<Vec<_>, _>>()?
    };
    // One patient's episodes, each once.
    let ep = eps.first().ok_or("no episode")?;
    if let Some(other) = eps.iter().find(|e| e.patient.id != ep.patient.id) {
        return Err(format!(
            "episode {} is patient {}'s, episode {} patient {}'s: expected the episodes of one patient",
            ep.id, ep.patient.id, other.id, other.patient.id
        ));
    }
    let mut ids: Vec<&str> = eps.iter().map(|e| &*e.id).collect();
    ids.sort_unstable();
    if let Some(w) = ids.windows(2).find(|w| w[0] == w[1]) {
        return Err(format!(
            "episode {} is given twice: expected each episode once",
            w[0]
        ));
    }
    let history = match &args.history {
        Some(p) => History::from_json(&p.display().to_string(), &support::read(p)?),
        None => History::from_json("sample history", SAMPLE_HISTORY),
    }
    .map(|h| support::follow_ups_homed(h, &eps))
    .map_err(|e| e.to_string())?;
    let from = args
        .from
        .unwrap_or_else(|| eps.iter().map(Episode::date).min().unwrap_or(ep.date()));
    // Not past the last day the library plans (audit 135, as callback_calendar's
    // greetings: a replay from 31 Dec 9899 ran into 9900).
    let last = NaiveDate::from_ymd_opt(9899, 12, 31).ok_or("date out of range")?;
    let asked = from
        .checked_add_days(Days::new(args.days - 1))
        .ok_or("date out of range")?;
    let until = asked.min(last);
    if asked > until {
        eprintln!("note: the replay stops at {last}, the last day planned (not {asked})");
    }
    let replay = Replay {
        rules: &rules,
        cal: &cal,
        eps: &eps,
        history: &history,
        lang: args.lang,
    };
    let zh = replay.zh();
    let mut out = String::new();
    let name = ep.patient.name.as_deref().unwrap_or(&ep.patient.id);
    let _ = writeln!(
        out,
        "{} · {name} ({}) · {} {} · {from} .. {until}",
        if zh {
            "回访闭环回放"
        } else {
            "Closed-loop replay"
        },
        ep.patient.id,
        match (zh, eps.len()) {
            (true, _) => "事件",
            (false, 1) => "episode",
            (false, _) => "episodes",
        },
        (eps.iter()).map(|e| &*e.id).collect::<Vec<_>>().join(", ")
    );
    for line in support::follow_ups_elsewhere(Some(&history), &eps, args.lang) {
        let _ = writeln!(out, "{line}");
    }
    let mut day = from;
    while day <= until {
        replay.day(&mut out, day)?;
        day = day.succ_opt().ok_or("date out of range")?;
    }
    // The period's compliance per owner, judged the day after it ends with everything
    // recorded by then.
    let as_of = until.succ_opt().ok_or("date out of range")?.min(last);
    let (mut last, _) = replay.plan_before(as_of, false)?;
    replay.days_they_were_due(&mut last)?;
    let report = compliance(
        &last.tasks,
        &[],
        &CompliancePeriod {
            from,
            to: until,
            as_of,
        },
    );
    let _ = writeln!(
        out,
        "\n{} {from} .. {until} ({} {as_of})",
        if zh {
            "按负责人统计"
        } else {
            "Compliance by owner"
        },
        if zh { "截至" } else { "as of" }
    );
    // The tasks of no owner, on the last line (audit 90: with no owners the section was
    // empty, and read as nothing to judge).
    let owned = |f: fn(&followup::replan::ComplianceCounts) -> u32| {
        (report.by_owner.values())
            .map(f)
            .fold(0u32, u32::saturating_add)
    };
    let t = &report.total;
    let nobody = followup::replan::ComplianceCounts {
        on_time: t.on_time.saturating_sub(owned(|c| c.on_time)),
        early: t.early.saturating_sub(owned(|c| c.early)),
        late: t.late.saturating_sub(owned(|c| c.late)),
        missed: t.missed.saturating_sub(owned(|c| c.missed)),
        expired: t.expired.saturating_sub(owned(|c| c.expired)),
        pending: t.pending.saturating_sub(owned(|c| c.pending)),
    };
    let rows = (report.by_owner.iter())
        .map(|(owner, c)| (Some(owner.as_str()), c))
        .chain((nobody.total() > 0).then_some((None, &nobody)));
    for (owner, c) in rows {
        let _ = writeln!(
            out,
            "  {}{} {}, {} {}, {} {}, {} {}, {} {}, {} {}",
            pad(&replay.owner_name(owner), 16),
            if zh { "按时" } else { "on time" },
            c.on_time,
            if zh { "提前" } else { "early" },
            c.early,
            if zh { "迟做" } else { "late" },
            c.late,
            if zh { "未做" } else { "missed" },
            c.missed,
            if zh { "失效" } else { "expired" },
            c.expired,
            if zh { "待办" } else { "pending" },
            c.pending
        );
    }
    let lang = if zh { Lang::Zh } else { Lang::En };
    // With the records on another episode, which the plan never reads (audit 90), in the
    // history's order.
    let mut unused: Vec<_> = (last.ignored.iter())
        .map(|i| (i.index, &i.task, i.outcome, i.at, i.reason.label(lang)))
        .chain(
            support::of_episodes_not_shown(
                &history,
                &eps.iter().map(|e| &*e.id).collect::<Vec<_>>(),
            )
            .into_iter()
            .map(|(k, o)| (k, &o.task, o.outcome, o.at, support::not_shown_label(lang))),
        )
        .collect();
    unused.sort_by_key(|u| u.0);
    if !unused.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            if zh {
                "未使用的记录"
            } else {
                "Records that changed nothing"
            }
        );
        for (index, task, outcome, at, why) in unused {
            let _ = writeln!(
                out,
                "  #{index} {task} {} {}: {why}",
                outcome.label(lang),
                at.format("%m-%d %H:%M"),
            );
        }
    }
    Ok(out)
}

fn main() {
    support::finish(run())
}

/// The day a task closed on `day`, no longer merged nor moved, was due on its contact's
/// day in `morning`, the plan of that morning, when it was still open.
fn as_they_stood(plan: &mut Plan, morning: &Plan, day: NaiveDate) {
    let due: BTreeMap<String, &Task> = (morning.tasks.iter())
        .filter(|m| !m.is_closed())
        .map(|m| (m.id(), m))
        .collect();
    for t in plan.tasks.iter_mut().filter(|t| closed_on(t) == Some(day)) {
        if let Some(m) = due.get(&t.id())
            && m.due > t.due
        {
            t.earliest = m.earliest;
            t.due = m.due;
            t.latest = t.latest.max(m.latest);
            t.window = m.window;
        }
    }
}

/// The day the history closed a task.
fn closed_on(t: &Task) -> Option<NaiveDate> {
    t.record.as_ref().filter(|r| r.closed).map(|r| r.at.date())
}
