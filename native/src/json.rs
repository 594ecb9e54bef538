//! Task and output JSON (serde_json): parsing whose errors name the path of the bad field, and the wire encodings
//! that are not serde's defaults. serde's defaults already give damocles' and rust-fil-proofs' shapes: `[u8; 32]` and
//! `Vec<u8>` are arrays of numbers, structs keep their declaration order, u64 stays exact.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::Value;

/// Parses JSON text (a task on stdin, a request line).
pub fn parse(text: &str) -> Result<Value, String> {
    serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))
}

/// Reads a typed value; a message names the offending field's path (`pieces[0].piece_size`) and what was expected.
pub fn from_value<T: DeserializeOwned>(v: &Value) -> Result<T, String> {
    serde_path_to_error::deserialize(v).map_err(|e| {
        let path = e.path().to_string();
        if path == "." {
            e.inner().to_string()
        } else {
            format!("field `{path}`: {}", e.inner())
        }
    })
}

/// Serializes an output once, as the compact text the line protocol and `run` print.
pub fn to_raw<T: Serialize>(v: &T) -> Box<RawValue> {
    // Our outputs have string keys and finite numbers only, so serialization cannot fail.
    serde_json::value::to_raw_value(v).expect("stage outputs serialize to JSON")
}

/// Bytes carried as a standard base64 string (RFC 4648 with padding, as Go's `StdEncoding` and damocles' `b64serde`
/// write PoSt proofs). Decoding is strict: bad characters, length or non-zero trailing bits fail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Base64(pub Vec<u8>);

impl Serialize for Base64 {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for Base64 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        STANDARD.decode(&text).map(Base64).map_err(|e| D::Error::custom(format!("invalid base64: {e}")))
    }
}

/// A verifier's answer: `{"valid":true}` or `{"valid":false,"reason":…}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub valid: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl From<Result<(), String>> for Verdict {
    fn from(r: Result<(), String>) -> Verdict {
        match r {
            Ok(()) => Verdict { valid: true, reason: None },
            Err(e) => Verdict { valid: false, reason: Some(e) },
        }
    }
}

/// The `_h: null` marker rust-fil-proofs' serde writes for a `PhantomData` field; its value is not read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Phantom;

impl Serialize for Phantom {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_unit()
    }
}

impl<'de> Deserialize<'de> for Phantom {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(d).map(|_| Phantom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Piece {
        size: u64,
        commitment: [u8; 32],
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Task {
        ticket: [u8; 32],
        pieces: Vec<Piece>,
        proof: Base64,
    }

    fn err(text: &str) -> String {
        from_value::<Task>(&parse(text).unwrap()).unwrap_err()
    }

    #[test]
    fn errors_name_the_path_of_the_bad_field() {
        let ok = format!(r#"{{"ticket":{:?},"pieces":[],"proof":"AAEC"}}"#, [7u8; 32]);
        let t: Task = from_value(&parse(&ok).unwrap()).unwrap();
        assert_eq!((t.ticket, t.proof), ([7u8; 32], Base64(vec![0, 1, 2])));
        let e = err(r#"{"ticket":[1,2,3],"pieces":[],"proof":""}"#);
        assert!(e.starts_with("field `ticket`: invalid length 3"), "{e}");
        let e = err(&ok.replace(r#""pieces":[]"#, &format!(r#""pieces":[{{"size":"7","commitment":{:?}}}]"#, [1u8; 32])));
        assert!(e.starts_with("field `pieces[0].size`: invalid type: string \"7\", expected u64"), "{e}");
        let e = err(&ok.replace(r#""pieces":[]"#, r#""pieces":[{"size":7}]"#));
        assert_eq!(e, "field `pieces[0]`: missing field `commitment`");
        assert_eq!(err(r#"{"pieces":[]}"#), "missing field `ticket`");
        let e = err(&ok.replace("AAEC", "AAE"));
        assert!(e.starts_with("field `proof`: invalid base64"), "{e}");
        assert!(parse(r#"{"a":"#).unwrap_err().starts_with("invalid JSON: EOF while parsing"));
    }

    #[test]
    fn base64_and_verdicts_have_the_wire_form() {
        assert_eq!(serde_json::to_string(&Base64(b"SFWP\x01".to_vec())).unwrap(), r#""U0ZXUAE=""#);
        assert_eq!(serde_json::to_string(&Verdict::from(Ok(()))).unwrap(), r#"{"valid":true}"#);
        let v = Verdict::from(Err("no".to_string()));
        assert_eq!(serde_json::to_string(&v).unwrap(), r#"{"valid":false,"reason":"no"}"#);
        // strict decoding: non-canonical trailing bits are refused
        assert!(from_value::<Base64>(&Value::from("AAF=")).is_err());
    }
}
