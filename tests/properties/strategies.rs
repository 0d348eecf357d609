//! Strategies: episodes of every kind the built-in programs know, and clinic calendars
//! around them.

use super::*;

/// Episodes as the built-in programs see them: a procedure in 1990..2090, plastic or
/// laser, inpatient or outpatient, an optional discharge 0..10 days after, optional
/// review visits, random ids.
pub(super) fn arb_episode() -> impl Strategy<Value = Episode> {
    (
        "[a-z0-9-]{1,12}",
        "[a-z0-9-]{1,12}",
        date_between(1990, 2090),
        (0u32..24, 0u32..60, 0u32..60),
        prop::sample::select(vec![
            "plastic",
            "plastic",
            "laser",
            "laser",
            "skin",
            "dental",
            "non_invasive",
            "injection",
            "peel",
            "microneedling",
            "thread_lift",
        ]),
        prop::sample::select(vec!["inpatient", "outpatient"]),
        prop::option::of(0i64..=10),
        prop::option::of(prop::collection::vec(0i64..400, 1..4)),
        // Printable: no control character, no line or paragraph separator.
        prop::option::of("[^\\p{C}\\p{Zl}\\p{Zp}]{0,8}"),
        prop::collection::vec("[a-z_]{1,10}", 0..3),
    )
        .prop_map(
            |(id, patient, date, (h, m, s), category, setting, discharge, reviews, name, tags)| {
                let mut milestones = BTreeMap::new();
                if let Some(days) = discharge {
                    milestones.insert("discharge".to_string(), Dates(vec![plus(date, days)]));
                }
                if let Some(days) = reviews {
                    // Each date once (a date given twice is refused), in any order.
                    let mut seen = std::collections::BTreeSet::new();
                    let dates = (days.into_iter())
                        .filter(|d| seen.insert(*d))
                        .map(|d| plus(date, d))
                        .collect();
                    milestones.insert("review_visit".to_string(), Dates(dates));
                }
                let mut ep = base_episode(&id, &patient);
                ep.at = date.and_hms_opt(h, m, s).unwrap();
                ep.attributes = [("category", category), ("setting", setting)]
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect();
                ep.patient.name = name;
                ep.patient.tags = tags;
                ep.milestones = milestones;
                ep
            },
        )
}

/// Episodes of every kind the built-in programs know: the procedures above, and
/// consultations, courses, complaints, repairs and purchases with their attributes,
/// course sessions and facts. Every date is on or after the event, so every anchor is.
pub(super) fn arb_any_episode() -> impl Strategy<Value = Episode> {
    let other = (
        arb_episode(),
        prop::sample::select(vec![
            "consultation",
            "course",
            "complaint",
            "repair",
            "purchase",
            "assignment",
        ]),
        // Each attribute with one of the values the built-in rules accept.
        (
            prop::option::of(prop::sample::select(vec![
                "not_booked",
                "booked",
                "no_show",
                "visited_no_purchase",
            ])),
            prop::option::of(prop::sample::select(vec!["phone", "online", "onsite"])),
            prop::option::of(prop::sample::select(vec!["first", "return"])),
            prop::option::of(prop::sample::select(vec!["customer_service", "consultant"])),
        )
            .prop_map(|(outcome, source, visit, assigned_to)| {
                [
                    ("outcome", outcome),
                    ("source", source),
                    ("visit", visit),
                    ("assigned_to", assigned_to),
                ]
                .into_iter()
                .filter_map(|(k, v)| v.map(|v| (k, v)))
                .collect::<Vec<_>>()
            }),
        prop::collection::vec(
            prop::sample::select(vec!["key_customer", "no_greetings", "vip", "night_shift"]),
            0..3,
        ),
        // A package of 1 or more, sessions on distinct days, no more than the package, the
        // done ones before the planned ones.
        prop::option::of((
            prop::option::of(1u32..10),
            prop::collection::btree_set(0i64..200, 0..8),
            any::<Index>(),
        )),
        prop::collection::vec(
            (
                prop::sample::select(vec![
                    "converted",
                    "visited",
                    "declined",
                    "complaint_resolved",
                    "request_raised",
                    "contacted",
                    "opt_out",
                ]),
                0i64..200,
                0u32..24,
                prop::option::of(prop::sample::select(vec!["phone", "sms", "in_person"])),
            ),
            0..4,
        ),
        prop::option::of(0i64..10),
    )
        .prop_map(|(ep, event, attributes, tags, course, facts, promised)| {
            let mut ep = ep;
            let date = ep.date();
            ep.event = event.to_string();
            ep.attributes = attributes
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            ep.patient.tags = tags.into_iter().map(String::from).collect();
            ep.milestones.clear();
            if let Some(days) = promised {
                ep.milestones
                    .insert("promised_callback".into(), Dates(vec![plus(date, days)]));
            }
            let day = |d: i64| plus(date, d).to_string();
            if let Some((package, sessions, split)) = course {
                let most = package.map_or(usize::MAX, |n| n as usize);
                let days: Vec<String> = sessions.into_iter().take(most).map(day).collect();
                let (done, planned) = days.split_at(split.index(days.len() + 1));
                ep.course = serde_json::from_value(serde_json::json!({
                    "package": package, "done": done, "planned": planned,
                }))
                .unwrap();
            }
            ep.facts = facts
                .into_iter()
                .map(|(kind, d, hour, channel)| {
                    // An opt-out names a channel that reaches the patient.
                    let channel = match (kind, channel) {
                        ("opt_out", None | Some("in_person")) => Some("phone"),
                        (_, c) => c,
                    };
                    serde_json::from_value(serde_json::json!({
                        "kind": kind, "at": format!("{}T{hour:02}:00:00", day(d)),
                        "channel": channel,
                    }))
                    .unwrap()
                })
                .collect();
            ep
        });
    prop_oneof![2 => arb_episode(), 1 => other]
}

/// A calendar relative to an episode date, read from its JSON form: closed weekdays
/// (never all seven, often five or six), a weekend closed or not, public holidays
/// (runs of dates) closed or not, make-up working days, scattered closed and open dates,
/// sometimes a few of the clinic's open days in a row closed as well (closed runs of
/// weeks from a handful of dates), and sometimes the official calendars of mainland China
/// merged in. All within months of the event, either side.
#[derive(Debug, Clone)]
pub(super) struct CalendarSpec {
    closed_weekdays: u8,
    weekend: Option<u8>,
    closed_on_weekends: bool,
    closed_on_holidays: bool,
    holidays: Vec<(i64, i64)>,
    workdays: Vec<i64>,
    scattered: Vec<i64>,
    open_dates: Vec<i64>,
    /// From this day, close this many of the days that are open by weekday.
    open_days_closed: Option<(i64, usize)>,
    china: bool,
    /// The call desk's on-duty and closed days, the days without messages.
    desk_open: Vec<i64>,
    desk_closed: Vec<i64>,
    messages_closed: Vec<i64>,
}

pub(super) fn arb_calendar_spec() -> impl Strategy<Value = CalendarSpec> {
    let mask = prop_oneof![
        1 => 0u8..127,
        // Five or six closed weekdays: one or two open.
        1 => (0u32..7).prop_map(|open| 0x7f & !(1u8 << open)),
        1 => (0u32..7, 0u32..7).prop_map(|(a, b)| 0x7f & !(1u8 << a) & !(1u8 << b)),
    ];
    (
        (
            mask,
            prop::option::of(0u8..127),
            any::<bool>(),
            any::<bool>(),
        ),
        prop::collection::vec((-30i64..40, 1i64..21), 0..3),
        prop::collection::vec(-30i64..60, 0..3),
        prop::collection::vec(-30i64..200, 0..4),
        prop::collection::vec(-30i64..60, 0..2),
        prop::option::of((-30i64..30, 1usize..6)),
        prop::bool::weighted(0.2),
        (
            prop::collection::vec(-30i64..60, 0..3),
            prop::collection::vec(-30i64..60, 0..3),
            prop::collection::vec(-30i64..60, 0..3),
        ),
    )
        .prop_map(
            |(
                (closed_weekdays, weekend, closed_on_weekends, closed_on_holidays),
                holidays,
                workdays,
                scattered,
                open_dates,
                open_days_closed,
                china,
                (desk_open, desk_closed, messages_closed),
            )| CalendarSpec {
                closed_weekdays,
                weekend,
                closed_on_weekends,
                closed_on_holidays,
                holidays,
                workdays,
                scattered,
                open_dates,
                open_days_closed,
                china,
                desk_open,
                desk_closed,
                messages_closed,
            },
        )
}

pub(super) fn weekday_names(mask: u8) -> Vec<&'static str> {
    ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        .into_iter()
        .enumerate()
        .filter(|(i, _)| mask & (1 << i) != 0)
        .map(|(_, name)| name)
        .collect()
}

impl CalendarSpec {
    pub(super) fn build(&self, around: NaiveDate) -> Calendar {
        let day = |d: i64| plus(around, d);
        let weekend = self.weekend.unwrap_or(0b110_0000);
        // At least one weekday must stay open.
        let closed_on_weekends =
            self.closed_on_weekends && (self.closed_weekdays | weekend) & 0x7f != 0x7f;
        let in_mask =
            |mask: u8, d: NaiveDate| mask & (1 << d.weekday().num_days_from_monday()) != 0;
        let closed_by_week = |d: NaiveDate| {
            in_mask(self.closed_weekdays, d) || (closed_on_weekends && in_mask(weekend, d))
        };
        let holidays: BTreeSet<NaiveDate> = self
            .holidays
            .iter()
            .flat_map(|&(start, len)| (start..start + len).map(day))
            .collect();
        // Make-up working days are weekend days that are not holidays.
        let workdays: BTreeSet<NaiveDate> = self
            .workdays
            .iter()
            .map(|&d| day(d))
            .filter(|&d| in_mask(weekend, d) && !holidays.contains(&d))
            .collect();
        let mut closed: BTreeSet<NaiveDate> = self.scattered.iter().map(|&d| day(d)).collect();
        if let Some((start, n)) = self.open_days_closed {
            let open = (start..).map(day).filter(|&d| !closed_by_week(d));
            closed.extend(open.take(n));
        }
        let open: BTreeSet<NaiveDate> = self
            .open_dates
            .iter()
            .map(|&d| day(d))
            .filter(|d| !closed.contains(d))
            .collect();
        let named = |dates: &BTreeSet<NaiveDate>| -> serde_json::Map<String, Value> {
            dates
                .iter()
                .map(|d| (d.to_string(), Value::from("节")))
                .collect()
        };
        let mut json = serde_json::json!({
            "closed_weekdays": weekday_names(self.closed_weekdays),
            "closed_on_weekends": closed_on_weekends,
            "closed_on_holidays": self.closed_on_holidays,
            "holidays": named(&holidays),
            "workdays": named(&workdays),
            "closed_dates": closed.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
            "open_dates": open.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
        });
        if self.weekend.is_some() {
            json["weekend"] = Value::from(weekday_names(weekend));
        }
        let dates = |list: &[i64]| -> BTreeSet<String> {
            list.iter().map(|&d| day(d).to_string()).collect()
        };
        let desk_open = dates(&self.desk_open);
        let desk_closed: Vec<String> = dates(&self.desk_closed)
            .into_iter()
            .filter(|d| !desk_open.contains(d))
            .collect();
        json["call_desk"] =
            serde_json::json!({"open_dates": desk_open, "closed_dates": desk_closed});
        json["messages"] = serde_json::json!({"closed_dates": dates(&self.messages_closed)});
        let text = json.to_string();
        let cal =
            Calendar::from_json("calendar.json", &text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        let year = around.year();
        let years = Calendar::CHINA_YEARS;
        if self.china && years.contains(&(year - 1)) && years.contains(&(year + 1)) {
            // Merging fails when a date is a holiday in one calendar and a make-up
            // working day in the other: then the clinic's calendar alone is used.
            let cn = Calendar::china_years(year - 1..=year + 1).unwrap();
            return cal.merge(&cn).unwrap_or(cal);
        }
        cal
    }
}
