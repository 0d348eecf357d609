//! Composition: a clinic calendar combined with an official one, and calendars of
//! successive dates joined into one.

use super::spec::{Coverage, Spec};
use super::Calendar;
use crate::error::{Located, Result};

impl Spec {
    /// Adds `other`'s dated lists to these: holidays and make-up working days (a date
    /// both name keeps this calendar's name), closed dates and open dates.
    pub(super) fn add_lists(&mut self, other: &Spec) {
        for (date, name) in &other.holidays.0 {
            self.holidays.0.entry(*date).or_insert_with(|| name.clone());
        }
        for (date, name) in &other.workdays.0 {
            self.workdays.0.entry(*date).or_insert_with(|| name.clone());
        }
        self.closed_dates
            .0
            .extend(other.closed_dates.0.iter().copied());
        self.open_dates.0.extend(other.open_dates.0.iter().copied());
        for (mine, theirs) in [
            (&mut self.call_desk, &other.call_desk),
            (&mut self.messages, &other.messages),
        ] {
            mine.open_dates
                .0
                .extend(theirs.open_dates.0.iter().copied());
            mine.closed_dates
                .0
                .extend(theirs.closed_dates.0.iter().copied());
        }
    }
}

impl Calendar {
    /// This calendar combined with another, typically a clinic's calendar with an
    /// official one ([`Calendar::china`]).
    ///
    /// # Properties
    ///
    /// - Dated lists are united: holidays and make-up working days (where both calendars
    ///   name the same date, `self`'s name is kept), closed dates and open dates, and the
    ///   `call_desk` and `messages` closed and open dates (on-duty days).
    /// - Everything else is `self`'s: the weekly closing days (the clinic's, the call
    ///   desk's and the message system's), the weekend, the `closed_on_weekends` and
    ///   `closed_on_holidays` policies, the opening hours, the quiet hours, the named
    ///   windows and the clinic's name (`other`'s when `self` has none). So an
    ///   official calendar lends its dates, never its policies: a clinic that closes on
    ///   public holidays says `"closed_on_holidays": true` itself. Order matters:
    ///   `official.merge(&clinic)` keeps the official calendar's policies (weekends
    ///   closed) and drops the clinic's weekly closing days; merge the official dates
    ///   into the clinic's calendar, as below.
    /// - Coverage: the dates both calendars cover when both have a coverage, else the
    ///   one coverage given, else none.
    ///
    /// ```
    /// use followup::calendar::{Calendar, DayKind, ShiftReason};
    /// let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    /// let clinic = Calendar::from_json("clinic.json", r#"{
    ///     "closed_weekdays": ["Mon"], "closed_on_holidays": true
    /// }"#)?;
    /// let cal = clinic.merge(&Calendar::china(2026)?)?;
    /// assert_eq!(cal.day_kind(d("2026-02-17")), DayKind::Holiday);
    /// assert_eq!(cal.holiday_name(d("2026-02-17")), Some("Spring Festival"));
    /// assert_eq!(cal.closed_reason(d("2026-02-17")), Some(ShiftReason::Holiday));
    /// // The clinic works weekends: the official weekend closure is not merged in.
    /// assert!(cal.is_open(d("2026-03-07")) && !cal.is_open(d("2026-03-02")));
    /// // The other way round the official policies win: Mondays open, weekends closed.
    /// let reversed = Calendar::china(2026)?.merge(&clinic)?;
    /// assert!(reversed.is_open(d("2026-03-02")) && !reversed.is_open(d("2026-03-07")));
    /// assert!(cal.covers(d("2026-12-31")) && !cal.covers(d("2027-01-01")));
    /// # Ok::<(), followup::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`crate::Error::Calendar`] named `merged calendar` when the coverages do not
    /// overlap, or the union breaks a rule of the calendar format: a date that is a
    /// holiday in one calendar and a make-up working day in the other, a date closed in
    /// one and open in the other.
    pub fn merge(&self, other: &Calendar) -> Result<Calendar> {
        const WHAT: &str = "merged calendar";
        let mut spec = self.0.clone();
        spec.add_lists(&other.0);
        if spec.clinic.is_none() {
            spec.clinic.clone_from(&other.0.clinic);
        }
        spec.covers = match (self.0.covers, other.0.covers) {
            (Some(a), Some(b)) => Some(a.intersect(&b).ok_or_else(|| {
                Located::new(
                    "/covers",
                    format!(
                        "the calendars cover {a} and {b}, which do not overlap: \
                         expected calendars of overlapping dates"
                    ),
                )
                .into_calendar(WHAT)
            })?),
            (a, b) => a.or(b),
        };
        Calendar::checked(spec).map_err(|e| e.into_calendar(WHAT))
    }

    /// This calendar and one of the dates after (or before) it, as one calendar of both
    /// periods: the official calendar of a year the crate does not ship yet, joined to
    /// the shipped ones. In December the State Council announces the next year's
    /// holidays; until a release ships them, a host writes them in the shipped files'
    /// format (`rules/calendars/cn-2026.json` is one, with its `covers`) and joins them:
    /// `Calendar::china_years(2025..=2026)?.join(&cn_2027)?`, then merges the result into
    /// the clinic's calendar as usual ([`Calendar::merge`]).
    ///
    /// # Properties
    ///
    /// - Coverage: from the first date either covers to the last. Both calendars must say
    ///   which dates they cover (`covers`), and their dates must meet or overlap: a gap
    ///   would be a period the joined calendar claims to know and does not.
    /// - Dated lists are united, as [`Calendar::merge`] unites them (where both name a
    ///   date, `self`'s name is kept; a date a holiday in one and a make-up working day
    ///   in the other is refused).
    /// - Everything else is `self`'s (weekly closing days, weekend, policies, hours,
    ///   windows), as with `merge`; the clinic's name is `other`'s when `self` has none.
    ///
    /// ```
    /// use followup::calendar::{Calendar, DayKind, ShiftReason};
    /// let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    /// // The host's own copy of a year not shipped (these dates are an example).
    /// let next = Calendar::from_json("cn-2027.json", r#"{
    ///     "weekend": ["Sat", "Sun"], "closed_on_weekends": true, "closed_on_holidays": true,
    ///     "holidays": {"2027-01-01": {"zh": "元旦", "en": "New Year's Day"}},
    ///     "covers": {"from": "2027-01-01", "to": "2027-12-31"}
    /// }"#)?;
    /// let official = Calendar::china(2026)?.join(&next)?;
    /// assert_eq!(official.coverage(), Some((d("2026-01-01"), d("2027-12-31"))));
    /// let clinic = Calendar::from_json("clinic.json", r#"{"closed_weekdays": ["Mon"]}"#)?;
    /// let cal = clinic.merge(&official)?;
    /// assert!(cal.covers(d("2027-01-01")));
    /// assert_eq!(cal.closed_reason(d("2027-01-01")), Some(ShiftReason::Holiday));
    /// assert_eq!(cal.day_kind(d("2026-10-01")), DayKind::Holiday);
    /// // Calendars with dates unknown between them are refused.
    /// let later = Calendar::from_json("cn-2028.json",
    ///     r#"{"covers": {"from": "2028-01-01", "to": "2028-12-31"}}"#)?;
    /// assert!(Calendar::china(2026)?.join(&later).is_err());
    /// # Ok::<(), followup::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`crate::Error::Calendar`] named `joined calendar`, at `/covers`, when either
    /// calendar gives no coverage or the dates between the two are covered by neither;
    /// and when the union breaks a rule of the calendar format, as with `merge`.
    pub fn join(&self, other: &Calendar) -> Result<Calendar> {
        const WHAT: &str = "joined calendar";
        let refuse = |message: String| Located::new("/covers", message).into_calendar(WHAT);
        let (a, b) = match (self.0.covers, other.0.covers) {
            (Some(a), Some(b)) => (a, b),
            (a, b) => {
                let known = a
                    .or(b)
                    .map_or(String::new(), |c| format!(" (the other covers {c})"));
                return Err(refuse(format!(
                    "a calendar to join gives no `covers`{known}: expected both calendars to say which dates they know completely"
                )));
            }
        };
        let (first, second) = if a.from <= b.from { (a, b) } else { (b, a) };
        if first
            .to
            .0
            .succ_opt()
            .is_some_and(|next| second.from.0 > next)
        {
            return Err(refuse(format!(
                "the calendars cover {first} and {second}, and neither the dates between: expected calendars whose dates meet or overlap"
            )));
        }
        let mut spec = self.0.clone();
        spec.add_lists(&other.0);
        if spec.clinic.is_none() {
            spec.clinic.clone_from(&other.0.clinic);
        }
        spec.covers = Some(Coverage::new(first.from.0, first.to.0.max(second.to.0)));
        Calendar::checked(spec).map_err(|e| e.into_calendar(WHAT))
    }
}
