//! Nesting depth limit for JSON records.

/// Maximum nesting depth of a record: `{}` has depth 1 and `{"a":[1]}` has
/// depth 2. serde_json stops at 128 levels, which is more than alert
/// records need and more than later recursive walks should meet.
pub const MAX_DEPTH: usize = 64;

/// Returns the offset of the first `{` or `[` in `bytes` that opens a level
/// deeper than [`MAX_DEPTH`], ignoring brackets inside strings.
pub fn depth_violation(bytes: &[u8]) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;

    for (position, &byte) in bytes.iter().enumerate() {
        if in_string {
            match (escaped, byte) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }

        match byte {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(position);
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(levels: usize) -> String {
        format!("{}{}", "[".repeat(levels), "]".repeat(levels))
    }

    #[test]
    fn depth_at_limit_accepted() {
        assert_eq!(depth_violation(nested(MAX_DEPTH).as_bytes()), None);
    }

    #[test]
    fn depth_over_limit_found() {
        assert_eq!(
            depth_violation(nested(MAX_DEPTH + 1).as_bytes()),
            Some(MAX_DEPTH)
        );
    }

    #[test]
    fn brackets_in_strings_ignored() {
        let text = format!("{{\"a\":\"{}\\\"{}\"}}", "[".repeat(100), "{".repeat(100));
        assert_eq!(depth_violation(text.as_bytes()), None);
    }
}
