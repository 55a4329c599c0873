//! The body of a successful `rtm.connect` / `rtm.start` answer, kept as its JSON text
//! without `url`, so that what [`ConnectInfo`](crate::ConnectInfo) holds costs its size
//! whatever its shape. (As a `serde_json::Value`, a body such as `[0,0,0,…]` or deep
//! nesting costs 16–32 times its size: every number is a 32-byte value.)
//!
//! The body is read in one pass: each top-level field is taken as a borrowed slice of the
//! text ([`RawValue`]) and copied out, except `url` (the websocket ticket, never kept);
//! `self` and `team` are also read for the few fields the client names.

use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::model::lenient;

/// What the client takes from a connect answer.
#[derive(Debug, Default)]
pub(crate) struct ConnectBody {
    /// The answer without its `url` field, as JSON text.
    pub(crate) text: Box<str>,
    /// The websocket URL, when the answer had one as a string.
    pub(crate) url: Option<String>,
    /// `self`'s id and name.
    pub(crate) me: Named,
    /// `team`'s id, name and domain.
    pub(crate) team: Named,
}

/// The `id`, `name` and `domain` of `self` or `team`: strings, or empty.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Named {
    #[serde(deserialize_with = "lenient::opt_str")]
    pub(crate) id: Option<String>,
    #[serde(deserialize_with = "lenient::opt_str")]
    pub(crate) name: Option<String>,
    #[serde(deserialize_with = "lenient::opt_str")]
    pub(crate) domain: Option<String>,
}

impl ConnectBody {
    /// Reads a connect answer. `Err` when it is not a JSON object.
    pub(crate) fn parse(body: &str) -> Result<ConnectBody, serde_json::Error> {
        let mut de = serde_json::Deserializer::from_str(body);
        let parsed = (&mut de).deserialize_map(Top {
            capacity: body.len(),
        })?;
        de.end()?;
        Ok(parsed)
    }
}

/// Visits the top-level object, writing every field but `url` back out as it was.
struct Top {
    capacity: usize,
}

impl<'de> Visitor<'de> for Top {
    type Value = ConnectBody;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ConnectBody, A::Error> {
        let mut out = String::with_capacity(self.capacity);
        out.push('{');
        let mut parsed = ConnectBody::default();
        while let Some(key) = map.next_key::<String>()? {
            if key == "url" {
                // Last one wins, as in a JSON object read into a map; never written out.
                parsed.url = map.next_value::<Url>()?.0;
                continue;
            }
            let value: &'de RawValue = map.next_value()?;
            match key.as_str() {
                "self" => parsed.me = named(value),
                "team" => parsed.team = named(value),
                _ => {}
            }
            if out.len() > 1 {
                out.push(',');
            }
            out.push_str(&serde_json::to_string(&key).map_err(de::Error::custom)?);
            out.push(':');
            out.push_str(value.get());
        }
        out.push('}');
        parsed.text = out.into_boxed_str();
        Ok(parsed)
    }
}

/// `self` or `team`: their named fields when they are an object, else nothing.
fn named(value: &RawValue) -> Named {
    serde_json::from_str(value.get()).unwrap_or_default()
}

/// The `url` field: a string, or nothing (any other value is skipped without keeping it).
struct Url(Option<String>);

impl<'de> Deserialize<'de> for Url {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Url;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a websocket URL")
            }
            fn visit_str<E>(self, v: &str) -> Result<Url, E> {
                Ok(Url(Some(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Url, E> {
                Ok(Url(Some(v)))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Url, E> {
                Ok(Url(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Url, E> {
                Ok(Url(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Url, E> {
                Ok(Url(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Url, E> {
                Ok(Url(None))
            }
            fn visit_unit<E>(self) -> Result<Url, E> {
                Ok(Url(None))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Url, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Url(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Url, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Url(None))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    #[test]
    fn the_url_is_taken_out_and_everything_else_kept() {
        let body = r#"{"ok":true,"url":"wss://x/?ticket=secret","self":{"id":"U1","name":"bot"},
            "team":{"id":"T1","name":"Team","domain":"team"},"users":[{"id":"U2","n":1.50}]}"#;
        let parsed = ConnectBody::parse(body).unwrap();
        assert_eq!(parsed.url.as_deref(), Some("wss://x/?ticket=secret"));
        assert!(!parsed.text.contains("ticket"));
        let value: Value = serde_json::from_str(&parsed.text).unwrap();
        assert_eq!(
            value,
            json!({"ok": true, "self": {"id": "U1", "name": "bot"},
                   "team": {"id": "T1", "name": "Team", "domain": "team"},
                   "users": [{"id": "U2", "n": 1.50}]})
        );
        assert!(parsed.text.contains("1.50"), "values are kept as written");
        assert_eq!(parsed.me.id.as_deref(), Some("U1"));
        assert_eq!(parsed.me.name.as_deref(), Some("bot"));
        assert_eq!(
            (parsed.team.name.as_deref(), parsed.team.domain.as_deref()),
            (Some("Team"), Some("team"))
        );
    }

    #[test]
    fn odd_shapes_give_empty_names_not_errors() {
        let parsed =
            ConnectBody::parse(r#"{"url":5,"self":"U1","team":{"id":7,"name":"T"}}"#).unwrap();
        assert_eq!(parsed.url, None);
        assert_eq!(parsed.me.id, None);
        assert_eq!(
            (parsed.team.id, parsed.team.name.as_deref()),
            (None, Some("T"))
        );
        assert!(ConnectBody::parse("[1,2]").is_err());
        assert!(ConnectBody::parse(r#"{"ok":true} x"#).is_err());
        assert_eq!(&*ConnectBody::parse("{}").unwrap().text, "{}");
    }

    #[test]
    fn escaped_keys_stay_valid_json() {
        let parsed = ConnectBody::parse(r#"{"a\"b":1,"url":"u","\u00e9":2}"#).unwrap();
        let value: Value = serde_json::from_str(&parsed.text).unwrap();
        assert_eq!(value, json!({"a\"b": 1, "é": 2}));
    }
}
