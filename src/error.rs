//! The crate's one error type.

use std::fmt;

/// Everything that can go wrong, as values: the library never panics on input.
///
/// Use the `is_*` predicates rather than matching variants; new variants may come.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A rule text is malformed or inconsistent, or exceeds a [`crate::rules::Limits`] bound.
    #[error("{0}")]
    Rule(Box<RuleError>),
    /// An episode cannot be read or planned (bad JSON, a date out of range, a limit).
    #[error("{0}")]
    Episode(Box<InputError>),
    /// A calendar cannot be read or is unusable (every weekday closed, say).
    #[error("{0}")]
    Calendar(Box<InputError>),
    /// A history (what happened to the tasks) cannot be read or used.
    #[error("{0}")]
    History(Box<InputError>),
    /// A clinic notice cannot be read or planned (bad JSON, a bad date, a duplicate id).
    #[error("{0}")]
    Notice(Box<InputError>),
    /// A rule test case file cannot be read (bad JSON, an unknown step, a malformed task
    /// line, an episode or calendar inside it that is refused).
    #[error("{0}")]
    Case(Box<InputError>),
    /// A contact policy ([`crate::replan::ContactPolicy::from_json`]) is malformed or
    /// refused.
    #[error("{0}")]
    Policy(Box<InputError>),
}

/// Where in which rule text something is wrong, and what was expected.
///
/// Displayed as `source: /json/pointer (line L, column C): message`; the line and column
/// are those of the offending value when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    pub(crate) source: String,
    pub(crate) pointer: String,
    pub(crate) line: Option<usize>,
    pub(crate) column: Option<usize>,
    pub(crate) message: String,
    pub(crate) limit: Option<&'static str>,
    pub(crate) syntax: bool,
}

/// A problem with an episode, a calendar, a history, a notice or a case file given by the
/// caller.
///
/// Displayed as `what: /json/pointer (line L, column C): message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub(crate) what: String,
    pub(crate) pointer: String,
    pub(crate) line: Option<usize>,
    pub(crate) column: Option<usize>,
    pub(crate) message: String,
    pub(crate) limit: Option<&'static str>,
    pub(crate) syntax: bool,
}

/// A shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// True if a rule text is at fault.
    pub fn is_rule(&self) -> bool {
        matches!(self, Error::Rule(_))
    }

    /// True if an episode is at fault.
    pub fn is_episode(&self) -> bool {
        matches!(self, Error::Episode(_))
    }

    /// True if a calendar is at fault.
    pub fn is_calendar(&self) -> bool {
        matches!(self, Error::Calendar(_))
    }

    /// True if a history is at fault.
    pub fn is_history(&self) -> bool {
        matches!(self, Error::History(_))
    }

    /// True if a clinic notice is at fault.
    pub fn is_notice(&self) -> bool {
        matches!(self, Error::Notice(_))
    }

    /// True if a rule test case file is at fault.
    pub fn is_case(&self) -> bool {
        matches!(self, Error::Case(_))
    }

    /// True if a contact policy is at fault.
    pub fn is_policy(&self) -> bool {
        matches!(self, Error::Policy(_))
    }

    /// True if a [`crate::rules::Limits`] bound was exceeded.
    pub fn is_limit(&self) -> bool {
        self.limit().is_some()
    }

    /// The name of the [`crate::rules::Limits`] field that was exceeded, if that is the error.
    pub fn limit(&self) -> Option<&'static str> {
        self.parts().limit
    }

    /// The fields every variant has, whichever it is.
    fn parts(&self) -> Parts<'_> {
        // The two error structs share every field but the source's name.
        macro_rules! parts {
            ($e:expr, $source:ident) => {
                Parts {
                    source: &$e.$source,
                    pointer: &$e.pointer,
                    line: $e.line,
                    column: $e.column,
                    message: &$e.message,
                    limit: $e.limit,
                    syntax: $e.syntax,
                }
            };
        }
        match self {
            Error::Rule(e) => parts!(e, source),
            Error::Episode(e)
            | Error::Calendar(e)
            | Error::History(e)
            | Error::Notice(e)
            | Error::Case(e)
            | Error::Policy(e) => parts!(e, what),
        }
    }

    /// A stable, machine-readable code for the kind of error, `"<input>/<problem>"`, for a
    /// host to translate or count; the message text may change between versions, the
    /// codes do not.
    ///
    /// `<input>` is what is at fault: `rule`, `episode`, `calendar`, `history`, `notice`,
    /// `case` or `policy`. `<problem>` is one of:
    ///
    /// | problem | meaning |
    /// |---|---|
    /// | `syntax` | the text is not JSON (a missing comma, an unclosed string, text after the end) |
    /// | `limit` | a [`crate::rules::Limits`] bound was exceeded ([`Error::limit`] names it) |
    /// | `duplicate` | a key, a field or an id given twice |
    /// | `unknown_field` | a field the format does not have (a misspelt key) |
    /// | `missing_field` | a required field is absent |
    /// | `wrong_type` | a value of the wrong JSON type (a number for a string…) |
    /// | `unknown_value` | a name the rules or the format do not know (a channel, a step, a program, a placeholder, an attribute value) |
    /// | `invalid_value` | any other value the checks refuse (a bad date, an inverted range, a data slip) |
    ///
    /// ```
    /// use followup::rules::RuleSet;
    /// let rules = RuleSet::builtin()?;
    /// let err = rules.read_episode("ep.json", r#"{"id": "e1", "event": "procedure",
    ///     "at": "2026-03-02", "patient": {"id": "p1"}, "attributes": {"category": "plastik"}}"#)
    ///     .unwrap_err();
    /// assert_eq!(err.code(), "episode/unknown_value");
    /// let err = rules.read_episode("ep.json", r#"{"id": "e1",, }"#).unwrap_err();
    /// assert_eq!(err.code(), "episode/syntax");
    /// # Ok::<(), followup::Error>(())
    /// ```
    pub fn code(&self) -> &'static str {
        let kind = match self {
            Error::Rule(_) => 0,
            Error::Episode(_) => 1,
            Error::Calendar(_) => 2,
            Error::History(_) => 3,
            Error::Notice(_) => 4,
            Error::Case(_) => 5,
            Error::Policy(_) => 6,
        };
        let Parts {
            message,
            limit,
            syntax,
            ..
        } = self.parts();
        let problem = if limit.is_some() {
            0
        } else if syntax {
            1
        } else {
            problem_of(message)
        };
        CODES[kind][problem]
    }

    /// The JSON pointer (`/steps/3/offset`) of the offending value, `""` for the whole text.
    pub fn pointer(&self) -> &str {
        self.parts().pointer
    }

    /// The name the faulty text was given: the file name a host passed with it
    /// (`"clinic/dental.json"`, `"ep-17.json"`), or what the library made of it
    /// (`"merged calendar"`, `"official calendars"`). With [`Error::pointer`],
    /// [`Error::line_column`] and [`Error::message`], a host reports "which file, which
    /// field, what" in its own words without reading the `Display` text.
    ///
    /// ```
    /// use followup::rules::RuleSet;
    /// let rules = RuleSet::builtin()?;
    /// let err = rules.read_episode("ep-17.json", r#"{"id": "e1", "event": "procedure",
    ///     "at": "2026-03-02", "patient": {"id": "p1"}, "attributes": {"category": "plastik"}}"#)
    ///     .unwrap_err();
    /// assert_eq!(err.source_name(), "ep-17.json");
    /// assert_eq!(err.pointer(), "/attributes/category");
    /// assert_eq!(err.line_column(), Some((2, 77)));
    /// assert!(err.message().starts_with("unknown category \"plastik\""), "{}", err.message());
    /// assert_eq!(
    ///     err.to_string(),
    ///     format!("ep-17.json: /attributes/category (line 2, column 77): {}", err.message())
    /// );
    /// # Ok::<(), followup::Error>(())
    /// ```
    pub fn source_name(&self) -> &str {
        self.parts().source
    }

    /// What is wrong and what was expected, without the location (the `Display` text
    /// after `source: /pointer (line L, column C): `, which writes it on one line). Its
    /// wording may change between versions; [`Error::code`] does not.
    pub fn message(&self) -> &str {
        self.parts().message
    }

    /// Line and column (1-based) of the offending value, where known. The column counts
    /// characters, as an editor does (not UTF-8 bytes: Chinese text before the value on
    /// its line counts one a character).
    pub fn line_column(&self) -> Option<(usize, usize)> {
        let Parts { line, column, .. } = self.parts();
        line.zip(column)
    }
}

/// What every error variant holds, borrowed ([`Error`]'s accessors read it).
struct Parts<'a> {
    source: &'a str,
    pointer: &'a str,
    line: Option<usize>,
    column: Option<usize>,
    message: &'a str,
    limit: Option<&'static str>,
    syntax: bool,
}

/// `CODES[input][problem]`: the codes of [`Error::code`].
macro_rules! codes {
    ($($input:literal)*) => {
        [$([
            concat!($input, "/limit"),
            concat!($input, "/syntax"),
            concat!($input, "/duplicate"),
            concat!($input, "/unknown_field"),
            concat!($input, "/missing_field"),
            concat!($input, "/wrong_type"),
            concat!($input, "/unknown_value"),
            concat!($input, "/invalid_value"),
        ]),*]
    };
}

const CODES: [[&str; 8]; 7] =
    codes!("rule" "episode" "calendar" "history" "notice" "case" "policy");

/// The problem of a message (an index into a row of [`CODES`]), from the message forms
/// the library writes (`tests/error_codes.rs` checks every fixture gets a specific one).
fn problem_of(message: &str) -> usize {
    let m = message;
    if m.contains(" given twice") || m.starts_with("duplicate ") {
        2
    } else if m.starts_with("unknown field") {
        3
    } else if m.starts_with("missing field") || m.starts_with("missing language") {
        4
    } else if (m.starts_with("expected a")
        || m.starts_with("expected one of")
        || m.starts_with("expected the string"))
        && m.contains(", found ")
        || m.starts_with("invalid type")
    {
        5
    } else if m.starts_with("unknown ") || m.contains(": unknown value") {
        6
    } else {
        7
    }
}

impl RuleError {
    /// The name the rule text was given (a file name for files).
    pub fn source_name(&self) -> &str {
        &self.source
    }

    /// What is wrong and what was expected, without the location.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl InputError {
    /// The name the text was given (a file name for files), or what the library made
    /// of it (`"merged calendar"`).
    pub fn source_name(&self) -> &str {
        &self.what
    }

    /// What is wrong and what was expected, without the location.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// True for what would break a one-line message on a terminal or in a log: a control
/// character (an escape, a line break, a NUL), the line and paragraph separators, and the
/// bidirectional controls, which reorder what follows them.
pub(crate) fn breaks_the_line(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{061c}'
        )
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// The longest part of an error (its source's name, pointer or message) shown whole.
const SHOWN_CHARS: usize = 1000;

/// Writes `s` with each character that [`breaks_the_line`] escaped as `\u{…}` (as Rust's
/// `{:?}` writes it): the input a message quotes (a key, a file name, a value echoed in
/// words) never clears a terminal or forges a line of a log (audit 96: a key holding
/// `\u{1b}[2J\n` did both). [`Error::pointer`] and the `message` accessors give the text
/// as it is.
///
/// A part longer than [`SHOWN_CHARS`] characters is shown by its start and its end, with
/// how much was left out between (audit 224: a 400 KB misspelt key was printed twice,
/// 800 KB on one line of stderr); the accessors keep it whole.
pub(crate) fn write_one_line(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    let n = s.chars().count();
    if n > SHOWN_CHARS {
        let (head, tail) = (SHOWN_CHARS * 3 / 5, SHOWN_CHARS * 2 / 5);
        let cut = |k: usize| s.char_indices().nth(k).map_or(s.len(), |(i, _)| i);
        let (start, end) = (cut(head), cut(n - tail));
        write_one_line(f, s.get(..start).unwrap_or_default())?;
        write!(f, " … [{} characters left out] … ", n - head - tail)?;
        return write_one_line(f, s.get(end..).unwrap_or_default());
    }
    if !s.chars().any(breaks_the_line) {
        return f.write_str(s);
    }
    for c in s.chars() {
        if breaks_the_line(c) {
            write!(f, "\\u{{{:x}}}", u32::from(c))?;
        } else {
            fmt::Write::write_char(f, c)?;
        }
    }
    Ok(())
}

fn write_location(
    f: &mut fmt::Formatter<'_>,
    what: &str,
    pointer: &str,
    line: Option<usize>,
    column: Option<usize>,
) -> fmt::Result {
    write_one_line(f, what)?;
    f.write_str(": ")?;
    if pointer.is_empty() {
        write!(f, "(root)")?;
    } else {
        write_one_line(f, pointer)?;
    }
    if let (Some(l), Some(c)) = (line, column) {
        write!(f, " (line {l}, column {c})")?;
    }
    Ok(())
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_location(f, &self.source, &self.pointer, self.line, self.column)?;
        f.write_str(": ")?;
        write_one_line(f, &self.message)
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_location(f, &self.what, &self.pointer, self.line, self.column)?;
        f.write_str(": ")?;
        write_one_line(f, &self.message)
    }
}

impl std::error::Error for RuleError {}
impl std::error::Error for InputError {}

/// A location-free problem found while reading JSON; the reader turns it into a
/// [`RuleError`] or [`InputError`] with the source's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Located {
    pub pointer: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
    pub limit: Option<&'static str>,
    /// The text is not JSON (serde_json's syntax and end-of-input errors).
    pub syntax: bool,
}

impl Located {
    pub(crate) fn new(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Located {
            pointer: pointer.into(),
            line: None,
            column: None,
            message: message.into(),
            limit: None,
            syntax: false,
        }
    }

    /// Marks the error as "not JSON" (code `…/syntax`).
    pub(crate) fn syntax(mut self) -> Self {
        self.syntax = true;
        self
    }

    pub(crate) fn limit(mut self, name: &'static str) -> Self {
        self.limit = Some(name);
        self
    }

    pub(crate) fn into_rule(self, source: &str) -> Error {
        Error::Rule(Box::new(RuleError {
            source: source.to_string(),
            pointer: self.pointer,
            line: self.line,
            column: self.column,
            message: self.message,
            limit: self.limit,
            syntax: self.syntax,
        }))
    }

    pub(crate) fn into_input(self, what: &str) -> InputError {
        InputError {
            what: what.to_string(),
            pointer: self.pointer,
            line: self.line,
            column: self.column,
            message: self.message,
            limit: self.limit,
            syntax: self.syntax,
        }
    }

    pub(crate) fn into_episode(self, what: &str) -> Error {
        Error::Episode(Box::new(self.into_input(what)))
    }

    pub(crate) fn into_calendar(self, what: &str) -> Error {
        Error::Calendar(Box::new(self.into_input(what)))
    }

    pub(crate) fn into_history(self, what: &str) -> Error {
        Error::History(Box::new(self.into_input(what)))
    }

    pub(crate) fn into_notice(self, what: &str) -> Error {
        Error::Notice(Box::new(self.into_input(what)))
    }

    pub(crate) fn into_case(self, what: &str) -> Error {
        Error::Case(Box::new(self.into_input(what)))
    }

    pub(crate) fn into_policy(self, what: &str) -> Error {
        Error::Policy(Box::new(self.into_input(what)))
    }
}
