//! Rendering plans, merged contacts and greetings as readable text.

use chrono::{Datelike, NaiveDate};
use followup::{
    Calendar, DropReason, Episode, Lang, MergedPlan, Plan, RuleSet, ShiftReason, Status, Task,
};
use std::fmt::Write;

pub fn weekday(d: NaiveDate, lang: Lang) -> &'static str {
    const ZH: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];
    const EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let i = d.weekday().num_days_from_monday() as usize;
    match lang {
        Lang::Zh => ZH[i],
        Lang::En => EN[i],
    }
}

pub fn shift_label(r: ShiftReason, lang: Lang) -> &'static str {
    match (r, lang) {
        (ShiftReason::ClosedWeekday, Lang::Zh) => "每周休息日",
        (ShiftReason::ClosedWeekday, Lang::En) => "weekly closing day",
        (ShiftReason::ClosedDate, Lang::Zh) => "休息日",
        (ShiftReason::ClosedDate, Lang::En) => "closed date",
        (ShiftReason::Holiday, Lang::Zh) => "法定节假日",
        (ShiftReason::Holiday, Lang::En) => "public holiday",
        (ShiftReason::Weekend, Lang::Zh) => "周末",
        (ShiftReason::Weekend, Lang::En) => "weekend",
        (ShiftReason::WaitedForFact, Lang::Zh) => "等待康复等事实",
        (ShiftReason::WaitedForFact, Lang::En) => "waited for a fact",
        (_, Lang::Zh) => "休息日",
        (_, Lang::En) => "closed",
    }
}

pub fn drop_label(r: DropReason, lang: Lang) -> &'static str {
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
pub fn pad(s: &str, width: usize) -> String {
    let cols: usize = s.chars().map(|c| if c > '\u{2e80}' { 2 } else { 1 }).sum();
    format!("{s}{}", " ".repeat(width.saturating_sub(cols)))
}

/// Notes after a task's title: the window staff pick from, a tolerance window, a fact it
/// waits for, a shift by the calendar, its status on the as-of day.
fn notes(t: &Task, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let mut out = String::new();
    if let Some(role) = t.picked_by() {
        let who = if zh {
            format!("{}选定日期", role.label(lang))
        } else {
            format!("day picked by {}", role.label(lang))
        };
        let _ = write!(out, "  [{who} {}..{}]", t.earliest, t.latest);
    } else if t.earliest != t.due || t.latest != t.due {
        let _ = write!(
            out,
            "  [{} {}..{}]",
            if zh { "可在" } else { "on time" },
            t.earliest,
            t.latest
        );
    }
    if let Some(fact) = &t.waits_for() {
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
    if t.beyond_calendar {
        let _ = write!(
            out,
            "  [{}]",
            if zh {
                "日历未覆盖，日期可能变动"
            } else {
                "calendar does not cover this day: it may move"
            }
        );
    }
    if let Some(status) = t.status {
        let label = match (status, zh) {
            (Status::Missed, true) => "已过期",
            (Status::Missed, false) => "missed",
            (Status::Open, true) => "今日可做",
            (Status::Open, false) => "open now",
            (_, true) => "待办",
            (_, false) => "upcoming",
        };
        let _ = write!(out, "  <{label}>");
    }
    out
}

fn task_line(out: &mut String, t: &Task, lang: Lang) {
    let _ = writeln!(
        out,
        "  {}  {}{}{}{}",
        t.window,
        pad(t.role().label(lang), 20),
        pad(t.channel().label(lang), 10),
        t.title().get(lang),
        notes(t, lang)
    );
}

fn day_heading(out: &mut String, day: NaiveDate, cal: &Calendar, lang: Lang) {
    let _ = write!(out, "\n{day} {}", weekday(day, lang));
    if let Some(name) = cal.holiday_name(day) {
        let _ = write!(out, "  ({name})");
    } else if cal.day_kind(day) == followup::DayKind::MakeupWorkday {
        let _ = write!(
            out,
            "  ({})",
            if lang == Lang::Zh {
                "调休上班"
            } else {
                "make-up working day"
            }
        );
    }
    if !cal.covers(day) {
        let _ = write!(
            out,
            "  {}",
            if lang == Lang::Zh {
                "(超出日历范围)"
            } else {
                "(past the calendar's coverage)"
            }
        );
    }
    out.push('\n');
}

/// The tasks grouped under a heading per day, then the dropped occurrences.
fn tasks_by_day(out: &mut String, plan: &Plan, cal: &Calendar, lang: Lang) {
    let mut day = None;
    for t in &plan.tasks {
        if day != Some(t.due) {
            day = Some(t.due);
            day_heading(out, t.due, cal, lang);
        }
        task_line(out, t, lang);
    }
    dropped_lines(out, &plan.dropped, lang);
}

fn dropped_lines(out: &mut String, dropped: &[followup::Dropped], lang: Lang) {
    if dropped.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\n{}",
        if lang == Lang::Zh {
            "未安排："
        } else {
            "Dropped:"
        }
    );
    for d in dropped {
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

fn header(out: &mut String, rules: &RuleSet, ep: &Episode, plan: &Plan, lang: Lang) {
    let zh = lang == Lang::Zh;
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
    let mut programs: Vec<&str> = plan.tasks.iter().map(|t| t.program()).collect();
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
}

/// One episode's plan: one line per task, grouped by day.
pub fn render(rules: &RuleSet, cal: &Calendar, ep: &Episode, plan: &Plan, lang: Lang) -> String {
    let mut out = String::new();
    header(&mut out, rules, ep, plan, lang);
    if plan.tasks.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            if lang == Lang::Zh {
                "（无任务）"
            } else {
                "(no tasks)"
            }
        );
    }
    tasks_by_day(&mut out, plan, cal, lang);
    out
}

/// Several episodes of one patient, merged into contacts: one line per contact, with
/// every reason under it.
pub fn render_merged(
    episodes: &[Episode],
    cal: &Calendar,
    merged: &MergedPlan,
    lang: Lang,
) -> String {
    let zh = lang == Lang::Zh;
    let mut out = String::new();
    let patient = episodes.first().map(|e| &e.patient);
    let _ = writeln!(
        out,
        "{} {} ({}) · {} {}",
        if zh {
            "合并回访日历 ·"
        } else {
            "Merged callback calendar ·"
        },
        patient.and_then(|p| p.name.as_deref()).unwrap_or("-"),
        patient.map_or("-", |p| &*p.id),
        episodes.len(),
        if zh { "个事件" } else { "episodes" }
    );
    for ep in episodes {
        let attrs: Vec<String> = ep
            .attributes
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let _ = writeln!(
            out,
            "  {} {} {} {}",
            ep.id,
            ep.event,
            ep.date(),
            attrs.join(", ")
        );
    }
    let mut day = None;
    for c in &merged.contacts {
        if day != Some(c.date) {
            day = Some(c.date);
            day_heading(&mut out, c.date, cal, lang);
        }
        let titles: Vec<String> = c
            .reasons
            .iter()
            .map(|r| {
                if c.reasons.len() > 1 {
                    format!("{} ({})", r.task.title().get(lang), r.task.program())
                } else {
                    r.task.title().get(lang).to_string()
                }
            })
            .collect();
        let _ = write!(
            out,
            "  {}  {}{}{}",
            c.window,
            pad(c.role.label(lang), 20),
            pad(c.channel.label(lang), 10),
            titles.join(" + ")
        );
        if c.reasons.len() > 1 {
            let _ = write!(
                out,
                "  [{} {}]",
                if zh { "合并" } else { "merged" },
                c.reasons.len()
            );
        }
        if let Some(from) = c.moved_from() {
            let _ = write!(
                out,
                "  [{} {from}: {}]",
                if zh { "由" } else { "moved from" },
                if zh { "频次上限" } else { "frequency cap" }
            );
        }
        out.push('\n');
    }
    dropped_lines(&mut out, &merged.dropped, lang);
    out
}

/// A patient's greetings over a horizon.
pub fn render_greetings(
    patient: &followup::Patient,
    from: NaiveDate,
    until: NaiveDate,
    cal: &Calendar,
    plan: &Plan,
    lang: Lang,
) -> String {
    let zh = lang == Lang::Zh;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\n{} {} ({}) · {from} .. {until}",
        if zh {
            "关怀与节日祝福 ·"
        } else {
            "Greetings and care messages ·"
        },
        patient.name.as_deref().unwrap_or("-"),
        patient.id
    );
    tasks_by_day(&mut out, plan, cal, lang);
    out
}
