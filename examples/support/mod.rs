//! Reading rule files, episodes and calendars for the examples: the IO the library
//! leaves to its callers.

use followup::{
    calendar::Calendar,
    episode::Episode,
    rules::{Notice, RuleSet},
};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Builds a rule set from `--rules` paths (files, or folders read in sorted order, their
/// `*.cases.json` test case files left out; the word `builtin` for the built-in programs,
/// so that clinic files after it can override them), or the built-in programs when there
/// are none.
#[allow(dead_code)]
pub fn load_rules(paths: &[PathBuf]) -> Result<RuleSet, String> {
    if paths.is_empty() {
        return RuleSet::builtin().map_err(|e| e.to_string());
    }
    let mut builder = RuleSet::builder();
    let mut in_folders = Vec::new();
    for path in paths {
        // `--rules builtin`: the built-in programs, here in the order (clinic files after
        // it may override them).
        if path.as_os_str() == "builtin" && !path.exists() {
            builder = builder.builtin();
            continue;
        }
        for file in json_files(path)? {
            let text = read(&file)?;
            if path.is_dir() {
                in_folders.push(file.display().to_string());
            }
            builder = builder.source(file.display().to_string(), text);
        }
    }
    builder.build().map_err(|e| rule_error(&e, &in_folders))
}

/// A rule error, with a word for a file a folder brought that is no rule file at all (an
/// unknown field at its top: an episode or a calendar left there; audit 199).
pub fn rule_error(e: &followup::Error, in_folders: &[String]) -> String {
    let top = e.pointer().matches('/').count() == 1;
    if e.code() == "rule/unknown_field" && top && in_folders.iter().any(|f| f == e.source_name()) {
        format!(
            "{e} (every .json file of a rules folder is read as a rule file: is {} one?)",
            e.source_name()
        )
    } else {
        e.to_string()
    }
}

/// The rule files of a path: the file itself, or a folder's `*.json` files (`.JSON` too)
/// in sorted order, leaving out its `*.cases.json` files and its subfolders. A folder with
/// none is an error: an empty rule set would blame every episode for its event.
pub fn json_files(path: &Path) -> Result<Vec<PathBuf>, String> {
    if !path.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let entries = std::fs::read_dir(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let p = entry
            .map_err(|e| format!("{}: {e}", path.display()))?
            .path();
        // `NAME.cases.json` beside a rule file holds its test cases, not rules.
        let json = p
            .extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("json"));
        if json && !is_case_file(&p) {
            // A `*.json` entry that is no regular file (a link to /dev/zero, a folder) is
            // an error, as naming it alone is, not skipped in silence (audit 78).
            if !p.is_file() {
                return Err(format!(
                    "{}: not a regular file: expected a rule file (*.json) in the folder",
                    p.display()
                ));
            }
            files.push(p);
        }
    }
    files.sort();
    if files.is_empty() {
        return Err(format!(
            "{}: the folder holds no rule file: expected at least one *.json file of programs (*.cases.json files hold test cases, not rules)",
            path.display()
        ));
    }
    Ok(files)
}

/// True for `NAME.cases.json`: a file of rule test cases (see `check_rules`).
#[allow(dead_code)]
pub fn is_case_file(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.to_ascii_lowercase().ends_with(".cases.json"))
}

/// The most an example reads from one file or from stdin: far above what the library
/// accepts (its `Limits` refuse a smaller text with a precise message), so that a wrong
/// file (a disk image, `/dev/zero`) is refused before it fills the memory.
pub const MAX_INPUT_BYTES: u64 = 64 << 20;

/// Reads a whole file, with its name in the error.
pub fn read(path: &Path) -> Result<String, String> {
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| format!("{name}: {e}"))?;
    utf8(&name, read_capped(&name, file)?)
}

/// All of `input`, or an error naming `name` past [`MAX_INPUT_BYTES`].
pub fn read_capped(name: &str, input: impl std::io::Read) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let mut bytes = Vec::new();
    input
        .take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{name}: {e}"))?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(format!(
            "{name}: more than {} MiB: expected a JSON text (is it the right file?)",
            MAX_INPUT_BYTES >> 20
        ));
    }
    Ok(bytes)
}

/// The text of `bytes`, or where it stops being UTF-8: the line and column, as an editor
/// counts them (characters, not bytes), and the byte offset from 0.
pub fn utf8(name: &str, bytes: Vec<u8>) -> Result<String, String> {
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let good = e.as_bytes().get(..at).unwrap_or_default();
        let line = good.iter().filter(|b| **b == b'\n').count() + 1;
        let start = good.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        let column = char_column(good.get(start..).unwrap_or_default());
        format!(
            "{name}: not UTF-8 at line {line}, column {column} (byte offset {at}, from 0): expected UTF-8 text (save the file as UTF-8; GBK or GB 18030 files need converting)"
        )
    })
}

/// The column, counted in characters from 1, of the byte after `before`, the valid UTF-8
/// text of its line before it.
#[allow(dead_code)]
pub fn char_column(before: &[u8]) -> usize {
    std::str::from_utf8(before).map_or(before.len(), |s| s.chars().count()) + 1
}

/// Reads an episode file and checks it against the rule set's vocabulary (not every
/// example reads one); errors name the file, the JSON pointer, line and column.
#[allow(dead_code)]
pub fn load_episode(rules: &RuleSet, path: &Path) -> Result<Episode, String> {
    rules
        .read_episode(&path.display().to_string(), &read(path)?)
        .map_err(|e| e.to_string())
}

/// Reads `--notices` files (each an array of notices, or one notice) against the rule
/// set's vocabulary; an id given in two files is an error naming both.
#[allow(dead_code)]
pub fn load_notices(rules: &RuleSet, paths: &[PathBuf]) -> Result<Vec<Notice>, String> {
    let mut all = Vec::new();
    let mut files: BTreeMap<String, String> = BTreeMap::new();
    for path in paths {
        let name = path.display().to_string();
        let text = read(path)?;
        let list = rules
            .read_notices(&name, &text)
            .map_err(|e| e.to_string())?;
        let array = text.trim_start().starts_with('[');
        for (i, n) in list.into_iter().enumerate() {
            if let Some(first) = files.insert(n.id.clone(), name.clone()) {
                let at = if array {
                    format!("/{i}/id")
                } else {
                    "/id".into()
                };
                return Err(format!(
                    "{name}: {at}: notice id {:?} is also in {first}: expected each notice id once",
                    n.id
                ));
            }
            all.push(n);
        }
    }
    Ok(all)
}

/// The calendar of `--calendar` arguments: each is `cn-YYYY` (the shipped official
/// calendar of mainland China for that year; `CN-2026`, `cn_2026` and `cn2026` too,
/// unless a file has that name), `cn` (every shipped year), or a clinic's calendar file
/// (a file named `cn` or `cn-2026` is given with a path: `./cn-2026`), or `official:FILE`
/// (an official calendar of years not shipped, in the shipped files' format, joined to
/// the official years given: `Calendar::join`). Clinic files are merged in the order
/// given; the official dates are then merged into the clinic's calendar, whose policies
/// win. With no clinic file the
/// clinic is the default calendar: open every day, closed on the public holidays the
/// official calendars list. With no argument at all: open every day.
#[allow(dead_code)]
pub fn load_calendar(args: &[String]) -> Result<Calendar, String> {
    let mut clinic: Option<Calendar> = None;
    let mut files: Vec<&str> = Vec::new();
    let mut years: Vec<i32> = Vec::new();
    let mut later: Vec<(&str, Calendar)> = Vec::new();
    for arg in args {
        if let Some(path) = arg.strip_prefix("official:") {
            // A file of years not shipped, with the dates it knows (audits 147, 148: an
            // empty name said ": No such file", and a file with no `covers` alone was
            // taken as knowing every day).
            if path.is_empty() {
                return Err(format!(
                    "--calendar {arg:?}: no file name: expected official:FILE, an official calendar file of years not shipped (the shipped years are cn-YYYY)"
                ));
            }
            let p = Path::new(path);
            let shipped = path.to_ascii_lowercase().starts_with("cn");
            let text = read(p).map_err(|e| {
                let hint = if shipped {
                    " (a shipped year is given as cn-YYYY, without official:)"
                } else {
                    ""
                };
                format!("--calendar {arg}: {e}{hint}")
            })?;
            let cal =
                Calendar::from_json(&p.display().to_string(), &text).map_err(|e| e.to_string())?;
            if cal.coverage().is_none() {
                return Err(format!(
                    "--calendar {arg}: {path} gives no `covers`: expected an official calendar to say which dates it knows completely, as the shipped files do"
                ));
            }
            later.push((arg, cal));
            continue;
        }
        // `cn` and `cn-YYYY` always name the official calendars (audit 123: a file named
        // `cn-2026` replaced them); other spellings from `cn` — in any case, `_` or
        // nothing before the year (`CN-2026`, `cn_2026`: audits 116, 117 said "No such
        // file") — unless a file has that name.
        let lower = arg.to_ascii_lowercase();
        let documented = arg == "cn" || arg.starts_with("cn-");
        let official = documented || (lower.starts_with("cn") && !Path::new(arg).exists());
        if official && lower == "cn" {
            years.extend([*Calendar::CHINA_YEARS.start(), *Calendar::CHINA_YEARS.end()]);
        } else if let Some(y) = lower.strip_prefix("cn").filter(|_| official) {
            let y = y.strip_prefix(['-', '_']).unwrap_or(y);
            let shipped = Calendar::CHINA_YEARS;
            let four_digits = y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit());
            let year = (y.parse().ok()).filter(|y| four_digits && shipped.contains(y));
            years.push(year.ok_or_else(|| {
                format!(
                    "--calendar {arg:?}: expected cn, cn-YYYY for a year from {} to {} (the official calendars shipped), or a calendar file (no file has that name)",
                    shipped.start(),
                    shipped.end()
                )
            })?);
        } else {
            let p = Path::new(arg);
            let cal = Calendar::from_json(&p.display().to_string(), &read(p)?)
                .map_err(|e| e.to_string())?;
            clinic = Some(match clinic {
                None => cal,
                Some(c) => c.merge(&cal).map_err(|e| {
                    format!("--calendar {arg}: merged into {}: {e}", files.join(", "))
                })?,
            });
            files.push(arg);
        }
    }
    let clinic = clinic.unwrap_or_default();
    // Several years: every official year from the first to the last, joined; then the
    // official files of years not shipped.
    let mut official = match (years.iter().min(), years.iter().max()) {
        (Some(&first), Some(&last)) => {
            let name = if first == last {
                format!("cn-{first}")
            } else {
                format!("cn-{first}..cn-{last}")
            };
            let cal = Calendar::china_years(first..=last).map_err(|e| e.to_string())?;
            Some((name, cal))
        }
        _ => None,
    };
    for (arg, cal) in later {
        official = Some(match official {
            None => (arg.to_string(), cal),
            Some((name, joined)) => {
                let joined = joined
                    .join(&cal)
                    .map_err(|e| format!("--calendar {arg}: joined to {name}: {e}"))?;
                (format!("{name}, {arg}"), joined)
            }
        });
    }
    let Some((name, official)) = official else {
        return Ok(clinic);
    };
    clinic.merge(&official).map_err(|e| {
        let clinic = if files.is_empty() {
            "the default clinic".to_string()
        } else {
            files.join(", ")
        };
        format!("--calendar {name}: the official calendar merged into {clinic}: {e}")
    })
}

/// The value after a flag, or an error naming the flag.
#[allow(dead_code)]
pub fn value(args: &mut impl Iterator<Item = String>, flag: &str) -> Result<String, String> {
    // An empty value (`--ics ''`) is none: it gave "error: : No such file" (audit 94).
    (args.next())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| format!("{flag} needs a value"))
}

/// Refuses a flag of one value given again: the second silently replaced the first (a
/// history's outcomes vanished with no word, audit 63). `seen` holds the flags so far.
#[allow(dead_code)]
pub fn once(seen: &mut Vec<String>, flag: &str) -> Result<(), String> {
    if seen.iter().any(|f| f == flag) {
        return Err(format!(
            "{flag} is given twice: expected it once; try --help"
        ));
    }
    seen.push(flag.to_string());
    Ok(())
}

/// A day given on the command line: `YYYY-MM-DD` exactly, as the help says (chrono alone
/// also takes `+2026-03-05` and `-0001-01-01`), in the years 1900 to 9899 a recorded day
/// is read in (audit 63: `replay --from 9999-12-31` printed days of the year +10000).
#[allow(dead_code)]
pub fn day(flag: &str, v: &str) -> Result<chrono::NaiveDate, String> {
    use chrono::Datelike;
    let b = v.as_bytes();
    let shaped = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        });
    if !shaped {
        return Err(format!("{flag} {v:?}: expected YYYY-MM-DD"));
    }
    // Written as asked: a day that does not exist says so (audit 66).
    let day: chrono::NaiveDate = v
        .parse()
        .map_err(|_| format!("{flag} {v:?}: there is no such day: expected an existing day"))?;
    if !(1900..=9899).contains(&day.year()) {
        return Err(format!(
            "{flag} {v:?}: expected a day of the years 1900 to 9899 (the years of real records: a day outside them is a placeholder or a slip)"
        ));
    }
    Ok(day)
}

/// Exit code: it ran and the answer is yes (the output is on stdout).
#[allow(dead_code)]
pub const EXIT_OK: i32 = 0;
/// Exit code: it ran, but the answer is no (`check_rules`: a case failed; `plan --jsonl`:
/// a line was bad). The output is on stdout, the failures named on stderr or in it.
#[allow(dead_code)]
pub const EXIT_NO: i32 = 1;
/// Exit code: bad input or bad usage (an unknown flag, an unreadable or invalid file):
/// nothing useful on stdout, a message on stderr naming the file.
#[allow(dead_code)]
pub const EXIT_BAD_INPUT: i32 = 2;

/// Ends an example the same way for all: `Ok(out)` prints `out` and exits 0; `Err(e)`
/// prints `error: e` on stderr and exits 2 (bad input or usage).
#[allow(dead_code)]
pub fn finish(result: Result<String, String>) -> ! {
    match result {
        Ok(text) => {
            out(&text);
            exit(EXIT_OK)
        }
        Err(e) => fail(&e),
    }
}

/// Writes `text` on stdout. A pipe closed by its reader (`| head -1`) ends the program
/// quietly with exit 0 — the reader has what it wanted —; any other write error (a full
/// disk) is `error: stdout: …`, exit 2. Never a panic.
#[allow(dead_code)]
pub fn out(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        stdout_failed(e)
    }
}

/// What a failed write on stdout does (see [`out`]).
#[allow(dead_code)]
pub fn stdout_failed(e: std::io::Error) -> ! {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(EXIT_OK)
    }
    fail(&format!("stdout: {e}"))
}

/// Prints `error: message` on stderr and exits 2 (bad input or usage).
#[allow(dead_code)]
pub fn fail(message: &str) -> ! {
    eprintln!("error: {}", one_line(message));
    exit(EXIT_BAD_INPUT)
}

/// `text` with what would break a line of a terminal or a log written as `\u{…}`:
/// control characters, the line and paragraph separators, bidirectional controls — as
/// the library's errors write what they quote. For the messages the examples write
/// themselves, which name files (audit 98: a file name holding `\n` and an escape forged
/// a line and cleared the terminal).
#[allow(dead_code)]
pub fn one_line(text: &str) -> std::borrow::Cow<'_, str> {
    let breaks = |c: char| {
        c.is_control()
            || matches!(
                c,
                '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{61c}'
            )
            || ('\u{202a}'..='\u{202e}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c)
    };
    if !text.contains(breaks) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if breaks(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out.into()
}

/// Flushes stdout (a closed pipe is not an error worth reporting) and exits with `code`.
pub fn exit(code: i32) -> ! {
    use std::io::Write;
    let _ = std::io::stdout().flush();
    std::process::exit(code)
}

/// The exit code table, for `--help` texts.
#[allow(dead_code)]
pub const EXIT_CODES: &str = "exit codes: 0 success; 1 ran, but the answer is no (a failed case, a bad line of a batch); 2 bad input or usage (message on stderr)\n";

/// The history's records on an episode none of `shown` is (another patient's row, an
/// episode not passed, greetings not asked for), each with its index in `outcomes`: no
/// plan made here reads them, so no plan's `ignored` lists them (audit 90: they vanished
/// without a trace). Refusals aside: every plan reads them, as the patient's.
#[allow(dead_code)]
pub fn of_episodes_not_shown<'h>(
    history: &'h followup::history::History,
    shown: &[&str],
) -> Vec<(usize, &'h followup::history::Outcome)> {
    // A task id is `program/step/episode/occurrence…`; the readers check its shape. A
    // refusal is the patient's whatever task it names: it changed something (audit 99).
    (history.outcomes.iter().enumerate())
        .filter(|(_, o)| o.outcome != followup::history::OutcomeKind::Declined)
        .filter(|(_, o)| {
            o.task
                .split('/')
                .nth(2)
                .is_some_and(|e| !shown.contains(&e))
        })
        .collect()
}

/// Why such a record changed nothing, in `lang`.
#[allow(dead_code)]
pub fn not_shown_label(lang: followup::rules::Lang) -> &'static str {
    match lang {
        followup::rules::Lang::Zh => "不属于所列就诊",
        followup::rules::Lang::En => "for an episode not planned here",
    }
}

/// The episode the follow-up `f` names (`FollowUp::episode`), else the one the history's
/// outcomes on it name (`follow-up/ID/EPISODE/0`), if one does: the follow-up is that
/// episode's, planned with it alone. Of several, one of
/// the episodes `given`, else any, the least id — whatever the order of the history's
/// rows (audit 240: a row naming a mistyped episode, first in the file, took the follow-up
/// off the calendar and its real `done` was "no such task").
#[allow(dead_code)]
pub fn follow_up_episode(
    history: Option<&followup::history::History>,
    f: &followup::history::FollowUp,
    given: &[followup::episode::Episode],
) -> Option<String> {
    // The episode the host gave it (audit 276: its id changed when a record came).
    if let Some(e) = &f.episode {
        return Some(e.clone());
    }
    let prefix = format!("follow-up/{}/", f.id);
    // A note is never read (audit 239: one on a mistyped episode id took the follow-up
    // off the calendar).
    (history.iter().flat_map(|h| &h.outcomes))
        .filter(|o| o.outcome != followup::history::OutcomeKind::Note)
        .filter_map(|o| o.task.strip_prefix(&prefix)?.split('/').next())
        .min_by_key(|e| (!given.iter().any(|g| *g.id == **e), *e))
        .map(str::to_string)
}

/// The history with the records of each follow-up added by hand that name another of
/// the episodes `given` renamed to the episode that plans it ([`follow_up_episode`]): a
/// follow-up is one task of the patient, whichever given episode a record names (audit
/// 254: `no_answer` on `follow-up/photo/ep-A/0` and `done` on `…/ep-B/0` left the call
/// open and the `done` "no such task"). Records naming an episode not given stay as
/// they are.
#[allow(dead_code)]
pub fn follow_ups_homed(
    history: followup::history::History,
    given: &[followup::episode::Episode],
) -> followup::history::History {
    let mut h = history;
    let homes: Vec<(String, String)> = (h.follow_ups.iter())
        .filter_map(|f| {
            let home = follow_up_episode(Some(&h), f, given)?;
            given
                .iter()
                .any(|g| *g.id == *home)
                .then(|| (f.id.to_string(), home))
        })
        .collect();
    for o in &mut h.outcomes {
        for (id, home) in &homes {
            let prefix = format!("follow-up/{id}/");
            let Some(rest) = o.task.strip_prefix(&prefix) else {
                continue;
            };
            let (episode, tail) = rest.split_once('/').unwrap_or((rest, ""));
            if episode != home && given.iter().any(|g| *g.id == *episode) {
                o.task = format!("{prefix}{home}/{tail}");
            }
        }
    }
    h
}

/// A line for each follow-up added by hand that no episode given plans: its records
/// name another episode (audit 239: a follow-up whose records named a mistyped episode
/// id vanished, its records listed as having changed nothing).
#[allow(dead_code)]
pub fn follow_ups_elsewhere(
    history: Option<&followup::history::History>,
    episodes: &[followup::episode::Episode],
    lang: followup::rules::Lang,
) -> Vec<String> {
    let Some(h) = history else {
        return Vec::new();
    };
    (h.follow_ups.iter())
        .filter_map(|f| {
            let home = follow_up_episode(Some(h), f, episodes)?;
            let given = episodes.iter().any(|e| *e.id == *home);
            (!given).then(|| match lang {
                followup::rules::Lang::Zh => format!(
                    "注意：手动添加的回访 {} 未列入：其记录属于就诊 {home}，该就诊未给出（请核对就诊编号）",
                    f.id
                ),
                followup::rules::Lang::En => format!(
                    "Note: the follow-up added by hand {} is not planned here: its records name episode {home}, not given (check the episode id)",
                    f.id
                ),
            })
        })
        .collect()
}

/// How a worklist says where a task past its due day and not done stands: late ("2
/// days overdue, late"), or still on time ("1 day past its day, on time until …": audits
/// 217, 221 — "overdue" and "on time" together read as a contradiction).
#[allow(dead_code)]
pub fn past_its_day(item: &followup::replan::WorkItem, zh: bool) -> String {
    let (n, due, latest) = (item.days_overdue, item.task.due, item.task.latest);
    let s = if n == 1 { "" } else { "s" };
    match (item.late, zh) {
        (true, true) => format!("逾期{n}天，已超时（应于 {due}）"),
        (true, false) => format!("{n} day{s} overdue, late (due {due})"),
        (false, true) => format!("已过应做日{n}天（应于 {due}），按时至 {latest}"),
        (false, false) => format!("{n} day{s} past its day (due {due}), on time until {latest}"),
    }
}

/// A task whose day staff pick, with no day picked yet: its `due` is the first day it may
/// take, not a day it is late from (worklists say "a day to pick, by …", not "overdue").
#[allow(dead_code)]
pub fn unpicked(t: &followup::plan::Task) -> bool {
    use followup::calendar::ShiftReason;
    // A day agreed with the patient is a day picked too (audit 185: "a day to pick" for
    // a call agreed for 10:00).
    t.picked_by().is_some() && !matches!(t.shifted, Some(ShiftReason::Picked | ShiftReason::Agreed))
}

/// How a worklist says where such a task stands on `day` (`None` for any other task, or
/// one expired): inside its window, a day to pick by its last day; after it, how many
/// days past its window (audit 136: "today" on its first day, then "27 days overdue",
/// counted from its first day, the day after its window).
#[allow(dead_code)]
pub fn unpicked_state(
    item: &followup::replan::WorkItem,
    day: chrono::NaiveDate,
    lang: followup::rules::Lang,
) -> Option<String> {
    use followup::replan::WorkState;
    let t = &item.task;
    if !unpicked(t) || item.state == WorkState::Expired {
        return None;
    }
    let zh = lang == followup::rules::Lang::Zh;
    let past = (day - t.latest).num_days();
    Some(match (past > 0, zh) {
        (false, true) => format!("待选定日期，最晚 {}", t.latest),
        (false, false) => format!("a day to pick, by {}", t.latest),
        (true, true) => format!("已过期限{past}天（至 {}），已超时", t.latest),
        (true, false) => format!(
            "{past} day{} past its window (to {}), late",
            if past == 1 { "" } else { "s" },
            t.latest
        ),
    })
}

/// The history as known on `as_of`: the outcomes recorded by the end of that day (audits
/// 245, 247: `--as-of` a past day showed tasks closed by calls recorded after it, which
/// `replay` did not).
#[allow(dead_code)]
pub fn known_by(
    mut history: followup::history::History,
    as_of: Option<chrono::NaiveDate>,
) -> followup::history::History {
    if let Some(day) = as_of {
        history.outcomes.retain(|o| o.at.date() <= day);
    }
    history
}

/// The episode as known on `as_of`: its facts and reassignments dated by the end of that
/// day (audit 250: a contact or a handover dated later moved a `latest:` check, and a
/// complaint's later resolution ended its hold, on a past day).
#[allow(dead_code)]
pub fn episode_known_by(
    episode: &followup::episode::Episode,
    as_of: Option<chrono::NaiveDate>,
) -> std::borrow::Cow<'_, followup::episode::Episode> {
    let Some(day) = as_of else {
        return std::borrow::Cow::Borrowed(episode);
    };
    let later = |d: chrono::NaiveDate| d > day;
    if !episode.facts.iter().any(|f| later(f.at.date()))
        && !episode.reassignments.iter().any(|r| later(r.at.date()))
    {
        return std::borrow::Cow::Borrowed(episode);
    }
    let mut ep = episode.clone();
    ep.facts.retain(|f| !later(f.at.date()));
    ep.reassignments.retain(|r| !later(r.at.date()));
    std::borrow::Cow::Owned(ep)
}
