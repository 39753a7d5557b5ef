//! Running the external build tools, with errors that name the tool and
//! how to install it.

use anyhow::{Context, bail};
use std::ffi::OsString;
use std::process::{Command, Output, Stdio};

/// Returns the cargo to run: `CARGO` when a cargo command started this
/// process, else `cargo` from `PATH`.
pub fn cargo() -> OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// Runs `command` to completion. Its stdout and stderr both go to this
/// process's stderr, so that stdout keeps only `moat`'s own report.
/// `install` is the install command shown when the program is missing.
pub fn run(command: &mut Command, install: &str) -> anyhow::Result<()> {
    command.stdout(Stdio::from(std::io::stderr()));
    command.stderr(Stdio::inherit());
    let output = start(command, install)?;
    check_status(command, &output)
}

/// Runs `command` and returns its stdout as text. Its stderr goes to this
/// process's stderr.
pub fn stdout_of(command: &mut Command, install: &str) -> anyhow::Result<String> {
    command.stdout(Stdio::piped());
    command.stderr(Stdio::inherit());
    let output = start(command, install)?;
    check_status(command, &output)?;
    String::from_utf8(output.stdout)
        .with_context(|| format!("`{}` wrote output that is not UTF-8", describe(command)))
}

/// Runs `program` with `args` quietly and returns its trimmed stdout, or
/// `None` when it is missing or fails. For version probes.
pub fn probe(program: &str, args: &[&str]) -> Option<String> {
    let output = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    Some(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

fn start(command: &mut Command, install: &str) -> anyhow::Result<Output> {
    command.stdin(Stdio::null());
    tracing::debug!(command = %describe(command), "running a build tool");
    match command.output() {
        Ok(output) => Ok(output),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => bail!(
            "`{}` is not installed or not on PATH; install it with: {install}",
            command.get_program().to_string_lossy()
        ),
        Err(error) => {
            Err(error).with_context(|| format!("failed to start `{}`", describe(command)))
        }
    }
}

fn check_status(command: &Command, output: &Output) -> anyhow::Result<()> {
    if output.status.success() {
        return Ok(());
    }
    bail!(
        "`{}` failed with {}; its messages are above",
        describe(command),
        output.status
    )
}

/// Returns the command line of `command`, for messages.
fn describe(command: &Command) -> String {
    let mut words = vec![command.get_program().to_string_lossy().into_owned()];
    words.extend(
        command
            .get_args()
            .map(|arg| arg.to_string_lossy().into_owned()),
    );
    words.join(" ")
}

/// Runs `command` with its output captured, and shows its stderr only in
/// the error when it fails. For tools that print warnings on success.
pub fn run_quiet(command: &mut Command, install: &str) -> anyhow::Result<()> {
    command.stdout(Stdio::piped());
    command.stderr(Stdio::piped());
    let output = start(command, install)?;
    if output.status.success() {
        return Ok(());
    }
    bail!(
        "`{}` failed with {}:\n{}",
        describe(command),
        output.status,
        String::from_utf8_lossy(&output.stderr).trim_end()
    )
}
