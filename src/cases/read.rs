//! Reading a case file: the file as written (serde), then the checks its shape alone
//! cannot make, each error at its JSON pointer with line and column.

use super::expect::{DropEntry, Expect, Match, Place, TaskEntry};
use super::{Case, CaseSubject, Cases};
use crate::calendar::{Calendar, Unchecked};
use crate::episode::{dates, Episode, Patient};
use crate::error::{Located, Result};
use crate::history::History;
use crate::json::{self, Object};
use crate::limits::Limits;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;

/// The one format a case file may name.
pub const CASES_FORMAT: &str = "followup-cases/v1";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDef {
    #[serde(default, deserialize_with = "format_field")]
    #[allow(dead_code)]
    format: (),
    #[serde(default, deserialize_with = "json::unique_map")]
    calendars: BTreeMap<String, Object<Unchecked>>,
    cases: Vec<Object<CaseDef>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseDef {
    name: String,
    #[serde(default, deserialize_with = "boxed_episode")]
    episode: Option<Box<Episode>>,
    #[serde(default, deserialize_with = "json::object_opt")]
    patient: Option<Patient>,
    #[serde(default, deserialize_with = "json::object_opt")]
    horizon: Option<HorizonDef>,
    #[serde(default)]
    calendar: Option<CalendarDef>,
    #[serde(default, deserialize_with = "json::object_opt")]
    history: Option<History>,
    #[serde(deserialize_with = "json::object")]
    expect: ExpectDef,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HorizonDef {
    from: dates::Date,
    until: dates::Date,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectDef {
    #[serde(default, rename = "match")]
    matching: Match,
    #[serde(default)]
    tasks: Vec<TaskEntry>,
    #[serde(default)]
    dropped: Vec<DropEntry>,
    #[serde(default, deserialize_with = "programs_field")]
    programs: Option<Vec<String>>,
    #[serde(default, deserialize_with = "programs_field")]
    only: Option<Vec<String>>,
}

impl json::Expected for FileDef {
    const EXPECTED: &'static str =
        "a case file (a JSON object such as {\"cases\": [{\"name\": …, \"episode\": …, \"expect\": …}]})";
}

impl json::Expected for CaseDef {
    const EXPECTED: &'static str =
        "a case (a JSON object with \"name\", \"episode\" or \"patient\", and \"expect\")";
}

impl json::Expected for HorizonDef {
    const EXPECTED: &'static str =
        "a horizon (a JSON object such as {\"from\": \"2026-01-01\", \"until\": \"2026-12-31\"})";
}

impl json::Expected for ExpectDef {
    const EXPECTED: &'static str =
        "an expectation (a JSON object such as {\"match\": \"exact\", \"tasks\": […], \"dropped\": […]})";
}

fn boxed_episode<'de, D: Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<Box<Episode>>, D::Error> {
    json::object_opt::<D, Episode>(d).map(|e| e.map(Box::new))
}

fn format_field<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<(), D::Error> {
    let s = String::deserialize(d)?;
    if s == CASES_FORMAT {
        Ok(())
    } else {
        Err(de::Error::custom(format!(
            "unknown format {s:?}: expected \"{CASES_FORMAT}\" (or no \"format\")"
        )))
    }
}

fn programs_field<'de, D: Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<Vec<String>>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a program id or an array of program ids")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Vec<String>, E> {
            Ok(vec![v.to_string()])
        }
        fn visit_seq<A: SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> std::result::Result<Vec<String>, A::Error> {
            let mut out = Vec::new();
            while let Some(p) = seq.next_element::<String>()? {
                out.push(p);
            }
            Ok(out)
        }
    }
    let list = d.deserialize_any(V)?;
    if let Some(bad) = list.iter().find(|p| !crate::compile::is_id(p)) {
        return Err(de::Error::custom(format!(
            "invalid program id {bad:?}: expected 1 to 64 lower-case letters, digits, '-' or '_', starting with a letter or digit"
        )));
    }
    Ok(Some(list))
}

/// A case's calendar as written: a name, an object, or an array of them.
struct CalendarDef {
    parts: Vec<CalendarPart>,
    /// Written as one value rather than an array (errors point at it, not into it).
    single: bool,
}

enum CalendarPart {
    Name(String),
    Inline(Box<Unchecked>),
}

const CALENDAR_FORM: &str = "a calendar name (\"cn-2026\", \"cn\" or a name from \"calendars\"), a calendar object, or an array of them";

struct PartVisitor;

impl<'de> Visitor<'de> for PartVisitor {
    type Value = CalendarPart;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(CALENDAR_FORM)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<CalendarPart, E> {
        Ok(CalendarPart::Name(v.to_string()))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> std::result::Result<CalendarPart, A::Error> {
        let u = Unchecked::deserialize(de::value::MapAccessDeserializer::new(map))?;
        Ok(CalendarPart::Inline(Box::new(u)))
    }
}

impl<'de> Deserialize<'de> for CalendarPart {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(PartVisitor)
    }
}

impl<'de> Deserialize<'de> for CalendarDef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = CalendarDef;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(CALENDAR_FORM)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<CalendarDef, E> {
                let part = PartVisitor.visit_str(v)?;
                Ok(CalendarDef {
                    parts: vec![part],
                    single: true,
                })
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                map: A,
            ) -> std::result::Result<CalendarDef, A::Error> {
                let part = PartVisitor.visit_map(map)?;
                Ok(CalendarDef {
                    parts: vec![part],
                    single: true,
                })
            }
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<CalendarDef, A::Error> {
                let mut parts = Vec::new();
                while let Some(p) = seq.next_element::<CalendarPart>()? {
                    parts.push(p);
                }
                Ok(CalendarDef {
                    parts,
                    single: false,
                })
            }
        }
        d.deserialize_any(V)
    }
}

/// What the cases of one file share while they are read.
struct Context<'a> {
    limits: &'a Limits,
    named: BTreeMap<String, Calendar>,
    /// Official calendars already built, by first and last year.
    #[cfg(feature = "china-calendars")]
    official: BTreeMap<(i32, i32), Calendar>,
}

/// `e` with its pointer under `prefix`.
fn under(prefix: &str) -> impl Fn(Located) -> Located + '_ {
    move |mut e| {
        e.pointer = format!("{prefix}{}", e.pointer);
        e
    }
}

pub(super) fn read(name: &str, text: &str, limits: &Limits) -> Result<Cases> {
    if let Some(e) = json::empty(
        text,
        "a case file (a JSON object such as {\"cases\": [{\"name\": …, \"episode\": …, \"expect\": …}]})",
    ) {
        return Err(e.into_case(name));
    }
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Object(file): Object<FileDef> = json::read(text, limits).map_err(|e| e.into_case(name))?;
    let located = |e: Located| json::located_in(e, text).into_case(name);
    if file.cases.is_empty() {
        return Err(located(Located::new(
            "/cases",
            "no cases: expected at least one case",
        )));
    }
    let mut ctx = Context {
        limits,
        named: BTreeMap::new(),
        #[cfg(feature = "china-calendars")]
        official: BTreeMap::new(),
    };
    for (key, Object(unchecked)) in file.calendars {
        let mut at = String::from("/calendars");
        json::push_key(&mut at, &key);
        if key == "cn" || key.starts_with("cn-") || key.is_empty() {
            return Err(located(Located::new(
                at,
                format!("calendar name {key:?} is reserved: expected a name other than \"\", \"cn\" and \"cn-…\" (those name the official calendars)"),
            )));
        }
        let calendar = unchecked.check().map_err(under(&at)).map_err(located)?;
        ctx.named.insert(key, calendar);
    }
    let mut cases = Vec::with_capacity(file.cases.len());
    let mut names: BTreeMap<String, usize> = BTreeMap::new();
    for (i, Object(def)) in file.cases.into_iter().enumerate() {
        let at = format!("/cases/{i}");
        if let Some(first) = names.insert(def.name.clone(), i) {
            return Err(located(Located::new(
                format!("{at}/name"),
                format!("case name {:?} is given twice (also /cases/{first}/name): expected each case name once", def.name),
            )));
        }
        cases.push(case(&at, def, &mut ctx).map_err(located)?);
    }
    place(body, &mut cases);
    Ok(Cases {
        source: name.to_string(),
        cases,
    })
}

fn case(at: &str, def: CaseDef, ctx: &mut Context<'_>) -> std::result::Result<Case, Located> {
    if def.name.trim().is_empty() {
        return Err(Located::new(
            format!("{at}/name"),
            "the case has an empty name: expected a few words that say what it checks",
        ));
    }
    // A report prints the name: no escape may clear a terminal or forge a line (audit 63).
    // Nor may a bidirectional control reverse it, or a line separator break it (audit 96).
    let breaks = crate::error::breaks_the_line;
    if let Some((i, c)) = def.name.chars().enumerate().find(|(_, c)| breaks(*c)) {
        let what = if c.is_control() {
            "control character"
        } else {
            "character"
        };
        return Err(Located::new(
            format!("{at}/name"),
            format!(
                "the case name holds the {what} U+{:04X} at character {}: expected printable text on one line",
                u32::from(c),
                i + 1
            ),
        ));
    }
    let subject = subject(at, def.episode, def.patient, def.horizon, ctx.limits)?;
    let calendar = calendar(at, def.calendar, ctx)?;
    if let Some(h) = &def.history {
        h.checked().map_err(under(&format!("{at}/history")))?;
    }
    let e = def.expect;
    let expect = Expect {
        matching: e.matching,
        tasks: e.tasks.into_iter().map(|TaskEntry(t)| t).collect(),
        dropped: e.dropped.into_iter().map(|DropEntry(d)| d).collect(),
        programs: e.programs,
        only: e.only,
    };
    if expect.matching == Match::AtLeast
        && expect.tasks.is_empty()
        && expect.dropped.is_empty()
        && expect.programs.is_none()
    {
        return Err(Located::new(
            format!("{at}/expect"),
            "the case checks nothing: expected \"tasks\", \"dropped\" or \"programs\" (with \"match\": \"exact\", a list left out says the plan has none)",
        ));
    }
    let n = expect.tasks.len().saturating_add(expect.dropped.len());
    if n > ctx.limits.max_tasks_per_plan {
        return Err(Located::new(
            format!("{at}/expect"),
            format!(
                "{n} expected tasks and drops, more than the limit max_tasks_per_plan ({}) allows in a plan: expected at most {}",
                ctx.limits.max_tasks_per_plan,
                ctx.limits.max_tasks_per_plan
            ),
        )
        .limit("max_tasks_per_plan"));
    }
    Ok(Case {
        name: def.name,
        pointer: at.to_string(),
        line: None,
        subject,
        calendar,
        history: def.history,
        expect,
    })
}

fn subject(
    at: &str,
    episode: Option<Box<Episode>>,
    patient: Option<Patient>,
    horizon: Option<HorizonDef>,
    limits: &Limits,
) -> std::result::Result<CaseSubject, Located> {
    match (episode, patient, horizon) {
        (Some(_), Some(_), _) => Err(Located::new(
            format!("{at}/patient"),
            "the case has both an \"episode\" and a \"patient\": expected one of them (a patient with a \"horizon\" is for patient-level programs such as greetings)",
        )),
        (Some(_), None, Some(_)) => Err(Located::new(
            format!("{at}/horizon"),
            "a \"horizon\" is for a \"patient\" (patient-level programs such as greetings): expected no horizon with an \"episode\"",
        )),
        (Some(ep), None, None) => {
            ep.checked(limits).map_err(under(&format!("{at}/episode")))?;
            Ok(CaseSubject::Episode(ep))
        }
        (None, Some(_), None) => Err(Located::new(
            at,
            "the case has a \"patient\" and no \"horizon\": expected the days to plan, such as \"horizon\": {\"from\": \"2026-01-01\", \"until\": \"2026-12-31\"}",
        )),
        (None, Some(patient), Some(h)) => {
            let (from, until) = (h.from.0, h.until.0);
            // As planning checks it, located in the case file (audit 132: a horizon in the
            // year 0001 or 9999 was a failed case, at no pointer).
            crate::plan::check_horizon(&patient, from, until, limits)
                .map_err(|(field, e)| Located { pointer: format!("{at}/{field}"), ..e })?;
            check_patient(at, &patient, from, limits)?;
            Ok(CaseSubject::Patient { patient, from, until })
        }
        (None, None, _) => Err(Located::new(
            at,
            "the case has no \"episode\" and no \"patient\": expected an episode to plan, or a patient and a horizon for patient-level programs such as greetings",
        )),
    }
}

/// The checks planning makes of a patient planned over a horizon, made when the case is
/// read, at the case's pointers.
fn check_patient(
    at: &str,
    patient: &Patient,
    from: chrono::NaiveDate,
    limits: &Limits,
) -> std::result::Result<(), Located> {
    let episode = Episode {
        id: "case".into(),
        event: "patient".into(),
        at: from.and_time(chrono::NaiveTime::MIN),
        attributes: BTreeMap::new(),
        patient: patient.clone(),
        milestones: BTreeMap::new(),
        course: None,
        facts: Vec::new(),
        owners: BTreeMap::new(),
        reassignments: Vec::new(),
    };
    episode.checked_patient(limits).map_err(|mut e| {
        let rest = e.pointer.strip_prefix("/patient").unwrap_or(&e.pointer);
        e.pointer = format!("{at}/patient{rest}");
        e
    })
}

/// The case's calendar: the clinic's calendars (named or written in the case) merged in
/// order, then the official calendars of the years named, as the examples' `--calendar`
/// combines them. None given: the default calendar, open every day.
fn calendar(
    at: &str,
    def: Option<CalendarDef>,
    ctx: &mut Context<'_>,
) -> std::result::Result<Calendar, Located> {
    let Some(def) = def else {
        return Ok(Calendar::default());
    };
    let whole = format!("{at}/calendar");
    if def.parts.is_empty() {
        return Err(Located::new(
            whole,
            format!("no calendars: expected {CALENDAR_FORM}"),
        ));
    }
    let mut clinic: Option<Calendar> = None;
    // The official years named (pushed to with the `china-calendars` feature only).
    #[allow(unused_mut)]
    let mut years: Vec<i32> = Vec::new();
    for (k, part) in def.parts.into_iter().enumerate() {
        let here = if def.single {
            whole.clone()
        } else {
            format!("{whole}/{k}")
        };
        let cal = match part {
            #[cfg(not(feature = "china-calendars"))]
            CalendarPart::Name(n) if n == "cn" || n.starts_with("cn-") => {
                return Err(Located::new(
                    here,
                    format!("the official calendar {n:?} needs the `china-calendars` feature of followup, which this build leaves out"),
                ));
            }
            #[cfg(feature = "china-calendars")]
            CalendarPart::Name(n) if n == "cn" => {
                years.extend([*Calendar::CHINA_YEARS.start(), *Calendar::CHINA_YEARS.end()]);
                continue;
            }
            #[cfg(feature = "china-calendars")]
            CalendarPart::Name(n) if n.starts_with("cn-") => {
                years.push(official_year(&n).map_err(|m| Located::new(&here, m))?);
                continue;
            }
            CalendarPart::Name(n) => match ctx.named.get(&n) {
                Some(c) => c.clone(),
                None => return Err(Located::new(here, unknown_calendar(&n, &ctx.named))),
            },
            CalendarPart::Inline(u) => u.check().map_err(under(&here))?,
        };
        clinic = Some(match clinic {
            None => cal,
            Some(c) => c.merge(&cal).map_err(|e| {
                Located::new(&here, format!("the calendars cannot be combined: {e}"))
            })?,
        });
    }
    let clinic = clinic.unwrap_or_default();
    official_calendars(clinic, &years, ctx, &whole)
}

/// The clinic's calendar merged with the official calendars of `years` (none: the clinic's).
#[cfg(not(feature = "china-calendars"))]
fn official_calendars(
    clinic: Calendar,
    _years: &[i32],
    _ctx: &mut Context,
    _whole: &str,
) -> std::result::Result<Calendar, Located> {
    Ok(clinic)
}

/// The clinic's calendar merged with the official calendars of `years` (none: the clinic's).
#[cfg(feature = "china-calendars")]
fn official_calendars(
    clinic: Calendar,
    years: &[i32],
    ctx: &mut Context,
    whole: &str,
) -> std::result::Result<Calendar, Located> {
    let (Some(&first), Some(&last)) = (years.iter().min(), years.iter().max()) else {
        return Ok(clinic);
    };
    let official = match ctx.official.get(&(first, last)) {
        Some(c) => c.clone(),
        None => {
            let c = Calendar::china_years(first..=last)
                .map_err(|e| Located::new(whole, e.to_string()))?;
            ctx.official.insert((first, last), c.clone());
            c
        }
    };
    clinic
        .merge(&official)
        .map_err(|e| Located::new(whole, format!("the calendars cannot be combined: {e}")))
}

#[cfg(feature = "china-calendars")]
fn official_year(name: &str) -> std::result::Result<i32, String> {
    let years = Calendar::CHINA_YEARS;
    let year = name
        .strip_prefix("cn-")
        .filter(|y| y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|y| y.parse::<i32>().ok());
    match year {
        Some(y) if years.contains(&y) => Ok(y),
        _ => Err(format!(
            "no official calendar {name:?}: expected cn-{} to cn-{}, or cn for all of them",
            years.start(),
            years.end()
        )),
    }
}

fn unknown_calendar(name: &str, named: &BTreeMap<String, Calendar>) -> String {
    let known: Vec<&str> = named.keys().map(String::as_str).collect();
    let mut m = if known.is_empty() {
        format!("unknown calendar {name:?}: expected cn-YYYY, cn, or a calendar object (the file names no \"calendars\")")
    } else {
        format!(
            "unknown calendar {name:?}: expected cn-YYYY, cn, or a name from \"calendars\": {}",
            known.join(", ")
        )
    };
    // An official calendar spelt another way (`CN-2026`, `cn_2026`; audit 117).
    let lower = name.to_ascii_lowercase();
    let official = lower.strip_prefix("cn").and_then(|rest| {
        let year = rest.trim_start_matches(['-', '_']);
        let spelt_otherwise = lower != name
            || rest.starts_with('_')
            || rest.starts_with(|c: char| c.is_ascii_digit());
        let digits = year.bytes().all(|b| b.is_ascii_digit());
        (spelt_otherwise && digits).then(|| match year {
            "" => "cn".to_string(),
            y => format!("cn-{y}"),
        })
    });
    if let Some(near) = official
        .as_deref()
        .or(crate::vocabulary::nearest(name, &known))
    {
        m.push_str(&format!("; did you mean {near:?}?"));
    }
    m
}

/// Gives each case and each expected line its place in the text, walking the text once
/// (case files can hold thousands of lines; locating each from the start would not scale).
fn place(body: &str, cases: &mut [Case]) {
    let lines = json::Lines::new(body);
    let starts = json::offset_at(body, 0, "/cases")
        .map(|at| json::element_offsets(body, at))
        .unwrap_or_default();
    for (i, (case, start)) in cases.iter_mut().zip(starts).enumerate() {
        case.line = Some(lines.line_column(start).0);
        let expect = json::offset_at(body, start, "/expect");
        let list = |key: &str| -> Vec<usize> {
            expect
                .and_then(|e| json::offset_at(body, e, &format!("/{key}")))
                .map(|at| json::element_offsets(body, at))
                .unwrap_or_default()
        };
        let at = |key: &str, j: usize, offset: Option<&usize>| Place {
            pointer: format!("/cases/{i}/expect/{key}/{j}"),
            line: offset.map(|&o| lines.line_column(o).0),
        };
        let tasks = list("tasks");
        for (j, t) in case.expect.tasks.iter_mut().enumerate() {
            t.place = at("tasks", j, tasks.get(j));
        }
        let dropped = list("dropped");
        for (j, d) in case.expect.dropped.iter_mut().enumerate() {
            d.place = at("dropped", j, dropped.get(j));
        }
    }
}
