//! Percent-encoding of URL path segments.

/// Percent-encodes `value` for use as one URL path segment.
///
/// Every byte except the RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _
/// ~`) is encoded, so `/`, `?`, `#` and `%` in `value` cannot change the
/// path or the query. The dot segments `.` and `..` are encoded as well, so
/// they cannot move the request to a parent path.
pub fn encode_path_segment(value: &str) -> String {
    if value == "." || value == ".." {
        return value.replace('.', "%2E");
    }

    let mut encoded = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::encode_path_segment;

    #[test]
    fn unreserved_characters_pass_through() {
        assert_eq!(encode_path_segment("203.0.113.5"), "203.0.113.5");
        assert_eq!(encode_path_segment("a-b_c~d"), "a-b_c~d");
    }

    #[test]
    fn delimiters_are_encoded() {
        assert_eq!(
            encode_path_segment("http://x.example/a?b=1#c"),
            "http%3A%2F%2Fx.example%2Fa%3Fb%3D1%23c"
        );
        assert_eq!(encode_path_segment("50%"), "50%25");
        assert_eq!(encode_path_segment("2001:db8::1"), "2001%3Adb8%3A%3A1");
    }

    #[test]
    fn dot_segments_are_encoded() {
        assert_eq!(encode_path_segment(".."), "%2E%2E");
        assert_eq!(encode_path_segment("."), "%2E");
        assert_eq!(encode_path_segment("..."), "...");
    }

    #[test]
    fn non_ascii_is_encoded_as_utf8() {
        assert_eq!(encode_path_segment("é"), "%C3%A9");
    }
}
