//! The machine interface: one Episode JSON on stdin, the Plan as JSON on stdout.
//!
//! ```text
//! cargo run --example plan -- [--rules PATH]... [--calendar cn-YYYY|cn|official:FILE|FILE]... [--as-of YYYY-MM-DD] [--notices FILE]... < episode.json
//! cargo run --example plan -- --episode examples/episodes/laser.json
//! cargo run --example plan -- --notices examples/notices/clinic-2026.json < examples/episodes/plastic-inpatient.json
//! cargo run --example plan -- --history examples/histories/p42-march.json < examples/episodes/plastic-inpatient.json
//! ```
//!
//! The episode is read from stdin, or from `--episode FILE`: errors name the file (or
//! `stdin`), the JSON pointer, line and column. When no program applies, the plan says
//! why in `no_program`, and a note goes to stderr.
//!
//! Without `--rules` the built-in programs are used. `--calendar` combines the shipped
//! official calendars of mainland China (`cn-YYYY`, `cn`) with the clinic's calendar
//! files, as `callback_calendar` does. With `--as-of`, each task carries its `status` on
//! that day (upcoming, open, missed, expired). `--notices FILE` (repeatable; each file an
//! array of clinic notices or one notice) adds the notices that target the episode's
//! patient: their tasks and dropped entries join the plan's, in the plan's order, and
//! `programs` lists `notice`. The contact policy's caps are `merge`'s, which
//! `callback_calendar` applies. `--history FILE` gives what happened so far (outcomes by
//! task id, follow-ups added by hand): the plan is the next one of the closed loop
//! (`RuleSet::plan_with`), with records, attempts, agreed times and escalations. Any
//! error goes to stderr, exit 2.
//!
//! # Batches: `--jsonl`
//!
//! ```text
//! cargo run --example plan -- --jsonl [--calendar cn-2026]... < episodes.jsonl > plans.jsonl
//! ```
//!
//! With `--jsonl` the input (stdin, or `--episode FILE`) is JSON Lines: one episode per
//! line. Each line is planned as it is read and answered by one line of output, written
//! and flushed at once, so that **line i of the output answers line i of the input**:
//!
//! - a plan, as compact JSON (the same fields as without `--jsonl`);
//! - or, for a line that cannot be planned, an error object, e.g.
//!   `{"line":2,"error":{"kind":"episode","code":"episode/missing_field","message":"missing field `id`","pointer":"","column":12}}`:
//!   `line` is the input line (from 1), `kind` what was at fault (`episode`, `notice`,
//!   `calendar`, `history`, `rule`, or `input` for a line that is not UTF-8 or too long),
//!   `code` the error's stable code (`Error::code()`; `input/not_utf8`, `input/limit`),
//!   `message` what was expected, `pointer` the JSON pointer in the line's episode,
//!   `column` the column (from 1) in the line where known, `limit` the name of the
//!   `Limits` field exceeded, if that is the error. The same error, with the line
//!   (`stdin:2: ...`), goes to stderr, and the batch goes on;
//! - a blank line (only spaces) is answered by a blank line: no plan, not an error.
//!
//! Memory stays bounded whatever the input's size: one line is held at a time, and a
//! line is capped at the rule set's `Limits::max_rule_bytes` (1 MiB by default, the
//! largest episode text the library reads); a longer line is an error for that line,
//! skipped to its end without being kept. A line that is not UTF-8 (a GBK export) is an
//! error naming the byte of the line where it stops being UTF-8. `\r\n` line ends are
//! accepted. `--rules`, `--calendar`, `--as-of`, `--notices` and `--history` apply to
//! every line: a history is one patient's (a refusal in it stops every line's calls, and
//! a follow-up added by hand that names no `episode` is planned on every line — name it:
//! audit 278 counted one done follow-up missed on the patient's other episodes), so a
//! batch of several patients' episodes with histories is one run per patient.
//!
//! `--no-texts` leaves each task's `title`, `script` and `long_message` out (compact
//! JSON, in both modes): about half the bytes, for a host that keeps the rules' texts
//! itself. Such a plan is not read back as a `Plan`, nor valid against
//! `schema/plan.schema.json` (a task's `title` is required).
//!
//! Exit codes (the same in every example): 0 every line planned; 1 the batch ran but some
//! line failed; 2 bad usage or a bad rule, calendar, notice or history file (nothing
//! planned), or stdin could not be read.

#[path = "support/mod.rs"]
mod support;

use followup::{
    calendar::Calendar,
    episode::Episode,
    history::History,
    plan::{JsonOptions, Plan},
    rules::{Notice, RuleSet},
};
use std::io::{BufRead, Write};
use std::path::PathBuf;

const USAGE: &str = "usage: plan [--rules PATH]... [--calendar cn-YYYY|cn|official:FILE|FILE]... [--as-of YYYY-MM-DD] [--notices FILE]... [--history FILE] [--episode FILE] [--jsonl] [--no-texts] < episode.json\n";

const FLAGS: &str = "
Plans one episode (JSON on stdin, or --episode FILE) and prints the plan as JSON; with
--jsonl, plans one episode per line and prints one plan (or error object) per line.

  --rules PATH            a rule file or a folder of them (repeatable; `builtin` for the
                          built-in programs); replaces the built-in programs
  --calendar cn-YYYY|cn|official:FILE|FILE
                          the official calendar of mainland China for a year (cn: every
                          shipped year; several years: every year from the first to the
                          last; CN-2026 as cn-2026) and the clinic's calendar files
                          (repeatable): the official holidays close, weekends stay open
                          unless a clinic file says \"closed_on_weekends\": true (the
                          clinic's policies decide); a few weekend days inside a break are not in
                          the official table: see rules/calendars/README.md;
                          official:FILE joins an official calendar of years not shipped
                          (the shipped files' format, with its covers) to those years
  --as-of YYYY-MM-DD      give each task its status on that day (what was recorded
                          after it — outcomes, facts, handovers — is not known yet: left out)
  --notices FILE          add the clinic notices that target the patient (repeatable);
                          with --jsonl each line is planned alone: plan notices once per patient
  --history FILE          what happened so far: the next plan of the closed loop; one
                          patient's history (with --jsonl it applies to every line: a
                          refusal in it stops every line's calls, and a follow-up
                          added by hand that names no episode is planned on every line;
                          give each patient's lines their own run)
  --episode FILE          read the episode (or, with --jsonl, the lines) from FILE
  --jsonl                 JSON Lines: one episode a line in, one plan a line out; a bad
                          line is answered by {\"line\": N, \"error\": {...}} and the batch goes on
  --no-texts              leave out each task's title, script and long_message (compact
                          JSON, about half the bytes; not read back as a Plan, nor
                          valid against schema/plan.schema.json)
  -h, --help              this help
";

/// What every episode is planned with.
struct Setup {
    rules: RuleSet,
    calendar: Calendar,
    notices: Vec<Notice>,
    history: Option<History>,
    as_of: Option<chrono::NaiveDate>,
    json: JsonOptions,
}

struct Args {
    rules: Vec<PathBuf>,
    calendars: Vec<String>,
    episode: Option<PathBuf>,
    as_of: Option<chrono::NaiveDate>,
    notices: Vec<PathBuf>,
    history: Option<PathBuf>,
    jsonl: bool,
    texts: bool,
}

fn parse_args() -> Result<Option<Args>, String> {
    let mut out = Args {
        rules: Vec::new(),
        calendars: Vec::new(),
        episode: None,
        as_of: None,
        notices: Vec::new(),
        history: None,
        jsonl: false,
        texts: true,
    };
    let mut args = std::env::args().skip(1);
    // Flags of one value, each given once (--rules, --calendar… may repeat).
    let mut seen = Vec::new();
    while let Some(arg) = args.next() {
        if ["--episode", "--history", "--as-of"].contains(&arg.as_str()) {
            support::once(&mut seen, &arg)?;
        }
        match arg.as_str() {
            "--rules" => out.rules.push(support::value(&mut args, "--rules")?.into()),
            "--calendar" => out.calendars.push(support::value(&mut args, "--calendar")?),
            "--episode" => out.episode = Some(support::value(&mut args, "--episode")?.into()),
            "--notices" => out
                .notices
                .push(support::value(&mut args, "--notices")?.into()),
            "--history" => out.history = Some(support::value(&mut args, "--history")?.into()),
            "--jsonl" => out.jsonl = true,
            "--no-texts" => out.texts = false,
            "--as-of" => {
                let v = support::value(&mut args, "--as-of")?;
                out.as_of = Some(support::day("--as-of", &v)?);
            }
            "-h" | "--help" => return Ok(None),
            other => return Err(format!("unknown argument {other:?}; try --help")),
        }
    }
    Ok(Some(out))
}

fn setup(args: &Args) -> Result<Setup, String> {
    let rules = support::load_rules(&args.rules)?;
    let calendar = support::load_calendar(&args.calendars)?;
    let notices = support::load_notices(&rules, &args.notices)?;
    let history = match &args.history {
        Some(p) => Some(
            rules
                .read_history(&p.display().to_string(), &support::read(p)?)
                .map(|h| support::known_by(h, args.as_of))
                .map_err(|e| e.to_string())?,
        ),
        None => None,
    };
    Ok(Setup {
        rules,
        calendar,
        notices,
        history,
        as_of: args.as_of,
        json: JsonOptions::default().texts(args.texts),
    })
}

/// The plan of one episode, with the notices' tasks and the as-of statuses.
fn plan(s: &Setup, episode: &Episode) -> followup::Result<Plan> {
    let known = support::episode_known_by(episode, s.as_of);
    let episode: &Episode = &known;
    let mut plan = match &s.history {
        Some(h) => s.rules.plan_with(episode, h, &s.calendar),
        None => s.rules.plan(episode, &s.calendar),
    }?;
    if !s.notices.is_empty() {
        let episodes = std::slice::from_ref(episode);
        // A refusal in the history stops notice calls too.
        let notes = match &s.history {
            Some(h) => {
                (s.rules).plan_notices_with(&episode.patient, episodes, h, &s.notices, &s.calendar)
            }
            None => (s.rules).plan_notices(&episode.patient, episodes, &s.notices, &s.calendar),
        }?;
        join(&mut plan, notes);
    }
    // Statuses, and the owners of open tasks, as of the day (audit 229).
    if let Some(day) = s.as_of {
        plan.set_as_of(episode, day);
    }
    Ok(plan)
}

/// One episode (stdin or `--episode`), its plan pretty-printed.
fn single(s: &Setup, file: Option<&PathBuf>) -> Result<String, String> {
    let episode = match file {
        Some(path) => support::load_episode(&s.rules, path)?,
        None => {
            let bytes = support::read_capped("stdin", std::io::stdin().lock())?;
            let input = support::utf8("stdin", bytes)?;
            s.rules
                .read_episode("stdin", &input)
                .map_err(|e| e.to_string())?
        }
    };
    // An error found while planning names the episode; the input first, as for a read.
    let source = file.map_or("stdin".to_string(), |p| p.display().to_string());
    let plan = plan(s, &episode).map_err(|e| format!("{source}: {e}"))?;
    if let Some(why) = &plan.no_program {
        eprintln!("note: {}", support::one_line(why));
    }
    let json = if s.json == JsonOptions::default() {
        serde_json::to_string_pretty(&plan)
    } else {
        plan.to_json_with(s.json)
    };
    json.map(|s| s + "\n").map_err(|e| e.to_string())
}

/// Reads the next line of `r` into `buf`, without its `\n`, keeping at most `cap` bytes:
/// `None` at the end of the input, `Some(true)` for a line that fit, `Some(false)` for a
/// longer one (skipped to its end, `buf` left empty). Never holds more than `cap` bytes
/// of a line plus the reader's buffer.
fn next_line(r: &mut impl BufRead, buf: &mut Vec<u8>, cap: usize) -> std::io::Result<Option<bool>> {
    buf.clear();
    let (mut fits, mut any) = (true, false);
    loop {
        let chunk = match r.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            return Ok(any.then_some(fits));
        }
        any = true;
        let (take, end) = match chunk.iter().position(|b| *b == b'\n') {
            Some(i) => (i, true),
            None => (chunk.len(), false),
        };
        if fits {
            match chunk.get(..take) {
                Some(part) if buf.len() + take <= cap => buf.extend_from_slice(part),
                _ => {
                    fits = false;
                    buf.clear();
                    buf.shrink_to(cap);
                }
            }
        }
        r.consume(take + usize::from(end));
        if end {
            return Ok(Some(fits));
        }
    }
}

/// A line's error: what was at fault, the message, the pointer, the column, the limit.
struct LineError {
    /// `Error::code()`, or `input/not_utf8`, `input/limit` for the line itself; what was
    /// at fault (the `kind`) is the part before the slash.
    code: &'static str,
    message: String,
    pointer: String,
    column: Option<usize>,
    limit: Option<&'static str>,
    /// The whole message, for stderr.
    text: String,
}

impl LineError {
    fn input(
        name: &str,
        message: String,
        column: Option<usize>,
        limit: Option<&'static str>,
    ) -> Self {
        LineError {
            code: if limit.is_some() {
                "input/limit"
            } else {
                "input/not_utf8"
            },
            text: format!("{name}: {message}"),
            message,
            pointer: String::new(),
            column,
            limit,
        }
    }

    fn of(e: &followup::Error) -> Self {
        let message = match e {
            followup::Error::Episode(x)
            | followup::Error::Notice(x)
            | followup::Error::Calendar(x)
            | followup::Error::History(x) => x.message().to_string(),
            followup::Error::Rule(x) => x.message().to_string(),
            other => other.to_string(),
        };
        LineError {
            code: e.code(),
            message,
            pointer: e.pointer().to_string(),
            column: e.line_column().map(|(_, c)| c),
            limit: e.limit(),
            text: e.to_string(),
        }
    }

    /// `{"line": N, "error": {...}}`, one line of JSON, `line` first.
    fn json(&self, line: usize) -> Result<String, String> {
        #[derive(serde::Serialize)]
        struct Answer<'a> {
            line: usize,
            error: Body<'a>,
        }
        #[derive(serde::Serialize)]
        struct Body<'a> {
            kind: &'a str,
            code: &'a str,
            message: &'a str,
            pointer: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            column: Option<usize>,
            #[serde(skip_serializing_if = "Option::is_none")]
            limit: Option<&'a str>,
        }
        serde_json::to_string(&Answer {
            line,
            error: Body {
                kind: self.code.split('/').next().unwrap_or(self.code),
                code: self.code,
                message: &self.message,
                pointer: &self.pointer,
                column: self.column,
                limit: self.limit,
            },
        })
        .map_err(|e| e.to_string())
    }
}

/// The answer to one line: a plan, or the line's error.
fn answer(s: &Setup, name: &str, bytes: &[u8], fits: bool, cap: usize) -> Result<Plan, LineError> {
    if !fits {
        return Err(LineError::input(
            name,
            format!("the line is more than {cap} bytes, the limit max_rule_bytes: expected one episode a line"),
            None,
            Some("max_rule_bytes"),
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        let column = support::char_column(bytes.get(..at).unwrap_or_default());
        LineError::input(
            name,
            format!("not UTF-8 at column {column} of the line (byte offset {at}, from 0): expected UTF-8 text (GBK or GB 18030 files need converting)"),
            Some(column),
            None,
        )
    })?;
    let episode = s
        .rules
        .read_episode(name, text)
        .map_err(|e| LineError::of(&e))?;
    // An error found while planning names the episode, not the line: the line first.
    plan(s, &episode).map_err(|e| {
        let mut line = LineError::of(&e);
        line.text = format!("{name}: {}", line.text);
        line
    })
}

/// Plans every line of `input`, writing one answer a line; returns the exit code.
fn batch(s: &Setup, input: &mut impl BufRead, source: &str) -> Result<i32, String> {
    let cap = s.rules.limits().max_rule_bytes;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut buf = Vec::new();
    let (mut n, mut failed) = (0usize, 0usize);
    // A reader that closed the pipe ends the batch quietly; a full disk is an error.
    let write_err = |e: std::io::Error| -> String { support::stdout_failed(e) };
    // One byte more for a CR before the line's end: a CRLF line fits as its LF twin does
    // (audit 63).
    let read_cap = cap.saturating_add(1);
    while let Some(read) =
        next_line(input, &mut buf, read_cap).map_err(|e| format!("{source}: {e}"))?
    {
        n += 1;
        let name = format!("{source}:{n}");
        let mut bytes = buf.as_slice();
        if let Some(b) = bytes.strip_suffix(b"\r") {
            bytes = b;
        }
        let fits = read && bytes.len() <= cap;
        // A byte-order mark is read past, as in every input (audit 135: a BOM alone, the
        // empty first line of a Windows file, was an error).
        let text = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
        if fits && text.iter().all(u8::is_ascii_whitespace) {
            writeln!(out).map_err(write_err)?;
        } else {
            match answer(s, &name, bytes, fits, cap) {
                Ok(plan) => {
                    if let Some(why) = &plan.no_program {
                        eprintln!(
                            "note: {}: {}",
                            support::one_line(&name),
                            support::one_line(why)
                        );
                    }
                    let json = plan.to_json_with(s.json).map_err(|e| e.to_string())?;
                    out.write_all(json.as_bytes()).map_err(write_err)?;
                    writeln!(out).map_err(write_err)?;
                }
                Err(e) => {
                    failed += 1;
                    eprintln!("error: {}", support::one_line(&e.text));
                    writeln!(out, "{}", e.json(n)?).map_err(write_err)?;
                }
            }
        }
        out.flush().map_err(write_err)?;
    }
    if failed > 0 {
        eprintln!("{failed} of {n} lines failed");
        return Ok(support::EXIT_NO);
    }
    Ok(support::EXIT_OK)
}

fn main() {
    let args = match parse_args() {
        Ok(Some(args)) => args,
        Ok(None) => support::finish(Ok(format!("{USAGE}{FLAGS}\n{}", support::EXIT_CODES))),
        Err(e) => support::fail(&e),
    };
    let s = setup(&args).unwrap_or_else(|e| support::fail(&e));
    if !args.jsonl {
        support::finish(single(&s, args.episode.as_ref()));
    }
    let code = match &args.episode {
        Some(path) => std::fs::File::open(path)
            .map_err(|e| format!("{}: {e}", path.display()))
            .and_then(|f| {
                batch(
                    &s,
                    &mut std::io::BufReader::new(f),
                    &path.display().to_string(),
                )
            }),
        None => batch(&s, &mut std::io::stdin().lock(), "stdin"),
    }
    .unwrap_or_else(|e| support::fail(&e));
    support::exit(code)
}

/// Adds the notices' plan to the episode's: tasks in the plan's order (due, window start,
/// program, step, occurrence), dropped entries by (program, step, occurrence).
fn join(plan: &mut followup::plan::Plan, notes: followup::plan::Plan) {
    plan.programs.extend(notes.programs);
    plan.tasks.extend(notes.tasks);
    plan.dropped.extend(notes.dropped);
    plan.tasks.sort_by(|a, b| {
        (a.due, a.window.start, a.program(), a.step(), a.occurrence).cmp(&(
            b.due,
            b.window.start,
            b.program(),
            b.step(),
            b.occurrence,
        ))
    });
    plan.dropped.sort_by(|a, b| {
        (&a.program(), &a.step(), a.occurrence).cmp(&(&b.program(), &b.step(), b.occurrence))
    });
}
