//! Filling titles and scripts when a plan is made: the patient's name, the procedure,
//! the owner, the clinic's name, and the session numbers and dates of a course. Pure: the
//! values come from the episode, the calendar and the occurrence, nothing else.
//!
//! A placeholder without a value takes neutral words in the text's language (the
//! fallback words, chosen by [`Words`]) that read naturally mid-sentence.

use super::task::TaskInfo;
use crate::calendar::Calendar;
use crate::episode::Episode;
use crate::template::{Placeholder, SessionFrom, StepTemplates, Value, Words};
use crate::text::Text;
use chrono::NaiveDate;
use std::sync::Arc;

/// A task's own title and script, filled from its step's templates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Filled {
    pub title: Text,
    pub script: Option<Text>,
}

/// What the episode is about, for `{procedure}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Procedure {
    /// A free text the clinic wrote (`procedure`, `interest`, `product`), used as it is.
    Named(Short),
    /// A category id (`skin`), shown by its name in the text's language when known.
    Category(Short),
}

/// Bytes a [`Short`] text keeps in place.
const IN_PLACE: usize = 22;

/// A text copied from the episode: in place when it is short (most names, procedures and
/// category ids), so a plan makes no allocation for it; on the heap when it is longer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Short {
    /// Its length and its bytes (UTF-8, copied from a `str`).
    InPlace(u8, [u8; IN_PLACE]),
    /// A longer text.
    Heap(Box<str>),
}

impl Short {
    pub(crate) fn new(s: &str) -> Short {
        let mut bytes = [0u8; IN_PLACE];
        match (bytes.get_mut(..s.len()), u8::try_from(s.len())) {
            (Some(place), Ok(len)) => {
                place.copy_from_slice(s.as_bytes());
                Short::InPlace(len, bytes)
            }
            _ => Short::Heap(s.into()),
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        match self {
            // Whole characters copied from a `str`: always UTF-8.
            Short::InPlace(len, bytes) => (bytes.get(..usize::from(*len)))
                .and_then(|b| std::str::from_utf8(b).ok())
                .unwrap_or_default(),
            Short::Heap(s) => s,
        }
    }
}

/// An owner's id, and the name the episode gives them, if any.
type OwnerName = (Arc<str>, Option<Arc<str>>);

/// What the placeholders of a plan's tasks are filled with, taken once per plan from the
/// episode and the calendar; `None` takes the fallback words. Tasks fill their texts from
/// it when asked for ([`super::Task::title`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct FillValues {
    pub patient: Option<Short>,
    pub procedure: Option<Procedure>,
    pub clinic: Option<Text>,
    /// The course's package size and its sessions' dates in number order (session `k`
    /// at `k - 1`).
    pub course: Option<(Option<u32>, Box<[NaiveDate]>, bool)>,
    /// The names scripts give the owners, by owner id: the first name the episode gives
    /// an id (in `owners`, then `reassignments`); none when it gives none — scripts then
    /// say the fallback words ("您的顾问"), never a staff id to the patient (audit 87).
    pub owners: Box<[OwnerName]>,
    /// The days of the milestones texts name (`{visit:NAME}`), as the plan has them.
    pub visits: Visits,
    /// The day of the episode's event (`{when:event}`); none for a patient.
    pub event: Option<NaiveDate>,
}

/// One day of one milestone of one program, for `{visit:NAME}`: (the ranks of the
/// program's steps, first and last; the milestone's index in its milestones; the day;
/// its place among the milestone's dates as the episode gives them).
pub(crate) type Visit = ((u32, u32), u8, NaiveDate, u32);

/// The days of the milestones a plan's texts name: the dates the episode gives, else the
/// default day as the calendar moved it. The first four in place (a plan names one or
/// two: no allocation), the others after them, each milestone's in the episode's order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Visits {
    first: [Option<Visit>; 4],
    more: Vec<Visit>,
}

impl Visits {
    pub(crate) fn push(&mut self, v: Visit) {
        match self.first.iter_mut().find(|s| s.is_none()) {
            Some(slot) => *slot = Some(v),
            None => self.more.push(v),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.first[0].is_none()
    }

    fn iter(&self) -> impl Iterator<Item = &Visit> {
        self.first.iter().flatten().chain(&self.more)
    }
}

/// The text as given, trimmed; `None` when blank.
fn given(s: &str) -> Option<&str> {
    Some(s.trim()).filter(|s| !s.is_empty())
}

/// What `{procedure}` says: the first of the attributes `procedure`, `interest` and
/// `product` given (not blank), else the `category`.
fn procedure(episode: &Episode) -> Option<Procedure> {
    const NAMED: [&str; 3] = ["procedure", "interest", "product"];
    let attributes = &episode.attributes;
    if attributes.len() > 8 {
        return (NAMED.iter())
            .find_map(|name| {
                episode
                    .attribute(name)
                    .and_then(given)
                    .map(|s| Procedure::Named(Short::new(s)))
            })
            .or_else(|| {
                (episode.attribute("category").and_then(given))
                    .map(|s| Procedure::Category(Short::new(s)))
            });
    }
    // A few attributes: one pass over them, the names' order kept by rank.
    let mut best: Option<(usize, &str)> = None;
    for (name, value) in attributes {
        let rank = match name.as_str() {
            "procedure" => 0,
            "interest" => 1,
            "product" => 2,
            "category" => 3,
            _ => continue,
        };
        if best.is_none_or(|(b, _)| rank < b)
            && let Some(v) = given(value)
        {
            best = Some((rank, v));
        }
    }
    best.map(|(rank, v)| match rank {
        3 => Procedure::Category(Short::new(v)),
        _ => Procedure::Named(Short::new(v)),
    })
}

impl FillValues {
    /// The values an episode and a calendar give.
    pub(crate) fn of(episode: &Episode, calendar: &Calendar) -> FillValues {
        let procedure = procedure(episode);
        let course = episode.course.as_ref().map(|c| {
            let mut dates = Vec::with_capacity(c.done.len().saturating_add(c.planned.len()));
            dates.extend(c.sessions().map(|s| s.date));
            (c.package, dates.into_boxed_slice(), c.ended)
        });
        let mut owners: Vec<OwnerName> = Vec::new();
        let all = (episode.owners.values()).chain(episode.reassignments.iter().map(|r| &r.to));
        for o in all {
            let name: Option<Arc<str>> = o.name.as_deref().and_then(given).map(Arc::from);
            match owners.iter_mut().find(|(id, _)| *id == o.id) {
                Some(entry) => {
                    if entry.1.is_none() {
                        entry.1 = name;
                    }
                }
                None => owners.push((o.id.clone(), name)),
            }
        }
        FillValues {
            patient: episode
                .patient
                .name
                .as_deref()
                .and_then(given)
                .map(Short::new),
            procedure,
            clinic: calendar.clinic().cloned(),
            course,
            owners: owners.into(),
            visits: Visits::default(),
            event: (!episode.id.starts_with("patient:")).then(|| episode.date()),
        }
    }

    /// The values for occurrence `n` of a step of rank `rank` whose templates are
    /// `templates` (where its session number comes from, the milestone it counts from),
    /// owned by `owner` (an id), due on `due`.
    pub(crate) fn context<'a>(
        &'a self,
        owner: Option<&'a str>,
        templates: Option<&StepTemplates>,
        n: u32,
        (rank, due): (u32, NaiveDate),
    ) -> FillContext<'a> {
        let session = templates.and_then(|t| t.session);
        let own = templates.and_then(|t| t.own).map(|m| (m, n));
        let sessions = self.course.as_ref().map(|(p, d, _)| (*p, &**d));
        let ended = self.course.as_ref().is_some_and(|c| c.2);
        let number = sessions
            .and_then(|(package, dates)| match session? {
                SessionFrom::Occurrence => Some(n),
                SessionFrom::OneLeft => package?.checked_sub(1),
                SessionFrom::CourseEnd => {
                    (package.filter(|_| !ended)).or_else(|| u32::try_from(dates.len()).ok())
                }
            })
            // Sessions are numbered from 1: a 0 is none (a course listing no session, whose
            // steps are dropped numbered 0; audit 158: "after session 0").
            .filter(|k| *k > 0);
        let (sessions_left, next_session, session_day) = match (sessions, number) {
            (Some((package, dates)), Some(k)) => (
                package.and_then(|p| p.checked_sub(k)),
                // Session `k + 1` is at index `k`, session `k` at `k - 1`.
                dates.get(k as usize).copied(),
                (k.checked_sub(1)).and_then(|i| dates.get(i as usize).copied()),
            ),
            _ => (None, None, None),
        };
        let owner = owner.and_then(|id| {
            (self.owners.iter())
                .find(|(o, _)| &**o == id)
                .and_then(|(_, name)| name.as_deref())
        });
        FillContext {
            patient: self.patient.as_ref().map(Short::as_str),
            procedure: self.procedure.as_ref(),
            owner: owner.map(str::trim).filter(|s| !s.is_empty()),
            clinic: self.clinic.as_ref(),
            session: number,
            sessions_left,
            next_session,
            session_day,
            own,
            event: self.event,
            visits: Some(&self.visits),
            rank,
            due,
        }
    }
}

/// What the placeholders of one task are filled with; `None` takes the fallback words.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct FillContext<'a> {
    pub patient: Option<&'a str>,
    pub procedure: Option<&'a Procedure>,
    pub owner: Option<&'a str>,
    pub clinic: Option<&'a Text>,
    pub session: Option<u32>,
    pub sessions_left: Option<u32>,
    pub next_session: Option<NaiveDate>,
    /// The day of the task's session, when the course lists it (`{when:session}`).
    pub session_day: Option<NaiveDate>,
    /// The milestone the task's step counts from and the task's occurrence (the date's
    /// place among the milestone's dates): the visit it is about.
    pub own: Option<(u8, u32)>,
    /// The day of the episode's event (`{when:event}`); none for a patient.
    pub event: Option<NaiveDate>,
    /// The plan's milestone days, the task's rank (its program's steps rank next to
    /// each other) and its day, for `{visit:NAME}`.
    pub visits: Option<&'a Visits>,
    pub rank: u32,
    pub due: NaiveDate,
}

impl<'a> FillContext<'a> {
    /// The value of `p` in the language `tag`, whose fallback words are `words`.
    pub(crate) fn value(&self, p: Placeholder, words: Words, tag: &str) -> Value<'a> {
        let given = match p {
            Placeholder::Patient => self.patient.map(Value::Str),
            Placeholder::Procedure => self.procedure.map(|pr| match pr {
                Procedure::Named(s) => Value::Str(s.as_str()),
                Procedure::Category(c) => {
                    Value::Str(category_name(c.as_str(), words).unwrap_or(c.as_str()))
                }
            }),
            Placeholder::Owner => self.owner.map(Value::Str),
            Placeholder::Clinic => self.clinic.map(|c| Value::Str(c.get_tag(tag))),
            Placeholder::Session => self.session.map(Value::Number),
            Placeholder::SessionsLeft => self.sessions_left.map(Value::Number),
            Placeholder::NextSession => self.next_session.map(Value::Date),
            Placeholder::Visit(m) => self.visit(m).map(Value::Date),
            Placeholder::When(m) => self.visit(m).map(|d| Value::Day(d, self.due, words)),
            Placeholder::WhenSession => (self.session_day).map(|d| Value::Day(d, self.due, words)),
            Placeholder::WhenEvent => self.event.map(|d| Value::Day(d, self.due, words)),
        };
        given.unwrap_or_else(|| Value::Str(fallback(p, words)))
    }

    /// The day of the program's milestone `m` a task due on `due` speaks of: the task's
    /// own visit when its step counts from `m`; else the first on or after its day,
    /// else the last before it.
    fn visit(&self, m: u8) -> Option<NaiveDate> {
        let visits = self.visits?;
        let days = || {
            (visits.iter())
                .filter(|((lo, hi), i, _, _)| *i == m && (*lo..=*hi).contains(&self.rank))
        };
        if let Some((_, n)) = self.own.filter(|(own, _)| *own == m)
            && let Some((_, _, d, _)) = days().find(|(_, _, _, k)| *k == n)
        {
            return Some(*d);
        }
        let (mut next, mut last): (Option<NaiveDate>, Option<NaiveDate>) = (None, None);
        for (_, _, d, _) in days() {
            if *d >= self.due {
                next = Some(next.map_or(*d, |n| n.min(*d)));
            }
            last = Some(last.map_or(*d, |l| l.max(*d)));
        }
        next.or(last)
    }

    /// The title of a task of the step `info`, filled from its templates.
    pub(crate) fn title(&self, templates: &StepTemplates, info: &TaskInfo) -> Text {
        match &templates.title {
            Some(t) => t.fill(|p, w, tag| self.value(p, w, tag)),
            None => info.title.clone(),
        }
    }

    /// The script of a task of the step `info`, filled from its templates.
    pub(crate) fn script(&self, templates: &StepTemplates, info: &TaskInfo) -> Option<Text> {
        match &templates.script {
            Some(t) => Some(t.fill(|p, w, tag| self.value(p, w, tag))),
            None => info.script.clone(),
        }
    }

    /// The title and script of a task of the step `info`, filled from its templates.
    pub(crate) fn fill(&self, templates: &StepTemplates, info: &TaskInfo) -> Filled {
        Filled {
            title: self.title(templates, info),
            script: self.script(templates, info),
        }
    }
}

/// The neutral words for a placeholder without a value, lower case where the language
/// has case, to read mid-sentence: `{patient}您好` → 顾客您好, `Dear {patient}` → Dear
/// customer, `请于{next_session}来院` → 请于约定的日期来院. A session number always has
/// a value where the rules allow `{session}`; its words are there for completeness.
pub(crate) fn fallback(p: Placeholder, words: Words) -> &'static str {
    let (zh, zh_hant, en) = match p {
        Placeholder::Patient => ("顾客", "顧客", "customer"),
        Placeholder::Procedure => ("治疗", "治療", "treatment"),
        Placeholder::Owner => ("您的顾问", "您的顧問", "your consultant"),
        Placeholder::Clinic => ("本院", "本院", "our clinic"),
        Placeholder::Session => ("本次", "本次", "this"),
        Placeholder::SessionsLeft => ("若干", "若干", "some"),
        Placeholder::NextSession | Placeholder::Visit(_) => {
            ("约定的日期", "約定的日期", "the agreed date")
        }
        Placeholder::When(_) | Placeholder::WhenSession => {
            ("约定的日期", "約定的日期", "on the agreed day")
        }
        Placeholder::WhenEvent => ("那天", "那天", "that day"),
    };
    match words {
        Words::Zh => zh,
        Words::ZhHant => zh_hant,
        Words::En => en,
    }
}

/// The name of a built-in category in a language (`skin` → 皮肤护理 / skin treatment).
fn category_name(id: &str, words: Words) -> Option<&'static str> {
    let (zh, zh_hant, en) = match id {
        "plastic" => ("整形手术", "整形手術", "plastic surgery"),
        "laser" => ("激光治疗", "激光治療", "laser treatment"),
        "skin" => ("皮肤护理", "皮膚護理", "skin treatment"),
        "dental" => ("口腔治疗", "口腔治療", "dental treatment"),
        "non_invasive" => ("无创治疗", "無創治療", "non-invasive treatment"),
        "injection" => ("注射治疗", "注射治療", "injection treatment"),
        "peel" => ("焕肤", "煥膚", "peel"),
        "microneedling" => ("微针", "微針", "microneedling"),
        "thread_lift" => ("埋线", "埋線", "thread lift"),
        _ => return None,
    };
    Some(match words {
        Words::Zh => zh,
        Words::ZhHant => zh_hant,
        Words::En => en,
    })
}

/// The own title and script of a task of no episode's step (a clinic notice) for
/// `patient`: the patient's name, the procedure of `episode` when there is one, the
/// clinic's name and the owner's.
pub(crate) fn fill_for_patient(
    info: &TaskInfo,
    patient: &crate::episode::Patient,
    episode: Option<&Episode>,
    calendar: &Calendar,
    owner: Option<&str>,
) -> Option<Arc<Filled>> {
    let templates = info.templates.as_deref()?;
    let mut values = match episode {
        Some(ep) => FillValues::of(ep, calendar),
        None => FillValues {
            clinic: calendar.clinic().cloned(),
            ..FillValues::default()
        },
    };
    values.patient = patient.name.as_deref().and_then(given).map(Short::new);
    let context = FillContext {
        owner: owner.map(str::trim).filter(|s| !s.is_empty()),
        ..values.context(None, None, 0, (u32::MAX, NaiveDate::MIN))
    };
    Some(Arc::new(context.fill(templates, info)))
}

#[cfg(test)]
mod tests {
    use super::{procedure, Procedure, Short, IN_PLACE};
    use crate::episode::Episode;

    /// Texts up to `IN_PLACE` bytes are kept in place, longer ones on the heap; both read
    /// back as given, multi-byte characters included.
    #[test]
    fn short_texts_read_back_as_given() {
        for s in [
            "",
            "a",
            "skin",
            "双眼皮",
            "眼综合 eyelid",
            &"x".repeat(IN_PLACE),
        ] {
            assert!(matches!(Short::new(s), Short::InPlace(..)), "{s}");
            assert_eq!(Short::new(s).as_str(), s);
        }
        for s in [&"x".repeat(IN_PLACE + 1), "全切双眼皮 + 开眼角 + 提肌矫正"] {
            assert!(matches!(Short::new(s), Short::Heap(_)), "{s}");
            assert_eq!(Short::new(s).as_str(), s);
        }
    }

    /// The first of `procedure`, `interest` and `product` that is not blank, else the
    /// category: the same with a few attributes (one pass) and with many (lookups).
    #[test]
    fn procedure_takes_the_first_given_attribute() {
        // The attributes, and the text with whether it is named (else a category).
        type Case<'a> = (&'a [(&'a str, &'a str)], Option<(&'a str, bool)>);
        let cases: [Case; 6] = [
            (&[("category", "skin")], Some(("skin", false))),
            (
                &[("category", "skin"), ("product", " serum ")],
                Some(("serum", true)),
            ),
            (
                &[("interest", "laser"), ("product", "serum")],
                Some(("laser", true)),
            ),
            (
                &[("procedure", "  "), ("interest", "laser")],
                Some(("laser", true)),
            ),
            (
                &[("procedure", "eyelid"), ("category", "plastic")],
                Some(("eyelid", true)),
            ),
            (&[("procedure", " "), ("setting", "inpatient")], None),
        ];
        for (attributes, want) in cases {
            for padding in [0, 12] {
                let mut ep = Episode::from_json(
                    "ep",
                    r#"{"id": "e", "event": "procedure", "at": "2026-03-02T10:00:00", "patient": {"id": "p"}}"#,
                )
                .unwrap();
                for (k, v) in attributes {
                    ep.attributes.insert(k.to_string(), v.to_string());
                }
                for i in 0..padding {
                    ep.attributes.insert(format!("z{i}"), "x".into());
                }
                let got = procedure(&ep).map(|p| match p {
                    Procedure::Named(s) => (s.as_str().to_string(), true),
                    Procedure::Category(s) => (s.as_str().to_string(), false),
                });
                let want = want.map(|(s, named)| (s.to_string(), named));
                assert_eq!(got, want, "{attributes:?} and {padding} more");
            }
        }
    }
}
