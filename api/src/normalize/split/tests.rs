use super::*;

fn ok_values(results: &[Result<RawRecord, RecordError>]) -> Vec<&Value> {
    results
        .iter()
        .filter_map(|result| result.as_ref().ok())
        .map(|record| &record.value)
        .collect()
}

fn only_error(result: &Result<RawRecord, RecordError>) -> &RecordError {
    result.as_ref().expect_err("record should be an error")
}

#[test]
fn single_object() {
    let body = br#"  {"a": 1}  "#;
    let results = split_records(body);
    assert_eq!(results.len(), 1);
    let record = results[0].as_ref().expect("valid record");
    assert_eq!(record.index, 0);
    assert_eq!(record.offset, 2);
    assert_eq!(record.bytes, br#"{"a": 1}"#);
    assert_eq!(record.value["a"], 1);
}

#[test]
fn array_elements_keep_exact_bytes() {
    let body = b"[ {\"a\": 1},\n  {\"b\" :  [2, \"]\"]} ]";
    let results = split_records(body);
    assert_eq!(results.len(), 2);
    let first = results[0].as_ref().expect("first element");
    let second = results[1].as_ref().expect("second element");
    assert_eq!(first.bytes, b"{\"a\": 1}");
    assert_eq!(first.offset, 2);
    assert_eq!(second.bytes, b"{\"b\" :  [2, \"]\"]}");
    assert_eq!(second.index, 1);
    assert_eq!(second.value["b"][1], "]");
}

#[test]
fn array_broken_element_keeps_others() {
    let body = br#"[{"a":1},{"b": nope},{"c":3}]"#;
    let results = split_records(body);
    assert_eq!(results.len(), 3);
    assert_eq!(ok_values(&results).len(), 2);
    let error = only_error(&results[1]);
    assert_eq!(error.index, 1);
    assert_eq!(
        error.offset, 16,
        "offset of `o` in `nope`, the first byte that cannot start `null`"
    );
    assert_eq!(results[2].as_ref().expect("third element").value["c"], 3);
}

#[test]
fn array_unclosed_reported() {
    let results = split_records(br#"[{"a":1}, "#);
    assert_eq!(results.len(), 2);
    assert!(results[0].is_ok());
    assert_eq!(only_error(&results[1]).offset, 10);
}

#[test]
fn array_scalar_element_rejected() {
    let results = split_records(br#"[{"a":1}, 5, "x"]"#);
    assert_eq!(
        only_error(&results[1]).message,
        "record 1 is a JSON number, expected an object"
    );
    assert_eq!(
        only_error(&results[2]).message,
        "record 2 is a JSON string, expected an object"
    );
}

#[test]
fn ndjson_broken_line_in_middle() {
    let line1 = b"{\"n\":1}\n";
    let line2 = b"{\"n\": oops}\n";
    let line3 = b"{\"n\":3}\n";
    let body = [line1.as_slice(), line2, line3].concat();
    let results = split_records(&body);

    assert_eq!(results.len(), 3);
    let error = only_error(&results[1]);
    assert_eq!(error.index, 1);
    assert_eq!(error.offset, line1.len() + 6, "offset of `o` in `oops`");
    let last = results[2].as_ref().expect("line after the broken one");
    assert_eq!(last.value["n"], 3);
    assert_eq!(last.offset, line1.len() + line2.len());
    assert_eq!(last.bytes, b"{\"n\":3}");
}

#[test]
fn ndjson_truncated_line_in_middle() {
    let body = b"{\"n\":1}\n{\"n\":\n{\"n\":3}\n";
    let results = split_records(body);
    assert_eq!(results.len(), 3);
    assert_eq!(
        only_error(&results[1]).offset,
        13,
        "end of the truncated line"
    );
    assert_eq!(results[2].as_ref().expect("third line").value["n"], 3);
}

#[test]
fn ndjson_crlf_and_blank_lines() {
    let body = b"{\"n\":1}\r\n\r\n{\"n\":2}\r\n";
    let results = split_records(body);
    assert_eq!(results.len(), 2);
    assert_eq!(ok_values(&results).len(), 2);
}

#[test]
fn concatenated_without_separator() {
    let body = br#"{"n":1}{"n":2}{"n":3}"#;
    let results = split_records(body);
    assert_eq!(results.len(), 3);
    let offsets: Vec<usize> = results
        .iter()
        .map(|r| r.as_ref().expect("valid").offset)
        .collect();
    assert_eq!(offsets, vec![0, 7, 14]);
    assert_eq!(results[1].as_ref().expect("second").bytes, br#"{"n":2}"#);
}

#[test]
fn concatenated_pretty_printed() {
    let body = b"{\n  \"n\": 1,\n  \"o\": {\n    \"p\": 2\n  }\n}\n{\n  \"n\": 2\n}";
    let results = split_records(body);
    assert_eq!(results.len(), 2);
    assert_eq!(results[0].as_ref().expect("first").value["o"]["p"], 2);
    assert_eq!(results[1].as_ref().expect("second").offset, 38);
}

#[test]
fn concatenated_broken_resyncs_at_next_object_line() {
    let body = b"{\n  \"n\": 1,\n  \"bad\" 2\n}\n{\n  \"n\": 2\n}\n";
    let results = split_records(body);
    assert_eq!(results.len(), 2);
    let error = only_error(&results[0]);
    assert_eq!(error.offset, 20, "offset of `2` after the missing colon");
    let second = results[1].as_ref().expect("record after the broken one");
    assert_eq!(second.value["n"], 2);
    assert_eq!(second.index, 1);
}

#[test]
fn non_utf8_names_offset() {
    let body = b"{\"n\":1}\n{\"s\":\"a\xff\"}\n{\"n\":3}\n";
    let results = split_records(body);
    assert_eq!(results.len(), 3);
    let error = only_error(&results[1]);
    assert_eq!(error.offset, 15);
    assert_eq!(
        error.message,
        "record 1 contains invalid UTF-8 at byte offset 15"
    );
    assert!(results[2].is_ok());
}

#[test]
fn non_utf8_in_single_object() {
    let body = b"{\n \"s\": \"\xc3\x28\"\n}";
    let results = split_records(body);
    assert_eq!(results.len(), 1);
    assert_eq!(only_error(&results[0]).offset, 9);
}

#[test]
fn empty_body_one_error() {
    for body in [b"".as_slice(), b"  \n\t ".as_slice()] {
        let results = split_records(body);
        assert_eq!(results.len(), 1);
        assert!(only_error(&results[0]).message.contains("empty"));
    }
}

#[test]
fn non_object_record_named() {
    let results = split_records(b"{\"n\":1}\n[1,2]\n");
    assert_eq!(results.len(), 2);
    let error = only_error(&results[1]);
    assert_eq!(
        error.message,
        "record 1 is a JSON array, expected an object"
    );
    assert_eq!(error.offset, 8);

    let scalar = split_records(b"true");
    assert_eq!(
        only_error(&scalar[0]).message,
        "record 0 is a JSON boolean, expected an object"
    );
}

#[test]
fn too_deep_nesting_rejected() {
    let deep = format!(
        "{{\"a\":{}1{}}}",
        "[".repeat(MAX_DEPTH),
        "]".repeat(MAX_DEPTH)
    );
    let body = format!("{{\"n\":1}}\n{deep}\n{{\"n\":3}}\n");
    let results = split_records(body.as_bytes());
    assert_eq!(results.len(), 3);
    let error = only_error(&results[1]);
    assert_eq!(
        error.message,
        format!("record 1 is nested deeper than {MAX_DEPTH} levels")
    );
    assert_eq!(error.offset, 8 + 5 + MAX_DEPTH - 1);
    assert!(results[2].is_ok());
}

#[test]
fn nesting_beyond_parser_limit_rejected() {
    let deep = format!("{{\"a\":{}1{}}}", "[".repeat(200), "]".repeat(200));
    let results = split_records(deep.as_bytes());
    assert_eq!(results.len(), 1);
    assert!(
        only_error(&results[0])
            .message
            .contains("nested deeper than")
    );
}

#[test]
fn depth_at_limit_accepted() {
    let deep = format!(
        "{{\"a\":{}1{}}}",
        "[".repeat(MAX_DEPTH - 1),
        "]".repeat(MAX_DEPTH - 1)
    );
    let results = split_records(deep.as_bytes());
    assert!(results[0].is_ok());
}

#[test]
fn byte_order_mark_skipped() {
    let results = split_records(b"\xef\xbb\xbf{\"n\":1}");
    assert_eq!(results[0].as_ref().expect("valid").offset, 3);
}

#[test]
fn garbage_reported_once() {
    let results = split_records(b"hello world");
    assert_eq!(results.len(), 1);
    assert_eq!(only_error(&results[0]).offset, 0);
}
