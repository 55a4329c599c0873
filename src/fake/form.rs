//! Decoding `application/x-www-form-urlencoded` data (form bodies and query strings).

/// Splits `input` (`a=1&b=two%20words`) into decoded `(name, value)` pairs, in order.
///
/// `+` stands for a space and `%XX` for the byte `0xXX`; a `%` not followed by two hex
/// digits is kept as it is, and bytes that do not form UTF-8 are replaced with U+FFFD.
/// Empty pieces (`a=1&&b=2`) are skipped; a piece without `=` has an empty value.
pub(crate) fn parse(input: &[u8]) -> Vec<(String, String)> {
    input
        .split(|&b| b == b'&')
        .filter(|piece| !piece.is_empty())
        .map(|piece| {
            let (name, value) = match piece.iter().position(|&b| b == b'=') {
                Some(eq) => (&piece[..eq], &piece[eq + 1..]),
                None => (piece, &piece[piece.len()..]),
            };
            (decode(name), decode(value))
        })
        .collect()
}

/// Percent-decodes one name or value.
fn decode(raw: &[u8]) -> String {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = raw.get(i + 1..i + 3).and_then(|h| {
                    let h = std::str::from_utf8(h).ok()?;
                    u8::from_str_radix(h, 16).ok()
                });
                if let Some(byte) = hex {
                    out.push(byte);
                    i += 3;
                    continue;
                }
                out.push(b'%');
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::parse;

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn decodes_plus_percent_and_utf8() {
        assert_eq!(
            parse(b"text=hello+w%C3%B6rld%21&channel=C1"),
            pairs(&[("text", "hello wörld!"), ("channel", "C1")])
        );
    }

    #[test]
    fn keeps_bad_escapes_and_skips_empty_pieces() {
        assert_eq!(
            parse(b"a=100%&&b&c=%zz%4"),
            pairs(&[("a", "100%"), ("b", ""), ("c", "%zz%4")])
        );
    }

    #[test]
    fn a_literal_plus_arrives_as_percent_2b() {
        assert_eq!(parse(b"q=1%2B1"), pairs(&[("q", "1+1")]));
    }
}
