//! Shapes serde's derive is too lenient about: a struct given as an array of its fields
//! in order, and a map that names a key twice (the last value silently wins). Both are
//! typos' friends in a hand-written file; these readers refuse them with a message that
//! says what was expected.

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, Visitor};
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

/// What a type is called in "expected …" messages: `an episode (a JSON object)`.
pub(crate) trait Expected {
    const EXPECTED: &'static str;
}

/// A `T` read from a JSON object only.
pub(crate) struct Object<T>(pub T);

impl<'de, T: Deserialize<'de> + Expected> Deserialize<'de> for Object<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de> + Expected> Visitor<'de> for V<T> {
            type Value = T;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(T::EXPECTED)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map))
            }
        }
        d.deserialize_map(V(PhantomData)).map(Object)
    }
}

/// A `T` read from the JSON object at the top of a file, which may name its JSON Schema
/// for editors (`"$schema": "../schema/episode.schema.json"`): that key (a string) is read
/// and dropped, every other key goes to `T`.
pub(crate) struct Document<T>(pub T);

impl<'de, T: Deserialize<'de> + Expected> Deserialize<'de> for Document<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de> + Expected> Visitor<'de> for V<T> {
            type Value = T;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(T::EXPECTED)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(WithoutSchema(map)))
            }
        }
        d.deserialize_map(V(PhantomData)).map(Document)
    }
}

/// The members of a map but `$schema`.
struct WithoutSchema<A>(A);

impl<'de, A: MapAccess<'de>> MapAccess<'de> for WithoutSchema<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        mut seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        // The key goes to `seed` inside the map's own key call, so that errors about it
        // (an unknown field) are located at it as before.
        loop {
            match self.0.next_key_seed(SchemaOr(seed))? {
                None => return Ok(None),
                Some(Ok(key)) => return Ok(Some(key)),
                Some(Err(unused)) => {
                    self.0.next_value::<String>()?;
                    seed = unused;
                }
            }
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.0.next_value_seed(seed)
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

/// A key read by the seed `K`, or `Err(K)` back for `$schema`.
struct SchemaOr<K>(K);

impl<'de, K: DeserializeSeed<'de>> DeserializeSeed<'de> for SchemaOr<K> {
    type Value = Result<K::Value, K>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de, K: DeserializeSeed<'de>> Visitor<'de> for SchemaOr<K> {
    type Value = Result<K::Value, K>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        if key == "$schema" {
            return Ok(Err(self.0));
        }
        self.0
            .deserialize(de::value::StrDeserializer::<E>::new(key))
            .map(Ok)
    }
}

/// `#[serde(deserialize_with = "crate::json::object")]`: a struct field read from an
/// object only.
pub(crate) fn object<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Expected,
{
    Object::<T>::deserialize(d).map(|o| o.0)
}

/// An optional struct field read from an object only (`null` is none).
pub(crate) fn object_opt<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Expected,
{
    Option::<Object<T>>::deserialize(d).map(|o| o.map(|o| o.0))
}

/// A field of one value whose `null` reads as left out: its default (`"scope": null`
/// is `episode`), as for the fields that are an `Option`.
pub(crate) fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Option::<T>::deserialize(d).map(Option::unwrap_or_default)
}

/// An array of structs, each read from an object only.
pub(crate) fn objects<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Expected,
{
    Vec::<Object<T>>::deserialize(d).map(|v| v.into_iter().map(|o| o.0).collect())
}

/// [`objects`], optional: `null` or left out reads as `None`.
pub(crate) fn objects_opt<'de, D, T>(d: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Expected,
{
    Option::<Vec<Object<T>>>::deserialize(d)
        .map(|v| v.map(|v| v.into_iter().map(|o| o.0).collect()))
}

/// A map whose keys come once each: `"category": "plastic", "category": "laser"` is an
/// error at the second key, not a silent "laser".
pub(crate) fn unique_map<'de, D, V>(d: D) -> Result<BTreeMap<String, V>, D::Error>
where
    D: Deserializer<'de>,
    V: Deserialize<'de>,
{
    unique_keyed_map(d)
}

/// [`unique_map`] for conditions that put patients in (`sample.always`): given, it names
/// at least one; `{}` would put no one in, where everywhere else (`when`, `applies`, an
/// audience) it means everyone (audit 39).
pub(crate) fn non_empty_conditions<'de, D, V>(d: D) -> Result<BTreeMap<String, V>, D::Error>
where
    D: Deserializer<'de>,
    V: Deserialize<'de>,
{
    let map: BTreeMap<String, V> = unique_keyed_map(d)?;
    if map.is_empty() {
        return Err(serde::de::Error::custom(
            "no condition: expected at least one, such as {\"tag\": \"key_customer\"} (leave \"always\" out when no patient is always in)",
        ));
    }
    Ok(map)
}

/// A map whose keys come once each, read as `K` (an enum such as a role) from their text.
pub(crate) fn unique_keyed_map<'de, D, K, V>(d: D) -> Result<BTreeMap<K, V>, D::Error>
where
    D: Deserializer<'de>,
    K: Deserialize<'de> + Ord,
    V: Deserialize<'de>,
{
    struct M<K, V>(PhantomData<(K, V)>);
    impl<'de, K: Deserialize<'de> + Ord, V: Deserialize<'de>> Visitor<'de> for M<K, V> {
        type Value = BTreeMap<K, V>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some(text) = map.next_key::<String>()? {
                let key = K::deserialize(de::value::StrDeserializer::<A::Error>::new(&text))?;
                if out.contains_key(&key) {
                    return Err(de::Error::custom(format!(
                        "{text:?} is given twice: expected each key once"
                    )));
                }
                let value = map.next_value()?;
                out.insert(key, value);
            }
            Ok(out)
        }
    }
    d.deserialize_map(M(PhantomData))
}
