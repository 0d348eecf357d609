//! Prints a patient's callback calendar: one line per task, grouped by date.
//!
//! ```text
//! cargo run --example callback_calendar                       # built-in sample patient
//! cargo run --example callback_calendar -- --lang en
//! cargo run --example callback_calendar -- --episode examples/episodes/laser.json
//! cargo run --example callback_calendar -- --rules my-rules/ --calendar clinic.json
//! ```
//!
//! `--rules PATH` (a file, or a folder of `.json` files; repeatable) replaces the built-in
//! programs; `--calendar FILE` gives the clinic calendar (default: open every day).

#[path = "support/mod.rs"]
mod support;

use chrono::{Datelike, NaiveDate};
use followup::{DropReason, Episode, Lang, Plan, RuleSet, ShiftReason};
use std::fmt::Write;
use std::path::PathBuf;

/// The built-in sample patient: a plastic-surgery inpatient with a discharge date.
const SAMPLE: &str = include_str!("episodes/plastic-inpatient.json");

struct Args {
    lang: Lang,
    episode: Option<PathBuf>,
    rules: Vec<PathBuf>,
    calendar: Option<PathBuf>,
}

fn parse_args() -> Result<Option<Args>, String> {
    let mut out = Args {
        lang: Lang::Zh,
        episode: None,
        rules: Vec::new(),
        calendar: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--lang" => {
                out.lang = match support::value(&mut args, "--lang")?.as_str() {
                    "zh" => Lang::Zh,
                    "en" => Lang::En,
                    other => return Err(format!("--lang {other:?}: expected zh or en")),
                }
            }
            "--episode" => out.episode = Some(support::value(&mut args, "--episode")?.into()),
            "--rules" => out.rules.push(support::value(&mut args, "--rules")?.into()),
            "--calendar" => out.calendar = Some(support::value(&mut args, "--calendar")?.into()),
            "-h" | "--help" => return Ok(None),
            other => return Err(format!("unknown argument {other:?}; try --help")),
        }
    }
    Ok(Some(out))
}

fn weekday(d: NaiveDate, lang: Lang) -> &'static str {
    const ZH: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];
    const EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let i = d.weekday().num_days_from_monday() as usize;
    match lang {
        Lang::Zh => ZH[i],
        Lang::En => EN[i],
    }
}

fn shift_label(r: ShiftReason, lang: Lang) -> &'static str {
    match (r, lang) {
        (ShiftReason::ClosedWeekday, Lang::Zh) => "每周休息日",
        (ShiftReason::ClosedWeekday, Lang::En) => "weekly closing day",
        (ShiftReason::ClosedDate, Lang::Zh) => "休息日",
        (ShiftReason::ClosedDate, Lang::En) => "closed date",
        (_, Lang::Zh) => "休息日",
        (_, Lang::En) => "closed",
    }
}

fn drop_label(r: DropReason, lang: Lang) -> &'static str {
    match (r, lang) {
        (DropReason::MissingAnchor, Lang::Zh) => "未提供节点日期",
        (DropReason::MissingAnchor, Lang::En) => "date not given",
        (DropReason::Stopped, Lang::Zh) => "已终止",
        (DropReason::Stopped, Lang::En) => "stopped by",
        (DropReason::OptedOut, Lang::Zh) => "顾客拒绝此方式联系",
        (DropReason::OptedOut, Lang::En) => "opted out of",
        (DropReason::Declined, Lang::Zh) => "顾客明确拒绝",
        (DropReason::Declined, Lang::En) => "declined",
        (DropReason::PastHorizon, Lang::Zh) => "超出拒绝后的短信期限",
        (DropReason::PastHorizon, Lang::En) => "past the horizon after a refusal",
        (DropReason::NotSampled, Lang::Zh) => "未被抽中",
        (DropReason::NotSampled, Lang::En) => "not in the sample",
        (DropReason::AnchorDropped, Lang::Zh) => "所依据的任务已取消",
        (DropReason::AnchorDropped, Lang::En) => "the task it counts from was dropped",
        (DropReason::MonthEndSkipped, Lang::Zh) => "当月无此日",
        (DropReason::MonthEndSkipped, Lang::En) => "no such day in the month",
        (DropReason::NoOpenDay, Lang::Zh) => "附近无营业日",
        (DropReason::NoOpenDay, Lang::En) => "no open day nearby",
        (_, Lang::Zh) => "已取消",
        (_, Lang::En) => "dropped",
    }
}

/// Pads `s` to `width` display columns (CJK characters count two).
fn pad(s: &str, width: usize) -> String {
    let cols: usize = s.chars().map(|c| if c > '\u{2e80}' { 2 } else { 1 }).sum();
    format!("{s}{}", " ".repeat(width.saturating_sub(cols)))
}

fn render(rules: &RuleSet, ep: &Episode, plan: &Plan, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let mut out = String::new();
    let name = ep.patient.name.as_deref().unwrap_or("-");
    let _ = writeln!(
        out,
        "{} {name} ({}) · {} {} · {} {} {}",
        if zh {
            "回访日历 ·"
        } else {
            "Callback calendar ·"
        },
        ep.patient.id,
        if zh { "事件" } else { "episode" },
        ep.id,
        ep.event,
        ep.date(),
        weekday(ep.date(), lang),
    );
    if !ep.attributes.is_empty() {
        let attrs: Vec<String> = ep
            .attributes
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let _ = writeln!(out, "{}", attrs.join(", "));
    }
    let mut programs: Vec<&str> = plan.tasks.iter().map(|t| &*t.program).collect();
    programs.sort_unstable();
    programs.dedup();
    let names: Vec<&str> = programs
        .iter()
        .map(|p| rules.program_name(p).map_or(*p, |n| n.get(lang)))
        .collect();
    let _ = writeln!(
        out,
        "{}: {}",
        if zh { "回访方案" } else { "Programs" },
        names.join(", ")
    );
    if plan.tasks.is_empty() {
        let _ = writeln!(out, "\n{}", if zh { "（无任务）" } else { "(no tasks)" });
    }
    let mut day = None;
    for t in &plan.tasks {
        if day != Some(t.due) {
            day = Some(t.due);
            let _ = writeln!(out, "\n{} {}", t.due, weekday(t.due, lang));
        }
        let _ = write!(
            out,
            "  {}  {}{}{}",
            t.window,
            pad(t.role.label(lang), 18),
            pad(t.channel.label(lang), 10),
            t.title.get(lang)
        );
        if let Some(role) = t.picked_by {
            let _ = write!(
                out,
                "  [{} {}..{}]",
                if zh {
                    format!("{}选定日期", role.label(lang))
                } else {
                    format!("day picked by {}", role.label(lang))
                },
                t.earliest,
                t.latest
            );
        } else if t.earliest != t.due || t.latest != t.due {
            let _ = write!(
                out,
                "  [{} {}..{}]",
                if zh { "可在" } else { "on time" },
                t.earliest,
                t.latest
            );
        }
        if let Some(fact) = &t.waits_for {
            let _ = write!(out, "  [{} {fact}]", if zh { "等待" } else { "waits for" });
        }
        if let Some(r) = t.shifted {
            let _ = write!(
                out,
                "  [{} {} {}: {}]",
                if zh { "由" } else { "moved from" },
                t.nominal,
                weekday(t.nominal, lang),
                shift_label(r, lang)
            );
        }
        out.push('\n');
    }
    if !plan.dropped.is_empty() {
        let _ = writeln!(out, "\n{}", if zh { "未安排：" } else { "Dropped:" });
        for d in &plan.dropped {
            let detail = d
                .detail
                .as_deref()
                .map(|x| format!(" {x}"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {}/{}#{}  {}{detail}",
                d.program,
                d.step,
                d.occurrence,
                drop_label(d.reason, lang)
            );
        }
    }
    out
}

fn run() -> Result<String, String> {
    let Some(args) = parse_args()? else {
        return Ok("usage: callback_calendar [--lang zh|en] [--episode FILE] [--rules PATH]... [--calendar FILE]\n".into());
    };
    let rules = support::load_rules(&args.rules)?;
    let calendar = support::load_calendar(args.calendar.as_deref())?;
    let episode = match &args.episode {
        Some(p) => support::load_episode(p)?,
        None => Episode::from_json("sample episode", SAMPLE).map_err(|e| e.to_string())?,
    };
    let plan = rules.plan(&episode, &calendar).map_err(|e| e.to_string())?;
    Ok(render(&rules, &episode, &plan, args.lang))
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
