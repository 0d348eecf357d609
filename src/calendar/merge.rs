//! Composition: a clinic calendar combined with an official one.

use super::spec::Spec;
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
}
