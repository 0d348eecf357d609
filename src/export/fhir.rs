//! FHIR R4: a `Bundle` of `Task` resources.

use super::{at, tasks, Item, Options, State};
use crate::plan::task::Plan;
use crate::text::Lang;
use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

/// The plans as a FHIR R4 `Bundle` of type `collection` holding one `Task` resource per
/// task, as pretty-printed JSON.
///
/// What goes where, and why a `collection`: see [the mapping](crate::export#fhir-r4-mapping).
///
/// ```
/// use followup::{export, calendar::Calendar, rules::RuleSet};
/// let rules = RuleSet::builtin()?;
/// let ep = rules.read_episode("ep", r#"{"id": "ep-1001", "event": "procedure",
///     "at": "2026-03-02T10:00", "attributes": {"category": "plastic", "setting": "inpatient"},
///     "patient": {"id": "p-42"}, "milestones": {"discharge": "2026-03-05"}}"#)?;
/// let plan = rules.plan(&ep, &Calendar::default())?;
/// let bundle = export::fhir_bundle([&plan], &export::Options::default());
/// assert_eq!(bundle["type"], "collection");
/// let day1 = &bundle["entry"][0]["resource"];
/// assert_eq!(day1["identifier"][0]["value"], "plastic-aftercare/day-1-call/ep-1001/0");
/// assert_eq!(day1["status"], "ready");
/// assert_eq!(day1["executionPeriod"]["start"], "2026-03-03T09:00:00+08:00");
/// assert_eq!(day1["for"]["reference"], "Patient/p-42");
/// let text = export::fhir([&plan], &export::Options::default());
/// assert!(serde_json::from_str::<serde_json::Value>(&text)? == bundle);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn fhir<'a>(plans: impl IntoIterator<Item = &'a Plan>, options: &Options) -> String {
    // These plain structs always serialise.
    serde_json::to_string_pretty(&bundle(plans, options)).unwrap_or_default()
}

/// [`fhir`] as a JSON value.
pub fn fhir_bundle<'a>(
    plans: impl IntoIterator<Item = &'a Plan>,
    options: &Options,
) -> serde_json::Value {
    serde_json::to_value(bundle(plans, options)).unwrap_or_default()
}

fn bundle<'a>(plans: impl IntoIterator<Item = &'a Plan>, o: &Options) -> Bundle {
    Bundle {
        resource_type: "Bundle",
        kind: "collection",
        timestamp: o.stamp.map(|s| date_time(s, o)),
        entry: (tasks(plans).into_iter())
            .map(|item| Entry {
                resource: resource(&item, o),
            })
            .collect(),
    }
}

fn resource(item: &Item<'_>, o: &Options) -> FhirTask {
    let (plan, t) = (item.plan, item.task);
    // `urn:followup:task`, `https://clinic.example/fhir/task`; a base given with its
    // separator is not given it twice (audit 74: `…/fhir//task`).
    let sep = if o.system.starts_with("urn:") {
        ':'
    } else {
        '/'
    };
    let base = o.system.strip_suffix(sep).unwrap_or(&o.system);
    let id = |kind: &str, value: &str| Identifier {
        system: format!("{base}{sep}{kind}"),
        value: value.to_string(),
    };
    let code = |kind: &str, code: &str, display: Option<String>| Coding {
        system: format!("{base}{sep}{kind}"),
        code: code.to_string(),
        display,
    };
    let title = t.title().get(o.lang).to_string();
    let state = State::of(t);
    let (status, reason) = match state {
        State::Done => ("completed", None),
        State::Superseded => (
            "cancelled",
            Some(words(
                o.lang,
                "已由下一次尝试接替",
                "superseded by a later attempt",
            )),
        ),
        State::Expired => (
            "cancelled",
            Some(words(o.lang, "已过期", "expired: no longer worth doing")),
        ),
        State::Started => ("in-progress", None),
        // FHIR's "not yet ready to be acted upon".
        State::Waiting => ("draft", t.waits_for().map(|fact| waits_for(fact, o.lang))),
        State::Open => ("ready", None),
    };
    let mut facts = Vec::new();
    if let Some(r) = t.shifted {
        facts.push(format!("shifted:{}", r.name()));
    }
    if let Some(d) = t.derived {
        facts.push(format!("derived:{}", d.name()));
    }
    if let Some(f) = t.waits_for() {
        facts.push(format!("waits-for:{f}"));
    }
    if let Some(r) = &t.record {
        facts.push(format!("outcome:{}", r.outcome.name()));
    }
    if let Some(s) = t.status {
        facts.push(format!("as-of:{}", super::status_name(s)));
    }
    if t.beyond_calendar {
        facts.push("beyond-calendar".into());
    }
    if let Some(r) = t.closed {
        facts.push(format!("closed:{}", r.name()));
    }
    let business_status = (!facts.is_empty()).then(|| CodeableConcept {
        text: Some(facts.join(", ")),
        coding: facts
            .into_iter()
            .map(|f| code("business-status", &f, None))
            .collect(),
    });
    let mut input = vec![Input {
        kind: concept_text("channel"),
        value_code: Some(t.channel().name().into()),
        ..Input::default()
    }];
    if t.shifted.is_some() {
        input.push(Input {
            kind: concept_text("nominal"),
            value_date: Some(t.nominal.to_string()),
            ..Input::default()
        });
    }
    if let Some(e) = t.expires {
        input.push(Input {
            kind: concept_text("expires"),
            value_date: Some(e.to_string()),
            ..Input::default()
        });
    }
    if !plan.made_by.rules.is_empty() {
        input.push(Input {
            kind: concept_text("rules"),
            value_string: Some(plan.made_by.rules.to_string()),
            ..Input::default()
        });
    }
    let patient = t.patient();
    FhirTask {
        resource_type: "Task",
        identifier: vec![id("task", &item.id())],
        instantiates_uri: format!("{base}{sep}program{sep}{}", t.program()),
        group_identifier: id("episode", &item.episode()),
        part_of: item
            .parent_id()
            .map(|p| Reference::to(id("task", &p), "Task"))
            .into_iter()
            .collect(),
        status,
        status_reason: reason.map(|r| concept_text(&r)),
        business_status,
        intent: "order",
        code: CodeableConcept {
            coding: vec![code(
                "step",
                &format!("{}/{}", t.program(), t.step()),
                Some(title.clone()),
            )],
            text: Some(title.clone()),
        },
        description: title,
        focus: Reference::to(id("episode", &item.episode()), ""),
        patient: Reference {
            reference: is_fhir_id(patient).then(|| format!("Patient/{patient}")),
            ..Reference::to(id("patient", patient), "Patient")
        },
        execution_period: Period {
            start: Some(date_time(at(t.due, t.window.start), o)),
            end: Some(date_time(at(t.due, t.window.end), o)),
        },
        // Authored before its outcome was recorded: a stamp after the record is not when
        // it was authored, and FHIR's `inv-1` wants `lastModified` ≥ `authoredOn` (audit
        // 182: every task with an outcome broke it once a host set the stamp).
        authored_on: (o.stamp)
            .filter(|s| t.record.as_ref().is_none_or(|r| *s <= r.at))
            .map(|s| date_time(s, o)),
        last_modified: t.record.as_ref().map(|r| date_time(r.at, o)),
        performer_type: vec![CodeableConcept {
            coding: vec![code("role", t.role().name(), None)],
            text: None,
        }],
        owner: (t.owner.as_deref()).map(|who| Reference::to(id("staff", who), "")),
        note: (t.script())
            .map(|s| Annotation {
                text: s.get(o.lang).to_string(),
            })
            .into_iter()
            .collect(),
        restriction: Restriction {
            period: Period {
                start: Some(date(t.earliest)),
                end: Some(date(t.latest)),
            },
        },
        input,
    }
}

/// Why a waiting task is a draft, in words: `waits for recovered: no contact until it
/// is recorded`.
pub(super) fn waits_for(fact: &str, lang: Lang) -> String {
    let name = crate::labels::fact(fact, lang).unwrap_or(fact);
    match lang {
        Lang::Zh => format!("等待: {name}（记录后才联系）"),
        Lang::En => format!("waits for {name}: no contact until it is recorded"),
    }
}

fn words(lang: Lang, zh: &str, en: &str) -> String {
    lang.pick((zh, en)).into()
}

fn concept_text(text: &str) -> CodeableConcept {
    CodeableConcept {
        coding: Vec::new(),
        text: Some(text.into()),
    }
}

/// A FHIR `id`: `[A-Za-z0-9\-\.]{1,64}`.
fn is_fhir_id(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

/// A FHIR `dateTime` with the zone's offset: `2026-03-03T14:00:00+08:00`.
fn date_time(t: NaiveDateTime, o: &Options) -> String {
    format!("{}{}", t.format("%Y-%m-%dT%H:%M:%S"), o.zone.offset(true))
}

fn date(d: NaiveDate) -> String {
    d.to_string()
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Bundle {
    resource_type: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    timestamp: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    entry: Vec<Entry>,
}

#[derive(Serialize)]
struct Entry {
    resource: FhirTask,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FhirTask {
    resource_type: &'static str,
    identifier: Vec<Identifier>,
    instantiates_uri: String,
    group_identifier: Identifier,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    part_of: Vec<Reference>,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    status_reason: Option<CodeableConcept>,
    #[serde(skip_serializing_if = "Option::is_none")]
    business_status: Option<CodeableConcept>,
    intent: &'static str,
    code: CodeableConcept,
    description: String,
    focus: Reference,
    #[serde(rename = "for")]
    patient: Reference,
    execution_period: Period,
    #[serde(skip_serializing_if = "Option::is_none")]
    authored_on: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_modified: Option<String>,
    performer_type: Vec<CodeableConcept>,
    #[serde(skip_serializing_if = "Option::is_none")]
    owner: Option<Reference>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    note: Vec<Annotation>,
    restriction: Restriction,
    input: Vec<Input>,
}

#[derive(Serialize)]
struct Identifier {
    system: String,
    value: String,
}

#[derive(Serialize)]
struct Reference {
    #[serde(skip_serializing_if = "Option::is_none")]
    reference: Option<String>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    identifier: Option<Identifier>,
}

impl Reference {
    /// A reference by identifier, of resource type `kind` unless empty.
    fn to(identifier: Identifier, kind: &str) -> Reference {
        Reference {
            reference: None,
            kind: (!kind.is_empty()).then(|| kind.into()),
            identifier: Some(identifier),
        }
    }
}

#[derive(Serialize)]
struct Coding {
    system: String,
    code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    display: Option<String>,
}

#[derive(Serialize)]
struct CodeableConcept {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    coding: Vec<Coding>,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<String>,
}

#[derive(Serialize)]
struct Period {
    #[serde(skip_serializing_if = "Option::is_none")]
    start: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end: Option<String>,
}

#[derive(Serialize)]
struct Annotation {
    text: String,
}

#[derive(Serialize)]
struct Restriction {
    period: Period,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Input {
    #[serde(rename = "type")]
    kind: CodeableConcept,
    #[serde(skip_serializing_if = "Option::is_none")]
    value_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value_string: Option<String>,
}

impl Default for Input {
    fn default() -> Input {
        Input {
            kind: concept_text(""),
            value_code: None,
            value_date: None,
            value_string: None,
        }
    }
}
