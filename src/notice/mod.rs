//! Clinic notices: one-off dated messages or calls the clinic writes (an expert clinic day,
//! a clinic event, a promotion; docs/domain.md §5), planned for the patients they target by
//! [`crate::rules::RuleSet::plan_notices`].

mod check;

pub(crate) use check::{check_list, check_vocabulary};

use crate::episode::dates;
use crate::error::Result;
use crate::limits::Limits;
use crate::model::{Channel, Conditions, Role, SampleDef, TimeDef};
use crate::offset::{Landing, MonthEnd, Offset};
use crate::ruleset::RuleSet;
use crate::text::Text;
use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize};

/// The program id of every notice task: a task id is `notice/<notice id>/patient:<patient
/// id>/0`. Rule files cannot use it.
pub(crate) const NOTICE_PROGRAM: &str = "notice";

/// A one-off notice the clinic writes — an expert clinic day, a clinic event, a
/// promotion — to go out on a day the clinic chooses (not a rule's), to the patients its
/// `audience` targets. Plain data: read it from JSON or build it in code; it is checked
/// when read and when planned.
///
/// ```json
/// {"id": "expert-day-2026-04", "send_on": "2026-04-08", "event_day": "2026-04-12",
///  "channel": "sms", "role": "customer_service", "time": "day",
///  "audience": {"category": ["plastic", "injection"]},
///  "title": {"zh": "专家门诊日通知", "en": "Expert clinic day"},
///  "script": {"zh": "4月12日…", "en": "On 12 April…"}}
/// ```
///
/// A notice goes out on `send_on`, or — when its channel does not work that day (calls
/// need the call desk; messages go every day unless the calendar closes them) — on the
/// next day it works, never after it expires: on its `event_day` (a notice after its event
/// is worthless), or, without one, 3 days after `send_on` for messages (`sms`, `wechat`)
/// and 7 days after for calls and mail. It is on time from its day until the day before
/// its event (its day alone without an event day).
///
/// ```
/// use followup::rules::Notice;
/// let notice = Notice::from_json("notices.json", r#"{
///     "id": "anniversary-2026", "send_on": "2026-05-18",
///     "audience": {"tag": "key_customer"},
///     "title": {"zh": "院庆活动邀请", "en": "Clinic anniversary invitation"}
/// }"#)?;
/// assert_eq!(notice.channel, followup::rules::Channel::Sms); // the default
/// assert_eq!(notice.expires().map(|d| d.to_string()).as_deref(), Some("2026-05-21"));
/// # Ok::<(), followup::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "schema"), derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Notice {
    /// The notice's id: 1 to 64 of `a-z 0-9 - _`, starting with a letter or digit (as
    /// rule ids); unique among the notices planned together. Second part of its task ids.
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "crate::schema::strings::Id")
    )]
    pub id: String,
    /// The day the clinic wants it to go out (`"YYYY-MM-DD"`).
    #[serde(deserialize_with = "date")]
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "crate::schema::strings::Date")
    )]
    pub send_on: NaiveDate,
    /// The day of the event it announces, if any: on or after `send_on`. The notice
    /// expires after it.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "dates::option"
    )]
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "Option<crate::schema::strings::Date>")
    )]
    pub event_day: Option<NaiveDate>,
    /// How: `sms` (the default), `wechat`, `phone` or `mail`.
    #[serde(default = "sms", deserialize_with = "notice_channel")]
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "crate::schema::strings::NoticeChannel")
    )]
    pub channel: Channel,
    /// Who: default `customer_service`.
    #[serde(default = "customer_service")]
    pub role: Role,
    /// Time of day, as a rule step's `time`: `"morning"`, `"afternoon"`, `"evening"`,
    /// `"day"` (the default) or `{"start": "HH:MM", "end": "HH:MM"}`.
    #[serde(default = "day")]
    pub time: TimeDef,
    /// Who gets it, as a program's `applies`: keys `tag` (any of the patient's tags),
    /// `event` and attribute names (`category`…, matched by one of the patient's
    /// episodes); every key must match one of its values. `{}`: every patient.
    #[serde(deserialize_with = "crate::json::unique_map")]
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "crate::schema::strings::Conditions")
    )]
    pub audience: Conditions,
    /// Only a deterministic share of the patients the audience targets get it (a mail
    /// campaign to 5-10 % of the customers, docs/domain.md §6), as a step's `sample`:
    /// `{"fraction": 0.08}`, with `always` (conditions as the audience's: patients they
    /// target are always in) and `salt`. The draw is `sample_draw("notice", salt,
    /// patient id)` ([`crate::rules::sample_draw`]), the salt defaulting to the notice's
    /// id: each campaign draws its own patients.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::json::object_opt"
    )]
    pub sample: Option<SampleDef>,
    /// Spread over this long from `send_on` (`"P2M"`, `"P60D"`, `"P8W"`: a duration of
    /// days, weeks, months or years): each patient gets a day of their own in
    /// `send_on` ..< `send_on + spread`, the same at every planning, so a campaign's work
    /// is spread evenly over its span ([`Notice::day_for`]). None: every patient on
    /// `send_on`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "Option<crate::schema::strings::PositiveDuration>")
    )]
    pub spread: Option<String>,
    /// Title, `{"zh": …, "en": …}`, both non-empty.
    pub title: Text,
    /// What to say or write, same shape.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub script: Option<Text>,
}

fn date<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<NaiveDate, D::Error> {
    dates::Date::deserialize(d).map(|dates::Date(x)| x)
}

fn sms() -> Channel {
    Channel::Sms
}

fn customer_service() -> Role {
    Role::CustomerService
}

fn day() -> TimeDef {
    TimeDef::Named("day".into())
}

impl crate::json::Expected for Notice {
    const EXPECTED: &'static str = "a notice (a JSON object)";
}

impl Notice {
    /// Reads one notice from a JSON object; `name` is used in error messages. The notice
    /// is checked ([`Notice::check`]); its audience is checked against a rule set's
    /// vocabulary by [`crate::rules::RuleSet::read_notices`] and when it is planned.
    ///
    /// # Errors
    ///
    /// [`crate::Error::Notice`] with the JSON pointer, line and column and what was
    /// expected: malformed JSON, an unknown or missing field, a bad date, and the checks
    /// of [`Notice::check`].
    pub fn from_json(name: &str, text: &str) -> Result<Notice> {
        // As every reader says it (audit 168: this one said "the text ends where a value
        // should be").
        if let Some(e) = crate::json::empty(text, "a notice (a JSON object)") {
            return Err(e.into_notice(name));
        }
        let limits = Limits::default();
        let crate::json::Document(notice) =
            crate::json::read::<crate::json::Document<Notice>>(text, &limits)
                .map_err(|e| e.into_notice(name))?;
        check_list(std::slice::from_ref(&notice), false, &limits)
            .map_err(|e| crate::json::located_in(e, text).into_notice(name))?;
        Ok(notice)
    }

    /// Reads a notice text: an array of notices, or one notice (a JSON object), as rule
    /// texts hold an array of programs or one. Ids must be unique in the text; at most
    /// `max_notices` (1,000) notices.
    ///
    /// ```
    /// use followup::rules::Notice;
    /// let err = Notice::list_from_json("notices.json", r#"[
    ///   {"id": "a", "send_on": "2026-04-08", "audience": {}, "title": {"zh": "甲", "en": "A"}},
    ///   {"id": "a", "send_on": "2026-04-09", "audience": {}, "title": {"zh": "乙", "en": "B"}}
    /// ]"#).unwrap_err();
    /// assert_eq!(err.to_string(), "notices.json: /1/id (line 3, column 10): duplicate notice id \"a\" (also /0/id): expected each notice id once");
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Notice::from_json`], the pointer starting with the notice's index for an
    /// array (`/1/send_on`); a duplicate id; more than `max_notices` notices.
    pub fn list_from_json(name: &str, text: &str) -> Result<Vec<Notice>> {
        Notice::read_list(name, text, &Limits::default()).map(|(list, _)| list)
    }

    /// Reads and checks a notice text under `limits`, without the vocabulary; true when
    /// it is an array (pointers start with the index).
    pub(crate) fn read_list(
        name: &str,
        text: &str,
        limits: &Limits,
    ) -> Result<(Vec<Notice>, bool)> {
        if let Some(e) = crate::json::empty(
            text,
            "a JSON array of notices, or one notice (a JSON object)",
        ) {
            return Err(e.into_notice(name));
        }
        let body = text.trim_start_matches('\u{feff}').trim_start();
        use crate::json::Document;
        let many = body.starts_with('[');
        let list = if many {
            let list: Vec<Document<Notice>> =
                crate::json::read(text, limits).map_err(|e| e.into_notice(name))?;
            list.into_iter().map(|Document(n)| n).collect()
        } else {
            let Document(n) = crate::json::read(text, limits).map_err(|e| e.into_notice(name))?;
            vec![n]
        };
        check_list(&list, many, limits)
            .map_err(|e| crate::json::located_in(e, text).into_notice(name))?;
        Ok((list, many))
    }

    /// Checks what JSON shape alone cannot:
    ///
    /// - the id is 1 to 64 of `a-z 0-9 - _`, starting with a letter or digit;
    /// - the event day is on or after `send_on`, at most `max_offset_days` (3,720) after;
    /// - the channel is `sms`, `wechat`, `phone` or `mail`: a notice is a message or a call;
    /// - the time is a known window name or a window that starts before it ends;
    /// - the audience has no empty key and no empty list of values;
    /// - a sample's fraction is greater than 0 and at most 1, its salt an id;
    /// - a spread is a positive duration, at most `max_offset_days`, ending by the event
    ///   day and within the supported dates;
    /// - the title and script are non-empty in both languages.
    ///
    /// # Errors
    ///
    /// [`crate::Error::Notice`] naming `name`, the JSON pointer and what was expected.
    pub fn check(&self, name: &str) -> Result<()> {
        check_list(std::slice::from_ref(self), false, &Limits::default())
            .map_err(|e| e.into_notice(name))
    }

    /// The last day the notice is worth sending: its event day, else 3 days after
    /// `send_on` for messages (`sms`, `wechat`) and 7 days after for calls and mail;
    /// `None` only at the end of the supported date range. With a `spread`, each
    /// patient's notice expires as [`Notice::expires_after`] their own day.
    pub fn expires(&self) -> Option<NaiveDate> {
        self.expires_after(self.send_on)
    }

    /// The last day the notice is worth sending when it is meant to go out on `day` (a
    /// patient's day of a spread notice): its event day, else 3 days after `day` for
    /// messages and 7 days after for calls and mail.
    pub fn expires_after(&self, day: NaiveDate) -> Option<NaiveDate> {
        match self.event_day {
            Some(d) => Some(d),
            None => {
                let grace = match self.channel {
                    Channel::Sms | Channel::Wechat => MESSAGE_GRACE_DAYS,
                    _ => CALL_GRACE_DAYS,
                };
                day.checked_add_days(chrono::Days::new(grace))
            }
        }
    }

    /// How many days the notice is spread over: from `send_on` to `send_on + spread`
    /// (months clamped at the month's end, as offsets), that day excluded; 1 without a
    /// spread. `None` for a spread that is not a positive duration or ends outside the
    /// supported date range ([`Notice::check`] refuses those).
    pub fn spread_days(&self) -> Option<u32> {
        let Some(text) = &self.spread else {
            return Some(1);
        };
        let offset = Offset::parse(text).ok().filter(|o| !o.negative)?;
        match offset.apply(self.send_on, MonthEnd::Clamp) {
            Landing::Date(end) => u32::try_from((end - self.send_on).num_days())
                .ok()
                .filter(|&n| n > 0),
            _ => None,
        }
    }

    /// The day the notice is meant to go out to `patient` (a patient id), before the
    /// calendar moves it: `send_on`, or with a `spread` of `n` days, `send_on + ⌊d × n⌋`
    /// where `d` is `sample_draw("notice-spread", notice id, patient id)`
    /// ([`crate::rules::sample_draw`]): the same day at every planning, whatever else changes, and over
    /// many patients every day of the span about equally often.
    ///
    /// ```
    /// use followup::rules::Notice;
    /// let mail = Notice::from_json("notices.json", r#"{
    ///     "id": "mail-2026", "send_on": "2026-04-01", "spread": "P2M", "channel": "mail",
    ///     "sample": {"fraction": 0.08}, "audience": {},
    ///     "title": {"zh": "邮寄回访", "en": "Mail follow-up"}
    /// }"#)?;
    /// assert_eq!(mail.spread_days(), Some(61)); // 1 April ..< 1 June
    /// let day = mail.day_for("p-42");
    /// assert!(day >= mail.send_on && (day - mail.send_on).num_days() < 61);
    /// assert_eq!(day, mail.day_for("p-42"));
    /// # Ok::<(), followup::Error>(())
    /// ```
    pub fn day_for(&self, patient: &str) -> NaiveDate {
        let n = match self.spread_days() {
            Some(n) if n > 1 => n,
            _ => return self.send_on,
        };
        let draw = crate::sample::sample_draw(SPREAD_DRAW, &self.id, patient);
        // draw < 1, so the index is below n; truncation is the floor of a positive number.
        let k = ((draw * f64::from(n)) as u64).min(u64::from(n) - 1);
        self.send_on
            .checked_add_days(chrono::Days::new(k))
            .unwrap_or(self.send_on)
    }

    /// The day the notice goes out to `patient` on `calendar`: with a `spread`, the
    /// patient's own day among the days of the span the notice's channel works (the same
    /// draw as [`Notice::day_for`], over working days only), so that a closure in the
    /// span does not pile its letters onto the reopening day; without one, or when no
    /// day of the span works, [`Notice::day_for`]. The same day at every planning on the
    /// same calendar.
    ///
    /// ```
    /// use followup::{calendar::Calendar, rules::Notice};
    /// let mail = Notice::from_json("notices.json", r#"{
    ///     "id": "mail-2026", "send_on": "2026-04-01", "spread": "P2M", "channel": "mail",
    ///     "audience": {}, "title": {"zh": "邮寄回访", "en": "Mail follow-up"}
    /// }"#)?;
    /// let cn = Calendar::china(2026)?;
    /// let day = mail.day_for_on("p-42", &cn);
    /// assert!(cn.is_open(day));
    /// assert_eq!(day, mail.day_for_on("p-42", &cn));
    /// # Ok::<(), followup::Error>(())
    /// ```
    pub fn day_for_on(&self, patient: &str, calendar: &crate::calendar::Calendar) -> NaiveDate {
        let n = match self.spread_days() {
            Some(n) if n > 1 => n,
            _ => return self.send_on,
        };
        let works = |d: &NaiveDate| calendar.works(self.channel, *d);
        let days = || self.send_on.iter_days().take(n as usize).filter(works);
        let open = days().count();
        if open == 0 {
            return self.day_for(patient);
        }
        let draw = crate::sample::sample_draw(SPREAD_DRAW, &self.id, patient);
        // draw < 1, so the index is below `open`; truncation is the floor.
        let k = ((draw * open as f64) as usize).min(open - 1);
        days().nth(k).unwrap_or(self.send_on)
    }
}

/// The draw that spreads a notice's patients over its span (independent of its sample).
pub(crate) const SPREAD_DRAW: &str = "notice-spread";

/// How long a message notice without an event day is worth sending after its day, as a
/// rule step's message (docs/rule-format.md, "Expiry").
pub(crate) const MESSAGE_GRACE_DAYS: u64 = 3;

/// How long a call or mail notice without an event day is worth doing after its day.
pub(crate) const CALL_GRACE_DAYS: u64 = 7;

impl RuleSet {
    /// Reads a notice text as [`Notice::list_from_json`] does (under this set's limits),
    /// and checks each audience against the [vocabulary](crate::rules::Vocabulary): an event or
    /// a value of a closed attribute the rules do not know is refused, located, with the
    /// accepted values and the nearest one. Tags are free.
    ///
    /// ```
    /// use followup::rules::RuleSet;
    /// let rules = RuleSet::builtin()?;
    /// let err = rules.read_notices("notices.json", r#"{"id": "expert-day",
    ///     "send_on": "2026-04-08", "audience": {"category": "Plastic"},
    ///     "title": {"zh": "专家门诊日", "en": "Expert clinic day"}}"#).unwrap_err();
    /// assert!(err.to_string().starts_with("notices.json: /audience/category (line 2, column 55): unknown category \"Plastic\": expected one of "));
    /// assert!(err.to_string().ends_with("; did you mean \"plastic\"?"));
    /// # Ok::<(), followup::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`crate::Error::Notice`], located.
    pub fn read_notices(&self, name: &str, text: &str) -> Result<Vec<Notice>> {
        let (list, many) = Notice::read_list(name, text, self.limits())?;
        check_vocabulary(&list, many, self.vocabulary())
            .map_err(|e| crate::json::located_in(e, text).into_notice(name))?;
        Ok(list)
    }

    /// Reads a history as [`crate::history::History::from_json`] does, within this set's
    /// limits `max_rule_bytes` and `max_json_depth` (not the default ones: a host that
    /// raised `max_rule_bytes` reads a longer history), and checks it against this set's
    /// limit `max_history_entries` as planning would, but naming the file and the first
    /// entry past the limit, with its line and column.
    ///
    /// ```
    /// use followup::rules::{Limits, RuleSet};
    /// let limits = Limits { max_history_entries: 1, ..Limits::default() };
    /// let rules = RuleSet::builder().builtin().limits(limits).build()?;
    /// let err = rules.read_history("h.json", r#"{"outcomes": [
    ///   {"task": "laser-aftercare/day-1-call/e1/0", "outcome": "no_answer", "at": "2026-03-03T10:00"},
    ///   {"task": "laser-aftercare/day-1-call/e1/0", "outcome": "done", "at": "2026-03-03T12:00"}]}"#).unwrap_err();
    /// assert!(err.to_string().starts_with("h.json: /outcomes/1 (line 3, column 3): the history has 2 outcomes"));
    /// # Ok::<(), followup::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`crate::Error::History`], located.
    pub fn read_history(&self, name: &str, text: &str) -> Result<crate::history::History> {
        let h = crate::history::History::read(name, text, self.limits())?;
        let limit = self.limits().max_history_entries;
        let n = h.outcomes.len().saturating_add(h.follow_ups.len());
        if n > limit {
            let pointer = match limit.checked_sub(h.outcomes.len()) {
                None => format!("/outcomes/{limit}"),
                Some(k) => format!("/follow_ups/{k}"),
            };
            let e = crate::error::Located::new(
                pointer,
                format!("the history has {n} outcomes and follow-ups, more than the limit max_history_entries ({limit}): expected at most {limit}"),
            )
            .limit("max_history_entries");
            return Err(crate::json::located_in(e, text).into_history(name));
        }
        Ok(h)
    }
}

/// A notice's channel, named among the four a notice may take (audit 86: a misspelt one
/// was told of `in_person`, `home_visit` and `internal`, which a notice then refuses).
fn notice_channel<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Channel, D::Error> {
    struct V;
    impl serde::de::Visitor<'_> for V {
        type Value = Channel;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("one of sms, wechat, phone, mail (a string)")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<Channel, E> {
            if let Some(c) = check::CHANNELS.iter().find(|c| c.name() == v) {
                return Ok(*c);
            }
            if ["in_person", "home_visit", "internal"].contains(&v) {
                return Err(E::custom(format!(
                    "a notice cannot go by {v}: expected sms, wechat, phone or mail (a notice is a message or a call)"
                )));
            }
            Err(E::unknown_variant(v, &["sms", "wechat", "phone", "mail"]))
        }
    }
    d.deserialize_str(V)
}
