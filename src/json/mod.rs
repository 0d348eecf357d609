//! Reading JSON texts with bounded work and precise error locations.
//!
//! Every reader goes through [`read`]: size and depth are checked before serde sees the
//! text, and serde's errors come back with a JSON pointer and line/column. [`locate`]
//! finds the line and column of a value by its pointer, for errors found after parsing.

pub(crate) mod escape;
mod not_a_word;
pub(crate) mod out;
mod shape;
mod strict;
mod words;

pub(crate) use shape::{
    non_empty_conditions, null_default, object, object_opt, objects, objects_opt, unique_keyed_map,
    unique_map, Document, Expected, Object,
};
pub(crate) use strict::Strict;
pub(crate) use words::plain as plain_message;

use crate::error::Located;
use crate::limits::Limits;
use serde::de::DeserializeOwned;

/// The error for a text with nothing but white space (and a byte-order mark) in it, if
/// `text` is one: "the text is empty: expected {expected}", at the end of the text,
/// where the value should have begun (audits 161, 163: no line and column, and
/// episodes and calendars said "the text ends where a value should be").
pub(crate) fn empty(text: &str, expected: &str) -> Option<Located> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    if !body.trim().is_empty() {
        return None;
    }
    let line = body.matches('\n').count() + 1;
    let last = body.rsplit('\n').next().unwrap_or_default();
    let mut e = Located::new("", format!("the text is empty: expected {expected}")).syntax();
    e.line = Some(line);
    e.column = Some(last.chars().count() + 1);
    Some(e)
}

/// Parses `text` as a `T`, within `limits.max_rule_bytes` and `limits.max_json_depth`.
pub(crate) fn read<T: DeserializeOwned>(text: &str, limits: &Limits) -> Result<T, Located> {
    // Editors on Windows may save a byte-order mark; it is not part of the JSON.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.len() > limits.max_rule_bytes {
        return Err(Located::new(
            "",
            format!(
                "the text is {} bytes, more than the limit max_rule_bytes ({}): expected at most {} bytes (split it, or raise the limit)",
                text.len(),
                limits.max_rule_bytes,
                limits.max_rule_bytes
            ),
        )
        .limit("max_rule_bytes"));
    }
    check_depth(text, limits.max_json_depth)?;
    // Valid texts are read without tracking the path; an invalid one is read again with
    // it, to say where the error is.
    if let Ok(value) = serde_json::from_str(text) {
        return Ok(value);
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let pointer = pointer_of(e.path());
        let mut loc = from_serde(pointer, e.inner());
        if let Some(found) = not_a_word::<T>(text, &loc, e.inner()) {
            return found;
        }
        if let (Some(line), Some(column)) = (loc.line, loc.column) {
            loc.column = Some(serde_column(text, line, column));
        }
        let mut loc = control_character(loc, text, e.inner().column());
        if loc.syntax {
            loc = what_was_found(loc, text, e.inner());
        }
        // For data errors (wrong type, unknown field, bad value) point at the start of
        // the offending value, as the checks after parsing do; serde points at its end.
        // Unknown fields and bad language tags point at the key; duplicate keys keep serde's place (the duplicate).
        let data = e.inner().classify() == serde_json::error::Category::Data;
        let inner = e.inner().to_string();
        if let Some(field) = inner
            .strip_prefix("duplicate field `")
            .and_then(|r| r.split_once('`'))
            .map(|(f, _)| f)
        {
            // At the second key, named in the pointer.
            push_key(&mut loc.pointer, field);
            if let Some((line, column)) = key_before(text, e.inner().line(), e.inner().column()) {
                loc.line = Some(line);
                loc.column = Some(column);
            }
            return loc;
        }
        // A key given twice in a map: at the second key, named in the pointer.
        if let Some(key) = loc
            .message
            .strip_suffix(" is given twice: expected each key once")
            .and_then(|q| serde_json::from_str::<String>(q).ok())
        {
            push_key(&mut loc.pointer, &key);
            if let Some((line, column)) = key_before(text, e.inner().line(), e.inner().column()) {
                loc.line = Some(line);
                loc.column = Some(column);
            }
            return loc;
        }
        // A field missing from the top object: at its opening brace, as inside (serde
        // points at the closing one, the file's last line; audit 84).
        let root_missing = loc.pointer.is_empty() && loc.message.starts_with("missing field");
        if data
            && (!loc.pointer.is_empty() || root_missing)
            && !loc.message.starts_with("duplicate ")
        {
            let key = loc.message.starts_with("unknown field")
                || crate::text::is_tag_message(&loc.message);
            if let Some((line, column)) = locate_at(text, &loc.pointer, key) {
                loc.line = Some(line);
                loc.column = Some(column);
            }
        }
        loc
    })?;
    de.end().map_err(|e| {
        let mut loc = from_serde(String::new(), &e);
        if let (Some(line), Some(column)) = (loc.line, loc.column) {
            loc.column = Some(serde_column(text, line, column));
        }
        loc
    })?;
    Ok(value)
}

/// serde's "expected value" where a word (a channel, a role…) was given a valid JSON
/// value of another type: a `wrong_type` error at the value, naming the words it takes.
#[cold]
#[inline(never)]
fn not_a_word<T: DeserializeOwned>(
    text: &str,
    loc: &Located,
    e: &serde_json::Error,
) -> Option<Located> {
    if !loc.syntax
        || e.to_string() != format!("expected value at line {} column {}", e.line(), e.column())
    {
        return None;
    }
    let start: usize = (text.split_inclusive('\n'))
        .take(e.line().checked_sub(1)?)
        .map(str::len)
        .sum();
    let at = start.checked_add(e.column().checked_sub(1)?)?;
    let (message, at) = not_a_word::message::<T>(text, at)?;
    let mut found = Located::new(loc.pointer.clone(), message);
    // The value may start on an earlier line than serde stopped (`{` and `}` of an
    // empty object on two lines).
    let before = text.get(..at)?;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    found.line = Some(before.matches('\n').count() + 1);
    found.column = Some(chars_column(text, start, at));
    Some(found)
}

/// The 1-based column, in characters as an editor counts them, of the byte `start..at` of
/// `text` (`start`: the line's first byte).
fn chars_column(text: &str, start: usize, at: usize) -> usize {
    let b = text.as_bytes();
    let line = b.get(start..at.min(b.len())).unwrap_or_default();
    // UTF-8: every byte but a continuation byte (10xxxxxx) starts a character.
    line.iter().filter(|&&c| c & 0xC0 != 0x80).count() + 1
}

/// `column`, a byte column serde reports on 1-based `line` of `text`, in characters.
fn serde_column(text: &str, line: usize, column: usize) -> usize {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let start: usize = (text.split_inclusive('\n'))
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    chars_column(text, start, start.saturating_add(column.saturating_sub(1)))
}

/// A control character inside a string (serde's message, already in words). serde
/// reports it just after the character: a line break at column 0 of the next line — the
/// string was left open on its line: said so, at its opening quote — and any other (a tab
/// pasted from a spreadsheet, a NUL) at its own column: named, with its escape.
/// `serde_column` is serde's own column, 0 included.
fn control_character(mut loc: Located, text: &str, serde_column: usize) -> Located {
    let Some(line) = loc.line else {
        return loc;
    };
    if !loc.message.starts_with("a control character") {
        return loc;
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if serde_column == 0 {
        let Some(previous) = line.checked_sub(2).and_then(|n| text.split('\n').nth(n)) else {
            return loc;
        };
        // The opening quote: the last one on the previous line.
        if let Some(open) = previous.rfind('"') {
            loc.message = "the string is not closed on its line: expected its closing quote (\") before the line ends".into();
            loc.line = Some(line - 1);
            loc.column = Some(chars_column(previous, 0, open));
        }
        return loc;
    }
    let start: usize = (text.split_inclusive('\n'))
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let at = start.saturating_add(serde_column - 1);
    if let Some(&b) = text.as_bytes().get(at) {
        let (name, escape) = match b {
            b'\t' => ("a tab".to_string(), "\\t".to_string()),
            b'\r' => ("a carriage return".to_string(), "\\r".to_string()),
            _ => (
                format!("the control character U+{b:04X}"),
                format!("\\u{b:04x}"),
            ),
        };
        loc.message = format!("{name} inside a string: expected it written as {escape}");
    }
    loc
}

/// Where serde expected a value, a key or a separator: what stands there, named when
/// JSON has a word for the mistake (a comment, `NaN`, a single quote, a second invisible
/// byte-order mark), so that the message says what was found as well as what was expected.
#[cold]
#[inline(never)]
fn what_was_found(mut loc: Located, text: &str, e: &serde_json::Error) -> Located {
    if !loc.message.starts_with("expected ") || e.line() == 0 {
        return loc;
    }
    let start: usize = (text.split_inclusive('\n'))
        .take(e.line() - 1)
        .map(str::len)
        .sum();
    let Some(rest) = text.get(start.saturating_add(e.column().saturating_sub(1))..) else {
        return loc;
    };
    let Some(c) = rest.chars().next() else {
        return loc;
    };
    let found = if rest.starts_with("//") || rest.starts_with("/*") {
        "a comment (JSON has none)".to_string()
    } else if rest.starts_with("NaN") || rest.starts_with("Infinity") {
        "NaN or Infinity (JSON numbers are finite)".to_string()
    } else if c == '\u{feff}' {
        "a second byte-order mark (U+FEFF, invisible: save the file with one at most)".to_string()
    } else if c == '\'' {
        "a single quote (JSON strings and keys take double quotes)".to_string()
    } else if loc.message.starts_with("expected \",\"") && matches!(c, '"' | '{' | '[') {
        "the start of another value (a comma is missing before it)".to_string()
    } else if c.is_control() || c.is_whitespace() {
        format!("the character U+{:04X}", u32::from(c))
    } else if c == '"' {
        "a double quote".to_string()
    } else {
        format!("\"{c}\"")
    };
    loc.message.push_str(", found ");
    loc.message.push_str(&found);
    loc
}

fn from_serde(pointer: String, e: &serde_json::Error) -> Located {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let message = words::plain(full.strip_suffix(&suffix).unwrap_or(&full));
    let mut loc = Located::new(pointer, message);
    loc.syntax = matches!(
        e.classify(),
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof
    );
    if e.line() > 0 {
        loc.line = Some(e.line());
        // serde_json says column 0 at the very start of a line (an empty text).
        loc.column = Some(e.column().max(1));
    }
    loc
}

/// The line and column of the key serde stopped at (`line`, `column`: just after it, as
/// serde_json reports a duplicate field): its opening quote.
fn key_before(text: &str, line: usize, column: usize) -> Option<(usize, usize)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let start_of_line: usize = text
        .split_inclusive('\n')
        .take(line.checked_sub(1)?)
        .map(str::len)
        .sum();
    let at = start_of_line.checked_add(column)?.min(text.len());
    let bytes = text.as_bytes();
    // Back over the key's closing quote, then to its opening one.
    let close = (0..at).rev().find(|&i| bytes.get(i) == Some(&b'"'))?;
    let mut open = close;
    loop {
        open = (0..open).rev().find(|&i| bytes.get(i) == Some(&b'"'))?;
        // An escaped quote belongs to the key: keep going.
        if open == 0 || bytes.get(open - 1) != Some(&b'\\') {
            break;
        }
    }
    let before = text.get(..open)?;
    let line = before.matches('\n').count() + 1;
    let column = chars_column(text, before.rfind('\n').map_or(0, |n| n + 1), open);
    Some((line, column))
}

/// How many `[` and `{` `bytes` holds. `[` is 0x5B and `{` 0x7B: with bit 0x20 set, both
/// are `{`, and no other byte is. Eight bytes at a time: a byte of `w ^ {{{{{{{{` is zero
/// exactly where `w` has a bracket, and each zero byte is found exactly (no borrow
/// crosses bytes), then counted.
fn opening_brackets(bytes: &[u8]) -> usize {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const BRACES: u64 = 0x7b7b_7b7b_7b7b_7b7b;
    const BIT5: u64 = 0x2020_2020_2020_2020;
    let mut chunks = bytes.chunks_exact(8);
    let mut n = 0usize;
    for chunk in chunks.by_ref() {
        let mut w = [0u8; 8];
        w.copy_from_slice(chunk);
        let x = (u64::from_le_bytes(w) | BIT5) ^ BRACES;
        // The high bit of each byte is set where the byte is not zero.
        let nonzero = ((x & LOW7).wrapping_add(LOW7) | x) & !LOW7;
        n += 8 - nonzero.count_ones() as usize;
    }
    n + chunks
        .remainder()
        .iter()
        .filter(|&&b| b | 0x20 == b'{')
        .count()
}

/// Rejects texts nested deeper than `max` arrays/objects, before any recursion.
fn check_depth(text: &str, max: usize) -> Result<(), Located> {
    let bytes = text.as_bytes();
    // A text with no more opening brackets than `max` (strings' brackets counted too)
    // cannot nest deeper: one counting pass, eight bytes at a time, instead of the walk
    // below.
    if opening_brackets(bytes) <= max {
        return Ok(());
    }
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' => {
                i = string_end(bytes, i + 1);
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    // Line and column are counted only for the error.
                    let before = text.as_bytes().get(..i).unwrap_or_default();
                    let line = before.iter().filter(|&&c| c == b'\n').count() + 1;
                    let start = before
                        .iter()
                        .rposition(|&c| c == b'\n')
                        .map_or(0, |p| p + 1);
                    let mut loc = Located::new(
                        "",
                        format!(
                            "JSON nested more than {max} levels deep (the limit max_json_depth): expected at most {max} levels of objects and arrays"
                        ),
                    )
                    .limit("max_json_depth");
                    loc.line = Some(line);
                    loc.column = Some(chars_column(text, start, i));
                    return Err(loc);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

/// The index of the quote closing the string whose content starts at `i` (the text's
/// length if it is not closed). Texts are mostly strings: they are skipped 16 bytes at a
/// time while no quote or backslash is in sight.
fn string_end(bytes: &[u8], mut i: usize) -> usize {
    const CHUNK: usize = 16;
    loop {
        while let Some(chunk) = bytes.get(i..i + CHUNK) {
            // No early exit inside the chunk, so the compiler can compare it at once.
            let special = chunk
                .iter()
                .fold(false, |seen, &c| seen | (c == b'"') | (c == b'\\'));
            if special {
                break;
            }
            i += CHUNK;
        }
        match bytes.get(i) {
            None => return bytes.len(),
            Some(b'"') => return i,
            Some(b'\\') => i += 2,
            Some(_) => i += 1,
        }
    }
}

/// Turns a serde path into a JSON pointer (`/steps/3/offset`).
pub(crate) fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => {
                out.push('/');
                out.push_str(&index.to_string());
            }
            Segment::Map { key } => push_key(&mut out, key),
            Segment::Enum { variant } => push_key(&mut out, variant),
            Segment::Unknown => {}
        }
    }
    out
}

/// Appends one escaped pointer segment (RFC 6901: `~` is `~0`, `/` is `~1`).
pub(crate) fn push_key(out: &mut String, key: &str) {
    out.push('/');
    for c in key.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
}

/// `e` with the line and column of its pointer in `text`, when they can be found: the
/// key's for an unknown field, the value's otherwise.
pub(crate) fn located_in(mut e: Located, text: &str) -> Located {
    if e.line.is_none() {
        let key = e.message.starts_with("unknown field");
        if let Some((line, column)) = locate_at(text, &e.pointer, key) {
            e.line = Some(line);
            e.column = Some(column);
        }
    }
    e
}

/// Line and column (1-based, columns in bytes as serde_json counts them) of the value at
/// `pointer` in the valid JSON `text`; `None` if it cannot be found.
pub(crate) fn locate(text: &str, pointer: &str) -> Option<(usize, usize)> {
    locate_at(text, pointer, false)
}

/// Line and column of the key of the member at `pointer` (a milestone's name, an
/// attribute's), as [`locate`] gives its value's.
pub(crate) fn locate_key(text: &str, pointer: &str) -> Option<(usize, usize)> {
    locate_at(text, pointer, true)
}

/// As [`locate`]; with `key`, the position of the last member's key instead of its value.
fn locate_at(text: &str, pointer: &str, key: bool) -> Option<(usize, usize)> {
    // Positions are counted as serde counts them: after a byte-order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bytes = text.as_bytes();
    let mut pos = skip_ws(bytes, 0);
    let segments: Vec<&str> = pointer.split('/').skip(1).collect();
    for (i, raw) in segments.iter().enumerate() {
        let seg = raw.replace("~1", "/").replace("~0", "~");
        let last_key = key && i + 1 == segments.len();
        pos = match bytes.get(pos)? {
            b'{' => {
                let (key_at, value_at) = find_member(bytes, pos, &seg)?;
                if last_key {
                    key_at
                } else {
                    value_at
                }
            }
            b'[' => find_element(bytes, pos, seg.parse().ok()?)?,
            _ => return None,
        };
    }
    let before = bytes.get(..pos)?;
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    Some((line, chars_column(text, line_start, pos)))
}

/// The byte offset of the value at the relative `pointer` from the value starting at
/// `from`, in the valid JSON `text` (without a byte-order mark). With
/// [`element_offsets`] and [`Lines`], a reader locates many entries of one text in one
/// pass, where [`locate`] for each would read the text from its start every time.
pub(crate) fn offset_at(text: &str, from: usize, pointer: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut pos = skip_ws(bytes, from);
    for raw in pointer.split('/').skip(1) {
        let seg = raw.replace("~1", "/").replace("~0", "~");
        pos = match bytes.get(pos)? {
            b'{' => find_member(bytes, pos, &seg)?.1,
            b'[' => find_element(bytes, pos, seg.parse().ok()?)?,
            _ => return None,
        };
    }
    Some(pos)
}

/// The byte offsets of the elements of the array starting at `at` (none if it is not
/// an array), in one pass.
pub(crate) fn element_offsets(text: &str, at: usize) -> Vec<usize> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    if b.get(at) != Some(&b'[') {
        return out;
    }
    let mut i = skip_ws(b, at + 1);
    while b.get(i).is_some_and(|&c| c != b']') {
        out.push(i);
        let Some(end) = skip_value(b, i) else {
            break;
        };
        i = skip_ws(b, end);
        if b.get(i) != Some(&b',') {
            break;
        }
        i = skip_ws(b, i + 1);
    }
    out
}

/// Where each line of a text starts: line and column of a byte offset by binary search.
pub(crate) struct Lines(Vec<usize>);

impl Lines {
    pub(crate) fn new(text: &str) -> Lines {
        let starts = std::iter::once(0)
            .chain(
                text.bytes()
                    .enumerate()
                    .filter(|(_, b)| *b == b'\n')
                    .map(|(i, _)| i + 1),
            )
            .collect();
        Lines(starts)
    }

    /// 1-based line and column (in bytes, as serde_json counts them) of `offset`.
    pub(crate) fn line_column(&self, offset: usize) -> (usize, usize) {
        let line = self.0.partition_point(|&start| start <= offset);
        let start = self.0.get(line.saturating_sub(1)).copied().unwrap_or(0);
        (line.max(1), offset.saturating_sub(start) + 1)
    }
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\n' | b'\r' | b'\t')) {
        i += 1;
    }
    i
}

/// From the opening quote at `i`, returns the string's raw content and the index after it.
fn scan_string(b: &[u8], i: usize) -> Option<(&[u8], usize)> {
    let mut j = i + 1;
    loop {
        match b.get(j)? {
            b'\\' => j += 2,
            b'"' => return Some((b.get(i + 1..j)?, j + 1)),
            _ => j += 1,
        }
    }
}

/// Index just after the value starting at `i`.
fn skip_value(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' => scan_string(b, i).map(|(_, end)| end),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            loop {
                match b.get(j)? {
                    b'"' => {
                        j = scan_string(b, j)?.1;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.checked_sub(1)?;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
        }
        _ => {
            let mut j = i;
            while !matches!(
                b.get(j),
                None | Some(b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t')
            ) {
                j += 1;
            }
            Some(j)
        }
    }
}

/// Positions of the key and of the value of member `key` of the object opening at `open`.
fn find_member(b: &[u8], open: usize, key: &str) -> Option<(usize, usize)> {
    let mut i = skip_ws(b, open + 1);
    while b.get(i)? == &b'"' {
        let (raw, after) = scan_string(b, i)?;
        let colon = skip_ws(b, after);
        let value = skip_ws(b, colon + 1);
        // Keys with escapes are compared through serde_json to get them right.
        let matches = if raw.contains(&b'\\') {
            serde_json::from_slice::<String>(b.get(i..after)?).ok()? == key
        } else {
            raw == key.as_bytes()
        };
        if matches {
            return Some((i, value));
        }
        i = skip_ws(b, skip_value(b, value)?);
        if b.get(i)? == &b',' {
            i = skip_ws(b, i + 1);
        }
    }
    None
}

fn find_element(b: &[u8], open: usize, index: usize) -> Option<usize> {
    let mut i = skip_ws(b, open + 1);
    for _ in 0..index {
        i = skip_ws(b, skip_value(b, i)?);
        if b.get(i)? != &b',' {
            return None;
        }
        i = skip_ws(b, i + 1);
    }
    (b.get(i)? != &b']').then_some(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Eight bytes at a time counts what one byte at a time counts, whatever the bytes
        /// (brackets next to bytes one below or above them, high bytes, any length).
        #[test]
        fn brackets_are_counted_exactly(
            bytes in proptest::collection::vec(
                proptest::sample::select(vec![b'{', b'[', b'z', b'Z', b'|', b'\\', 0x7a, 0x5a, 0x7c, 0x00, 0x01, 0x80, 0xfb, 0xdb, 0xff, b'"']),
                0..100,
            ),
        ) {
            let one_by_one = bytes.iter().filter(|&&b| b == b'{' || b == b'[').count();
            proptest::prop_assert_eq!(opening_brackets(&bytes), one_by_one);
        }
    }

    #[test]
    fn locate_finds_nested_values() {
        let text = "{\n  \"a\": 1,\n  \"steps\": [\n    {\"id\": \"x\"},\n    {\"id\": \"y\", \"offset\": \"P1X\"}\n  ]\n}";
        assert_eq!(locate(text, "/steps/1/offset"), Some((5, 27)));
        assert_eq!(locate(text, "/steps/0"), Some((4, 5)));
        assert_eq!(locate(text, "/a"), Some((2, 8)));
        assert_eq!(locate(text, "/steps/2"), None);
        assert_eq!(locate(text, "/nope"), None);
    }

    #[test]
    fn offsets_and_lines_agree_with_locate() {
        let text = "{\n  \"a\": 1,\n  \"steps\": [\n    {\"id\": \"x\"},\n    {\"id\": \"y\", \"offset\": \"P1X\"}\n  ]\n}";
        let lines = Lines::new(text);
        let steps = offset_at(text, 0, "/steps").unwrap();
        let elements = element_offsets(text, steps);
        assert_eq!(elements.len(), 2);
        assert_eq!(
            lines.line_column(elements[1]),
            locate(text, "/steps/1").unwrap()
        );
        let offset = offset_at(text, elements[1], "/offset").unwrap();
        assert_eq!(lines.line_column(offset), (5, 27));
        assert_eq!(lines.line_column(0), (1, 1));
        assert!(element_offsets(text, 0).is_empty());
        assert!(element_offsets("[]", 0).is_empty());
    }

    #[test]
    fn depth_limit_counts_brackets_outside_strings() {
        assert!(check_depth("[[[\"[[[[\"]]]", 3).is_ok());
        let err = check_depth("[[[[1]]]]", 3).unwrap_err();
        assert_eq!(err.limit, Some("max_json_depth"));
    }

    /// The depth as a plain byte-by-byte scan counts it: the reference for the chunked
    /// scan of `check_depth`.
    fn reference_depth(text: &str) -> usize {
        let (mut depth, mut max, mut in_string, mut escaped) = (0usize, 0, false, false);
        for b in text.bytes() {
            if in_string {
                match (escaped, b) {
                    (true, _) => escaped = false,
                    (false, b'\\') => escaped = true,
                    (false, b'"') => in_string = false,
                    _ => {}
                }
                continue;
            }
            match b {
                b'"' => in_string = true,
                b'[' | b'{' => {
                    depth += 1;
                    max = max.max(depth);
                }
                b']' | b'}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        max
    }

    proptest::proptest! {
        /// Strings longer than a chunk, escapes on chunk edges, unclosed strings: the
        /// chunked scan agrees with the byte-by-byte one.
        #[test]
        fn depth_check_agrees_with_a_byte_scan(text in "(\\[|\\]|\\{|\\}|\"|\\\\|a{1,40}|é{1,20}){0,24}") {
            let depth = reference_depth(&text);
            proptest::prop_assert!(check_depth(&text, depth).is_ok());
            if depth > 0 {
                proptest::prop_assert!(check_depth(&text, depth - 1).is_err());
            }
        }
    }
}
