//! Prints a patient's callback calendar: one line per contact, grouped by day.
//!
//! ```text
//! cargo run --example callback_calendar                       # built-in sample patient
//! cargo run --example callback_calendar -- --lang en
//! cargo run --example callback_calendar -- --episode examples/episodes/laser.json
//! cargo run --example callback_calendar -- --rules my-rules/ --calendar clinic.json
//! cargo run --example callback_calendar -- --calendar cn-2026 --episode examples/episodes/before-spring-festival.json
//! cargo run --example callback_calendar -- --calendar cn-2026 --calendar examples/calendars/spring-festival-on-duty.json \
//!     --episode examples/episodes/before-spring-festival.json
//! cargo run --example callback_calendar -- --episode a.json --episode b.json
//! cargo run --example callback_calendar -- --greetings                         # and 12 months of greetings
//! cargo run --example callback_calendar -- --history examples/histories/p42-march.json
//! cargo run --example callback_calendar -- --explain --calendar cn-2026 --episode examples/episodes/before-spring-festival.json
//! cargo run --example callback_calendar -- --notices examples/notices/clinic-2026.json  # and clinic notices
//! ```
//!
//! The calendar is always the patient's: the tasks of every episode (and the greetings)
//! go through the same contact policy (one call a day, at most three messages in any seven
//! days), whether there is one episode or several.
//!
//! - `--episode FILE` (repeatable): episodes of one patient;
//! - `--rules PATH` (a file or a folder of `.json` files; repeatable) replaces the built-in
//!   programs;
//! - `--calendar cn-YYYY|cn|official:FILE|FILE` (repeatable): the shipped official calendar of mainland
//!   China for a year (`cn`: every shipped year) and the clinic's own calendar files,
//!   combined: the official dates, the clinic's policies. With only `cn-YYYY`: open every
//!   day but the public holidays as the official table lists them (a few weekend days
//!   inside a break are not: see `rules/calendars/README.md`); `CN-2026` is `cn-2026`;
//!   `official:FILE` joins an official calendar of years not shipped (the 2027 holidays
//!   once announced, in the shipped files' format) to them. Default: open every day;
//! - `--as-of YYYY-MM-DD` marks each task upcoming, open now, waiting, missed or expired;
//! - `--history FILE`: what happened so far (outcomes by task id, follow-ups added by
//!   hand): the calendar is the next plan of the closed loop, with what was recorded
//!   (`{done 03-03 12:20 u-3}`), further attempts, agreed times and escalations;
//! - `--greetings` adds the patient's greetings for the 12 months from the earliest
//!   episode's day, or from `--as-of` (and the month before it, not before the earliest
//!   episode: what is still on time that day);
//! - `--notices FILE` (repeatable) adds the clinic notices (expert clinic days, events)
//!   that target the patient, under the same contact policy;
//! - `--explain`: after the calendar, why each task is where it is (what it counts from,
//!   the date arithmetic, every shift, what the history did) and why each dropped
//!   occurrence was dropped (the episodes' programs; in English);
//! - `--script`: each task's call script under it;
//! - `--lang zh|en` (default zh).
//!
//! Each line: `D+n` (days from the event of the task's episode to the day), the time
//! window, role, channel, the task's title and notes (what it waits for, why it moved…).
//! `--help` describes every flag and lists the sample episodes. Exit codes as in every
//! example: 0 success, 2 bad input or usage (a message on stderr naming the file).

#[path = "../support/mod.rs"]
mod support;

mod export;
mod render;

use chrono::{Months, NaiveDate};
use followup::{
    replan::{merge_plans, ContactPolicy},
    rules::Lang,
};
use std::path::PathBuf;

/// The built-in sample patient: a plastic-surgery inpatient with a discharge date.
const SAMPLE: &str = include_str!("../episodes/plastic-inpatient.json");

struct Args {
    lang: Lang,
    episodes: Vec<PathBuf>,
    rules: Vec<PathBuf>,
    calendars: Vec<String>,
    as_of: Option<NaiveDate>,
    greetings: bool,
    history: Option<PathBuf>,
    explain: bool,
    notices: Vec<PathBuf>,
    ics: Option<PathBuf>,
    csv: bool,
    script: bool,
}

const USAGE: &str = "usage: callback_calendar [--lang zh|en] [--episode FILE]... [--rules PATH]... [--calendar cn-YYYY|cn|official:FILE|FILE]... [--as-of YYYY-MM-DD] [--greetings] [--history FILE] [--notices FILE]... [--script] [--explain] [--ics FILE] [--csv]\n";

/// What each flag does, for `--help` (one flag a line: easy to merge).
const FLAGS: &str = "
Prints a patient's callback calendar: one line per contact, grouped by day, with D+n
(days from the episode's event), the time window, who, how and what; then what was
dropped and why. Without --episode: a built-in sample patient (plastic surgery, inpatient).

  --lang zh|en            the language of the calendar (default zh)
  --episode FILE          an episode of the patient (repeatable: several episodes of one patient)
  --rules PATH            a rule file or a folder of them (repeatable; `builtin` for the
                          built-in programs); replaces the built-in programs
  --calendar cn-YYYY|cn|official:FILE|FILE
                          the official calendar of mainland China for a year (cn: every
                          shipped year; several years: every year from the first to the
                          last; CN-2026 as cn-2026) and the clinic's calendar files
                          (repeatable): the official holidays close, weekends stay open
                          unless a clinic file says \"closed_on_weekends\": true (the
                          clinic's policies decide); a few weekend days inside a break are not in
                          the official table: see rules/calendars/README.md;
                          official:FILE joins an official calendar of years not shipped
                          (the shipped files' format, with its covers) to those years
  --as-of YYYY-MM-DD      mark each task upcoming, open now, waiting, missed or expired on that day
                          (what was recorded after it — outcomes, facts, handovers — is not
                          known yet: left out)
  --greetings             add the patient's greetings for the 12 months from the earliest
                          episode's day (or from --as-of, and the month before it)
  --history FILE          what happened so far: the next plan of the closed loop
  --notices FILE          add the clinic notices that target the patient (repeatable)
  --script                print each task's call script under it
  --explain               after the calendar, why each task is where it is (in English)
  --ics FILE              write the plans' tasks as an iCalendar file of VTODOs: one per task, on
                          the day the calendar shows it (not joined into contacts, each in
                          its own window; those the contact policy drops — caps, an
                          open complaint — left out)
  --csv                   print the same tasks as CSV instead of the calendar
  -h, --help              this help
";

/// The sample episodes, listed for `--help` from `examples/episodes/` (the folder of this
/// source tree; nothing is listed when it is not there).
fn sample_episodes() -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/episodes");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    names.sort();
    if names.is_empty() {
        return String::new();
    }
    let mut out = String::from("\nsample episodes (--episode examples/episodes/NAME):\n");
    for n in names {
        let about = describe(&dir.join(&n)).unwrap_or_default();
        out.push_str(format!("  {n:<30}{about}").trim_end());
        out.push('\n');
    }
    out
}

/// `procedure: category plastic surgery, setting inpatient`: an episode file's event and
/// attributes in words (English, as the help is), or `None` if it cannot be read.
fn describe(path: &std::path::Path) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    let event = v.get("event")?.as_str()?;
    let mut about = followup::labels::event(event, Lang::En)
        .unwrap_or(event)
        .to_string();
    let attrs: Vec<String> = v
        .get("attributes")
        .and_then(|a| a.as_object())
        .into_iter()
        .flatten()
        .filter_map(|(k, x)| Some(followup::labels::attribute_value(k, x.as_str()?, Lang::En)))
        .collect();
    if !attrs.is_empty() {
        about.push_str(" (");
        about.push_str(&attrs.join(", "));
        about.push(')');
    }
    Some(about)
}

fn help() -> String {
    format!(
        "{USAGE}{FLAGS}{}\n{}",
        sample_episodes(),
        support::EXIT_CODES
    )
}

fn parse_args() -> Result<Option<Args>, String> {
    let mut out = Args {
        lang: Lang::Zh,
        episodes: Vec::new(),
        rules: Vec::new(),
        calendars: Vec::new(),
        as_of: None,
        greetings: false,
        history: None,
        explain: false,
        notices: Vec::new(),
        ics: None,
        csv: false,
        script: false,
    };
    let mut args = std::env::args().skip(1);
    // Flags of one value, each given once (--rules, --calendar… may repeat).
    let mut seen = Vec::new();
    while let Some(arg) = args.next() {
        if ["--lang", "--as-of", "--history", "--ics"].contains(&arg.as_str()) {
            support::once(&mut seen, &arg)?;
        }
        match arg.as_str() {
            "--lang" => {
                out.lang = match support::value(&mut args, "--lang")?.as_str() {
                    "zh" => Lang::Zh,
                    "en" => Lang::En,
                    other => return Err(format!("--lang {other:?}: expected zh or en")),
                }
            }
            "--episode" => out
                .episodes
                .push(support::value(&mut args, "--episode")?.into()),
            "--rules" => out.rules.push(support::value(&mut args, "--rules")?.into()),
            "--calendar" => out.calendars.push(support::value(&mut args, "--calendar")?),
            "--as-of" => {
                let v = support::value(&mut args, "--as-of")?;
                out.as_of = Some(support::day("--as-of", &v)?);
            }
            "--greetings" => out.greetings = true,
            "--explain" => out.explain = true,
            "--script" => out.script = true,
            "--history" => out.history = Some(support::value(&mut args, "--history")?.into()),
            "--notices" => out
                .notices
                .push(support::value(&mut args, "--notices")?.into()),
            "--ics" => out.ics = Some(support::value(&mut args, "--ics")?.into()),
            "--csv" => out.csv = true,
            "-h" | "--help" => return Ok(None),
            other => return Err(format!("unknown argument {other:?}; try --help")),
        }
    }
    // The CSV is the tasks, one row each: the printed calendar's lines are not in it.
    if out.csv && (out.explain || out.script) {
        let (flag, why) = if out.explain {
            ("--explain", "--explain prints the calendar")
        } else {
            ("--script", "the CSV has a column for each task's script")
        };
        return Err(format!("--csv with {flag}: expected one of them ({why})"));
    }
    Ok(Some(out))
}

fn run() -> Result<String, String> {
    let Some(args) = parse_args()? else {
        return Ok(help());
    };
    let rules = support::load_rules(&args.rules)?;
    let cal = support::load_calendar(&args.calendars)?;
    let episodes = if args.episodes.is_empty() {
        vec![rules
            .read_episode("sample episode", SAMPLE)
            .map_err(|e| e.to_string())?]
    } else {
        args.episodes
            .iter()
            .map(|p| support::load_episode(&rules, p))
            .collect::<Result<Vec<_>, _>>()?
    };
    // Episodes of another patient than the first: named by file and patient id.
    if let Some(first) = episodes.first()
        && let Some((other, path)) =
            (episodes.iter().zip(&args.episodes)).find(|(e, _)| e.patient.id != first.patient.id)
    {
        let first_path = (args.episodes.first())
            .map_or("the first episode".to_string(), |p| p.display().to_string());
        return Err(format!(
            "{}: /patient/id: patient {:?}, but {first_path} is of patient {:?}: expected episodes of one patient (a calendar is one patient's)",
            path.display(),
            &*other.patient.id,
            &*first.patient.id,
        ));
    }
    // Two copies of the patient that give two birthdays are a data slip: which one is
    // greeted would hang on the order of --episode.
    let birthdays = (episodes.iter().zip(&args.episodes))
        .filter_map(|(e, path)| Some((e.patient.birthday?, path)));
    let mut first_birthday: Option<(chrono::NaiveDate, &std::path::PathBuf)> = None;
    for (day, path) in birthdays {
        match first_birthday {
            Some((other, at)) if other != day => {
                return Err(format!(
                    "{}: /patient/birthday: the birthday is {day}, and {} gives {other} for the same patient: expected one birthday per patient (correct the wrong copy)",
                    path.display(),
                    at.display()
                ));
            }
            None => first_birthday = Some((day, path)),
            _ => {}
        }
    }
    // One episode id is one episode: two copies that differ (a rebooked surgery sent
    // with the old one) would mix their tasks and count D+n from either (audit 68); the
    // same copy twice is planned once.
    let path =
        |n: usize| (args.episodes.get(n)).map_or_else(String::new, |p| p.display().to_string());
    let mut again = vec![false; episodes.len()];
    for (k, ep) in episodes.iter().enumerate() {
        let Some(i) = (0..k).find(|&i| episodes.get(i).is_some_and(|e| e.id == ep.id)) else {
            continue;
        };
        if episodes.get(i) != Some(ep) {
            return Err(format!(
                "{}: /id: episode {:?} is also in {}, with other values: expected each episode once (send the latest copy of a rebooked event)",
                path(k),
                &*ep.id,
                path(i)
            ));
        }
        if let Some(a) = again.get_mut(k) {
            *a = true;
        }
    }
    // As known on --as-of: facts and handovers dated later are not yet (audit 250).
    let episodes: Vec<_> = (episodes.into_iter().zip(again))
        .filter_map(|(e, again)| (!again).then_some(e))
        .map(|e| support::episode_known_by(&e, args.as_of).into_owned())
        .collect();
    let history = match &args.history {
        Some(p) => Some(
            rules
                .read_history(&p.display().to_string(), &support::read(p)?)
                .map(|h| support::known_by(h, args.as_of))
                .map(|h| support::follow_ups_homed(h, &episodes))
                .map_err(|e| e.to_string())?,
        ),
        None => None,
    };
    // A follow-up added by hand is the patient's, planned once: with the episode an
    // outcome recorded on it names (`follow-up/ID/EPISODE/0`), else the first. One
    // that names an episode not given is that episode's: planned by none here, its
    // record listed as for an episode not planned here (audit 98: it was planned again,
    // open, beside its `done`).
    let home = |f: &followup::history::FollowUp| -> String {
        support::follow_up_episode(history.as_ref(), f, &episodes)
            .or_else(|| episodes.first().map(|e| e.id.to_string()))
            .unwrap_or_default()
    };
    let mut plans = Vec::with_capacity(episodes.len() + 1);
    let mut inputs = Vec::with_capacity(episodes.len());
    for ep in &episodes {
        let own = history.as_ref().map(|h| followup::history::History {
            outcomes: h.outcomes.clone(),
            follow_ups: (h.follow_ups.iter())
                .filter(|f| home(f) == *ep.id)
                .cloned()
                .collect(),
        });
        // The patient as all their episodes know them: a refusal or an opt-out recorded
        // on one episode, rest hours given on another, hold for every plan.
        let ep = ep.with_patient_of(&episodes);
        let mut plan = match &own {
            Some(h) => rules.plan_with(&ep, h, &cal),
            None => rules.plan(&ep, &cal),
        }
        .map_err(|e| e.to_string())?;
        // Statuses, and the owners of open tasks, as of the day (audit 229).
        if let Some(day) = args.as_of {
            plan.set_as_of(&ep, day);
        }
        // What `--explain` explains: the same episode and history.
        inputs.push((ep, own));
        plans.push(plan);
    }
    let first = episodes.first().ok_or("no episode")?;
    // The patient's birthday, name and tags from whichever episode gives them: the
    // calendar does not depend on the order of --episode.
    let patient = first.patient.with_details_of(&episodes);
    let greetings = if args.greetings {
        // From the earliest episode, whatever the order of --episode (audit 132: the
        // first given set the horizon, and swapping two lost the Spring Festival).
        let earliest = episodes
            .iter()
            .map(|e| e.date())
            .min()
            .unwrap_or(first.date());
        // As of a day: from a month before it (not before the earliest episode), so that
        // a greeting or quarterly message still on time that day, or just missed, is on
        // the list (audit 229: the quarterly message of 10 April, on time to the 24th,
        // was missing as of the 11th); the 12 months from the day itself. As of a day
        // before the earliest episode, from that episode (audit 268: the greetings began
        // on the as-of day, before the patient was the clinic's).
        let (from, end) = match args.as_of {
            Some(day) => {
                let from = (day.checked_sub_months(Months::new(1)).unwrap_or(day)).max(earliest);
                (from, day.max(from))
            }
            None => (earliest, earliest),
        };
        // Not past the last day the library plans (audit 132: an episode of June 9899
        // was refused over a horizon reaching 9900, which nobody typed).
        let last = chrono::NaiveDate::from_ymd_opt(9899, 12, 31).ok_or("date out of range")?;
        let until = end
            .checked_add_months(Months::new(12))
            .and_then(|d| d.pred_opt())
            .ok_or("date out of range")?
            .min(last);
        // A refusal or opt-out recorded on an episode is the patient's: it stops the
        // greetings too, as one in the history does (a return after either ends it).
        let patient = match &history {
            Some(h) => patient.with_refusals_in(&episodes, h),
            None => patient.with_refusals_of(&episodes),
        };
        // The follow-ups added by hand went with an episode's plan above: the greetings
        // take the outcomes only (audit 94: a follow-up was planned, and exported, twice).
        let outcomes = history.as_ref().map(|h| followup::history::History {
            outcomes: h.outcomes.clone(),
            follow_ups: Vec::new(),
        });
        let mut plan = match &outcomes {
            Some(h) => rules.plan_patient_with(&patient, h, from, until, &cal),
            None => rules.plan_patient(&patient, from, until, &cal),
        }
        // Which option made the horizon (audit 132: the error named neither).
        .map_err(|e| format!("--greetings, from {from} to {until}: {e}"))?;
        if let Some(day) = args.as_of {
            for t in &mut plan.tasks {
                t.status = Some(followup::plan::Status::of(t, day));
            }
        }
        plans.push(plan);
        Some((from, until))
    } else {
        None
    };
    let notices = support::load_notices(&rules, &args.notices)?;
    if !notices.is_empty() {
        // A refusal in the history stops notice calls too.
        let mut plan = match &history {
            Some(h) => rules.plan_notices_with(&patient, &episodes, h, &notices, &cal),
            None => rules.plan_notices(&patient, &episodes, &notices, &cal),
        }
        .map_err(|e| e.to_string())?;
        if let Some(day) = args.as_of {
            for t in &mut plan.tasks {
                t.status = Some(followup::plan::Status::of(t, day));
            }
        }
        plans.push(plan);
    }
    let mut merged = merge_plans(&plans, &ContactPolicy::default(), &cal);
    // A task the policy moved has its status on its new day (audit 236: "open now" on
    // the day the policy had moved it off), and one an open complaint cut as cut (audit
    // 240: "open now" past its last day), as the exports (`apply_to`) have them.
    if let Some(day) = args.as_of {
        for c in &mut merged.contacts {
            for r in c.reasons.iter_mut().filter(|r| r.task.status.is_some()) {
                let mut placed = r.task.clone();
                if r.moved.is_some() {
                    placed.earliest = placed.earliest.max(c.date);
                    placed.due = c.date;
                    placed.latest = placed.latest.max(c.date);
                }
                r.task.status = Some(followup::plan::Status::of(&placed, day));
            }
        }
    }
    let out = (args.ics.as_deref(), args.csv, args.as_of);
    if let Some(csv) = export::run(&plans, &merged, args.lang, out)? {
        return Ok(csv);
    }
    let view = render::View {
        rules: &rules,
        cal: &cal,
        calendars: &args.calendars,
        lang: args.lang,
        script: args.script,
        notices: &notices,
        not_shown: history.as_ref().map_or_else(Vec::new, |h| {
            let patient_level = format!("patient:{}", patient.id);
            let mut shown: Vec<&str> = episodes.iter().map(|e| &*e.id).collect();
            if args.greetings || !notices.is_empty() {
                shown.push(&patient_level);
            }
            let not_shown = support::of_episodes_not_shown(h, &shown);
            not_shown.into_iter().map(|(_, o)| o).collect()
        }),
    };
    let mut out = view.calendar(&episodes, &plans, greetings, &merged);
    // A follow-up added by hand whose records name an episode not given (audit 239).
    let elsewhere = support::follow_ups_elsewhere(history.as_ref(), &episodes, args.lang);
    if !elsewhere.is_empty() {
        let at = out.find('\n').map_or(out.len(), |i| i + 1);
        out.insert_str(at, &(elsewhere.join("\n") + "\n"));
    }
    if args.explain {
        out.push_str(if args.lang == Lang::Zh {
            "\n说明 (Why)\n"
        } else {
            "\nWhy\n"
        });
        let mut explained_plans = Vec::new();
        for (ep, own) in &inputs {
            explained_plans.push(
                rules
                    .explain(ep, own.as_ref(), &cal)
                    .map_err(|e| e.to_string())?,
            );
        }
        // The greetings as planned above (audit 119: none was explained).
        if let Some((from, until)) = greetings {
            let patient = match &history {
                Some(h) => patient.with_refusals_in(&episodes, h),
                None => patient.with_refusals_of(&episodes),
            };
            let outcomes = history.as_ref().map(|h| followup::history::History {
                outcomes: h.outcomes.clone(),
                follow_ups: Vec::new(),
            });
            explained_plans.push(
                rules
                    .explain_patient(&patient, outcomes.as_ref(), from, until, &cal)
                    .map_err(|e| e.to_string())?,
            );
        }
        // What the contact policy did after planning (audit 119: the calendar showed a
        // message on the 11th, its explanation the 10th and no word of the cap).
        let policy = ContactPolicy::default();
        let caps = |channel: followup::rules::Channel| -> String {
            let caps: Vec<String> = (policy.caps.iter())
                .filter(|c| c.channel == channel)
                .map(|c| match c.per_days.get() {
                    1 => format!("at most {} a day", c.max),
                    n => format!("at most {} in {n} days", c.max),
                })
                .collect();
            caps.join(", ")
        };
        let mut after: std::collections::BTreeMap<String, String> = Default::default();
        use followup::replan::PriorityClass as Class;
        // The rule's class, else the policy's table (as `merge_plans` ranks).
        let class = |program: &str, step: &str| {
            (rules.step_class(program, step))
                .unwrap_or_else(|| policy.priority.class_of(program, step))
        };
        // The contact of `patient` on `day` and `channel` a sales task never joins nor
        // shares a day with: one holding a reminder or aftercare, or care while the
        // patient is in recovery (with the task that says so).
        let held_by = |patient: &str, day: NaiveDate, channel: followup::rules::Channel| {
            // In recovery: by a task that waits (or waited), or by one a refusal dropped,
            // which no task names (audit 217: "the sms cap" was given).
            let wait =
                (merged.in_recovery(patient, day)).then(|| merged.recovery_wait(patient, day));
            (merged.contacts.iter()).find_map(|c| {
                if c.date != day || *c.patient != *patient || c.channel != channel {
                    return None;
                }
                let of = |classes: &[Class]| {
                    (c.reasons.iter())
                        .any(|r| classes.contains(&class(r.task.program(), r.task.step())))
                };
                if of(&[Class::Reminder, Class::Aftercare]) {
                    Some((c, None::<Option<&followup::plan::Task>>))
                } else if wait.is_some() && of(&[Class::Care]) {
                    Some((c, wait))
                } else {
                    None
                }
            })
        };
        // What held a sales task off `day`, in words.
        let holder = |(contact, wait): (
            &followup::replan::Contact,
            Option<Option<&followup::plan::Task>>,
        )| {
            let first = (contact.reasons.first()).map_or(String::new(), |r| r.task.id());
            match wait {
                None => format!(
                    "a reminder or aftercare {} contact holds {} ({first}; a sales task never joins one, nor shares its day)",
                    contact.channel.name(),
                    contact.date
                ),
                Some(w) => {
                    // Still waiting, or recovered since (the days it waited stay).
                    let wait = match w.map(|w| (w, w.waits_for(), w.expires, w.recovered_day())) {
                        Some((w, Some(_), Some(e), _)) => {
                            format!("{} waits for recovered until {e}", w.id())
                        }
                        Some((w, Some(_), None, _)) => format!("{} waits for recovered", w.id()),
                        // The fact's day (audit 217: the waiting task's day was given).
                        Some((w, None, _, Some(r))) => {
                            format!("{} waited for recovered, which came on {r}", w.id())
                        }
                        Some((w, None, _, None)) => {
                            format!("{} waited for recovered to {}", w.id(), w.due)
                        }
                        None => "a call waiting for recovered that a refusal or a stop fact dropped"
                            .to_string(),
                    };
                    format!(
                        "a {} contact holds {} ({first}) while the patient is in recovery ({wait}): a sales task never joins a reminder, aftercare or care contact then, nor shares its day",
                        contact.channel.name(),
                        contact.date,
                    )
                }
            }
        };
        for c in &merged.contacts {
            for r in c.reasons.iter().filter(|r| r.moved.is_some()) {
                let from = r.moved.map_or(c.date, |m| m.from);
                let held = (class(r.task.program(), r.task.step()) == Class::Sales)
                    .then(|| held_by(&c.patient, from, r.task.channel()))
                    .flatten();
                // The contact that holds its day, named (audit 197: a staff-picked call
                // moved off the day of a call moved there said only "the phone cap").
                let same_day = (merged.contacts.iter())
                    .filter(|o| !std::ptr::eq(*o, c) && o.date == from)
                    .filter(|o| *o.patient == *c.patient && o.channel == r.task.channel())
                    .find_map(|o| o.reasons.first())
                    .map_or(String::new(), |o| {
                        format!(
                            ": a {} contact holds {from} ({})",
                            r.task.channel().name(),
                            o.task.id()
                        )
                    });
                let why = match (held, r.moved.map(|m| m.reason)) {
                    // A complaint open that day (audit 240: it read "the phone cap").
                    (_, Some(followup::replan::MoveReason::ComplaintOpen)) => {
                        "a complaint of the patient was open: no selling while the customer is unhappy".to_string()
                    }
                    (Some(h), _) => holder(h),
                    (None, _) => format!(
                        "the {} cap ({}){same_day}",
                        r.task.channel().name(),
                        caps(r.task.channel())
                    ),
                };
                // Past its window: late, but worth doing until it expires (audit 188).
                let late = if c.date > r.task.latest {
                    format!(
                        "; no day of its window (to {}) kept it, and it is late there, worth doing until {}",
                        r.task.latest,
                        r.task.expires.map_or("it is done".to_string(), |e| e.to_string())
                    )
                } else {
                    String::new()
                };
                let line = format!(
                    "the contact policy moved it to {} ({}): {why}{late}",
                    c.date,
                    c.date.format("%a"),
                );
                after.insert(r.task.id(), line);
            }
            if c.over_cap {
                for r in &c.reasons {
                    // A time the patient agreed is never moved nor dropped (audit 197:
                    // "no day of its window keeps the cap", as if others were tried).
                    let why = if r.task.shifted == Some(followup::calendar::ShiftReason::Agreed) {
                        "the patient agreed this time, which the policy never moves nor drops"
                    } else {
                        "no day of its window keeps the cap"
                    };
                    let line = format!(
                        "the contact policy kept it over the {} cap ({}): {why}",
                        r.task.channel().name(),
                        caps(r.task.channel())
                    );
                    after.entry(r.task.id()).or_insert(line);
                }
            }
        }
        let capped = (merged.dropped.iter())
            .filter(|d| d.reason == followup::plan::DropReason::FrequencyCap);
        for d in capped {
            // A cap's drop names its channel in its detail.
            let channel = (followup::rules::Channel::ALL.into_iter())
                .find(|c| d.detail.as_deref() == Some(c.name()));
            // A sales task beside a reminder or aftercare contact of its day (or a care
            // one while the patient is in recovery): the contact held the day, whatever
            // the cap (audits 158, 180, 190: "the sms cap" was given, with no other
            // message in 7 days).
            let held = (d.nominal)
                .filter(|_| class(d.program(), d.step()) == Class::Sales)
                .zip(channel)
                .and_then(|(day, c)| held_by(d.patient(), day, c));
            let line = match (channel, held) {
                (Some(_), Some(h)) => format!(
                    "the contact policy dropped it: {}, and its window has no other day the caps keep",
                    holder(h)
                ),
                (Some(c), None) => format!(
                    "the contact policy dropped it: the {} cap ({}), no day of its window keeps it",
                    c.name(),
                    caps(c)
                ),
                (None, _) => "the contact policy dropped it".to_string(),
            };
            after.insert(d.id().clone(), line);
        }
        for explained in &explained_plans {
            // In plan order: the tasks by day, then the dropped occurrences by the day
            // each would have had (those with none last), as the calendar lists them.
            let mut dropped: Vec<&followup::plan::Dropped> =
                explained.plan.dropped.iter().collect();
            dropped.sort_by_key(|d| (d.nominal.is_none(), d.nominal));
            let ids = (explained.plan.tasks.iter().map(|t| t.id()))
                .chain(dropped.into_iter().map(|d| d.id().clone()));
            for id in ids {
                if let Some(e) = explained.of(&id) {
                    out.push('\n');
                    // Planned, then dropped by the cap: said at its head (audit 122: it
                    // read "due …" above the line that drops it).
                    let capped = (merged.dropped.iter()).any(|d| {
                        d.reason == followup::plan::DropReason::FrequencyCap && *d.id() == id
                    });
                    if capped {
                        let mut e = e.clone();
                        e.result = format!("dropped: frequency_cap (planned: {})", e.result);
                        out.push_str(&e.to_string());
                    } else {
                        out.push_str(&e.to_string());
                    }
                    if let Some(line) = after.get(&id) {
                        out.push_str("  ");
                        out.push_str(line);
                        out.push('\n');
                    }
                }
            }
        }
    }
    Ok(out)
}

fn main() {
    support::finish(run())
}
