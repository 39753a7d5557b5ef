//! Command-line interface of the `moat` binary.

use crate::project::Language;
use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

/// Moat: security automation whose playbooks run as sandboxed WebAssembly
/// components.
#[derive(Debug, Parser)]
#[command(name = "moat", version)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP API and run workers in one process.
    Serve(ServeArgs),
    /// Run workers only; with PostgreSQL, on other machines than `serve`.
    Worker(WorkerArgs),
    /// Run one playbook locally: execution log on stderr, result on stdout.
    Run(RunArgs),
    /// Create a playbook or connector project in a new folder.
    New(NewArgs),
    /// Build a project into a component and check it against the world of
    /// its manifest's kind.
    Build(BuildArgs),
    /// Build a project and run each test case in its `tests/` folder.
    Test(TestArgs),
    /// Upload a built playbook or connector to a running server.
    Upload(UploadArgs),
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
}

/// Options shared by every command that opens the database.
#[derive(Debug, Args)]
pub struct DatabaseArgs {
    /// Database URL: `sqlite://FILE` (created if missing) or `postgres://…`.
    #[arg(long, env = "MOAT_DATABASE_URL", default_value = "sqlite://moat.db")]
    pub database_url: String,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port the API listens on.
    #[arg(long, env = "MOAT_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Folder whose `moat.toml` manifests (in the folder and its direct
    /// subfolders) are loaded at start.
    #[arg(long, env = "MOAT_PLAYBOOKS")]
    pub playbooks: Option<PathBuf>,
    /// Number of run workers in this process.
    #[arg(long, env = "MOAT_WORKERS", default_value_t = 4)]
    pub workers: usize,
    /// Folder for compiled components; defaults to `moat-cache` beside a
    /// SQLite database, or `./moat-cache`.
    #[arg(long, env = "MOAT_CACHE_DIR")]
    pub cache_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct WorkerArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Folder of manifests to load, as for `serve`.
    #[arg(long, env = "MOAT_PLAYBOOKS")]
    pub playbooks: Option<PathBuf>,
    /// Number of run workers in this process.
    #[arg(long, env = "MOAT_WORKERS", default_value_t = 4)]
    pub workers: usize,
    /// Folder for compiled components, as for `serve`.
    #[arg(long, env = "MOAT_CACHE_DIR")]
    pub cache_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The playbook's `moat.toml`.
    pub manifest: PathBuf,
    /// Alert file (any supported format; the first record is used), or
    /// with `--manual` the JSON input of a manual run.
    #[arg(long)]
    pub input: PathBuf,
    /// Pass the input as a manual trigger instead of an alert.
    #[arg(long)]
    pub manual: bool,
    /// A secret for this run, as `NAME=VALUE`; repeat for several.
    #[arg(long = "secret", value_name = "NAME=VALUE")]
    pub secrets: Vec<String>,
    /// Manifest of a connector the playbook calls; repeat for several.
    /// Connectors in sibling folders named like the granted connector are
    /// found without this.
    #[arg(long = "connector", value_name = "MANIFEST")]
    pub connectors: Vec<PathBuf>,
}

/// Location of the Moat source folder, shared by the project commands.
#[derive(Debug, Args)]
pub struct MoatHomeArgs {
    /// Moat source folder that provides `wit/`, the SDKs and the build
    /// helpers; defaults to the checkout this binary was built from.
    #[arg(long, env = "MOAT_HOME", value_name = "DIR")]
    pub moat_home: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// Name of the component and of the folder created for it: 1 to 64
    /// lower-case letters, digits, `-` or `_`, starting with a letter.
    pub name: String,
    /// Language of the project.
    #[arg(long, value_enum)]
    pub lang: Language,
    /// Create a connector instead of a playbook.
    #[arg(long)]
    pub connector: bool,
    #[command(flatten)]
    pub home: MoatHomeArgs,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Project folder, with a `moat.toml` and a `Cargo.toml`, `app.py` or
    /// `app.js`.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    #[command(flatten)]
    pub home: MoatHomeArgs,
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// Project folder; its `tests/*.json` files are the test cases.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// A secret stored for every case, as `NAME=VALUE`; repeat for several.
    #[arg(long = "secret", value_name = "NAME=VALUE")]
    pub secrets: Vec<String>,
    #[command(flatten)]
    pub home: MoatHomeArgs,
}

#[derive(Debug, Args)]
pub struct UploadArgs {
    /// The component's `moat.toml`; its `component` path names the built
    /// `.wasm` file.
    pub manifest: PathBuf,
    /// Base URL of the server, such as `http://127.0.0.1:8080`.
    #[arg(long, env = "MOAT_SERVER", default_value = "http://127.0.0.1:8080")]
    pub server: String,
    /// An admin token; read from `MOAT_TOKEN` when not given.
    #[arg(long, env = "MOAT_TOKEN", hide_env_values = true)]
    pub token: String,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token and print it, alone, on stdout. It is shown only once.
    Create {
        /// `ingest` (post alerts), `analyst` (cases and runs) or `admin`.
        #[arg(long)]
        role: String,
        /// Name recorded as the actor of changes made with the token.
        #[arg(long, default_value = "cli")]
        name: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}
