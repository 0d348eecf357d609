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
/// assert_eq!(day1["restriction"]["period"]["start"], "2026-03-03T09:00:00+08:00");
/// assert_eq!(day1["for"]["identifier"]["value"], "p-42");
/// assert!(bundle["entry"][0]["fullUrl"].as_str().unwrap().starts_with("urn:uuid:"));
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
    let items = tasks(plans);
    let base = Base::of(&o.system);
    // The entries' fullUrls by export id: a derived task's `partOf` points at its parent's
    // entry when the parent is in the bundle.
    let urls: std::collections::BTreeMap<String, String> = (items.iter())
        .map(|item| {
            let id = item.id();
            let url = full_url(&base.system("task"), &id);
            (id, url)
        })
        .collect();
    Bundle {
        resource_type: "Bundle",
        kind: "collection",
        timestamp: o.stamp.map(|s| date_time(s, o)),
        entry: (items.iter())
            .map(|item| Entry {
                full_url: urls.get(&item.id()).cloned().unwrap_or_default(),
                resource: resource(item, o, &base, &urls),
            })
            .collect(),
    }
}

/// How identifier and code systems are made from [`Options::system`]: `<base>/task` for
/// a URL, `<base>:task` for a URN, `<base>.1` for an OID (`urn:oid:…`, whose systems
/// must be OIDs: each kind has its arc, [`OID_ARCS`]).
enum Base<'s> {
    Url(&'s str),
    Urn(&'s str),
    Oid(&'s str),
}

/// The arc each kind of system takes under an OID base (`urn:oid:1.2.156.1` →
/// `urn:oid:1.2.156.1.1` for task ids).
const OID_ARCS: [(&str, u8); 9] = [
    ("task", 1),
    ("program", 2),
    ("step", 3),
    ("role", 4),
    ("business-status", 5),
    ("patient", 6),
    ("episode", 7),
    ("staff", 8),
    ("task-input", 9),
];

impl<'s> Base<'s> {
    fn of(system: &'s str) -> Base<'s> {
        // URN schemes and namespaces are case-insensitive (`URN:OID:`); an empty base
        // would give relative systems (`/task`): the default's.
        let system = system.trim();
        if system.is_empty() {
            return Base::Urn("urn:followup");
        }
        let lower = |n: usize| system.get(..n).map(str::to_ascii_lowercase);
        if lower(8).as_deref() == Some("urn:oid:") {
            Base::Oid(system.strip_suffix('.').unwrap_or(system))
        } else if lower(4).as_deref() == Some("urn:") {
            // A base given with its separator is not given it twice (audit 74).
            Base::Urn(system.strip_suffix(':').unwrap_or(system))
        } else {
            Base::Url(system.strip_suffix('/').unwrap_or(system))
        }
    }

    /// The system of identifiers or codes of `kind`.
    fn system(&self, kind: &str) -> String {
        match self {
            Base::Url(b) => format!("{b}/{kind}"),
            Base::Urn(b) => format!("{b}:{kind}"),
            Base::Oid(b) => {
                let arc = OID_ARCS.iter().find(|(k, _)| *k == kind).map_or(0, |a| a.1);
                format!("{b}.{arc}")
            }
        }
    }

    /// The URI of a program (`instantiatesUri`); none under an OID base, whose URIs can
    /// only hold numbers.
    fn program(&self, id: &str) -> Option<String> {
        match self {
            Base::Url(b) => Some(format!("{b}/program/{id}")),
            Base::Urn(b) => Some(format!("{b}:program:{id}")),
            Base::Oid(_) => None,
        }
    }
}

/// The entry's `fullUrl`: a `urn:uuid:` made from the task's identifier (system and
/// value), the same in every export of the task — a UUID of version 8 (RFC 9562's
/// custom version) whose 122 free bits are a hash of the identifier.
fn full_url(system: &str, id: &str) -> String {
    // FNV-1a over the identifier, twice with other offsets, each mixed by SplitMix64's
    // finaliser: 128 well-spread bits from a few clear lines (no UUID crate for a name).
    let hash = |seed: u64| {
        let mut h = seed;
        for b in system.bytes().chain([b'|']).chain(id.bytes()) {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        h ^ (h >> 31)
    };
    let (hi, lo) = (hash(0xcbf2_9ce4_8422_2325), hash(0x6c62_272e_07bb_0142));
    // Version 8 in the high nibble of the seventh byte, variant `10` in the ninth.
    let hi = (hi & !0xf000) | 0x8000;
    let lo = (lo & !(0b11 << 62)) | (0b10 << 62);
    format!(
        "urn:uuid:{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        hi >> 32,
        (hi >> 16) & 0xffff,
        hi & 0xffff,
        lo >> 48,
        lo & 0xffff_ffff_ffff
    )
}

fn resource(
    item: &Item<'_>,
    o: &Options,
    base: &Base<'_>,
    urls: &std::collections::BTreeMap<String, String>,
) -> FhirTask {
    let (plan, t) = (item.plan, item.task);
    let id = |kind: &str, value: &str| Identifier {
        system: base.system(kind),
        value: value.to_string(),
    };
    let code = |kind: &str, code: &str, display: Option<String>| Coding {
        system: base.system(kind),
        code: code.to_string(),
        display,
    };
    let title = t.title().get(o.lang).to_string();
    let state = State::of(t);
    let (status, reason) = match state {
        State::Done => ("completed", None),
        // An unanswered try that what followed took over: the next attempt, the message
        // or the supervisor's task (audit 261: the last try said "a later attempt").
        State::Superseded => (
            "cancelled",
            Some(words(
                o.lang,
                "未接通：已由后续处理接替",
                "unanswered: what followed took it over",
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
    // One business status, the task's state now: its status on the as-of day, else what
    // the history recorded on it (audit 261: several facts in one concept, which FHIR
    // reads as other codings of one meaning). The other facts are inputs.
    let business = match (t.status, &t.record) {
        (Some(s), _) => Some(format!("as-of:{}", super::status_name(s))),
        (None, Some(r)) => Some(format!("outcome:{}", r.outcome.name())),
        (None, None) => None,
    };
    let business_status = business.map(|b| CodeableConcept {
        coding: vec![code("business-status", &b, None)],
        text: Some(b),
    });
    let input_of = |kind: &str| CodeableConcept {
        coding: vec![code("task-input", kind, None)],
        text: Some(kind.into()),
    };
    let input_code = |kind: &str, value: &str| Input {
        kind: input_of(kind),
        value_code: Some(value.into()),
        ..Input::default()
    };
    let window = |day: NaiveDate| t.window_on(day);
    let mut input = vec![
        input_code("channel", t.channel().name()),
        Input {
            kind: input_of("due"),
            value_period: Some(Period {
                start: Some(date_time(at(t.due, t.window.start), o)),
                end: Some(date_time(at(t.due, t.window.end), o)),
            }),
            ..Input::default()
        },
    ];
    if t.shifted.is_some() {
        input.push(Input {
            kind: input_of("nominal"),
            value_date: Some(t.nominal.to_string()),
            ..Input::default()
        });
    }
    if let Some(e) = t.expires {
        input.push(Input {
            kind: input_of("expires"),
            value_date: Some(e.to_string()),
            ..Input::default()
        });
    }
    if let Some(r) = t.shifted {
        input.push(input_code("shifted", r.name()));
    }
    if let Some(d) = t.derived {
        input.push(input_code("derived", &d.name()));
    }
    if let Some(f) = t.waits_for() {
        input.push(input_code("waits-for", f));
    }
    if let Some(r) = &t.record {
        input.push(input_code("outcome", r.outcome.name()));
    }
    if let Some(r) = t.closed {
        input.push(input_code("closed", r.name()));
    }
    if t.beyond_calendar {
        input.push(Input {
            kind: input_of("beyond-calendar"),
            value_boolean: Some(true),
            ..Input::default()
        });
    }
    if !plan.made_by.rules.is_empty() {
        input.push(Input {
            kind: input_of("rules"),
            value_string: Some(plan.made_by.rules.to_string()),
            ..Input::default()
        });
    }
    // A derived task is its own concept: the supervisor's check, the message, the
    // doctor's visit are not the call they come from (audit 261); a further attempt is
    // the same call.
    let step_code = match t.derived {
        Some(d) if !matches!(d, crate::plan::Derived::Attempt(_)) => {
            format!("{}/{}/{}", t.program(), t.step(), d.name())
        }
        _ => format!("{}/{}", t.program(), t.step()),
    };
    let part_of = item.parent_id().map(|p| Reference {
        reference: urls.get(&p).cloned(),
        ..Reference::to(id("task", &p), "Task")
    });
    // When work was done on it (R4: from the first action to the last): what the history
    // recorded, else nothing — the time it is planned for is `restriction` and the `due`
    // input (audit 261: the planned window read as work begun).
    let execution_period = t.record.as_ref().map(|r| Period {
        start: Some(date_time(r.at, o)),
        end: matches!(status, "completed" | "cancelled").then(|| date_time(r.at, o)),
    });
    FhirTask {
        resource_type: "Task",
        identifier: vec![id("task", &item.id())],
        instantiates_uri: base.program(t.program()),
        group_identifier: id("episode", &item.episode()),
        part_of: part_of.into_iter().collect(),
        status,
        status_reason: reason.map(|r| concept_text(&r)),
        business_status,
        intent: "order",
        code: CodeableConcept {
            coding: vec![code("step", &step_code, Some(title.clone()))],
            text: Some(title.clone()),
        },
        description: title,
        // A patient-level task (a greeting, a notice: episode `patient:<id>`) acts on no
        // episode (audit 263: a made-up episode was its focus).
        focus: (!t.episode().starts_with("patient:"))
            .then(|| Reference::to(id("episode", &item.episode()), "")),
        // By identifier only: the clinic's patient id is a business identifier, not the
        // server's resource id (audit 261: `Patient/<id>` named whichever patient a
        // server had given that id).
        patient: Reference::to(id("patient", t.patient()), "Patient"),
        execution_period,
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
                start: Some(date_time(at(t.earliest, window(t.earliest).start), o)),
                end: Some(date_time(at(t.latest, window(t.latest).end), o)),
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

/// A FHIR `dateTime` with the zone's offset: `2026-03-03T14:00:00+08:00`.
fn date_time(t: NaiveDateTime, o: &Options) -> String {
    format!("{}{}", t.format("%Y-%m-%dT%H:%M:%S"), o.zone.offset(true))
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
#[serde(rename_all = "camelCase")]
struct Entry {
    full_url: String,
    resource: FhirTask,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FhirTask {
    resource_type: &'static str,
    identifier: Vec<Identifier>,
    #[serde(skip_serializing_if = "Option::is_none")]
    instantiates_uri: Option<String>,
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
    #[serde(skip_serializing_if = "Option::is_none")]
    focus: Option<Reference>,
    #[serde(rename = "for")]
    patient: Reference,
    #[serde(skip_serializing_if = "Option::is_none")]
    execution_period: Option<Period>,
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
    #[serde(skip_serializing_if = "Option::is_none")]
    value_boolean: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value_period: Option<Period>,
}

impl Default for Input {
    fn default() -> Input {
        Input {
            kind: concept_text(""),
            value_code: None,
            value_date: None,
            value_string: None,
            value_boolean: None,
            value_period: None,
        }
    }
}
