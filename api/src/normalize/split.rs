//! Splitting a request body into JSON records.
//!
//! A body is one of: a single JSON object, a JSON array of objects,
//! newline-delimited JSON (NDJSON), or JSON objects written one after the
//! other with or without whitespace between them. A broken record becomes a
//! [`RecordError`] and the records after it are still returned where the
//! splitter can find where the next one starts.

use serde_json::Value;

use super::depth::{MAX_DEPTH, depth_violation};

/// One record cut out of a request body.
#[derive(Debug, Clone, PartialEq)]
pub struct RawRecord {
    /// Position of the record in the body, counting broken records too, from 0.
    pub index: usize,
    /// Byte offset of the record's first byte in the body.
    pub offset: usize,
    /// The exact bytes of this record as received.
    pub bytes: Vec<u8>,
    pub value: Value,
}

/// A record that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordError {
    /// Position of the record in the body, counting valid records too, from 0.
    pub index: usize,
    /// Byte offset in the whole body where the error is.
    pub offset: usize,
    pub message: String,
}

/// Splits `body` into records, each either parsed or a per-record error.
///
/// An empty or whitespace-only body returns one error. A leading UTF-8 byte
/// order mark is skipped.
pub fn split_records(body: &[u8]) -> Vec<Result<RawRecord, RecordError>> {
    let start = skip_bom(body);
    let Some(first) = skip_whitespace(body, start) else {
        return vec![Err(RecordError {
            index: 0,
            offset: 0,
            message: "request body is empty, expected a JSON object, array or NDJSON".to_string(),
        })];
    };

    let mut splitter = Splitter {
        body,
        records: Vec::new(),
    };
    if body[first] == b'[' {
        splitter.split_array(first);
    } else if is_line_delimited(body, first) {
        splitter.split_lines(first);
    } else {
        splitter.split_stream(first, body.len(), true);
    }
    splitter.records
}

struct Splitter<'a> {
    body: &'a [u8],
    records: Vec<Result<RawRecord, RecordError>>,
}

impl Splitter<'_> {
    /// Reads each line as its own stream, so that a broken line never
    /// swallows the lines after it.
    fn split_lines(&mut self, start: usize) {
        let mut line_start = start;
        while line_start < self.body.len() {
            let line_end = find_byte(self.body, line_start, b'\n').unwrap_or(self.body.len());
            self.split_stream(line_start, line_end, false);
            line_start = line_end + 1;
        }
    }

    /// Reads values one after another from `start` to `end`.
    ///
    /// After a broken value, reading goes on at the next line that starts
    /// with `{` when `resync_by_line` is set, and stops otherwise. The error
    /// offset is capped at that line, because a record that never closes makes
    /// the parser fail only inside or after the next record.
    fn split_stream(&mut self, start: usize, end: usize, resync_by_line: bool) {
        let mut position = start;
        while let Some(value_start) = skip_whitespace(&self.body[..end], position) {
            match self.read_value(value_start, end) {
                Ok(value_end) => position = value_end,
                Err((failure_offset, reason)) => {
                    let resume = if resync_by_line {
                        next_object_line(self.body, value_start + 1, end)
                    } else {
                        None
                    };
                    let region_end = resume.unwrap_or(end);
                    let offset = failure_offset.min(region_end);
                    self.push_error_with_utf8_check(value_start, offset, region_end, &reason);
                    match resume {
                        Some(next) => position = next,
                        None => return,
                    }
                }
            }
        }
    }

    /// Parses one value at `start` and stores it. Returns the end offset of
    /// the value, or the offset and description of the parse error.
    fn read_value(&mut self, start: usize, end: usize) -> Result<usize, (usize, String)> {
        let slice = &self.body[start..end];
        let mut stream = serde_json::Deserializer::from_slice(slice).into_iter::<Value>();
        let parsed = stream.next();
        let consumed = stream.byte_offset();

        match parsed {
            Some(Ok(value)) => {
                let value_end = start + consumed;
                self.push_value(start, value_end, value);
                Ok(value_end)
            }
            Some(Err(error)) => Err((self.error_offset(start, end, &error), describe(&error))),
            None => Err((start, "no JSON value found".to_string())),
        }
    }

    fn split_array(&mut self, open: usize) {
        let mut position = open + 1;
        let mut expect_element = true;
        loop {
            let Some(next) = skip_whitespace(self.body, position) else {
                self.push_error(
                    self.body.len(),
                    "JSON array is not closed, expected `]`".to_string(),
                );
                return;
            };

            match (self.body[next], expect_element) {
                (b']', _) => return self.check_after_array(next + 1),
                (b',', false) => {
                    expect_element = true;
                    position = next + 1;
                }
                (_, true) => match self.read_element(next) {
                    Some(element_end) => {
                        expect_element = false;
                        position = element_end;
                    }
                    None => return,
                },
                (_, false) => {
                    self.push_error(
                        next,
                        "expected `,` or `]` after an array element".to_string(),
                    );
                    return;
                }
            }
        }
    }

    /// Cuts one array element by matching brackets, then parses it, so that
    /// a broken element does not hide the elements after it.
    fn read_element(&mut self, start: usize) -> Option<usize> {
        let Some(element_end) = scan_value_end(self.body, start) else {
            let reason = "the value is not closed before the end of the body";
            self.push_error_with_utf8_check(start, self.body.len(), self.body.len(), reason);
            return None;
        };

        let slice = &self.body[start..element_end];
        match serde_json::from_slice::<Value>(slice) {
            Ok(value) => self.push_value(start, element_end, value),
            Err(error) => {
                let offset = self.error_offset(start, element_end, &error);
                self.push_error_with_utf8_check(start, offset, element_end, &describe(&error));
            }
        }
        Some(element_end)
    }

    fn check_after_array(&mut self, after: usize) {
        if let Some(extra) = skip_whitespace(self.body, after) {
            self.push_error(extra, "unexpected data after the JSON array".to_string());
        }
    }

    fn push_value(&mut self, start: usize, end: usize, value: Value) {
        let index = self.records.len();
        let bytes = &self.body[start..end];

        if let Some(depth_offset) = depth_violation(bytes) {
            let message = format!("record {index} is nested deeper than {MAX_DEPTH} levels");
            self.push_error(start + depth_offset, message);
            return;
        }
        if !value.is_object() {
            let message = format!(
                "record {index} is a JSON {}, expected an object",
                json_type_name(&value)
            );
            self.push_error(start, message);
            return;
        }

        self.records.push(Ok(RawRecord {
            index,
            offset: start,
            bytes: bytes.to_vec(),
            value,
        }));
    }

    /// Records an error for the value at `start`, naming the first invalid
    /// UTF-8 byte in `start..region_end` when there is one, because the JSON
    /// parser reports such bytes only as a generic syntax error.
    fn push_error_with_utf8_check(
        &mut self,
        start: usize,
        offset: usize,
        region_end: usize,
        reason: &str,
    ) {
        let index = self.records.len();
        if let Err(error) = std::str::from_utf8(&self.body[start..region_end.max(start)]) {
            let bad_offset = start + error.valid_up_to();
            let message =
                format!("record {index} contains invalid UTF-8 at byte offset {bad_offset}");
            return self.push_error(bad_offset, message);
        }

        if let Some(depth_offset) = depth_violation(&self.body[start..region_end.max(start)]) {
            let message = format!("record {index} is nested deeper than {MAX_DEPTH} levels");
            return self.push_error(start + depth_offset, message);
        }

        let message = format!("record {index} is not valid JSON at byte offset {offset}: {reason}");
        self.push_error(offset, message);
    }

    fn push_error(&mut self, offset: usize, message: String) {
        let index = self.records.len();
        tracing::debug!(index, offset, %message, "record rejected");
        self.records.push(Err(RecordError {
            index,
            offset,
            message,
        }));
    }

    /// Converts the line and column of a serde_json error inside
    /// `start..end` into a byte offset in the whole body.
    ///
    /// An end-of-input error points at `end`, where the missing input was
    /// expected, because serde_json reports the last byte it read.
    fn error_offset(&self, start: usize, end: usize, error: &serde_json::Error) -> usize {
        if error.is_eof() {
            return end;
        }

        let slice = &self.body[start..end];
        let mut line_start = 0;
        for _ in 1..error.line() {
            match find_byte(slice, line_start, b'\n') {
                Some(newline) => line_start = newline + 1,
                None => break,
            }
        }
        let column_offset = error.column().saturating_sub(1);
        start + (line_start + column_offset).min(slice.len())
    }
}

/// Returns the serde_json error text without its line and column, because
/// the record error carries a byte offset in the whole body instead.
fn describe(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(cut) => text[..cut].to_string(),
        None => text,
    }
}

/// Returns true when every non-blank line starts with `{`, which is how
/// NDJSON looks and how a pretty-printed object never looks.
fn is_line_delimited(body: &[u8], start: usize) -> bool {
    let mut first_bytes = body[start..]
        .split(|byte| *byte == b'\n')
        .filter_map(first_non_whitespace);
    first_bytes.all(|first| first == b'{')
}

/// Returns the offset of the first line start after `from` that is a `{`.
///
/// Only a `{` in the first column counts, because pretty-printed JSON
/// indents every nested object.
fn next_object_line(body: &[u8], from: usize, end: usize) -> Option<usize> {
    let mut search = from;
    while let Some(newline) = find_byte(&body[..end], search, b'\n') {
        let line_start = newline + 1;
        if body[..end].get(line_start) == Some(&b'{') {
            return Some(line_start);
        }
        search = line_start;
    }
    None
}

/// Finds the end of the JSON value starting at `start` by matching brackets
/// outside strings. Returns `None` when the value never closes.
fn scan_value_end(body: &[u8], start: usize) -> Option<usize> {
    if !matches!(body[start], b'{' | b'[') {
        return scan_scalar_end(body, start);
    }

    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (position, &byte) in body.iter().enumerate().skip(start) {
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
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(position + 1);
                }
            }
            _ => {}
        }
    }
    None
}

fn scan_scalar_end(body: &[u8], start: usize) -> Option<usize> {
    if body[start] == b'"' {
        let mut escaped = false;
        for (position, &byte) in body.iter().enumerate().skip(start + 1) {
            match (escaped, byte) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => return Some(position + 1),
                _ => {}
            }
        }
        return None;
    }

    let stop = |byte: &u8| matches!(byte, b',' | b']' | b'}') || byte.is_ascii_whitespace();
    let length = body[start..]
        .iter()
        .position(stop)
        .unwrap_or(body.len() - start);
    Some(start + length)
}

fn json_type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn skip_bom(body: &[u8]) -> usize {
    if body.starts_with(&[0xEF, 0xBB, 0xBF]) {
        3
    } else {
        0
    }
}

fn skip_whitespace(body: &[u8], from: usize) -> Option<usize> {
    let offset = body
        .get(from..)?
        .iter()
        .position(|byte| !byte.is_ascii_whitespace())?;
    Some(from + offset)
}

fn first_non_whitespace(line: &[u8]) -> Option<u8> {
    line.iter()
        .copied()
        .find(|byte| !byte.is_ascii_whitespace())
}

fn find_byte(body: &[u8], from: usize, needle: u8) -> Option<usize> {
    let offset = body.get(from..)?.iter().position(|byte| *byte == needle)?;
    Some(from + offset)
}

#[cfg(test)]
mod tests;
