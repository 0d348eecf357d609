//! Templates: titles and scripts with placeholders (`{patient}`, `{session}`…), parsed
//! once when the rules are compiled and filled when a plan is made.
//!
//! A text is parsed language by language. A language without placeholders stays the text
//! as written (shared by every task); `{{` and `}}` are literal braces, unescaped once at
//! compile time. Unknown placeholders, unclosed braces and session placeholders in steps
//! without a course session are compile errors at the JSON pointer of the language.

use crate::error::Located;
use crate::json::escape::{escaped, string};
use crate::limits::{MAX_PLACEHOLDERS, MAX_TEXT_CHARS};
use crate::sms::SmsSize;
use crate::text::{resolve, Text};
use chrono::{Datelike, NaiveDate};
use std::fmt::Write as _;
use std::sync::Arc;

/// A value a template can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Placeholder {
    Patient,
    Procedure,
    Owner,
    Clinic,
    Session,
    SessionsLeft,
    NextSession,
    /// `{visit:NAME}`: the day of the program's milestone NAME (its index in the
    /// program's milestones), as the plan has it.
    Visit(u8),
    /// `{when:NAME}`: the same day said from the task's day (明天 / tomorrow, else the
    /// date): what a reminder moved off the day before its visit tells the patient.
    When(u8),
    /// `{when:session}`: the day of the task's session, said from the task's day.
    WhenSession,
    /// `{when:event}`: the day of the episode's event, said from the task's day.
    WhenEvent,
}

impl Placeholder {
    pub(crate) const ALL: [Placeholder; 7] = [
        Placeholder::Patient,
        Placeholder::Procedure,
        Placeholder::Owner,
        Placeholder::Clinic,
        Placeholder::Session,
        Placeholder::SessionsLeft,
        Placeholder::NextSession,
    ];

    /// The name written between braces.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Placeholder::Patient => "patient",
            Placeholder::Procedure => "procedure",
            Placeholder::Owner => "owner",
            Placeholder::Clinic => "clinic",
            Placeholder::Session => "session",
            Placeholder::SessionsLeft => "sessions_left",
            Placeholder::NextSession => "next_session",
            Placeholder::Visit(_) => "visit:NAME",
            Placeholder::When(_) => "when:NAME",
            Placeholder::WhenSession => "when:session",
            Placeholder::WhenEvent => "when:event",
        }
    }

    /// True for the placeholders only a course session can fill.
    pub(crate) fn needs_session(self) -> bool {
        matches!(
            self,
            Placeholder::Session
                | Placeholder::SessionsLeft
                | Placeholder::NextSession
                | Placeholder::WhenSession
        )
    }
}

/// Where the session number of a step's tasks comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SessionFrom {
    /// `each_session`, `before_each_upcoming_session`: the occurrence number is the
    /// session number.
    Occurrence,
    /// `one_session_left`: session `package - 1`.
    OneLeft,
    /// `course_end`: the last session (number `package`, else the last listed).
    CourseEnd,
}

/// The anchors whose tasks have a session number, in the order errors list them.
pub(crate) const SESSION_ANCHORS: [&str; 4] = [
    "each_session",
    "before_each_upcoming_session",
    "one_session_left",
    "course_end",
];

impl SessionFrom {
    /// The session source of a step counting `from` this anchor, if it has one.
    pub(crate) fn of_anchor(from: &str) -> Option<SessionFrom> {
        match from {
            "each_session" | "before_each_upcoming_session" => Some(SessionFrom::Occurrence),
            "one_session_left" => Some(SessionFrom::OneLeft),
            "course_end" => Some(SessionFrom::CourseEnd),
            _ => None,
        }
    }
}

/// Which language's fallback words fill a placeholder that has no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Words {
    Zh,
    ZhHant,
    En,
}

impl Words {
    /// The words for a language tag: the first of `zh-Hant`, `zh`, `en` on its fallback
    /// chain (`zh-HK` → traditional Chinese, `zh-CN` → Chinese, `ja` → English).
    pub(crate) fn of(tag: &str) -> Words {
        resolve(tag, |t| {
            if t.eq_ignore_ascii_case("zh-Hant") {
                Some(Words::ZhHant)
            } else if t.eq_ignore_ascii_case("zh") {
                Some(Words::Zh)
            } else if t.eq_ignore_ascii_case("en") {
                Some(Words::En)
            } else {
                None
            }
        })
        .unwrap_or(Words::En)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Literal(Literal),
    Slot(Placeholder),
    /// The next `len` pieces, a clause holding `{ahead:NAME}`, are left out when the
    /// day of milestone `visit` is before the task's ([`ahead`]).
    Gate {
        visit: u8,
        len: u16,
    },
}

/// A literal piece of a template, with what its tasks would otherwise work out each time
/// they are written: its JSON escapes and its size as an SMS.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Literal {
    text: Box<str>,
    json: Box<str>,
    sms: SmsSize,
}

impl Literal {
    fn of(text: String) -> Literal {
        let mut json = String::with_capacity(text.len());
        escaped(&mut json, &text);
        Literal {
            sms: SmsSize::of(&text),
            json: json.into(),
            text: text.into(),
        }
    }
}

/// One language's text cut into literal pieces and placeholders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Template {
    pieces: Box<[Piece]>,
}

/// What parsing one language's text gives.
#[derive(Debug, PartialEq, Eq)]
enum Parsed {
    /// No placeholder and no escaped brace: the text as written.
    Plain,
    /// No placeholder, but escaped braces: the text without its escapes.
    Unescaped(String),
    Template(Template),
}

/// Counts the bytes written to it.
struct Count(usize);

impl std::fmt::Write for Count {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0 += s.len();
        Ok(())
    }
}

/// `day` said from `from` in the language of `words` ([`Value::Day`]).
fn write_day(buf: &mut impl std::fmt::Write, day: NaiveDate, from: NaiveDate, words: Words) {
    let relative = match ((day - from).num_days(), words) {
        (0, Words::Zh | Words::ZhHant) => Some("今天"),
        (0, Words::En) => Some("today"),
        (1, Words::Zh | Words::ZhHant) => Some("明天"),
        (1, Words::En) => Some("tomorrow"),
        (2, Words::Zh) => Some("后天"),
        (2, Words::ZhHant) => Some("後天"),
        (2, Words::En) => Some("the day after tomorrow"),
        (-1, Words::Zh | Words::ZhHant) => Some("昨天"),
        (-1, Words::En) => Some("yesterday"),
        (-2, Words::Zh | Words::ZhHant) => Some("前天"),
        (-2, Words::En) => Some("the day before yesterday"),
        _ => None,
    };
    if let Some(r) = relative {
        let _ = buf.write_str(r);
        return;
    }
    let other_year = day.year() != from.year();
    // Writing to a String cannot fail.
    match words {
        Words::Zh | Words::ZhHant => {
            if other_year {
                let _ = write!(buf, "{}年", day.year());
            }
            let _ = write!(buf, "{}月{}日", day.month(), day.day());
        }
        Words::En => {
            let month = MONTHS
                .get(day.month0() as usize)
                .copied()
                .unwrap_or_default();
            let _ = write!(buf, "on {} {month}", day.day());
            if other_year {
                let _ = write!(buf, " {}", day.year());
            }
        }
    }
}

mod ahead;

const ESCAPES: &str = "write {{ and }} for literal braces";

fn known_list() -> String {
    let names: Vec<String> = Placeholder::ALL
        .iter()
        .map(|p| format!("{{{}}}", p.name()))
        .chain(
            [
                "{visit:MILESTONE}",
                "{when:MILESTONE}",
                "{ahead:MILESTONE}",
                "{when:session}",
                "{when:event}",
            ]
            .map(String::from),
        )
        .collect();
    names.join(", ")
}

/// The prefix of the placeholder of a milestone's day, `{visit:suture_removal}`.
const VISIT: &str = "visit:";

/// The prefix of the placeholder of a day said from the task's day, `{when:session}`.
const WHEN: &str = "when:";

/// The prefix of a visit's day said from the task's day, in a clause left out once the
/// visit is past: `{ahead:suture_removal}`.
const AHEAD: &str = "ahead:";

/// `{visit:NAME}` for the milestone NAME among `milestones` (the program's, in order).
fn visit(name: &str, milestones: &[&str], position: usize) -> Result<Placeholder, String> {
    let index = milestones.iter().position(|m| *m == name);
    match index.and_then(|i| u8::try_from(i).ok()) {
        Some(i) if i < 64 => Ok(Placeholder::Visit(i)),
        Some(_) => Err(format!(
            "{{visit:{name}}} at character {position} names the program's milestone number {}: expected one of its first 64 milestones",
            index.unwrap_or_default() + 1
        )),
        None if milestones.is_empty() => Err(format!(
            "unknown milestone {{visit:{name}}} at character {position}: this text has no milestones to name: expected another placeholder (only a step of a program whose \"milestones\" name {name} can use {{visit:{name}}})"
        )),
        None => {
            let near = crate::vocabulary::nearest(name.trim(), milestones)
                .map(|n| format!("; did you mean {{visit:{n}}}?"))
                .unwrap_or_default();
            Err(format!(
                "unknown milestone {{visit:{name}}} at character {position}: expected one of the program's milestones ({}){near}",
                milestones.join(", ")
            ))
        }
    }
}

/// The error for `{when:NAME}` naming nothing it can: `event`, `session` or one of the
/// program's milestones, with the nearest (audit 70: only the milestones were listed).
fn unknown_when(name: &str, milestones: &[&str], position: usize) -> String {
    let mut known = vec!["event", "session"];
    known.extend(milestones.iter().copied());
    let near = crate::vocabulary::nearest(name.trim(), &known)
        .map(|n| format!("; did you mean {{when:{n}}}?"))
        .unwrap_or_default();
    let named = match milestones {
        [] => String::new(),
        _ => format!(
            " or one of the program's milestones ({})",
            milestones.join(", ")
        ),
    };
    format!("unknown day {{when:{name}}} at character {position}: expected {{when:event}}, {{when:session}}{named}{near}")
}

/// Cuts `text` into literals and placeholders (`{visit:NAME}` naming one of
/// `milestones`); the error says what was expected.
fn parse(text: &str, milestones: &[&str]) -> Result<Parsed, String> {
    if !text.contains(['{', '}']) {
        return Ok(Parsed::Plain);
    }
    let mut pieces = Vec::new();
    let mut literal = String::new();
    // `{ahead:NAME}` placeholders: (their piece, the milestone, their character).
    let mut aheads: Vec<(usize, u8, usize)> = Vec::new();
    let mut chars = text.char_indices().peekable();
    // Character positions (1-based) for messages.
    let position = |byte: usize| text.get(..byte).map_or(0, |s| s.chars().count()) + 1;
    while let Some((i, c)) = chars.next() {
        match c {
            '{' if chars.peek().is_some_and(|&(_, n)| n == '{') => {
                chars.next();
                literal.push('{');
            }
            '}' if chars.peek().is_some_and(|&(_, n)| n == '}') => {
                chars.next();
                literal.push('}');
            }
            '}' => {
                return Err(format!(
                    "unmatched \"}}\" at character {}: expected }}}} for a literal brace",
                    position(i)
                ))
            }
            '{' => {
                let rest = text.get(i + 1..).unwrap_or_default();
                let name = match rest.find(['{', '}']) {
                    Some(end) if rest.get(end..).is_some_and(|r| r.starts_with('}')) => {
                        rest.get(..end).unwrap_or_default()
                    }
                    _ => {
                        return Err(format!(
                            "unclosed \"{{\" at character {}: expected a placeholder such as {{patient}} closed by \"}}\" ({ESCAPES})",
                            position(i)
                        ))
                    }
                };
                let ahead = name.strip_prefix(AHEAD);
                let found = match (name.strip_prefix(VISIT), name.strip_prefix(WHEN)) {
                    _ if ahead.is_some() => {
                        let m = ahead.unwrap_or_default();
                        match visit(m, milestones, position(i)) {
                            Ok(Placeholder::Visit(k)) => {
                                aheads.push((
                                    pieces.len() + usize::from(!literal.is_empty()),
                                    k,
                                    position(i),
                                ));
                                Some(Placeholder::When(k))
                            }
                            Ok(_) => None,
                            Err(e) => return Err(e.replace("{visit:", "{ahead:")),
                        }
                    }
                    (Some(m), _) => Some(visit(m, milestones, position(i))?),
                    (_, Some("session")) => Some(Placeholder::WhenSession),
                    (_, Some("event")) => Some(Placeholder::WhenEvent),
                    (_, Some(m)) => match visit(m, milestones, position(i)) {
                        Ok(Placeholder::Visit(k)) => Some(Placeholder::When(k)),
                        Ok(_) => None,
                        Err(_) => return Err(unknown_when(m, milestones, position(i))),
                    },
                    _ => Placeholder::ALL.into_iter().find(|p| p.name() == name),
                };
                let Some(p) = found else {
                    let names: Vec<&str> = Placeholder::ALL.iter().map(|p| p.name()).collect();
                    let near = crate::vocabulary::nearest(name.trim(), &names)
                        .map(|n| format!("; did you mean {{{n}}}?"))
                        .unwrap_or_default();
                    return Err(format!(
                        "unknown placeholder {{{name}}} at character {}: expected one of {} ({ESCAPES}){near}",
                        position(i),
                        known_list()
                    ));
                };
                if !literal.is_empty() {
                    pieces.push(Piece::Literal(Literal::of(std::mem::take(&mut literal))));
                }
                pieces.push(Piece::Slot(p));
                for _ in 0..name.chars().count() + 1 {
                    chars.next();
                }
            }
            c => literal.push(c),
        }
    }
    if pieces.is_empty() {
        return Ok(Parsed::Unescaped(literal));
    }
    if !literal.is_empty() {
        pieces.push(Piece::Literal(Literal::of(literal)));
    }
    // The last first: a gate put in shifts the pieces after it only.
    for (slot, visit, at) in aheads.into_iter().rev() {
        ahead::gate(&mut pieces, slot, visit, at)?;
    }
    Ok(Parsed::Template(Template {
        pieces: pieces.into(),
    }))
}

/// A value to put in place of a placeholder.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Value<'a> {
    Str(&'a str),
    Number(u32),
    Date(NaiveDate),
    /// A day said from another in a language: 今天, 明天, 后天, 昨天, 前天 / today,
    /// tomorrow, the day after tomorrow, yesterday, the day before yesterday, else 3月4日
    /// / on 4 March (the year too when it differs).
    Day(NaiveDate, NaiveDate, Words),
}

/// English month names, for [`Value::Day`] (and the explanations).
pub(crate) const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Value<'_> {
    /// The length written (exact for dates of years 0 to 9999).
    fn len(&self) -> usize {
        match self {
            Value::Str(s) => s.len(),
            Value::Number(n) => n.checked_ilog10().map_or(1, |d| d as usize + 1),
            Value::Date(d) if (0..=9999).contains(&d.year()) => 10,
            Value::Date(_) => 16,
            // Counted, not written: a plan fills texts with no scratch allocation.
            Value::Day(day, from, words) => {
                let mut n = Count(0);
                write_day(&mut n, *day, *from, *words);
                n.0
            }
        }
    }

    /// Its size as (part of) an SMS.
    fn sms_size(&self) -> SmsSize {
        match self {
            Value::Str(s) => SmsSize::of(s),
            Value::Day(..) => {
                let mut buf = String::new();
                self.write(&mut buf);
                SmsSize::of(&buf)
            }
            // ASCII digits and dashes, one septet each: their length as written.
            v => {
                let mut buf = String::new();
                v.write(&mut buf);
                SmsSize::digits(buf.len())
            }
        }
    }

    fn write(&self, buf: &mut String) {
        match self {
            Value::Str(s) => buf.push_str(s),
            // Writing to a String cannot fail.
            Value::Number(n) => drop(write!(buf, "{n}")),
            // By hand: chrono's formatting allocates a scratch string.
            Value::Date(d) if (0..=9999).contains(&d.year()) => drop(write!(
                buf,
                "{:04}-{:02}-{:02}",
                d.year(),
                d.month(),
                d.day()
            )),
            Value::Date(d) => drop(write!(buf, "{d}")),
            Value::Day(day, from, words) => write_day(buf, *day, *from, *words),
        }
    }
}

impl Template {
    /// The pieces written with these values: all but the clauses a gate leaves out (its
    /// visit is before the task's day), and the gates themselves.
    fn shown<'a, 'v, F: Fn(Placeholder) -> Value<'v> + ?Sized>(
        &'a self,
        value: &'a F,
    ) -> impl Iterator<Item = &'a Piece> + 'a {
        let mut skip = 0usize;
        self.pieces.iter().filter(move |piece| {
            if skip > 0 {
                skip -= 1;
                return false;
            }
            if let Piece::Gate { visit, len } = piece {
                if matches!(value(Placeholder::When(*visit)), Value::Day(day, from, _) if day < from)
                {
                    skip = usize::from(*len);
                }
                return false;
            }
            true
        })
    }

    fn len<'v>(&self, value: &impl Fn(Placeholder) -> Value<'v>) -> usize {
        self.shown(value)
            .map(|p| match p {
                Piece::Literal(l) => l.text.len(),
                Piece::Slot(p) => value(*p).len(),
                Piece::Gate { .. } => 0,
            })
            .fold(0, usize::saturating_add)
    }

    fn write<'v>(&self, buf: &mut String, value: &impl Fn(Placeholder) -> Value<'v>) {
        for piece in self.shown(value) {
            match piece {
                Piece::Literal(l) => buf.push_str(&l.text),
                Piece::Slot(p) => value(*p).write(buf),
                Piece::Gate { .. } => {}
            }
        }
    }

    /// [`Template::write`] as the inside of a JSON string: the literal pieces as escaped
    /// when compiled, the values escaped as they are written. With `sms`, the size of the
    /// text written as an SMS (else nothing is counted).
    fn write_json<'v>(
        &self,
        out: &mut String,
        value: &impl Fn(Placeholder) -> Value<'v>,
        sms: bool,
    ) -> SmsSize {
        let mut size = SmsSize::default();
        for piece in self.shown(value) {
            let piece_size = match piece {
                Piece::Gate { .. } => SmsSize::default(),
                Piece::Literal(l) => {
                    out.push_str(&l.json);
                    l.sms
                }
                Piece::Slot(p) => match value(*p) {
                    Value::Str(s) => {
                        escaped(out, s);
                        if sms {
                            SmsSize::of(s)
                        } else {
                            SmsSize::default()
                        }
                    }
                    // Words and digits of a day (明天, on 4 March): nothing to escape,
                    // but counted as text is (audit 67: 明天 counted six septets).
                    v @ Value::Day(..) => {
                        let start = out.len();
                        v.write(out);
                        if sms {
                            SmsSize::of(out.get(start..).unwrap_or_default())
                        } else {
                            SmsSize::default()
                        }
                    }
                    // Digits and dashes: nothing to escape.
                    v => {
                        let start = out.len();
                        v.write(out);
                        SmsSize::digits(out.len().saturating_sub(start))
                    }
                },
            };
            if sms {
                size = size.plus(piece_size);
            }
        }
        size
    }

    fn placeholders(&self) -> impl Iterator<Item = Placeholder> + '_ {
        self.pieces.iter().filter_map(|p| match p {
            Piece::Slot(p) => Some(*p),
            Piece::Literal(_) | Piece::Gate { .. } => None,
        })
    }
}

/// A text with placeholders in at least one of its languages.
#[derive(Debug, Clone)]
pub(crate) struct TextTemplate {
    /// The text as written: its tags, and the languages without placeholders.
    source: Text,
    /// Per language, in the text's order: its template (`None`: the language as written,
    /// unescaped) and the fallback words for it.
    langs: Box<[(Option<Template>, Words)]>,
    /// The languages without placeholders whose escaped braces were unescaped.
    unescaped: Box<[(usize, Box<str>)]>,
    /// Per language, in the text's order: what writing it as JSON needs.
    json: Box<[LangJson]>,
}

/// One language of a [`TextTemplate`] as JSON, made when the rules are compiled.
#[derive(Debug, Clone)]
struct LangJson {
    /// The language's tag.
    tag: Box<str>,
    /// `"tag":"`.
    head: Box<str>,
    /// For a language without placeholders: its text, escaped, and its size as an SMS.
    plain: Option<(Box<str>, SmsSize)>,
}

/// A text after compiling: shared as it is (or unescaped once), or a template.
#[derive(Debug, Clone)]
pub(crate) enum Compiled {
    Text(Text),
    Template(TextTemplate),
}

/// What a clinic notice's texts count from, for [`step_texts`]: no step, no session.
const NOTICE: &str = "(notice)";
/// What the texts of a follow-up added by hand count from: no step, no session.
const FOLLOW_UP: &str = "(follow-up)";

/// Parses every language of `text` (at the JSON pointer `at`), for a step whose tasks
/// take their session number from `session` (`None`: they have none; `from` names the
/// anchor in the error).
pub(crate) fn compile(
    text: &Text,
    at: &str,
    session: Option<SessionFrom>,
    from: &str,
    milestones: &[&str],
) -> Result<Compiled, Located> {
    let mut langs = Vec::new();
    let mut unescaped = Vec::new();
    let mut templated = false;
    for (i, (tag, s)) in text.iter().enumerate() {
        let here = || {
            let mut p = at.to_string();
            crate::json::push_key(&mut p, tag);
            p
        };
        let chars = s.chars().count();
        if chars > MAX_TEXT_CHARS {
            return Err(Located::new(
                here(),
                format!("the text has {chars} characters: expected at most {MAX_TEXT_CHARS}"),
            ));
        }
        let parsed = parse(s, milestones).map_err(|m| Located::new(here(), m))?;
        if let Parsed::Template(t) = &parsed {
            let n = t.placeholders().count();
            if n > MAX_PLACEHOLDERS {
                return Err(Located::new(
                    here(),
                    format!("the text has {n} placeholders: expected at most {MAX_PLACEHOLDERS}"),
                ));
            }
        }
        let template = match parsed {
            Parsed::Plain => None,
            Parsed::Unescaped(u) => {
                unescaped.push((i, u.into_boxed_str()));
                None
            }
            Parsed::Template(t) => Some(t),
        };
        if let Some(t) = &template {
            if let Some(p) = t.placeholders().find(|p| p.needs_session())
                && session.is_none()
            {
                // A notice or a follow-up added by hand is no step (audit 172: "this step
                // counts from \"event\"" of a notice).
                let message = match from {
                    NOTICE => format!(
                        "placeholder {{{}}} needs a course session, and a notice is the patient's: expected another placeholder, or none",
                        p.name()
                    ),
                    FOLLOW_UP => format!(
                        "placeholder {{{}}} needs a course session, and a follow-up added by hand has none: expected another placeholder, or none",
                        p.name()
                    ),
                    _ => format!(
                        "placeholder {{{}}} needs a course session, and this step counts from {from:?}: expected it only in steps from {}",
                        p.name(),
                        SESSION_ANCHORS.join(", ")
                    ),
                };
                return Err(Located::new(here(), message));
            }
            templated = true;
        }
        langs.push((template, Words::of(tag)));
    }
    let mut template = TextTemplate {
        source: text.clone(),
        langs: langs.into(),
        unescaped: unescaped.into(),
        json: Box::default(),
    };
    // Only a template is written from its pieces; a text without placeholders is shared.
    template.json = (0..template.langs.len())
        .filter(|_| templated)
        .map(|i| {
            let (t, _, tag, text) = template.lang(i);
            let mut head = String::new();
            string(&mut head, tag);
            head.push_str(":\"");
            let plain = t.is_none().then(|| {
                let mut json = String::with_capacity(text.len());
                escaped(&mut json, text);
                (json.into_boxed_str(), SmsSize::of(text))
            });
            LangJson {
                tag: tag.into(),
                head: head.into(),
                plain,
            }
        })
        .collect();
    Ok(if templated {
        Compiled::Template(template)
    } else if template.unescaped.is_empty() {
        Compiled::Text(text.clone())
    } else {
        // No placeholder: unescape once, here.
        Compiled::Text(template.fill(|_, _, _| Value::Str("")))
    })
}

/// The templates of a step's title and script (at least one of them), and where its
/// tasks' session number comes from.
#[derive(Debug, Clone)]
pub(crate) struct StepTemplates {
    pub title: Option<TextTemplate>,
    pub script: Option<TextTemplate>,
    pub session: Option<SessionFrom>,
    /// The milestones (indices in the program's) whose day a text names
    /// (`{visit:NAME}`), one bit each.
    pub visits: u64,
    /// The milestone the step counts from, once per date (no repeat): a text naming it
    /// names the task's own visit, whatever other dates the milestone has (audit 67: the
    /// reminder of a second dressing change named the first, "今天").
    pub own: Option<u8>,
}

impl StepTemplates {
    /// The pointer (`title/zh`, `script/en`) of the first language of the step's texts
    /// that says `{when:event}`.
    pub(crate) fn naming_the_event(&self) -> Option<String> {
        let names = |field: &str, t: &Option<TextTemplate>| {
            let t = t.as_ref()?;
            let i = (t.langs.iter()).position(|(l, _)| {
                l.as_ref()
                    .is_some_and(|l| l.placeholders().any(|p| p == Placeholder::WhenEvent))
            })?;
            let (tag, _) = t.source.iter().nth(i)?;
            Some(format!("{field}{}", crate::compile::pointer(&[tag])))
        };
        names("title", &self.title).or_else(|| names("script", &self.script))
    }
}

/// A step that repeats from each date of its milestone numbers its occurrences past the
/// dates: its texts name the milestone's day as any other step's do.
pub(crate) fn no_own_visit_if(repeats: bool, texts: &mut StepTexts) {
    if let (true, Some(t)) = (repeats, texts.templates.as_mut()) {
        Arc::make_mut(t).own = None;
    }
}

/// A step's title and script after compiling: the texts its tasks share (escapes
/// undone) and, when either has placeholders, the templates its tasks are filled from.
pub(crate) struct StepTexts {
    pub title: Text,
    pub script: Option<Text>,
    pub templates: Option<Arc<StepTemplates>>,
}

/// The title and script of a clinic notice: no step, no session, no milestones.
pub(crate) fn notice_texts(title: &Text, script: Option<&Text>) -> Result<StepTexts, Located> {
    step_texts(title, script, "", NOTICE, &[])
}

/// The title and script of a follow-up added by hand (at `at`, `/follow_ups/2`): no
/// step, no session, no milestones.
pub(crate) fn follow_up_texts(
    title: &Text,
    script: Option<&Text>,
    at: &str,
) -> Result<StepTexts, Located> {
    step_texts(title, script, at, FOLLOW_UP, &[])
}

/// Compiles the title and script of the step at `at` (`/steps/3`), which counts `from`
/// its anchor, in a program with `milestones` (names, in order; `{visit:NAME}` names one).
pub(crate) fn step_texts(
    title: &Text,
    script: Option<&Text>,
    at: &str,
    from: &str,
    milestones: &[&str],
) -> Result<StepTexts, Located> {
    let session = SessionFrom::of_anchor(from);
    let split = |c: Compiled| match c {
        Compiled::Text(t) => (t, None),
        Compiled::Template(t) => (t.source.clone(), Some(t)),
    };
    let (title, title_template) = split(compile(
        title,
        &format!("{at}/title"),
        session,
        from,
        milestones,
    )?);
    let (script, script_template) = match script {
        Some(s) => {
            let (s, t) = split(compile(
                s,
                &format!("{at}/script"),
                session,
                from,
                milestones,
            )?);
            (Some(s), t)
        }
        None => (None, None),
    };
    let templates = (title_template.is_some() || script_template.is_some()).then(|| {
        let visits = (title_template.iter().chain(&script_template))
            .flat_map(TextTemplate::placeholders)
            .fold(0u64, |bits, p| match p {
                Placeholder::Visit(i) | Placeholder::When(i) => {
                    bits | 1u64.checked_shl(u32::from(i)).unwrap_or(0)
                }
                _ => bits,
            });
        let own = (milestones.iter().position(|m| *m == from)).and_then(|i| u8::try_from(i).ok());
        Arc::new(StepTemplates {
            title: title_template,
            script: script_template,
            session,
            visits,
            own,
        })
    });
    Ok(StepTexts {
        title,
        script,
        templates,
    })
}

impl TextTemplate {
    /// The placeholders of every language.
    fn placeholders(&self) -> impl Iterator<Item = Placeholder> + '_ {
        (self.langs.iter())
            .filter_map(|(t, _)| t.as_ref())
            .flat_map(Template::placeholders)
    }

    /// Fills every language: `value(placeholder, words, tag)` gives each placeholder's
    /// value in the language `tag` (whose fallback words are `words`). One allocation for
    /// the text, one more when it has languages beyond `zh` and `en`, and the reference
    /// count's.
    pub(crate) fn fill<'v>(&self, value: impl Fn(Placeholder, Words, &str) -> Value<'v>) -> Text {
        let lang = |i: usize| self.lang(i);
        let capacity = (0..self.langs.len())
            .map(|i| match lang(i) {
                (Some(t), words, tag, _) => t.len(&|p| value(p, words, tag)),
                (None, _, _, text) => text.len(),
            })
            .fold(0, usize::saturating_add);
        Text::build(
            capacity,
            self.source.more_tags().cloned(),
            |i, buf| match lang(i) {
                (Some(t), words, tag, _) => t.write(buf, &|p| value(p, words, tag)),
                (None, _, _, text) => buf.push_str(text),
            },
        )
    }
}

impl TextTemplate {
    /// Language `i` (in the text's order): its template (`None`: no placeholder), its
    /// fallback words, its tag, and its text as written (escaped braces undone).
    fn lang(&self, i: usize) -> (Option<&Template>, Words, &str, &str) {
        let (template, words) = self
            .langs
            .get(i)
            .map_or((None, Words::En), |(t, w)| (t.as_ref(), *w));
        let (tag, text) = self.source.iter().nth(i).unwrap_or(("en", ""));
        let text = self
            .unescaped
            .iter()
            .find(|(k, _)| *k == i)
            .map_or(text, |(_, u)| u);
        (template, words, tag, text)
    }

    /// Writes the text [`TextTemplate::fill`] would give as JSON, byte for byte what
    /// serde_json writes for it (`{"zh":"…","en":"…"}`), building no text: literal pieces
    /// and languages without placeholders were escaped when the rules were compiled.
    /// With `sms`, `long(tag)` is called for each language in which the filled text takes
    /// more than one SMS segment, in the text's order.
    pub(crate) fn write_json<'t, 'v>(
        &'t self,
        out: &mut String,
        value: impl Fn(Placeholder, Words, &str) -> Value<'v>,
        sms: bool,
        mut long: impl FnMut(&'t str),
    ) {
        out.push('{');
        for (i, ((template, words), json)) in self.langs.iter().zip(self.json.iter()).enumerate() {
            let tag = &*json.tag;
            if i > 0 {
                out.push(',');
            }
            out.push_str(&json.head);
            let size = match (template, &json.plain) {
                (Some(t), _) => t.write_json(out, &|p| value(p, *words, tag), sms),
                (None, Some((text, size))) => {
                    out.push_str(text);
                    *size
                }
                (None, None) => SmsSize::default(),
            };
            out.push('"');
            if sms && size.long() {
                long(tag);
            }
        }
        out.push('}');
    }
}

impl TextTemplate {
    /// Serialises the text [`TextTemplate::fill`] would give (a map of language to text,
    /// as [`Text`] is serialised) with no text built: each language's pieces are written
    /// as they come, through `collect_str`.
    pub(crate) fn serialize_filled<'v, S: serde::Serializer>(
        &self,
        s: S,
        value: impl Fn(Placeholder, Words, &str) -> Value<'v>,
    ) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.langs.len()))?;
        for i in 0..self.langs.len() {
            match self.lang(i) {
                (Some(template), words, tag, _) => m.serialize_entry(
                    tag,
                    &Pieces {
                        template,
                        value: &|p| value(p, words, tag),
                    },
                )?,
                (None, _, tag, text) => m.serialize_entry(tag, text)?,
            }
        }
        m.end()
    }

    /// The languages in which the text [`TextTemplate::fill`] would give takes more than
    /// one SMS segment, in the text's order, with no text built.
    pub(crate) fn long_tags<'v>(
        &self,
        value: impl Fn(Placeholder, Words, &str) -> Value<'v>,
    ) -> Vec<&str> {
        let mut long = Vec::new();
        for i in 0..self.langs.len() {
            let (template, words, tag, text) = self.lang(i);
            let size = match template {
                Some(t) => {
                    let value = |p| value(p, words, tag);
                    t.shown(&value).fold(SmsSize::default(), |size, piece| {
                        size.plus(match piece {
                            Piece::Literal(l) => l.sms,
                            Piece::Slot(p) => value(*p).sms_size(),
                            Piece::Gate { .. } => SmsSize::default(),
                        })
                    })
                }
                None => SmsSize::of(text),
            };
            if size.long() {
                long.push(tag);
            }
        }
        long
    }
}

/// A template's pieces, filled, as one string for serde.
struct Pieces<'a, 'v> {
    template: &'a Template,
    value: &'a dyn Fn(Placeholder) -> Value<'v>,
}

impl serde::Serialize for Pieces<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl std::fmt::Display for Pieces<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for piece in self.template.shown(self.value) {
            match piece {
                Piece::Gate { .. } => {}
                Piece::Literal(l) => f.write_str(&l.text)?,
                Piece::Slot(p) => match (self.value)(*p) {
                    Value::Str(s) => f.write_str(s)?,
                    v => {
                        let mut buf = String::new();
                        v.write(&mut buf);
                        f.write_str(&buf)?;
                    }
                },
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slots(text: &str) -> Vec<String> {
        slots_of(text, &[])
    }

    fn slots_of(text: &str, milestones: &[&str]) -> Vec<String> {
        match parse(text, milestones).unwrap() {
            Parsed::Template(t) => t
                .pieces
                .iter()
                .map(|p| match p {
                    Piece::Literal(l) => format!("'{}'", l.text),
                    Piece::Slot(p) => p.name().to_string(),
                    Piece::Gate { visit, len } => format!("gate({visit}, {len})"),
                })
                .collect(),
            other => vec![format!("{other:?}")],
        }
    }

    #[test]
    fn parses_literals_placeholders_and_escaped_braces() {
        assert_eq!(slots("您好"), ["Plain"]);
        assert_eq!(slots("{{a}}"), ["Unescaped(\"{a}\")"]);
        assert_eq!(
            slots("{patient}您好，{{第{session}次}}"),
            ["patient", "'您好，{第'", "session", "'次}'"]
        );
        assert_eq!(slots("{clinic}"), ["clinic"]);
    }

    #[test]
    fn errors_say_where_and_what_was_expected() {
        let err = |t: &str| parse(t, &[]).unwrap_err();
        assert_eq!(
            err("您好{pateint}"),
            "unknown placeholder {pateint} at character 3: expected one of {patient}, {procedure}, {owner}, {clinic}, {session}, {sessions_left}, {next_session}, {visit:MILESTONE}, {when:MILESTONE}, {ahead:MILESTONE}, {when:session}, {when:event} (write {{ and }} for literal braces); did you mean {patient}?"
        );
        assert!(err("{}").starts_with("unknown placeholder {} at character 1:"));
        assert!(err("{ clinic }").ends_with("did you mean {clinic}?"));
        assert_eq!(
            err("a{patient"),
            "unclosed \"{\" at character 2: expected a placeholder such as {patient} closed by \"}\" (write {{ and }} for literal braces)"
        );
        assert!(err("{pat{ient}").starts_with("unclosed \"{\" at character 1"));
        assert_eq!(
            err("a}b"),
            "unmatched \"}\" at character 2: expected }} for a literal brace"
        );
    }

    #[test]
    fn words_follow_the_fallback_chain() {
        assert_eq!(Words::of("zh"), Words::Zh);
        assert_eq!(Words::of("zh-CN"), Words::Zh);
        assert_eq!(Words::of("zh-Hant"), Words::ZhHant);
        assert_eq!(Words::of("zh-HK"), Words::ZhHant);
        assert_eq!(Words::of("ja"), Words::En);
    }

    #[test]
    fn fill_writes_every_language_with_its_values() {
        let text = Text::new("{patient}您好{{}}", "Dear {patient}")
            .with("zh-Hant", "{patient}您好")
            .unwrap()
            .with("ja", "こんにちは")
            .unwrap();
        let Compiled::Template(t) = compile(&text, "/t", None, "event", &[]).unwrap() else {
            panic!("a template");
        };
        let filled = t.fill(|_, words, _| {
            Value::Str(match words {
                Words::Zh => "顾客",
                Words::ZhHant => "顧客",
                Words::En => "customer",
            })
        });
        let pairs: Vec<(&str, &str)> = filled.iter().collect();
        assert_eq!(
            pairs,
            [
                ("zh", "顾客您好{}"),
                ("en", "Dear customer"),
                ("ja", "こんにちは"),
                ("zh-Hant", "顧客您好")
            ]
        );
        let n = t.fill(|_, _, _| Value::Number(12));
        assert_eq!(n.en(), "Dear 12");
        let d = t.fill(|_, _, _| Value::Date(NaiveDate::from_ymd_opt(2026, 3, 9).unwrap()));
        assert_eq!(d.zh(), "2026-03-09您好{}");
    }

    /// `{ahead:NAME}`: its clause, with the mark before it (or, first, the mark and the
    /// space after it), is left out when the visit is before the task's day; every way
    /// of writing a text agrees (fill, JSON, serde, SMS size).
    #[test]
    fn an_ahead_clause_is_left_out_once_its_visit_is_past() {
        let text = Text::new(
            "请勿沾水；通知顾客{ahead:dressing_change}来院换药。",
            "{ahead:dressing_change}, come back for the dressing. Keep it dry.",
        );
        let Compiled::Template(t) =
            compile(&text, "/t", None, "event", &["dressing_change"]).unwrap()
        else {
            panic!("a template");
        };
        let day = |d: u32| NaiveDate::from_ymd_opt(2026, 3, d).unwrap();
        let on = |visit: u32| move |_, words, _: &str| Value::Day(day(visit), day(3), words);
        let ahead = t.fill(on(4));
        assert_eq!(ahead.zh(), "请勿沾水；通知顾客明天来院换药。");
        assert_eq!(
            ahead.en(),
            "tomorrow, come back for the dressing. Keep it dry."
        );
        let today = t.fill(on(3));
        assert_eq!(today.zh(), "请勿沾水；通知顾客今天来院换药。");
        let past = t.fill(on(2));
        assert_eq!(past.zh(), "请勿沾水。");
        assert_eq!(past.en(), "Keep it dry.");
        let mut json = String::new();
        t.write_json(&mut json, on(2), true, |_| {});
        assert_eq!(json, r#"{"zh":"请勿沾水。","en":"Keep it dry."}"#);
        assert_eq!(serde_json::to_string(&past).unwrap(), json);
        assert!(t.long_tags(on(2)).is_empty());
        // The pieces: a gate before each clause, the clause's pieces after it.
        assert_eq!(
            slots_of("a; b {ahead:x} c. d", &["x"]),
            ["'a'", "gate(0, 3)", "'; b '", "when:NAME", "' c'", "'. d'"]
        );
        assert_eq!(
            slots_of("{ahead:x}明天。其余", &["x"]),
            ["gate(0, 2)", "when:NAME", "'明天。'", "'其余'"]
        );
    }

    #[test]
    fn an_ahead_placeholder_needs_a_clause_of_its_own_and_a_milestone() {
        let err = |zh: &str| {
            compile(&Text::new(zh, "x"), "/t", None, "event", &["x", "y"])
                .err()
                .unwrap()
                .message
        };
        assert!(
            err("通知顾客{ahead:x}来院").contains("is in the text's only clause"),
            "{}",
            err("通知顾客{ahead:x}来院")
        );
        assert!(err("a；{ahead:x}{ahead:y}。").contains("expected at most one in a clause"));
        // One sentence with its mark, or marks alone beside it: nothing would be left.
        for only in [
            "通知顾客{ahead:x}来院复查。",
            "。{ahead:x}来院。",
            "Come {ahead:x}.",
        ] {
            assert!(err(only).contains("is in the text's only clause"), "{only}");
        }
        let unknown = err("a；{ahead:z}。");
        assert!(unknown.contains("unknown milestone {ahead:z}"), "{unknown}");
    }

    #[test]
    fn plain_texts_are_shared_and_escapes_undone_once() {
        let plain = Text::new("您好", "Hello");
        let Compiled::Text(t) = compile(&plain, "/t", None, "event", &[]).unwrap() else {
            panic!("plain");
        };
        assert!(Text::ptr_eq(&t, &plain));
        let braces = Text::new("{{您好}}", "Hello");
        let Compiled::Text(t) = compile(&braces, "/t", None, "event", &[]).unwrap() else {
            panic!("plain");
        };
        assert_eq!((t.zh(), t.en()), ("{您好}", "Hello"));
    }

    #[test]
    fn session_placeholders_need_a_session_anchor() {
        let text = Text::new("第{session}次", "Session {session}");
        let e = compile(&text, "/steps/2/title", None, "event", &[]).unwrap_err();
        assert_eq!(e.pointer, "/steps/2/title/zh");
        assert_eq!(
            e.message,
            "placeholder {session} needs a course session, and this step counts from \"event\": expected it only in steps from each_session, before_each_upcoming_session, one_session_left, course_end"
        );
        assert!(compile(
            &text,
            "/t",
            Some(SessionFrom::Occurrence),
            "each_session",
            &[]
        )
        .is_ok());
    }
}
