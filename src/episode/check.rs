//! The data slips an episode is checked for before it is planned, each a small check that
//! names the JSON pointer of the offending value and says what was expected.

use super::Episode;
use crate::compile::pointer;
use crate::error::Located;
use crate::limits::{Limits, MAX_VALUE_CHARS};
use crate::rules::Channel;
use chrono::NaiveDate;

/// The characters of episode and patient ids: 1 to 64 of `A-Z a-z 0-9 . _ -`. Task ids are
/// `program/step/episode/occurrence`, so an id must not hold `/`; patient-level plans use
/// `patient:<id>`, so an episode id must not hold `:`; nor be `.` or `..` (dots alone),
/// which name folders in a path.
pub const ID_CHARS: &str = "1 to 64 of A-Z, a-z, 0-9, '.', '_' and '-', not dots alone";

pub(crate) fn is_safe_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        && id.bytes().any(|b| b != b'.')
}

type Check = fn(&Episode, &Limits) -> Result<(), Located>;

/// Every check, in the order their errors are reported.
const CHECKS: [Check; 14] = [
    fact_count,
    episode_id,
    patient_id,
    event,
    patient_dates,
    birthday,
    milestone_dates,
    course,
    opt_out_facts,
    rest_hours,
    patient_opt_outs,
    owners,
    values,
    tags,
];

/// The checks of a patient planned over a horizon (the episode is the engine's own).
const PATIENT_CHECKS: [Check; 7] = [
    patient_id,
    born_since_1900,
    patient_dates,
    rest_hours,
    patient_opt_outs,
    patient_name,
    tags,
];

impl Episode {
    /// Runs every check; the first failure is the error.
    pub(crate) fn checked(&self, limits: &Limits) -> Result<(), Located> {
        CHECKS.iter().try_for_each(|check| check(self, limits))
    }

    /// Runs the checks of the patient alone (patient-level plans).
    pub(crate) fn checked_patient(&self, limits: &Limits) -> Result<(), Located> {
        PATIENT_CHECKS
            .iter()
            .try_for_each(|check| check(self, limits))
    }
}

fn safe_id(at: &str, what: &str, id: &str) -> Result<(), Located> {
    if is_safe_id(id) {
        Ok(())
    } else {
        Err(Located::new(
            at,
            format!("invalid {what} {id:?}: expected {ID_CHARS} (task ids are program/step/episode/occurrence)"),
        ))
    }
}

fn episode_id(ep: &Episode, _: &Limits) -> Result<(), Located> {
    safe_id("/id", "episode id", &ep.id)
}

fn patient_id(ep: &Episode, _: &Limits) -> Result<(), Located> {
    safe_id("/patient/id", "patient id", &ep.patient.id)
}

/// A birthday after the event is a data-entry slip (a patient is born before they are
/// treated).
fn birthday(ep: &Episode, limits: &Limits) -> Result<(), Located> {
    match ep.patient.birthday {
        Some(b) if b > ep.date() => Err(Located::new(
            "/patient/birthday",
            format!("the birthday {b} is after the event on {}: expected a day of birth before the event", ep.date()),
        )),
        _ => born_since_1900(ep, limits),
    }
}

/// No birthday before 1900: `0001-01-01` or `1899-12-31` stand for "unknown" in some
/// systems, and would be greeted every year.
fn born_since_1900(ep: &Episode, _: &Limits) -> Result<(), Located> {
    use chrono::Datelike;
    match ep.patient.birthday {
        Some(b) if b.year() < 1900 => Err(Located::new(
            "/patient/birthday",
            format!("the birthday {b} is before 1900: expected a real day of birth (leave the birthday out when it is not known)"),
        )),
        _ => Ok(()),
    }
}

fn event(ep: &Episode, _: &Limits) -> Result<(), Located> {
    if ep.event.trim().is_empty() {
        return Err(Located::new(
            "/event",
            "the event is empty: expected the kind of event, such as \"procedure\", \"consultation\", \"course\" or \"complaint\"",
        ));
    }
    recorded_day("/at", "the event is", ep.date())?;
    for (i, f) in ep.facts.iter().enumerate() {
        recorded_day(&format!("/facts/{i}/at"), "the fact is", f.at.date())?;
    }
    for (i, r) in ep.reassignments.iter().enumerate() {
        let at = format!("/reassignments/{i}/at");
        recorded_day(&at, "the reassignment is", r.at.date())?;
    }
    Ok(())
}

/// The patient's refusal and opt-outs are days a host recorded, as facts are (audit 38:
/// a refusal of `1899-12-31` dropped every greeting without a word).
fn patient_dates(ep: &Episode, _: &Limits) -> Result<(), Located> {
    if let Some(at) = ep.patient.declined {
        recorded_day("/patient/declined", "the refusal is", at.date())?;
    }
    if let Some(back) = ep.patient.came_back {
        recorded_day("/patient/came_back", "the return is", back.date())?;
        if let Some(at) = ep.patient.declined.filter(|at| back <= *at) {
            return Err(Located::new(
                "/patient/came_back",
                format!("the patient came back at {back}, not after the refusal at {at} (`declined`): expected the time of an event after the refusal, or no `came_back`"),
            ));
        }
    }
    for (i, o) in ep.patient.opt_outs.iter().enumerate() {
        let at = format!("/patient/opt_outs/{i}/at");
        recorded_day(&at, "the opt-out is", o.at.date())?;
    }
    Ok(())
}

/// A day a host recorded, in the years such days are read in (as an outcome's or a
/// notice's): `0001-01-01` or `1899-12-31` stand for "unknown" in some systems, and a
/// plan counted from them would be planned without a word (audit 34).
fn recorded_day(at: &str, what: &str, day: NaiveDate) -> Result<(), Located> {
    use chrono::Datelike;
    if crate::time::RECORDED_YEARS.contains(&day.year()) {
        return Ok(());
    }
    Err(Located::new(
        at,
        format!(
            "{what} on {day}: expected a day of the years {} to {} (the years of real records: a day outside them is a placeholder or a slip)",
            crate::time::RECORDED_YEARS.start(),
            crate::time::RECORDED_YEARS.end()
        ),
    ))
}

/// At most `max_milestone_dates` dates per milestone, none before the event's day (a
/// suture removal dated before the surgery is a data-entry slip).
fn milestone_dates(ep: &Episode, limits: &Limits) -> Result<(), Located> {
    if ep.milestones.is_empty() {
        return Ok(());
    }
    let day = ep.date();
    for (name, dates) in &ep.milestones {
        // Built only on error: planning checks every episode.
        let at = || pointer(&["milestones", name]);
        // An episode built in code may hold what JSON refuses: no dates is no milestone
        // (its steps are then listed `missing_anchor`), not a milestone of no day.
        if dates.0.is_empty() {
            return Err(Located::new(
                at(),
                "no dates: expected a date \"YYYY-MM-DD\" or a non-empty array of dates (leave the milestone out when there is none)",
            ));
        }
        if dates.0.len() > limits.max_milestone_dates {
            return Err(Located::new(
                at(),
                format!(
                    "{} dates, more than the limit max_milestone_dates ({}): expected at most {}",
                    dates.0.len(),
                    limits.max_milestone_dates,
                    limits.max_milestone_dates
                ),
            )
            .limit("max_milestone_dates"));
        }
        for (i, d) in dates.0.iter().enumerate() {
            if *d < day || too_far(day, *d, limits.max_offset_days) {
                let here = if dates.0.len() == 1 {
                    at()
                } else {
                    format!("{}/{i}", at())
                };
                if *d >= day {
                    // A year typed wrong (2126 for 2026): no visit is booked that far
                    // ahead (audit 34).
                    return Err(Located::new(
                        here,
                        format!(
                            "{name} on {d} is more than max_offset_days ({}) after the event on {day}: expected a visit within them",
                            limits.max_offset_days
                        ),
                    )
                    .limit("max_offset_days"));
                }
                return Err(Located::new(
                    here,
                    format!("{name} on {d} is before the event on {day}: expected a date on or after the event's day"),
                ));
            }
            // A date given twice is a slip (a CRM row copied): each visit would get its
            // reminder and reception twice (audit 29).
            if let Some(first) = dates.0[..i].iter().position(|x| x == d) {
                return Err(Located::new(
                    format!("{}/{i}", at()),
                    format!(
                        "{name} on {d} is given twice (also {}/{first}): expected each date once",
                        at()
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Whether `d` is more than `max` days after `day`. Checked for every milestone date of
/// every plan: the years first (a few instructions), the days only when they may be.
fn too_far(day: NaiveDate, d: NaiveDate, max: u32) -> bool {
    use chrono::Datelike;
    let years = i64::from(d.year()) - i64::from(day.year());
    if years < i64::from(max / 366) {
        return false;
    }
    i64::from(d.num_days_from_ce()) - i64::from(day.num_days_from_ce()) > i64::from(max)
}

fn course(ep: &Episode, limits: &Limits) -> Result<(), Located> {
    let Some(course) = &ep.course else {
        return Ok(());
    };
    // Each session gives each per-session step one occurrence: more sessions than a step
    // may have occurrences could only fail when planned, far from the list.
    let most = limits.max_occurrences_per_step;
    let (done, planned) = (course.done.len(), course.planned.len());
    if done.saturating_add(planned) > most {
        let pointer = match most.checked_sub(done) {
            Some(k) => format!("/course/planned/{k}"),
            None => format!("/course/done/{most}"),
        };
        return Err(Located::new(
            pointer,
            format!(
                "{} course sessions ({done} done, {planned} planned), more than the limit max_occurrences_per_step ({most}): expected at most {most}",
                done + planned
            ),
        )
        .limit("max_occurrences_per_step"));
    }
    course
        .check()
        .map_err(|(pointer, message)| Located::new(pointer, message))?;
    let day = ep.date();
    for (list, dates) in [("done", &course.done), ("planned", &course.planned)] {
        if let Some((i, d)) = dates.iter().enumerate().find(|(_, d)| **d < day) {
            return Err(Located::new(
                format!("/course/{list}/{i}"),
                format!("session on {d} is before the event on {day}: expected sessions on or after the event's day (the course's first session is its event)"),
            ));
        }
        let far = |d: &NaiveDate| too_far(day, *d, limits.max_offset_days);
        if let Some((i, d)) = dates.iter().enumerate().find(|(_, d)| far(d)) {
            return Err(Located::new(
                format!("/course/{list}/{i}"),
                format!(
                    "session on {d} is more than max_offset_days ({}) after the event on {day}: expected a session within them",
                    limits.max_offset_days
                ),
            )
            .limit("max_offset_days"));
        }
    }
    Ok(())
}

/// A channel a patient can opt out of: one the clinic reaches them on (audit 162: an
/// opt-out of `internal` silently dropped a supervisor's review of a complaint).
fn reaches_the_patient(channel: Channel, at: String) -> Result<(), Located> {
    match channel {
        Channel::Internal | Channel::InPerson => Err(Located::new(
            at,
            format!(
                "an opt-out of {:?}: expected a way the clinic reaches the patient, \"phone\", \"sms\", \"wechat\", \"mail\" or \"home_visit\" ({})",
                channel.name(),
                if channel == Channel::Internal {
                    "internal is the staff's own work, such as a supervisor's review"
                } else {
                    "in_person is the patient's own visit: a refusal, or the patient not coming, ends it"
                }
            ),
        )),
        _ => Ok(()),
    }
}

fn opt_out_facts(ep: &Episode, _: &Limits) -> Result<(), Located> {
    for (i, f) in ep.facts.iter().enumerate() {
        if f.kind == "opt_out" {
            let Some(channel) = f.channel else {
                return Err(Located::new(
                    format!("/facts/{i}"),
                    "an opt_out fact has no channel: expected the channel the patient opted out of (\"phone\", \"sms\"…)",
                ));
            };
            reaches_the_patient(channel, format!("/facts/{i}/channel"))?;
        }
        if f.kind.trim().is_empty() {
            return Err(Located::new(
                format!("/facts/{i}/kind"),
                "the fact kind is empty: expected what happened, such as \"visited\", \"converted\" or \"recovered\"",
            ));
        }
    }
    Ok(())
}

fn rest_hours(ep: &Episode, _: &Limits) -> Result<(), Located> {
    for (i, w) in ep.patient.rest_hours.iter().enumerate() {
        if w.start >= w.end {
            return Err(Located::new(
                format!("/patient/rest_hours/{i}"),
                format!("rest hours {w}: expected start before end on the same day (write a night as two periods, 00:00-08:00 and 22:00-23:59)"),
            ));
        }
    }
    Ok(())
}

/// A channel opted out of twice is a slip (which date holds?).
fn patient_opt_outs(ep: &Episode, _: &Limits) -> Result<(), Located> {
    let outs = &ep.patient.opt_outs;
    for (i, o) in outs.iter().enumerate() {
        reaches_the_patient(o.channel, format!("/patient/opt_outs/{i}/channel"))?;
        if let Some(first) = outs.iter().take(i).position(|p| p.channel == o.channel) {
            return Err(Located::new(
                format!("/patient/opt_outs/{i}/channel"),
                format!(
                    "{} is opted out of twice (also /patient/opt_outs/{first}): expected each channel once, with the date it took effect",
                    o.channel.name()
                ),
            ));
        }
    }
    Ok(())
}

/// Owner ids are ids (they name staff in worklists and reports); a role handed over twice
/// at the same moment is a slip (to whom?).
fn owners(ep: &Episode, _: &Limits) -> Result<(), Located> {
    // The pointer is built only on an error: every plan checks its episode.
    let staff = |at: &dyn Fn() -> String, id: &str| {
        if is_safe_id(id) {
            Ok(())
        } else {
            Err(Located::new(
                at(),
                format!("invalid staff id {id:?}: expected {ID_CHARS}"),
            ))
        }
    };
    for (role, owner) in &ep.owners {
        staff(&|| format!("/owners/{}", role.name()), &owner.id)?;
    }
    let list = &ep.reassignments;
    for (i, r) in list.iter().enumerate() {
        staff(&|| format!("/reassignments/{i}/to"), &r.to.id)?;
        if let Some(first) = (list.iter().take(i)).position(|p| p.role == r.role && p.at == r.at) {
            return Err(Located::new(
                format!("/reassignments/{i}"),
                format!(
                    "{} is handed over twice at {} (also /reassignments/{first}): expected one new owner per moment",
                    r.role.name(),
                    r.at
                ),
            ));
        }
    }
    Ok(())
}

/// At most `max_facts` facts and `max_facts` reassignments: each task looks facts up.
fn fact_count(ep: &Episode, limits: &Limits) -> Result<(), Located> {
    for (at, n) in [
        ("/facts", ep.facts.len()),
        ("/reassignments", ep.reassignments.len()),
    ] {
        if n > limits.max_facts {
            return Err(Located::new(
                at,
                format!(
                    "{n} entries, more than the limit max_facts ({}): expected at most {}",
                    limits.max_facts, limits.max_facts
                ),
            )
            .limit("max_facts"));
        }
    }
    Ok(())
}

/// A value that may fill a placeholder (`{patient}`, `{owner}`, `{procedure}`) holds at
/// most [`MAX_VALUE_CHARS`] characters, and no control character (a NUL, an escape, a
/// line break: they would go into messages and exports): a filled text stays small and
/// printable.
fn value(at: &dyn Fn() -> String, what: &str, v: &str) -> Result<(), Located> {
    if let Some((i, c)) =
        (v.chars().enumerate()).find(|(_, c)| crate::text::unprintable_in_value(*c))
    {
        return Err(Located::new(
            at(),
            format!(
                "the {what} holds {} at character {}: expected printable text",
                crate::text::unprintable_name(c),
                i + 1
            ),
        ));
    }
    // Bytes bound characters: most values are checked without counting.
    if v.len() <= MAX_VALUE_CHARS {
        return Ok(());
    }
    let n = v.chars().count();
    if n <= MAX_VALUE_CHARS {
        return Ok(());
    }
    Err(Located::new(
        at(),
        format!("the {what} has {n} characters: expected at most {MAX_VALUE_CHARS}"),
    ))
}

/// No byte that may start a character a value may not hold: C0 and DEL, 0xC2, which
/// leads the C1 controls (U+0080-U+009F) and a few printable signs (`·`), 0xE2, which
/// leads the line and paragraph separators, most bidirectional controls and many
/// printable signs (`…`, `—`), and 0xD8, which leads the Arabic letter mark and Arabic
/// letters; [`value`] then tells them apart.
fn plain(v: &str) -> bool {
    !v.bytes()
        .any(|b| b < 0x20 || b == 0x7f || b == 0xc2 || b == 0xe2 || b == 0xd8)
}

fn patient_name(ep: &Episode, _: &Limits) -> Result<(), Located> {
    match &ep.patient.name {
        Some(name) => value(&|| "/patient/name".into(), "patient's name", name),
        None => Ok(()),
    }
}

/// The patient's tags are matched by conditions and shown in worklists: short and
/// printable, as values are (audit 63: a NUL and 100,000 characters were taken).
fn tags(ep: &Episode, _: &Limits) -> Result<(), Located> {
    let tags = &ep.patient.tags;
    if tags.iter().all(|t| t.len() <= MAX_VALUE_CHARS && plain(t)) {
        return Ok(());
    }
    for (i, tag) in tags.iter().enumerate() {
        value(&|| format!("/patient/tags/{i}"), "tag", tag)?;
    }
    Ok(())
}

fn values(ep: &Episode, limits: &Limits) -> Result<(), Located> {
    // Every plan checks its episode: the common case, all short, in one pass.
    let short = |v: &str| v.len() <= MAX_VALUE_CHARS && plain(v);
    if ep.patient.name.as_deref().is_none_or(short)
        && ep.attributes.values().all(|v| short(v))
        && ep
            .owners
            .values()
            .all(|o| o.name.as_deref().is_none_or(short))
        && (ep.reassignments.iter()).all(|r| r.to.name.as_deref().is_none_or(short))
    {
        return Ok(());
    }
    patient_name(ep, limits)?;
    for (key, v) in &ep.attributes {
        value(&|| pointer(&["attributes", key]), "attribute", v)?;
    }
    for (role, owner) in &ep.owners {
        if let Some(name) = &owner.name {
            value(
                &|| format!("/owners/{}/name", role.name()),
                "owner's name",
                name,
            )?;
        }
    }
    for (i, r) in ep.reassignments.iter().enumerate() {
        if let Some(name) = &r.to.name {
            value(
                &|| format!("/reassignments/{i}/to/name"),
                "owner's name",
                name,
            )?;
        }
    }
    Ok(())
}
