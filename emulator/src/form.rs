//! `application/x-www-form-urlencoded`, both ways: query strings and the checkout form read,
//! notifications written. By hand, like the rest of the emulator's parsing.

/// Decodes one component: `%XX` escapes and `+` for a space; a stray `%` stays as it is.
pub fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The first value of `name` in a query string or form body.
pub fn param(encoded: &str, name: &str) -> Option<String> {
    encoded.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (decode(k) == name).then(|| decode(v))
    })
}

/// Encodes pairs in the given order, as a browser would: unreserved characters as they are,
/// a space as `+`, every other byte as `%XX`.
pub fn encode(pairs: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        component(&mut out, k);
        out.push('=');
        component(&mut out, v);
    }
    out
}

fn component(out: &mut String, s: &str) {
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding() {
        assert_eq!(decode("ORDER%2D1+x%"), "ORDER-1 x%");
        assert_eq!(decode("%C3%A9"), "é");
    }

    #[test]
    fn params() {
        assert_eq!(param("a=1&b=x%20y&b=2", "b").as_deref(), Some("x y"));
        assert_eq!(param("flag&a=1", "flag").as_deref(), Some(""));
        assert_eq!(param("a=1", "b"), None);
    }

    #[test]
    fn encoding_round_trips_in_order() {
        let pairs = [
            ("cpm_custom", "order=1&x"),
            ("cpm_designation", "Café crème"),
        ];
        let encoded = encode(&pairs);
        assert_eq!(
            encoded,
            "cpm_custom=order%3D1%26x&cpm_designation=Caf%C3%A9+cr%C3%A8me"
        );
        assert_eq!(param(&encoded, "cpm_custom").as_deref(), Some("order=1&x"));
        assert_eq!(
            param(&encoded, "cpm_designation").as_deref(),
            Some("Café crème")
        );
    }
}
