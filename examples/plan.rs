//! The machine interface: one Episode JSON on stdin, the Plan as JSON on stdout.
//!
//! ```text
//! cargo run --example plan -- [--rules PATH]... [--calendar cn-YYYY|cn|FILE]... [--as-of YYYY-MM-DD] [--notices FILE]... < episode.json
//! cargo run --example plan -- --episode examples/episodes/laser.json
//! cargo run --example plan -- --notices examples/notices/clinic-2026.json < examples/episodes/plastic-inpatient.json
//! cargo run --example plan -- --history examples/histories/p42-march.json < examples/episodes/plastic-inpatient.json
//! ```
//!
//! The episode is read from stdin, or from `--episode FILE`: errors name the file (or
//! `stdin`), the JSON pointer, line and column. When no program applies, the plan says
//! why in `no_program`, and a note goes to stderr.
//!
//! Without `--rules` the built-in programs are used. `--calendar` combines the shipped
//! official calendars of mainland China (`cn-YYYY`, `cn`) with the clinic's calendar
//! files, as `callback_calendar` does. With `--as-of`, each task carries its `status` on
//! that day (upcoming, open, missed, expired). `--notices FILE` (repeatable; each file an
//! array of clinic notices or one notice) adds the notices that target the episode's
//! patient: their tasks and dropped entries join the plan's, in the plan's order, and
//! `programs` lists `notice`. The contact policy's caps are `merge`'s, which
//! `callback_calendar` applies. `--history FILE` gives what happened so far (outcomes by
//! task id, follow-ups added by hand): the plan is the next one of the closed loop
//! (`RuleSet::plan_with`), with records, attempts, agreed times and escalations. Any
//! error goes to stderr, exit 2.

#[path = "support/mod.rs"]
mod support;

use std::io::Read;
use std::path::PathBuf;

fn run() -> Result<String, String> {
    let mut rules = Vec::new();
    let mut calendars: Vec<String> = Vec::new();
    let mut episode_file: Option<PathBuf> = None;
    let mut as_of = None;
    let mut notice_files: Vec<PathBuf> = Vec::new();
    let mut history_file: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--rules" => rules.push(PathBuf::from(support::value(&mut args, "--rules")?)),
            "--calendar" => calendars.push(support::value(&mut args, "--calendar")?),
            "--episode" => episode_file = Some(support::value(&mut args, "--episode")?.into()),
            "--notices" => notice_files.push(support::value(&mut args, "--notices")?.into()),
            "--history" => history_file = Some(PathBuf::from(support::value(&mut args, "--history")?)),
            "--as-of" => {
                let v = support::value(&mut args, "--as-of")?;
                as_of = Some(
                    v.parse::<chrono::NaiveDate>()
                        .map_err(|_| format!("--as-of {v:?}: expected YYYY-MM-DD"))?,
                );
            }
            "-h" | "--help" => {
                return Ok(
                    "usage: plan [--rules PATH]... [--calendar cn-YYYY|cn|FILE]... [--as-of YYYY-MM-DD] [--notices FILE]... [--history FILE] [--episode FILE] < episode.json\n".into(),
                )
            }
            other => return Err(format!("unknown argument {other:?}; try --help")),
        }
    }
    let rules = support::load_rules(&rules)?;
    let calendar = support::load_calendar(&calendars)?;
    let notices = support::load_notices(&rules, &notice_files)?;
    let episode = match &episode_file {
        Some(path) => support::load_episode(&rules, path)?,
        None => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .read_to_end(&mut bytes)
                .map_err(|e| format!("stdin: {e}"))?;
            let input = support::utf8("stdin", bytes)?;
            rules
                .read_episode("stdin", &input)
                .map_err(|e| e.to_string())?
        }
    };
    let history = match &history_file {
        Some(p) => {
            followup::history::History::from_json(&p.display().to_string(), &support::read(p)?)
                .map_err(|e| e.to_string())?
        }
        None => followup::history::History::default(),
    };
    let mut plan = if history_file.is_some() {
        rules.plan_with(&episode, &history, &calendar)
    } else {
        rules.plan(&episode, &calendar)
    }
    .map_err(|e| e.to_string())?;
    if let Some(day) = as_of {
        for t in &mut plan.tasks {
            t.status = Some(followup::plan::Status::of(t, day));
        }
    }
    if !notices.is_empty() {
        let mut notes = rules
            .plan_notices(
                &episode.patient,
                std::slice::from_ref(&episode),
                &notices,
                &calendar,
            )
            .map_err(|e| e.to_string())?;
        if let Some(day) = as_of {
            for t in &mut notes.tasks {
                t.status = Some(followup::plan::Status::of(t, day));
            }
        }
        join(&mut plan, notes);
    }
    if let Some(why) = &plan.no_program {
        eprintln!("note: {why}");
    }
    serde_json::to_string_pretty(&plan)
        .map(|s| s + "\n")
        .map_err(|e| e.to_string())
}

/// Adds the notices' plan to the episode's: tasks in the plan's order (due, window start,
/// program, step, occurrence), dropped entries by (program, step, occurrence).
fn join(plan: &mut followup::plan::Plan, notes: followup::plan::Plan) {
    plan.programs.extend(notes.programs);
    plan.tasks.extend(notes.tasks);
    plan.dropped.extend(notes.dropped);
    plan.tasks.sort_by(|a, b| {
        (a.due, a.window.start, a.program(), a.step(), a.occurrence).cmp(&(
            b.due,
            b.window.start,
            b.program(),
            b.step(),
            b.occurrence,
        ))
    });
    plan.dropped.sort_by(|a, b| {
        (&a.program, &a.step, a.occurrence).cmp(&(&b.program, &b.step, b.occurrence))
    });
}

fn main() {
    match run() {
        Ok(out) => print!("{out}"),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    }
}
