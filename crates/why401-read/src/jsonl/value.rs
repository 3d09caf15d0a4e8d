//! A lazy, borrowed view of a JSON object: its keys and the raw text of each value. A record
//! is scanned once; nested objects are parsed only when a mapper asks for them, and strings
//! without escapes are borrowed from the input, so most records cost no allocation beyond
//! one vector of fields.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

/// A JSON object: keys in recorded order, each with its value's raw text.
#[derive(Debug, Clone, Default)]
pub struct Obj<'a> {
    fields: Vec<(Cow<'a, str>, &'a RawValue)>,
}

impl<'a> Obj<'a> {
    /// The object in `text`, or `None` when `text` is not one JSON object.
    pub fn parse(text: &'a str) -> Option<Obj<'a>> {
        serde_json::from_str(text).ok()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &'a RawValue)> + '_ {
        self.fields.iter().map(|(k, v)| (k.as_ref(), *v))
    }

    pub fn has(&self, key: &str) -> bool {
        self.raw(key).is_some()
    }

    /// The raw value of `key` (exact, first occurrence).
    pub fn raw(&self, key: &str) -> Option<&'a RawValue> {
        self.fields.iter().find(|(k, _)| k == key).map(|(_, v)| *v)
    }

    pub fn get(&self, key: &str) -> Option<Val<'a>> {
        self.raw(key).map(Val::of)
    }

    /// The first of `keys` that is present.
    pub fn first(&self, keys: &[&str]) -> Option<Val<'a>> {
        keys.iter().find_map(|k| self.get(k))
    }

    /// Whether `key` holds an object (without parsing it).
    pub fn has_obj(&self, key: &str) -> bool {
        self.raw(key)
            .is_some_and(|raw| raw.get().trim_start().starts_with('{'))
    }

    /// The nested object at `key`.
    pub fn obj(&self, key: &str) -> Option<Obj<'a>> {
        self.get(key).and_then(|v| v.as_obj())
    }

    /// The text of a string (or number) at `key`.
    pub fn text(&self, key: &str) -> Option<Cow<'a, str>> {
        self.get(key).and_then(|v| v.text())
    }

    /// The value at a dotted path, reading each step as a nested object or as a key that
    /// itself holds dots (`{"error.message": ...}`, `{"error": {"message": ...}}`, and
    /// mixes of both), as Elastic Common Schema and OpenTelemetry writers do.
    pub fn path(&self, path: &str) -> Option<Val<'a>> {
        if let Some(raw) = self.raw(path) {
            return Some(Val::of(raw));
        }
        let mut from = 0;
        while let Some(dot) = path[from..].find('.') {
            let split = from + dot;
            if let Some(found) = self
                .obj(&path[..split])
                .and_then(|inner| inner.path(&path[split + 1..]))
            {
                return Some(found);
            }
            from = split + 1;
        }
        None
    }
}

impl<'de> Deserialize<'de> for Obj<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(ObjVisitor)
    }
}

struct ObjVisitor;

impl<'de> Visitor<'de> for ObjVisitor {
    type Value = Obj<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Obj<'de>, M::Error> {
        // Most log records have between 10 and 30 fields.
        let mut fields = Vec::with_capacity(map.size_hint().unwrap_or(32));
        while let Some(key) = map.next_key::<CowStr<'de>>()? {
            let value: &'de RawValue = map.next_value()?;
            fields.push((key.0, value));
        }
        Ok(Obj { fields })
    }
}

/// A string borrowed from the input when it has no escapes, else owned.
pub struct CowStr<'a>(pub Cow<'a, str>);

impl<'de> Deserialize<'de> for CowStr<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(CowStrVisitor)
    }
}

struct CowStrVisitor;

impl<'de> Visitor<'de> for CowStrVisitor {
    type Value = CowStr<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<CowStr<'de>, E> {
        Ok(CowStr(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<CowStr<'de>, E> {
        Ok(CowStr(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<CowStr<'de>, E> {
        Ok(CowStr(Cow::Owned(v)))
    }
}

/// One JSON value, decoded only as far as its kind.
#[derive(Debug, Clone)]
pub enum Val<'a> {
    Str(Cow<'a, str>),
    /// A number, as written.
    Num(&'a str),
    Bool(bool),
    Null,
    Obj(&'a RawValue),
    Arr(&'a RawValue),
}

impl<'a> Val<'a> {
    pub fn of(raw: &'a RawValue) -> Val<'a> {
        let text = raw.get().trim();
        match text.as_bytes().first() {
            Some(b'"') => Val::Str(string_of(text)),
            Some(b'{') => Val::Obj(raw),
            Some(b'[') => Val::Arr(raw),
            Some(b't') => Val::Bool(true),
            Some(b'f') => Val::Bool(false),
            Some(b'n') | None => Val::Null,
            Some(_) => Val::Num(text),
        }
    }

    /// The text of a string, number or boolean.
    pub fn text(&self) -> Option<Cow<'a, str>> {
        match self {
            Val::Str(s) => Some(s.clone()),
            Val::Num(n) => Some(Cow::Borrowed(n)),
            Val::Bool(b) => Some(Cow::Borrowed(if *b { "true" } else { "false" })),
            _ => None,
        }
    }

    pub fn as_obj(&self) -> Option<Obj<'a>> {
        match self {
            Val::Obj(raw) => Obj::parse(raw.get()),
            _ => None,
        }
    }

    /// Calls `f` on each element of an array (nothing for other values), without
    /// collecting them.
    pub fn each(&self, mut f: impl FnMut(Val<'a>)) {
        if let Val::Arr(raw) = self {
            let mut visitor = EachVisitor { f: &mut f };
            let mut deserializer = serde_json::Deserializer::from_str(raw.get());
            let _ = de::Deserializer::deserialize_seq(&mut deserializer, &mut visitor);
        }
    }

    /// The elements of an array.
    pub fn as_arr(&self) -> Option<Vec<Val<'a>>> {
        match self {
            Val::Arr(raw) => serde_json::from_str::<Vec<&'a RawValue>>(raw.get())
                .ok()
                .map(|items| items.into_iter().map(Val::of).collect()),
            _ => None,
        }
    }
}

struct EachVisitor<'f, F> {
    f: &'f mut F,
}

impl<'de, F: FnMut(Val<'de>)> Visitor<'de> for &mut EachVisitor<'_, F> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array")
    }

    fn visit_seq<S: de::SeqAccess<'de>>(self, mut seq: S) -> Result<(), S::Error> {
        while let Some(raw) = seq.next_element::<&'de RawValue>()? {
            (self.f)(Val::of(raw));
        }
        Ok(())
    }
}

/// Decodes a JSON string literal, borrowing when it holds no escapes.
fn string_of(literal: &str) -> Cow<'_, str> {
    let inner = &literal[1..literal.len().saturating_sub(1).max(1)];
    if !inner.contains('\\') {
        return Cow::Borrowed(inner);
    }
    serde_json::from_str::<String>(literal)
        .map(Cow::Owned)
        .unwrap_or(Cow::Borrowed(inner))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_and_nested_paths() {
        let obj = Obj::parse(
            r#"{"error.message":"a","http":{"response.status_code":401},"url":{"path":"/x"}}"#,
        )
        .unwrap();
        assert_eq!(obj.path("error.message").unwrap().text().unwrap(), "a");
        assert_eq!(
            obj.path("http.response.status_code")
                .unwrap()
                .text()
                .unwrap(),
            "401"
        );
        assert_eq!(obj.path("url.path").unwrap().text().unwrap(), "/x");
        assert!(obj.path("url.query").is_none());
    }

    #[test]
    fn strings_borrow_unless_escaped() {
        let obj = Obj::parse(r#"{"a":"plain","b":"say \"hi\"\n"}"#).unwrap();
        assert!(matches!(obj.text("a").unwrap(), Cow::Borrowed("plain")));
        assert_eq!(obj.text("b").unwrap(), "say \"hi\"\n");
    }

    #[test]
    fn kinds() {
        let obj = Obj::parse(r#"{"n":401,"t":true,"z":null,"l":[1,"x"]}"#).unwrap();
        assert!(matches!(obj.get("n").unwrap(), Val::Num("401")));
        assert_eq!(obj.text("t").unwrap(), "true");
        assert!(matches!(obj.get("z").unwrap(), Val::Null));
        assert_eq!(obj.get("l").unwrap().as_arr().unwrap().len(), 2);
    }
}
