//! A small JSON value type with a strict parser and a compact serializer (std only).
//!
//! Objects keep their key order (serde structs serialize fields in declaration order, and damocles' peers compare
//! nothing else), integers stay exact u64/i64 (sector ids and sizes exceed f64's 53 bits), and every typed accessor
//! returns an error that names the field and what was expected, so a bad task fails with a message a user can act on.

use std::fmt::Write as _;

#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    /// Non-negative integer.
    U64(u64),
    /// Negative integer.
    I64(i64),
    F64(f64),
    Str(String),
    Arr(Vec<Json>),
    /// Key order is preserved; duplicate keys are rejected by the parser.
    Obj(Vec<(String, Json)>),
}

impl Json {
    /// Builds an object from (key, value) pairs.
    pub fn obj<K: Into<String>>(pairs: Vec<(K, Json)>) -> Json {
        Json::Obj(pairs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    pub fn str<S: Into<String>>(s: S) -> Json {
        Json::Str(s.into())
    }

    /// A byte string as serde serializes `[u8; N]`/`Vec<u8>`: an array of numbers.
    pub fn bytes(b: &[u8]) -> Json {
        Json::Arr(b.iter().map(|&x| Json::U64(x as u64)).collect())
    }

    /// Short type name for error messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::U64(_) | Json::I64(_) | Json::F64(_) => "a number",
            Json::Str(_) => "a string",
            Json::Arr(_) => "an array",
            Json::Obj(_) => "an object",
        }
    }

    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Obj(pairs) => pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_u64(&self) -> Option<u64> {
        match *self {
            Json::U64(v) => Some(v),
            Json::F64(f) if f >= 0.0 && f.fract() == 0.0 && f < 18446744073709551616.0 => Some(f as u64),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match *self {
            Json::Bool(b) => Some(b),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Json]> {
        match self {
            Json::Arr(a) => Some(a),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Json::Null)
    }

    /// The value of a required field of an object; `what` is the field's path for messages (e.g. "pieces[2].piece_size").
    pub fn field(&self, key: &str) -> Result<&Json, String> {
        match self {
            Json::Obj(_) => self.get(key).ok_or_else(|| format!("missing field `{key}`")),
            other => Err(format!("expected an object with field `{key}`, got {}", other.kind())),
        }
    }

    pub fn field_u64(&self, key: &str) -> Result<u64, String> {
        let v = self.field(key)?;
        v.as_u64().ok_or_else(|| format!("field `{key}`: expected a non-negative integer, got {}", v.kind()))
    }

    pub fn field_str(&self, key: &str) -> Result<&str, String> {
        let v = self.field(key)?;
        v.as_str().ok_or_else(|| format!("field `{key}`: expected a string, got {}", v.kind()))
    }

    pub fn field_array(&self, key: &str) -> Result<&[Json], String> {
        let v = self.field(key)?;
        v.as_array().ok_or_else(|| format!("field `{key}`: expected an array, got {}", v.kind()))
    }

    /// A 32-byte value (ProverId, Ticket, Commitment...) serialized as 32 numbers 0..=255.
    pub fn field_bytes32(&self, key: &str) -> Result<[u8; 32], String> {
        self.field(key)?.to_bytes32().map_err(|e| format!("field `{key}`: {e}"))
    }

    pub fn to_bytes32(&self) -> Result<[u8; 32], String> {
        let v = self.to_bytes()?;
        v.as_slice()
            .try_into()
            .map_err(|_| format!("expected an array of 32 numbers 0..=255, got {} elements", v.len()))
    }

    /// An array of numbers 0..=255 as bytes.
    pub fn to_bytes(&self) -> Result<Vec<u8>, String> {
        let arr = self
            .as_array()
            .ok_or_else(|| format!("expected an array of numbers 0..=255, got {}", self.kind()))?;
        arr.iter()
            .enumerate()
            .map(|(i, x)| match x.as_u64() {
                Some(b) if b <= 255 => Ok(b as u8),
                _ => Err(format!("element {i}: expected a number 0..=255, got {}", describe(x))),
            })
            .collect()
    }

    pub fn parse(text: &str) -> Result<Json, String> {
        let mut p = Parser { s: text.as_bytes(), i: 0, depth: 0 };
        p.ws();
        let v = p.value()?;
        p.ws();
        if p.i != p.s.len() {
            return Err(p.err("unexpected trailing characters"));
        }
        Ok(v)
    }

    /// Compact serialization (no spaces), one line: what the line protocol needs.
    pub fn to_string(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    pub fn write(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::U64(v) => {
                let _ = write!(out, "{v}");
            }
            Json::I64(v) => {
                let _ = write!(out, "{v}");
            }
            Json::F64(f) => {
                if f.is_finite() {
                    let _ = write!(out, "{f}");
                } else {
                    out.push_str("null");
                }
            }
            Json::Str(s) => write_str(s, out),
            Json::Arr(a) => {
                out.push('[');
                for (i, v) in a.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    v.write(out);
                }
                out.push(']');
            }
            Json::Obj(pairs) => {
                out.push('{');
                for (i, (k, v)) in pairs.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_str(k, out);
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
        }
    }
}

impl std::fmt::Display for Json {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&Json::to_string(self))
    }
}

/// A value for an error message: its kind plus a short excerpt.
pub fn describe(v: &Json) -> String {
    let mut s = Json::to_string(v);
    if s.len() > 40 {
        let mut cut = 40;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
        s.push('…');
    }
    format!("{} ({s})", v.kind())
}

fn write_str(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    depth: usize,
}

const MAX_DEPTH: usize = 128;

impl Parser<'_> {
    fn err(&self, msg: &str) -> String {
        format!("invalid JSON at byte {}: {msg}", self.i)
    }

    fn ws(&mut self) {
        while self.i < self.s.len() && matches!(self.s[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn lit(&mut self, word: &str, v: Json) -> Result<Json, String> {
        if self.s[self.i..].starts_with(word.as_bytes()) {
            self.i += word.len();
            Ok(v)
        } else {
            Err(self.err("unexpected token"))
        }
    }

    fn value(&mut self) -> Result<Json, String> {
        match self.peek() {
            None => Err(self.err("unexpected end of input")),
            Some(b'n') => self.lit("null", Json::Null),
            Some(b't') => self.lit("true", Json::Bool(true)),
            Some(b'f') => self.lit("false", Json::Bool(false)),
            Some(b'"') => Ok(Json::Str(self.string()?)),
            Some(b'[') => {
                self.enter()?;
                self.i += 1;
                let mut a = Vec::new();
                self.ws();
                if self.peek() == Some(b']') {
                    self.i += 1;
                    self.depth -= 1;
                    return Ok(Json::Arr(a));
                }
                loop {
                    self.ws();
                    a.push(self.value()?);
                    self.ws();
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b']') => {
                            self.i += 1;
                            break;
                        }
                        _ => return Err(self.err("expected `,` or `]` in array")),
                    }
                }
                self.depth -= 1;
                Ok(Json::Arr(a))
            }
            Some(b'{') => {
                self.enter()?;
                self.i += 1;
                let mut pairs: Vec<(String, Json)> = Vec::new();
                self.ws();
                if self.peek() == Some(b'}') {
                    self.i += 1;
                    self.depth -= 1;
                    return Ok(Json::Obj(pairs));
                }
                loop {
                    self.ws();
                    if self.peek() != Some(b'"') {
                        return Err(self.err("expected a string key in object"));
                    }
                    let k = self.string()?;
                    if pairs.iter().any(|(x, _)| *x == k) {
                        return Err(self.err(&format!("duplicate key `{k}`")));
                    }
                    self.ws();
                    if self.peek() != Some(b':') {
                        return Err(self.err("expected `:` after object key"));
                    }
                    self.i += 1;
                    self.ws();
                    let v = self.value()?;
                    pairs.push((k, v));
                    self.ws();
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b'}') => {
                            self.i += 1;
                            break;
                        }
                        _ => return Err(self.err("expected `,` or `}` in object")),
                    }
                }
                self.depth -= 1;
                Ok(Json::Obj(pairs))
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.err("unexpected character")),
        }
    }

    fn enter(&mut self) -> Result<(), String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err("nesting too deep"));
        }
        Ok(())
    }

    fn number(&mut self) -> Result<Json, String> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        let int_start = self.i;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.i += 1;
        }
        if self.i == int_start {
            return Err(self.err("expected digits"));
        }
        if self.s[int_start] == b'0' && self.i - int_start > 1 {
            return Err(self.err("leading zero in number"));
        }
        let mut float = false;
        if self.peek() == Some(b'.') {
            float = true;
            self.i += 1;
            let f = self.i;
            while matches!(self.peek(), Some(b'0'..=b'9')) {
                self.i += 1;
            }
            if self.i == f {
                return Err(self.err("expected digits after `.`"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            float = true;
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            let f = self.i;
            while matches!(self.peek(), Some(b'0'..=b'9')) {
                self.i += 1;
            }
            if self.i == f {
                return Err(self.err("expected digits in exponent"));
            }
        }
        let text = std::str::from_utf8(&self.s[start..self.i]).expect("ascii");
        if !float {
            if let Ok(v) = text.parse::<u64>() {
                return Ok(Json::U64(v));
            }
            if let Ok(v) = text.parse::<i64>() {
                return Ok(if v >= 0 { Json::U64(v as u64) } else { Json::I64(v) });
            }
        }
        text.parse::<f64>().map(Json::F64).map_err(|_| self.err("bad number"))
    }

    fn hex4(&mut self) -> Result<u32, String> {
        if self.i + 4 > self.s.len() {
            return Err(self.err("truncated \\u escape"));
        }
        let t = std::str::from_utf8(&self.s[self.i..self.i + 4]).map_err(|_| self.err("bad \\u escape"))?;
        let v = u32::from_str_radix(t, 16).map_err(|_| self.err("bad \\u escape"))?;
        self.i += 4;
        Ok(v)
    }

    fn string(&mut self) -> Result<String, String> {
        self.i += 1; // opening quote
        let mut out: Vec<u8> = Vec::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(self.err("unterminated string"));
            };
            self.i += 1;
            match c {
                b'"' => break,
                b'\\' => {
                    let Some(e) = self.peek() else {
                        return Err(self.err("unterminated escape"));
                    };
                    self.i += 1;
                    let ch = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hi = self.hex4()?;
                            let cp = if (0xd800..0xdc00).contains(&hi) {
                                if self.s[self.i..].starts_with(b"\\u") {
                                    self.i += 2;
                                    let lo = self.hex4()?;
                                    if !(0xdc00..0xe000).contains(&lo) {
                                        return Err(self.err("invalid low surrogate"));
                                    }
                                    0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00)
                                } else {
                                    return Err(self.err("lone surrogate"));
                                }
                            } else {
                                hi
                            };
                            char::from_u32(cp).ok_or_else(|| self.err("invalid code point"))?
                        }
                        _ => return Err(self.err("unknown escape")),
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                }
                c if c < 0x20 => return Err(self.err("control character in string")),
                c => out.push(c),
            }
        }
        String::from_utf8(out).map_err(|_| self.err("invalid UTF-8 in string"))
    }
}

#[cfg(test)]
mod tests {
    use super::Json;

    #[test]
    fn round_trips_nested_values_and_keeps_key_order() {
        let text = r#"{"id":18446744073709551615,"task":{"b":[1,-2,3.5,true,null],"a":"x\"\n\u00e9"},"z":{}}"#;
        let v = Json::parse(text).unwrap();
        assert_eq!(v.field_u64("id").unwrap(), u64::MAX);
        assert_eq!(v.field("task").unwrap().field_str("a").unwrap(), "x\"\né");
        assert_eq!(Json::parse(&v.to_string()).unwrap(), v);
        assert!(v.to_string().starts_with(r#"{"id":18446744073709551615,"task":{"b":[1,-2,3.5,true,null],"a""#));
    }

    #[test]
    fn rejects_malformed_input_with_a_position() {
        for bad in ["", "{", "[1,]", "{\"a\":1,}", "01", "\"abc", "{\"a\":1}x", "{\"a\":1,\"a\":2}", "[\"\\q\"]", "tru"] {
            let e = Json::parse(bad).unwrap_err();
            assert!(e.starts_with("invalid JSON at byte"), "{bad}: {e}");
        }
    }

    #[test]
    fn typed_accessors_name_the_field() {
        let v = Json::parse(r#"{"ticket":[1,2,300],"n":"7","s":1}"#).unwrap();
        let e = v.field_bytes32("ticket").unwrap_err();
        assert!(e.contains("`ticket`") && e.contains("element 2"), "{e}");
        assert!(v.field_u64("n").unwrap_err().contains("`n`: expected a non-negative integer, got a string"));
        assert!(v.field_str("s").unwrap_err().contains("`s`: expected a string"));
        assert_eq!(v.field("missing").unwrap_err(), "missing field `missing`");
        let ok = Json::bytes(&[7u8; 32]);
        assert_eq!(ok.to_bytes32().unwrap(), [7u8; 32]);
    }
}
