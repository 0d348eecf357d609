//! Texts in several languages (titles, scripts, names), shared between tasks without
//! copying, with a fallback chain from any language tag to one the text has.

use serde::de::{DeserializeSeed, Error as _, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::sync::Arc;

/// A text in Chinese, English and any other languages, keyed by BCP 47 language tag.
///
/// Chinese (`zh`) and English (`en`) are always there, so that every calendar can be
/// printed in either; other languages are optional: `zh-Hant` for a Hong Kong or Taiwan
/// clinic, `ja`, `zh-HK`… Every language sits in one buffer behind one reference count:
/// cloning a `Text` (as every task does for its title and script) copies no characters
/// and touches one counter.
///
/// # JSON form
///
/// `{"zh": "术后回访", "en": "Aftercare call", "zh-Hant": "術後回訪"}`. `zh` and `en` are
/// required (written in lower case), every text must be non-empty in rule files, and
/// tags must have the shape of a BCP 47 tag: subtags of 1 to 8 ASCII letters or digits
/// separated by `-`, the first one 2 or 3 letters. A language given twice (ignoring case)
/// is refused. Tags keep the case they were written in; lookups ignore case.
/// Written back as `zh`, `en`, then the other languages in tag order (ignoring case), so
/// the output is the same whatever order the input had.
///
/// # Fallback
///
/// [`Text::get_tag`] never fails: it tries the tag itself, then drops trailing subtags
/// one by one (`zh-Hant-HK` → `zh-Hant` → `zh`); a Chinese tag for Taiwan, Hong Kong or
/// Macau without a script (`zh-TW`, `zh-HK`, `zh-MO`) tries `zh-Hant` before `zh`; the
/// last resort is `en`.
///
/// ```
/// use followup::rules::Text;
/// let title = Text::new("术后回访", "Aftercare call").with("zh-Hant", "術後回訪")?;
/// assert_eq!(title.get_tag("zh-HK"), "術後回訪");   // zh-HK → zh-Hant
/// assert_eq!(title.get_tag("zh-CN"), "术后回访");   // zh-CN → zh
/// assert_eq!(title.get_tag("ja"), "Aftercare call"); // ja → en
/// assert_eq!(title.tags().collect::<Vec<_>>(), ["zh", "en", "zh-Hant"]);
/// # Ok::<(), followup::rules::TagError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Text(Arc<Langs>);

/// Every language's text in one buffer: `zh`, `en`, then the others.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Langs {
    buf: Box<str>,
    /// Where `zh` ends in `buf` (it starts at 0).
    zh_end: usize,
    /// Where `en` ends (it starts where `zh` ends).
    en_end: usize,
    /// The other languages: tag and where its text ends (it starts where the previous
    /// one ends), sorted by tag ignoring case, tags unique ignoring case, none of them
    /// `zh` or `en`.
    more: Box<[(Arc<str>, usize)]>,
}

/// The language to pick from a [`Text`] among the two every text has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    /// Chinese (the default: the clinics using this are Chinese-speaking).
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// The one of a label's Chinese and English forms that is in this language.
    pub(crate) fn pick<'a>(self, (zh, en): (&'a str, &'a str)) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// The language tag (`zh`, `en`).
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }
}

/// A language tag that does not have the shape of a BCP 47 tag; the message says what
/// was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagError(String);

impl fmt::Display for TagError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TagError {}

/// Checks the shape of a language tag: subtags of 1 to 8 ASCII letters or digits
/// separated by `-`, the first one 2 or 3 letters.
pub(crate) fn check_tag(tag: &str) -> Result<(), TagError> {
    let mut subtags = tag.split('-');
    let language_ok = subtags
        .next()
        .is_some_and(|l| (2..=3).contains(&l.len()) && l.bytes().all(|b| b.is_ascii_alphabetic()));
    let rest_ok =
        subtags.all(|s| (1..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()));
    if language_ok && rest_ok {
        Ok(())
    } else {
        Err(TagError(format!(
            "invalid language tag {tag:?}: expected a BCP 47 tag, subtags of 1 to 8 letters or digits separated by \"-\", the first one 2 or 3 letters (zh, en, zh-Hant, zh-HK, ja)"
        )))
    }
}

/// True for the messages of [`TagSeed`]: errors about a key, located at the key.
pub(crate) fn is_tag_message(message: &str) -> bool {
    ["invalid language tag ", "language tag "]
        .iter()
        .any(|p| message.starts_with(p))
}

/// Calls `found` with each tag of the fallback chain of `tag` until it answers: the tag,
/// then the tag without its last subtag, and so on down to the language; `zh-Hant` before
/// `zh` for a Chinese tag with a region of Taiwan, Hong Kong or Macau and no script; `en`
/// last.
pub(crate) fn resolve<T>(tag: &str, mut found: impl FnMut(&str) -> Option<T>) -> Option<T> {
    let language = tag.split('-').next().unwrap_or_default();
    let traditional = language.eq_ignore_ascii_case("zh")
        && !tag.split('-').any(|s| s.len() == 4)
        && tag
            .split('-')
            .skip(1)
            .any(|s| ["TW", "HK", "MO"].iter().any(|r| s.eq_ignore_ascii_case(r)));
    let mut candidate = tag;
    loop {
        if let Some(v) = found(candidate) {
            return Some(v);
        }
        match candidate.rfind('-') {
            Some(i) => {
                candidate = candidate.get(..i).unwrap_or_default();
                if traditional
                    && !candidate.contains('-')
                    && let Some(v) = found("zh-Hant")
                {
                    return Some(v);
                }
            }
            None => break,
        }
    }
    found("en")
}

impl Text {
    /// Builds a text from its two required languages.
    pub fn new(zh: &str, en: &str) -> Self {
        Text::build(zh.len() + en.len(), [], |i, buf| {
            buf.push_str(if i == 0 { zh } else { en })
        })
    }

    /// Builds a text of the languages `zh`, `en` and `more` (tags sorted by [`cmp_tags`],
    /// unique ignoring case, neither `zh` nor `en`): `write(i, buf)` appends the text of
    /// language `i` (0 `zh`, 1 `en`, then `more` in order) to `buf`. With `capacity` the
    /// total length, the text is one allocation (two with other languages) plus the
    /// reference count's.
    pub(crate) fn build<I>(
        capacity: usize,
        more: I,
        mut write: impl FnMut(usize, &mut String),
    ) -> Text
    where
        I: IntoIterator<Item = Arc<str>>,
        I::IntoIter: ExactSizeIterator,
    {
        let mut buf = String::with_capacity(capacity);
        write(0, &mut buf);
        let zh_end = buf.len();
        write(1, &mut buf);
        let en_end = buf.len();
        let more = more.into_iter();
        let mut ends = Vec::with_capacity(more.len());
        for (i, tag) in more.enumerate() {
            write(i + 2, &mut buf);
            ends.push((tag, buf.len()));
        }
        Text(Arc::new(Langs {
            buf: buf.into_boxed_str(),
            zh_end,
            en_end,
            more: ends.into_boxed_slice(),
        }))
    }

    /// The other languages' tags (neither `zh` nor `en`), in order.
    pub(crate) fn more_tags(&self) -> impl ExactSizeIterator<Item = &Arc<str>> {
        self.0.more.iter().map(|(tag, _)| tag)
    }

    /// Builds a text from (tag, text) pairs, `zh` and `en` among them.
    fn from_pairs(zh: &str, en: &str, mut more: Vec<(Arc<str>, &str)>) -> Text {
        more.sort_by(|a, b| cmp_tags(&a.0, &b.0));
        let len = zh.len() + en.len() + more.iter().map(|(_, s)| s.len()).sum::<usize>();
        let tags: Vec<Arc<str>> = more.iter().map(|(t, _)| t.clone()).collect();
        Text::build(len, tags, |i, buf| {
            buf.push_str(match i {
                0 => zh,
                1 => en,
                _ => more.get(i - 2).map_or("", |(_, s)| *s),
            })
        })
    }

    /// This text with `text` in the language `tag`, added or replacing the text the tag
    /// (ignoring case) had: `Text::new("回访", "Call").with("zh-Hant", "回訪")`.
    ///
    /// # Errors
    ///
    /// [`TagError`] when `tag` does not have the shape of a BCP 47 tag (see [`Text`]).
    pub fn with(self, tag: &str, text: &str) -> Result<Text, TagError> {
        check_tag(tag)?;
        let (zh, en) = match tag {
            t if t.eq_ignore_ascii_case("zh") => (text, self.en()),
            t if t.eq_ignore_ascii_case("en") => (self.zh(), text),
            _ => (self.zh(), self.en()),
        };
        let mut more: Vec<(Arc<str>, &str)> = self
            .more_tags()
            .zip(self.iter().skip(2))
            .filter(|(t, _)| !t.eq_ignore_ascii_case(tag))
            .map(|(t, (_, s))| (t.clone(), s))
            .collect();
        if !tag.eq_ignore_ascii_case("zh") && !tag.eq_ignore_ascii_case("en") {
            more.push((tag.into(), text));
        }
        Ok(Text::from_pairs(zh, en, more))
    }

    /// Chinese (简体中文).
    pub fn zh(&self) -> &str {
        self.0.buf.get(..self.0.zh_end).unwrap_or_default()
    }

    /// English.
    pub fn en(&self) -> &str {
        self.0
            .buf
            .get(self.0.zh_end..self.0.en_end)
            .unwrap_or_default()
    }

    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => self.zh(),
            Lang::En => self.en(),
        }
    }

    /// The text in the language `tag` or, if the text does not have it, in the first
    /// language of its fallback chain that it has (see [`Text`]); English at worst.
    ///
    /// ```
    /// use followup::rules::Text;
    /// let t = Text::new("术后回访", "Aftercare call").with("zh-Hant", "術後回訪")?;
    /// assert_eq!(t.get_tag("zh-Hant-HK"), "術後回訪");
    /// assert_eq!(t.get_tag("zh-TW"), "術後回訪");
    /// assert_eq!(t.get_tag("zh-Hans-HK"), "术后回访"); // simplified script asked for
    /// assert_eq!(t.get_tag("EN-gb"), "Aftercare call");
    /// assert_eq!(Text::new("术后回访", "Aftercare call").get_tag("zh-HK"), "术后回访");
    /// # Ok::<(), followup::rules::TagError>(())
    /// ```
    pub fn get_tag(&self, tag: &str) -> &str {
        resolve(tag, |t| self.exact(t)).unwrap_or(self.en())
    }

    /// The text in exactly the language `tag` (ignoring case), without fallback.
    pub fn exact(&self, tag: &str) -> Option<&str> {
        if tag.eq_ignore_ascii_case("zh") {
            Some(self.zh())
        } else if tag.eq_ignore_ascii_case("en") {
            Some(self.en())
        } else {
            self.iter()
                .skip(2)
                .find(|(t, _)| t.eq_ignore_ascii_case(tag))
                .map(|(_, s)| s)
        }
    }

    /// The language tags: `zh`, `en`, then the others in tag order (ignoring case).
    pub fn tags(&self) -> impl Iterator<Item = &str> {
        self.iter().map(|(tag, _)| tag)
    }

    /// (tag, text) for every language, in the order of [`Text::tags`].
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        let mut start = self.0.en_end;
        let more = self.0.more.iter().map(move |(tag, end)| {
            let text = self.0.buf.get(start..*end).unwrap_or_default();
            start = *end;
            (&**tag, text)
        });
        [("zh", self.zh()), ("en", self.en())]
            .into_iter()
            .chain(more)
    }

    /// True if both are the same shared text (no copy was made).
    pub fn ptr_eq(a: &Text, b: &Text) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }
}

/// Tag order: ignoring case, then as written (tags equal ignoring case never meet).
fn cmp_tags(a: &str, b: &str) -> std::cmp::Ordering {
    a.bytes()
        .map(|c| c.to_ascii_lowercase())
        .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
        .then_with(|| a.cmp(b))
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Text ")?;
        f.debug_map().entries(self.iter()).finish()
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(TextVisitor { clinic_name: false })
    }
}

/// Reads a [`Text`]; with `clinic_name`, a clinic's name, each language's text a value
/// on one line: no line break, tab, separator or bidirectional control either.
pub(crate) struct TextVisitor {
    pub clinic_name: bool,
}

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Text;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a text in Chinese and English such as {\"zh\": \"回访\", \"en\": \"Call\"}")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Text, A::Error> {
        let (mut zh, mut en) = (None, None);
        let mut more: Vec<(Arc<str>, String)> = Vec::new();
        let mut seen: Vec<Arc<str>> = Vec::new();
        while let Some(tag) = map.next_key_seed(TagSeed { seen: &seen })? {
            if seen.len() >= crate::limits::MAX_LANGUAGES {
                return Err(A::Error::custom(format!(
                    "more than {} languages: expected at most {} in one text",
                    crate::limits::MAX_LANGUAGES,
                    crate::limits::MAX_LANGUAGES
                )));
            }
            // Checked inside the value, so that the error is located at it (`…/title/en`).
            let text: String = map.next_value_seed(PrintableSeed {
                tag: &tag,
                clinic_name: self.clinic_name,
            })?;
            match &*tag {
                "zh" => zh = Some(text),
                "en" => en = Some(text),
                _ => more.push((tag.clone(), text)),
            }
            seen.push(tag);
        }
        let missing = |tag: &str| {
            A::Error::custom(format!(
                "missing language {tag:?}: expected \"zh\" and \"en\" in every text (other languages such as \"zh-Hant\" are optional)"
            ))
        };
        let zh = zh.ok_or_else(|| missing("zh"))?;
        let en = en.ok_or_else(|| missing("en"))?;
        let more = more.iter().map(|(t, s)| (t.clone(), s.as_str())).collect();
        Ok(Text::from_pairs(&zh, &en, more))
    }
}

/// True for a character no text or value the engine writes may hold: a control character
/// (a NUL, an escape, a line break in a value), or the line and paragraph separators
/// U+2028 and U+2029, which JSON writes raw and line readers take for line ends (audit
/// 163: one line of `plan --jsonl` came out as three for Python's `splitlines`).
pub(crate) fn unprintable(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')
}

/// True for a character no value that fills a placeholder (a name, an attribute, a tag,
/// the clinic's name) may hold: an [`unprintable`] one, or a bidirectional control,
/// which reorders what follows it in every message the value goes into (audit 172: a
/// patient's name holding U+202E turned the rest of each SMS around). Texts, which a
/// clinic writes in its languages, may hold the marks those need.
pub(crate) fn unprintable_in_value(c: char) -> bool {
    unprintable(c) || bidi_control(c)
}

/// The bidirectional controls: the marks (U+200E, U+200F, U+061C), embeddings and
/// overrides (U+202A-U+202E) and isolates (U+2066-U+2069).
fn bidi_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}')
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// What an [`unprintable_in_value`] character is, for an error: "the control character
/// U+001B", "the line separator U+2028", "the bidirectional control U+202E".
pub(crate) fn unprintable_name(c: char) -> String {
    let what = match c {
        '\u{2028}' => "line separator",
        '\u{2029}' => "paragraph separator",
        c if bidi_control(c) => "bidirectional control",
        _ => "control character",
    };
    format!("the {what} U+{:04X}", u32::from(c))
}

/// The first control character of `text` but a line break or a tab (a NUL, an escape, a
/// bell, DEL, a C1 control), with its position in characters: no export may carry one
/// (FHIR forbids them, a CSV cell would hold it raw, a terminal would obey it), as no
/// name or value filling a placeholder may (audit 35).
fn control_character(text: &str) -> Option<(usize, char)> {
    // Only a byte below 0x20, DEL, 0xC2 (which leads the C1 controls) or 0xE2 (the
    // separators) may start one.
    if !(text.bytes()).any(|b| {
        (b < 0x20 && !matches!(b, b'\n' | b'\t' | b'\r')) || b == 0x7f || b == 0xc2 || b == 0xe2
    }) {
        return None;
    }
    (text.chars().enumerate()).find(|(_, c)| unprintable(*c) && !matches!(c, '\n' | '\t' | '\r'))
}

/// A text the engine can write, in language `tag` (`None`: one string for every
/// language, a holiday's name): not empty or blank, no longer than a filled template can
/// be, and no control character but line breaks and tabs.
pub(crate) fn printable(tag: Option<&str>, text: &str) -> Result<(), String> {
    // No text the engine writes is empty or longer than a filled template can be: a
    // plan read back with one would export it (audit 74: an empty FHIR string).
    if text.trim().is_empty() {
        return Err("the text is empty: expected a non-empty text".into());
    }
    let the = tag.map_or_else(|| "the text".to_string(), |t| format!("the {t:?} text"));
    let most = crate::limits::MAX_TEXT_CHARS
        + crate::limits::MAX_PLACEHOLDERS * crate::limits::MAX_VALUE_CHARS;
    if text.len() > most && text.chars().count() > most {
        // A name (one string for every language) has no placeholders (audit 81).
        return Err(match tag {
            Some(_) => format!(
                "{the} has more than {most} characters: expected at most {} characters and {} placeholders of {} each",
                crate::limits::MAX_TEXT_CHARS,
                crate::limits::MAX_PLACEHOLDERS,
                crate::limits::MAX_VALUE_CHARS
            ),
            None => format!("{the} has more than {most} characters: expected at most {most}"),
        });
    }
    if let Some((i, c)) = control_character(text) {
        return Err(format!(
            "{the} holds {} at character {}: expected printable text (line breaks and tabs are allowed)",
            unprintable_name(c),
            i + 1
        ));
    }
    Ok(())
}

/// Reads one language's text, refusing control characters other than line breaks and
/// tabs where serde locates the value.
struct PrintableSeed<'a> {
    tag: &'a str,
    clinic_name: bool,
}

impl<'de> DeserializeSeed<'de> for PrintableSeed<'_> {
    type Value = String;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        let text = String::deserialize(d)?;
        if self.clinic_name
            && let Some((i, c)) = (text.chars().enumerate()).find(|(_, c)| unprintable_in_value(*c))
        {
            return Err(D::Error::custom(format!(
                "the clinic's name holds {} at character {}: expected printable text on one line (no line break, tab, separator or bidirectional control)",
                unprintable_name(c),
                i + 1
            )));
        }
        printable(Some(self.tag), &text).map_err(D::Error::custom)?;
        Ok(text)
    }
}

/// Reads one language tag, refusing malformed tags and tags given before (ignoring
/// case) where serde locates the key.
struct TagSeed<'a> {
    seen: &'a [Arc<str>],
}

impl<'de> DeserializeSeed<'de> for TagSeed<'_> {
    type Value = Arc<str>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Arc<str>, D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for TagSeed<'_> {
    type Value = Arc<str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a language tag such as \"zh\", \"en\" or \"zh-Hant\"")
    }

    fn visit_str<E: serde::de::Error>(self, tag: &str) -> Result<Arc<str>, E> {
        check_tag(tag).map_err(|e| E::custom(e.0))?;
        for required in ["zh", "en"] {
            if tag != required && tag.eq_ignore_ascii_case(required) {
                return Err(E::custom(format!(
                    "language tag {tag:?}: expected {required:?}, in lower case"
                )));
            }
        }
        if let Some(before) = self.seen.iter().find(|t| t.eq_ignore_ascii_case(tag)) {
            let also = if **before == *tag {
                String::new()
            } else {
                format!(" (also {before:?})")
            };
            return Err(E::custom(format!(
                "duplicate language {tag:?}{also}: expected each language once"
            )));
        }
        Ok(tag.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(tag: &str) -> Vec<String> {
        let mut out = Vec::new();
        let _: Option<()> = resolve(tag, |t| {
            out.push(t.to_string());
            None
        });
        out
    }

    #[test]
    fn fallback_chain_drops_subtags_and_tries_traditional_for_taiwan_hong_kong_macau() {
        assert_eq!(chain("zh-Hant-HK"), ["zh-Hant-HK", "zh-Hant", "zh", "en"]);
        assert_eq!(chain("zh-TW"), ["zh-TW", "zh-Hant", "zh", "en"]);
        assert_eq!(chain("zh-hk"), ["zh-hk", "zh-Hant", "zh", "en"]);
        assert_eq!(chain("zh-MO"), ["zh-MO", "zh-Hant", "zh", "en"]);
        assert_eq!(
            chain("zh-yue-HK"),
            ["zh-yue-HK", "zh-yue", "zh-Hant", "zh", "en"]
        );
        assert_eq!(chain("zh-Hans-HK"), ["zh-Hans-HK", "zh-Hans", "zh", "en"]);
        assert_eq!(chain("zh-CN"), ["zh-CN", "zh", "en"]);
        assert_eq!(chain("ja"), ["ja", "en"]);
        assert_eq!(chain("en"), ["en", "en"]);
        assert_eq!(chain(""), ["", "en"]);
    }

    #[test]
    fn tags_have_the_shape_of_bcp47() {
        for ok in [
            "zh",
            "en",
            "zh-Hant",
            "zh-HK",
            "zh-Hant-HK",
            "yue",
            "es-419",
            "en-x-a1",
        ] {
            assert!(check_tag(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "z",
            "zhhh",
            "zh_Hant",
            "zh-",
            "-zh",
            "zh--HK",
            "1a",
            "zh-abcdefghi",
            "中文",
        ] {
            assert!(check_tag(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn with_adds_replaces_and_keeps_tag_order() {
        let t = Text::new("a", "b")
            .with("zh-HK", "c")
            .and_then(|t| t.with("ja", "d"))
            .and_then(|t| t.with("zh-Hant", "e"))
            .and_then(|t| t.with("ZH-hk", "f"))
            .and_then(|t| t.with("en", "g"))
            .unwrap();
        let pairs: Vec<(&str, &str)> = t.iter().collect();
        assert_eq!(
            pairs,
            [
                ("zh", "a"),
                ("en", "g"),
                ("ja", "d"),
                ("zh-Hant", "e"),
                ("ZH-hk", "f")
            ]
        );
        assert!(Text::new("a", "b").with("zh_Hant", "x").is_err());
    }

    #[test]
    fn json_is_zh_en_then_sorted_tags() {
        let t: Text =
            serde_json::from_str(r#"{"zh-Hant": "c", "ja": "d", "en": "b", "zh": "a"}"#).unwrap();
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            r#"{"zh":"a","en":"b","ja":"d","zh-Hant":"c"}"#
        );
        let bad = |json: &str| serde_json::from_str::<Text>(json).unwrap_err().to_string();
        assert!(bad(r#"{"zh": "a"}"#).starts_with("missing language \"en\""));
        assert!(
            bad(r#"{"zh": "a", "en": "b", "zh-hant": "c", "zh-Hant": "d"}"#)
                .starts_with("duplicate language \"zh-Hant\" (also \"zh-hant\")")
        );
        assert!(
            bad(r#"{"zh": "a", "EN": "b"}"#).starts_with("language tag \"EN\": expected \"en\"")
        );
        assert!(bad(r#"{"zh": "a", "en": "b", "fr_FR": "c"}"#)
            .starts_with("invalid language tag \"fr_FR\""));
    }
}
