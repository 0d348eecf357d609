//! Bilingual texts (titles, scripts, names), shared between tasks without copying.

use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// A text in Chinese and English. Both languages are required in rule files so that
/// every calendar can be printed in either language.
///
/// Both languages sit behind one reference count: cloning a `Text` (as every task does
/// for its title and script) copies no characters and touches one counter. Serialised as
/// `{"zh": "…", "en": "…"}`.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Text(Arc<Pair>);

#[derive(Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a text in Chinese and English such as {\"zh\": \"回访\", \"en\": \"Call\"}"
)]
struct Pair {
    zh: Box<str>,
    en: Box<str>,
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Text")
            .field("zh", &self.zh())
            .field("en", &self.en())
            .finish()
    }
}

/// The language to pick from a [`Text`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    /// Chinese (the default: the clinics using this are Chinese-speaking).
    #[default]
    Zh,
    /// English.
    En,
}

impl Text {
    /// Builds a text from its two languages.
    pub fn new(zh: &str, en: &str) -> Self {
        Text(Arc::new(Pair {
            zh: zh.into(),
            en: en.into(),
        }))
    }

    /// Chinese (简体中文).
    pub fn zh(&self) -> &str {
        &self.0.zh
    }

    /// English.
    pub fn en(&self) -> &str {
        &self.0.en
    }

    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => self.zh(),
            Lang::En => self.en(),
        }
    }

    /// True if both are the same shared text (no copy was made).
    pub fn ptr_eq(a: &Text, b: &Text) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }
}
