//! Field types that accept whatever real exporters write: a string field may be null, a
//! number or missing; an object field may be null or a string; a list may hold junk. None of
//! them fails an entry, so one odd field never costs the exchange.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use why401_model::exchange::Headers;

/// A string field, borrowed from the entry's text when it has no escapes. Numbers and
/// booleans become their text; null, objects and arrays become `None`.
#[derive(Debug, Default)]
pub struct Text<'a>(pub Option<Cow<'a, str>>);

impl<'a> Text<'a> {
    pub fn as_str(&self) -> &str {
        self.0.as_deref().unwrap_or("")
    }

    /// The text, unless missing or empty.
    pub fn non_empty(&self) -> Option<&str> {
        self.0.as_deref().filter(|t| !t.is_empty())
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TextVisitor(PhantomData))
    }
}

struct TextVisitor<'a>(PhantomData<&'a ()>);

impl<'de: 'a, 'a> Visitor<'de> for TextVisitor<'a> {
    type Value = Text<'a>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Text(Some(Cow::Borrowed(v))))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Text(Some(Cow::Owned(v.to_owned()))))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Text(Some(Cow::Owned(v))))
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Text(Some(Cow::Owned(v.to_string()))))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Text(Some(Cow::Owned(v.to_string()))))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Text(Some(Cow::Owned(v.to_string()))))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Text(Some(Cow::Owned(v.to_string()))))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Text(None))
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(Text(None))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        Text::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        drain_seq(seq).map(|_| Text(None))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        drain_map(map).map(|_| Text(None))
    }
}

/// A number field (`status`, `headersSize`); a numeric string counts, anything else is `None`.
#[derive(Debug, Default, Clone, Copy)]
pub struct Number(pub Option<f64>);

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NumberVisitor)
    }
}

struct NumberVisitor;

impl<'de> Visitor<'de> for NumberVisitor {
    type Value = Number;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a number")
    }
    fn visit_i64<E>(self, v: i64) -> Result<Number, E> {
        Ok(Number(Some(v as f64)))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Number, E> {
        Ok(Number(Some(v as f64)))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Number, E> {
        Ok(Number(Some(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Number, E> {
        Ok(Number(v.trim().parse().ok()))
    }
    fn visit_bool<E>(self, _: bool) -> Result<Number, E> {
        Ok(Number(None))
    }
    fn visit_unit<E>(self) -> Result<Number, E> {
        Ok(Number(None))
    }
    fn visit_none<E>(self) -> Result<Number, E> {
        Ok(Number(None))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Number, D::Error> {
        Number::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Number, A::Error> {
        drain_seq(seq).map(|_| Number(None))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Number, A::Error> {
        drain_map(map).map(|_| Number(None))
    }
}

/// An object field read as `T`; a value of any other type is `None`.
#[derive(Debug)]
pub struct ObjectOr<T>(pub Option<T>);

impl<T> Default for ObjectOr<T> {
    fn default() -> Self {
        ObjectOr(None)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for ObjectOr<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ObjectVisitor(PhantomData))
    }
}

struct ObjectVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectVisitor<T> {
    type Value = ObjectOr<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map)).map(|t| ObjectOr(Some(t)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        drain_seq(seq).map(|_| ObjectOr(None))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        ObjectOr::deserialize(d)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(ObjectOr(None))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(ObjectOr(None))
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(ObjectOr(None))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(ObjectOr(None))
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(ObjectOr(None))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(ObjectOr(None))
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(ObjectOr(None))
    }
}

/// One `{name, value}` element of `headers` or `params`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct NameValue<'a> {
    #[serde(borrow)]
    pub name: Text<'a>,
    #[serde(borrow)]
    pub value: Text<'a>,
}

/// A `headers` array in recorded order; elements without a name are dropped, a missing or
/// null array is empty.
#[derive(Debug, Default)]
pub struct HeaderList(pub Headers);

/// A `params` array as name/value pairs.
#[derive(Debug, Default)]
pub struct ParamList(pub Vec<(String, String)>);

impl<'de> Deserialize<'de> for HeaderList {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut headers = Headers::new();
        deserializer.deserialize_any(PairsVisitor(|name: &str, value: &str| {
            headers.push(name, value)
        }))?;
        Ok(HeaderList(headers))
    }
}

impl<'de> Deserialize<'de> for ParamList {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut params = Vec::new();
        deserializer.deserialize_any(PairsVisitor(|name: &str, value: &str| {
            params.push((name.to_owned(), value.to_owned()))
        }))?;
        Ok(ParamList(params))
    }
}

/// Feeds each named element of an array of `{name, value}` objects to a closure.
struct PairsVisitor<F>(F);

impl<'de, F: FnMut(&str, &str)> Visitor<'de> for PairsVisitor<F> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of name/value objects")
    }
    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        while let Some(element) = seq.next_element::<ObjectOr<NameValue>>()? {
            if let Some(pair) = element.0
                && let Some(name) = pair.name.non_empty()
            {
                (self.0)(name, pair.value.as_str());
            }
        }
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        drain_map(map)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
}

fn drain_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(())
}

fn drain_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, serde::Deserialize)]
    #[serde(default)]
    struct Probe<'a> {
        #[serde(borrow)]
        s: Text<'a>,
        n: Number,
        o: ObjectOr<NameValue<'a>>,
        h: HeaderList,
    }

    #[test]
    fn odd_values_never_fail() {
        for text in [
            r#"{"s":null,"n":null,"o":null,"h":null}"#,
            r#"{"s":[1],"n":{"a":1},"o":"x","h":{"a":1}}"#,
            r#"{"s":true,"n":"x","o":[1,2],"h":"x"}"#,
            r#"{}"#,
        ] {
            let probe: Probe = serde_json::from_str(text).unwrap();
            assert!(probe.n.0.is_none(), "{text}");
            assert!(probe.o.0.is_none(), "{text}");
            assert!(probe.h.0.is_empty(), "{text}");
        }
    }

    #[test]
    fn values_are_read_and_borrowed() {
        let text = r#"{"s":"plain","n":"401","o":{"name":"a","value":7},
            "h":[{"name":"X","value":"1"},null,{"value":"no name"},{"name":"x","value":null}]}"#;
        let probe: Probe = serde_json::from_str(text).unwrap();
        assert!(matches!(probe.s.0, Some(Cow::Borrowed("plain"))));
        assert_eq!(probe.n.0, Some(401.0));
        assert_eq!(probe.o.0.unwrap().value.as_str(), "7");
        let headers: Vec<_> = probe.h.0.iter().map(|h| (&*h.name, &*h.value)).collect();
        assert_eq!(headers, vec![("X", "1"), ("x", "")]);
    }
}
