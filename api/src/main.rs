//! The `moat` command.

use clap::Parser;
use moat::cli::{Cli, Command, TokenCommand};
use moat::store::{Store, TokenRole};
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    init_tracing();
    match run(Cli::parse()).await {
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

/// Logs go to stderr; `RUST_LOG` sets the filter (default `info`).
fn init_tracing() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}
