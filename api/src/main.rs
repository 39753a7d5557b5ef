//! The `moat` command.

use clap::Parser;
use moat::cli::{Cli, Command, TokenCommand};
use moat::store::{Store, TokenRole};
use std::io::IsTerminal;
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(default_log_filter(&cli.command));
    match run(cli).await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            report(&error);
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<bool> {
    match cli.command {
        Command::Serve(args) => moat::serve::serve(args).await.map(|()| true),
        Command::Worker(args) => moat::serve::worker(args).await.map(|()| true),
        Command::Run(args) => moat::local_run::run(args).await,
        Command::New(args) => moat::project::new::run(args),
        Command::Build(args) => moat::project::build::run(args).await,
        Command::Test(args) => moat::project::test_run::run(args).await,
        Command::Upload(args) => moat::upload::run(args).await,
        Command::Token {
            command:
                TokenCommand::Create {
                    role,
                    name,
                    database,
                },
        } => {
            let role = role.parse::<TokenRole>().map_err(anyhow::Error::msg)?;
            let store = Store::connect(&database.database_url).await?;
            let (_, token) = store.create_token(&name, role).await?;
            print_token(&token);
            Ok(true)
        }
    }
}

#[expect(clippy::print_stdout, reason = "the token is the command's output")]
fn print_token(token: &str) {
    println!("{token}");
}

#[expect(
    clippy::print_stderr,
    reason = "the final error goes to the person at the terminal"
)]
fn report(error: &anyhow::Error) {
    eprintln!("error: {error:#}");
}

/// Returns the log filter used when `RUST_LOG` is unset: `warn` for the
/// project and upload commands, whose report is their stdout, else `info`.
fn default_log_filter(command: &Command) -> &'static str {
    match command {
        Command::New(_) | Command::Build(_) | Command::Test(_) | Command::Upload(_) => "warn",
        _ => "info",
    }
}

/// Sends logs to stderr, with colours only when stderr is a terminal and
/// `NO_COLOR` is unset. `RUST_LOG` sets the filter, and `default_filter`
/// applies when it is unset.
fn init_tracing(default_filter: &str) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter));
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(colour)
        .init();
}
