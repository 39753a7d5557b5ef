//! `moat new`, `moat build` and `moat test` through the real `moat` binary.
//!
//! For each language and kind, a project is created from its template in a
//! temporary folder, built with the real toolchain (cargo,
//! componentize-py with wasm-tools, componentize-js) and run against its
//! own test cases in the real runtime. The twins check that a bad name, an
//! occupied folder, an unknown language, a folder without a manifest, a
//! wrong Moat source folder, a failing case and a manifest whose kind does
//! not match the component are each rejected with a message that says
//! what to fix.
//!
//! Rust projects share one cargo target folder under
//! `playbooks-src/target/project-tests`, kept between runs, so that their
//! dependencies are compiled once.

use moat_tests::components::{playbooks_target_dir, workspace_root};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use tempfile::TempDir;

/// Closing line of `moat test` for the generated playbooks' two cases.
const PLAYBOOK_TOTALS: &str = "2 passed, 0 failed";
/// Closing line of `moat test` for the generated connectors' four cases.
const CONNECTOR_TOTALS: &str = "4 passed, 0 failed";

/// Exit status of `moat` when clap rejects the command line.
const USAGE_EXIT_CODE: i32 = 2;

/// Returns the path of the `moat` binary, built with `cargo build -p moat`
/// the first time it is called in this process.
fn moat_binary() -> &'static Path {
    static BINARY: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match BINARY.get_or_init(build_moat) {
        Ok(path) => path,
        Err(message) => panic!("{message}"),
    }
}

fn build_moat() -> Result<PathBuf, String> {
    // `cargo test` runs this binary with `CARGO` set to the cargo that built
    // it; the same cargo builds the `moat` binary.
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(workspace_root())
        .args([
            "build",
            "-p",
            "moat",
            "--bin",
            "moat",
            "--message-format=json",
        ])
        .output()
        .map_err(|error| format!("failed to start cargo to build moat: {error}"))?;
    if !output.status.success() {
        return Err(format!(
            "`cargo build -p moat` failed with {}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|message| message["reason"] == "compiler-artifact")
        .filter(|message| message["target"]["name"] == "moat")
        .find_map(|message| message["executable"].as_str().map(PathBuf::from))
        .ok_or_else(|| "`cargo build -p moat` reported no moat executable".to_owned())
}

/// Output of one `moat` command, as text.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn lines(&self) -> Vec<&str> {
        self.stdout.lines().collect()
    }

    fn assert_success(&self, command: &str) {
        assert_eq!(
            self.code,
            Some(0),
            "{command} failed\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.stdout,
            self.stderr
        );
    }

    fn assert_failure(&self, command: &str) {
        assert_eq!(
            self.code,
            Some(1),
            "{command} should fail with status 1\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.stdout,
            self.stderr
        );
    }
}

/// Runs `moat` with `args` in `dir`. Rust builds use the shared cargo
/// target folder.
fn moat(dir: &Path, args: &[&str]) -> Run {
    let output: Output = Command::new(moat_binary())
        .current_dir(dir)
        .args(args)
        .env(
            "CARGO_TARGET_DIR",
            playbooks_target_dir().join("project-tests"),
        )
        .env_remove("RUST_LOG")
        .env_remove("MOAT_HOME")
        .output()
        .unwrap_or_else(|error| panic!("failed to start {}: {error}", moat_binary().display()));
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn temp_root() -> TempDir {
    tempfile::tempdir().expect("failed to create a temporary folder")
}

/// Creates project `name` with `moat new --lang LANG NAME [--connector]`
/// in `root` and checks the files every project has.
fn create(root: &Path, lang: &str, name: &str, connector: bool) -> PathBuf {
    let mut args = vec!["new", "--lang", lang, name];
    if connector {
        args.push("--connector");
    }
    moat(root, &args).assert_success(&format!("moat new --lang {lang} {name}"));

    let dir = root.join(name);
    for file in ["moat.toml", "README.md", ".gitignore"] {
        assert!(dir.join(file).is_file(), "{name}/{file} was not created");
    }
    let cases = std::fs::read_dir(dir.join("tests"))
        .expect("tests/ was created")
        .count();
    assert!(cases >= 1, "{name}/tests has no case");
    dir
}

/// Runs `moat test` on the new project `name` and checks its report.
fn assert_project_passes(lang: &str, name: &str, connector: bool) {
    let root = temp_root();
    let dir = create(root.path(), lang, name, connector);
    let run = moat(root.path(), &["test", name]);
    run.assert_success(&format!("moat test {name}"));

    let (kind, world, totals) = if connector {
        (
            "connector",
            "moat:platform/connector world",
            CONNECTOR_TOTALS,
        )
    } else {
        ("playbook", "moat:platform/playbook world", PLAYBOOK_TOTALS)
    };
    let lines = run.lines();
    let built = lines.first().copied().unwrap_or_default();
    assert!(
        built.starts_with(&format!("built {kind} {name} ({lang})")),
        "first line: {built}"
    );
    assert!(built.contains(world), "first line: {built}");
    assert!(dir.join("target").join(format!("{name}.wasm")).is_file());

    let cases = &lines[1..lines.len() - 1];
    assert!(!cases.is_empty(), "no case lines in\n{}", run.stdout);
    for line in cases {
        assert!(line.starts_with("passed tests/"), "case line: {line}");
    }
    assert_eq!(
        lines.last().copied(),
        Some(totals),
        "stdout:\n{}",
        run.stdout
    );
}

#[test]
fn rust_playbook_project_passes() {
    assert_project_passes("rust", "rust-playbook", false);
}

#[test]
fn rust_connector_project_passes() {
    assert_project_passes("rust", "rust-connector", true);
}

#[test]
fn python_playbook_project_passes() {
    assert_project_passes("python", "python-playbook", false);
}

#[test]
fn python_connector_project_passes() {
    assert_project_passes("python", "python-connector", true);
}

#[test]
fn js_playbook_project_passes() {
    assert_project_passes("js", "js-playbook", false);
}

#[test]
fn js_connector_project_passes() {
    assert_project_passes("js", "js-connector", true);
}

#[test]
fn failing_cases_are_reported() {
    let root = temp_root();
    let dir = create(root.path(), "rust", "failing-cases", false);
    std::fs::write(
        dir.join("tests/wrong-summary.json"),
        r#"{"alert": {"title": "Disk wiper seen", "severity": "high"},
            "expect": {"summary": "something else"}}"#,
    )
    .expect("write case");
    std::fs::write(
        dir.join("tests/wrong-error.json"),
        r#"{"input": {}, "expect_error": "denied"}"#,
    )
    .expect("write case");

    let run = moat(root.path(), &["test", "failing-cases"]);
    run.assert_failure("moat test with two wrong cases");
    let lines = run.lines();
    let summary_line = lines
        .iter()
        .find(|line| line.starts_with("failed tests/wrong-summary.json"))
        .expect("a line for wrong-summary.json");
    assert!(
        summary_line.contains(
            r#"summary: expected "something else", got "Opened a case for \"Disk wiper seen\""#
        ),
        "{summary_line}"
    );
    let error_line = lines
        .iter()
        .find(|line| line.starts_with("failed tests/wrong-error.json"))
        .expect("a line for wrong-error.json");
    assert!(
        error_line.contains("expected error `denied`, got `invalid`"),
        "{error_line}"
    );
    assert_eq!(lines.last().copied(), Some("2 passed, 2 failed"));
    assert!(
        run.stderr.contains("run_started"),
        "a failed case's execution log goes to stderr:\n{}",
        run.stderr
    );
}

#[test]
fn failing_connector_case_is_reported() {
    let root = temp_root();
    let dir = create(root.path(), "rust", "failing-connector", true);
    std::fs::write(
        dir.join("tests/wrong-output.json"),
        r#"{"action": "refang", "input": {"value": "a[.]example"}, "expect": {"value": "b.example"}}"#,
    )
    .expect("write case");
    std::fs::write(
        dir.join("tests/unknown-action.json"),
        r#"{"action": "explode", "expect": {}}"#,
    )
    .expect("write case");

    let run = moat(root.path(), &["test", "failing-connector"]);
    run.assert_failure("moat test with two wrong connector cases");
    let lines = run.lines();
    let output_line = lines
        .iter()
        .find(|line| line.starts_with("failed tests/wrong-output.json"))
        .expect("a line for wrong-output.json");
    assert!(
        output_line.contains(r#"output.value: expected "b.example", got "a.example""#),
        "{output_line}"
    );
    let action_line = lines
        .iter()
        .find(|line| line.starts_with("failed tests/unknown-action.json"))
        .expect("a line for unknown-action.json");
    assert!(
        action_line.contains("unknown action `explode`"),
        "{action_line}"
    );
    assert_eq!(lines.last().copied(), Some("4 passed, 2 failed"));
}

#[test]
fn new_rejects_invalid_names() {
    let root = temp_root();
    let long = format!("a{}", "b".repeat(64));
    for name in [
        "Triage",
        "9lives",
        "has space",
        "a/b",
        "dot.name",
        long.as_str(),
    ] {
        let run = moat(root.path(), &["new", "--lang", "python", name]);
        run.assert_failure(&format!("moat new {name:?}"));
        assert!(
            run.stderr
                .contains(&format!("project name `{name}` is invalid")),
            "{name:?}: {}",
            run.stderr
        );
        assert!(
            run.stderr.contains("starting with a letter"),
            "the message states the rule: {}",
            run.stderr
        );
    }
    let left = std::fs::read_dir(root.path()).expect("read root").count();
    assert_eq!(left, 0, "a rejected name must create nothing");
}

#[test]
fn new_rejects_non_empty_folder() {
    let root = temp_root();
    let dir = root.path().join("taken");
    std::fs::create_dir(&dir).expect("create folder");
    std::fs::write(dir.join("notes.txt"), "keep me").expect("write file");

    let run = moat(root.path(), &["new", "--lang", "js", "taken"]);
    run.assert_failure("moat new into a non-empty folder");
    assert!(
        run.stderr
            .contains("folder taken already exists and is not empty"),
        "{}",
        run.stderr
    );
    let notes = std::fs::read_to_string(dir.join("notes.txt")).expect("file kept");
    assert_eq!(notes, "keep me");
    assert!(
        !dir.join("moat.toml").exists(),
        "nothing is written into it"
    );
}

#[test]
fn new_accepts_empty_folder() {
    let root = temp_root();
    std::fs::create_dir(root.path().join("fresh")).expect("create folder");
    create(root.path(), "python", "fresh", false);
}

#[test]
fn new_rejects_unknown_language() {
    let root = temp_root();
    let run = moat(root.path(), &["new", "--lang", "go", "gopher"]);
    assert_eq!(run.code, Some(USAGE_EXIT_CODE), "stderr: {}", run.stderr);
    assert!(run.stderr.contains("invalid value 'go'"), "{}", run.stderr);
    assert!(
        run.stderr.contains("possible values: rust, python, js"),
        "{}",
        run.stderr
    );
    assert!(!root.path().join("gopher").exists());
}

#[test]
fn build_rejects_folder_without_manifest() {
    let root = temp_root();
    let dir = root.path().join("no-manifest");
    std::fs::create_dir(&dir).expect("create folder");
    std::fs::write(dir.join("app.py"), "WitWorld = None\n").expect("write app.py");

    let run = moat(root.path(), &["build", "no-manifest"]);
    run.assert_failure("moat build without moat.toml");
    assert!(
        run.stderr.contains("no-manifest has no moat.toml"),
        "{}",
        run.stderr
    );
}

#[test]
fn build_rejects_wrong_moat_home() {
    let root = temp_root();
    create(root.path(), "python", "homeless", false);
    let elsewhere = root.path().join("not-moat");
    std::fs::create_dir(&elsewhere).expect("create folder");

    let home = elsewhere.to_str().expect("UTF-8 temp path");
    let run = moat(root.path(), &["build", "homeless", "--moat-home", home]);
    run.assert_failure("moat build with a wrong --moat-home");
    assert!(
        run.stderr
            .contains("is not a Moat source folder: wit/worlds.wit is missing"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("MOAT_HOME"), "{}", run.stderr);
}

#[test]
fn build_rejects_kind_that_does_not_match() {
    let root = temp_root();
    let dir = create(root.path(), "rust", "kind-mismatch", true);
    let manifest_path = dir.join("moat.toml");
    let manifest = std::fs::read_to_string(&manifest_path).expect("read manifest");
    let playbook = manifest.replace("kind = \"connector\"", "kind = \"playbook\"");
    assert_ne!(manifest, playbook, "the template sets kind = \"connector\"");
    std::fs::write(&manifest_path, playbook).expect("write manifest");

    let run = moat(root.path(), &["build", "kind-mismatch"]);
    run.assert_failure("moat build of a connector under kind = \"playbook\"");
    assert!(
        run.stderr.contains(r#"says kind = "playbook", but"#),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("missing export(s) run"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("exports [describe, invoke]"),
        "{}",
        run.stderr
    );
}

/// A JavaScript playbook that reads secret `token` and reports its length.
const SECRET_APP_JS: &str = r#"import { playbook, secrets } from 'moat-sdk';

export const run = playbook(() => {
  const token = secrets.get('token');
  return { summary: `token has ${token.length} characters`, data: {} };
});
"#;

#[test]
fn test_secret_option_reaches_cases() {
    let root = temp_root();
    let dir = create(root.path(), "js", "secret-reader", false);
    std::fs::write(dir.join("app.js"), SECRET_APP_JS).expect("write app.js");
    let mut manifest = std::fs::read_to_string(dir.join("moat.toml")).expect("read moat.toml");
    manifest.push_str("\n[grants.secrets.token]\nread = true\n");
    std::fs::write(dir.join("moat.toml"), manifest).expect("write moat.toml");
    for entry in std::fs::read_dir(dir.join("tests")).expect("tests/ exists") {
        std::fs::remove_file(entry.expect("test file").path()).expect("remove a template case");
    }
    let case = r#"{"input": {}, "expect": {"summary": "token has 12 characters"}}"#;
    std::fs::write(dir.join("tests/token.json"), case).expect("write the case");

    let with_secret = moat(
        root.path(),
        &["test", "secret-reader", "--secret", "token=abcdefghijkl"],
    );
    let without = moat(root.path(), &["test", "secret-reader"]);

    with_secret.assert_success("moat test with --secret");
    assert_eq!(
        with_secret.lines().last().copied(),
        Some("1 passed, 0 failed")
    );
    assert!(
        !with_secret.stdout.contains("abcdefghijkl"),
        "{}",
        with_secret.stdout
    );
    assert_ne!(without.code, Some(0), "stdout:\n{}", without.stdout);
    assert!(
        without.stdout.contains("no stored value"),
        "stdout:\n{}",
        without.stdout
    );
}

#[test]
fn secret_without_name_is_not_echoed() {
    let root = temp_root();
    let run = moat(
        root.path(),
        &[
            "run",
            "missing/moat.toml",
            "--input",
            "x.json",
            "--secret",
            "plain-token-value",
        ],
    );
    assert_ne!(run.code, Some(0));
    assert!(
        run.stderr.contains("--secret number 1 has no `=`"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("plain-token-value"), "{}", run.stderr);
}

#[test]
fn run_accepts_bare_manifest_name() {
    let root = temp_root();
    let dir = create(root.path(), "rust", "bare-path", false);
    moat(root.path(), &["build", "bare-path"]).assert_success("moat build bare-path");
    let alert = workspace_root().join("tests/fixtures/alerts/suricata/alert-testmyids.eve.json");
    let alert = alert.to_str().expect("the fixture path is UTF-8");

    let run = moat(&dir, &["run", "moat.toml", "--input", alert]);

    run.assert_success("moat run moat.toml inside the project");
    assert!(
        run.stdout.contains("\"summary\""),
        "stdout:\n{}",
        run.stdout
    );
}
