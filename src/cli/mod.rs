//! The command line: `minping demo | serve | migrate | campaign | export | verify | backup
//! | restore | roster | approvals | user | audit`. Every command honours `--data-dir`,
//! `DATABASE_URL` and the configuration file like `serve`, and works while servers are
//! running. `--as NAME` names the staff member who acts (`acting.rs`); the audit log names
//! the operating-system user and host otherwise.

mod acting;
mod approvals;
mod audit;
mod backup;
mod campaign;
pub mod demo;
mod export;
mod listing;
mod roster;
mod user;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::server::config::Settings;
use crate::server::{AppState, Application};

#[derive(Parser)]
#[command(
    name = "minping",
    version,
    about = "民评 — public review surveys for municipal performance evaluation"
)]
pub struct Cli {
    /// A TOML configuration file.
    #[arg(long, global = true, env = "MINPING_CONFIG")]
    config: Option<PathBuf>,
    /// Act as this staff member (the audit log names them): their password, and their second
    /// factor where they have or need one, are asked for.
    #[arg(long = "as", global = true, value_name = "NAME")]
    acting_as: Option<String>,
    /// Read passwords and codes from standard input, one a line, in the order they are asked:
    /// the `--as` member's password and code, then a new password (`user add`, `reset-password`).
    #[arg(long, global = true)]
    password_stdin: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve with a demo campaign (slug `demo`) and its panel, created on first start.
    Demo(DemoArgs),
    /// Serve in production: no demo data.
    Serve(ServeArgs),
    /// Run the database migrations and exit (they also run at start).
    Migrate(DataArgs),
    /// Create, open, close a campaign, or change its formula.
    #[command(subcommand)]
    Campaign(campaign::CampaignCommand),
    /// Export results (CSV, XLSX, JSON), the anonymised ballots, or the receipt list.
    Export(export::ExportArgs),
    /// Recompute a campaign's results and fingerprint from its anonymised ballot export.
    Verify(export::VerifyArgs),
    /// The panel roster and its invitations.
    #[command(subcommand)]
    Roster(roster::RosterCommand),
    /// Staff users of the console.
    #[command(subcommand)]
    User(user::UserCommand),
    /// Requests for a second person's approval (双人复核): list, approve, reject.
    #[command(subcommand)]
    Approvals(approvals::ApprovalsCommand),
    /// A consistent copy of the database while servers run (the server secret is not in it).
    Backup(backup::BackupArgs),
    /// Put a backup back: into an empty --data-dir, or the empty database DATABASE_URL names.
    Restore(backup::RestoreArgs),
    /// The audit log: check its hash chains.
    #[command(subcommand)]
    Audit(audit::AuditCommand),
}

impl Command {
    /// Whether the command changes something, so that `--as` must name an admin.
    fn changes(&self) -> bool {
        match self {
            Self::Export(_) | Self::Verify(_) | Self::Audit(_) | Self::Backup(_) => false,
            // Approvals are decided by admins and auditors: the command checks the role.
            Self::Approvals(_) => false,
            Self::User(user) => user.changes(),
            _ => true,
        }
    }
}

#[derive(Args)]
pub(crate) struct DataArgs {
    /// Where the embedded profile keeps its data [default: ./minping-data].
    #[arg(long)]
    data_dir: Option<PathBuf>,
}

#[derive(Args)]
struct ServeArgs {
    #[command(flatten)]
    data: DataArgs,
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long)]
    bind: Option<String>,
    /// Load-test server: hands captcha answers and SMS codes to clients (in headers) and
    /// sends no SMS. Refuses to start unless listening on loopback.
    #[arg(long)]
    load_test: bool,
}

#[derive(Args)]
struct DemoArgs {
    #[command(flatten)]
    serve: ServeArgs,
    /// Panel invitations to create on first start.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    panel_size: u64,
}

impl Cli {
    pub async fn run(self) -> anyhow::Result<()> {
        let mut settings = Settings::load(self.config.as_deref())?;
        acting::set(acting::Acting {
            needs_admin: self.command.changes(),
            name: self.acting_as,
            password_stdin: self.password_stdin,
        });
        match self.command {
            Command::Migrate(data) => {
                data.apply(&mut settings);
                let store = crate::store::open(settings.database_url.as_deref(), &settings.data_dir).await?;
                println!("migrations are up to date ({})", store.backend());
                store.close().await;
                Ok(())
            }
            Command::Campaign(command) => command.run(settings).await,
            Command::Export(args) => args.run(settings).await,
            Command::Verify(args) => args.run(),
            Command::User(command) => command.run(settings).await,
            Command::Audit(command) => command.run(settings).await,
            Command::Roster(command) => command.run(settings).await,
            Command::Approvals(command) => command.run(settings).await,
            Command::Backup(args) => args.run(settings).await,
            Command::Restore(args) => args.run(settings).await,
            Command::Serve(serve) => {
                serve.apply(&mut settings);
                settings.production = true;
                let store = open_store(&settings).await?;
                crate::server::production::check(&settings, store.as_ref()).await?;
                store.close().await;
                let state = AppState::open(&settings).await?;
                start(&settings, state).await
            }
            Command::Demo(demo) => {
                demo.serve.apply(&mut settings);
                // The demo shows its metrics on loopback unless told otherwise.
                let metrics = settings.metrics_bind.get_or_insert_with(|| "127.0.0.1:9464".into()).clone();
                let state = AppState::open(&settings).await?;
                let info = crate::cli::demo::ensure(
                    state.store.as_ref(),
                    &state.secret,
                    &settings.data_dir,
                    &settings.public_base(),
                    demo.panel_size as usize,
                )
                .await?;
                println!();
                println!("  民评 minping demo ({} profile)", settings.profile());
                println!("  survey page:        {}", info.survey_url);
                match &info.sample_invitation_url {
                    Some(url) => println!("  a panel invitation: {url}"),
                    None => println!("  (the invitation list {} is missing)", info.csv_path.display()),
                }
                println!("  all {} invitations: {}", info.invitations, info.csv_path.display());
                if settings.sms.kind() == crate::sms::GatewayKind::Outbox {
                    println!(
                        "  public (phone):     SMS codes go to {} (member P0001's number is 199 0000 0001)",
                        settings.data_dir.join(crate::sms::OUTBOX_NAME).display()
                    );
                }
                println!(
                    "  staff console:      {}/admin/  (first: minping user add NAME --role admin)",
                    settings.public_base()
                );
                println!("  metrics:            http://{metrics}/metrics  (its own listener; MINPING_METRICS_BIND)");
                println!();
                start(&settings, state).await
            }
        }
    }
}

async fn start(settings: &Settings, state: AppState) -> anyhow::Result<()> {
    let app = Application::build(settings, state)?;
    let metrics = app.metrics_address().map_or_else(|| "none".into(), |a| a.to_string());
    tracing::info!(bind = %settings.bind, port = app.port(), %metrics, profile = settings.profile(), "minping is serving");
    app.run_until_stopped().await
}

impl DataArgs {
    pub(crate) fn apply(&self, settings: &mut Settings) {
        if let Some(dir) = &self.data_dir {
            settings.data_dir = dir.clone();
        }
    }
}

impl ServeArgs {
    fn apply(self, settings: &mut Settings) {
        self.data.apply(settings);
        if let Some(bind) = self.bind {
            settings.bind = bind;
        }
        if self.load_test {
            settings.load_test = true;
            // Every simulated person comes from loopback and no SMS is sent: per-address
            // limits and SMS budgets would only measure themselves.
            settings.limits = settings.limits.clone().for_load_tests();
            if settings.sms.kind() == crate::sms::GatewayKind::Outbox {
                settings.sms.gateway = Some(crate::sms::GatewayKind::Loadtest);
            }
        }
    }
}

/// The store the settings name, for commands that need no server. The first time, the
/// staff member named by `--as` proves who they are against it.
pub(crate) async fn open_store(
    settings: &Settings,
) -> anyhow::Result<std::sync::Arc<dyn crate::store::Store>> {
    let store = crate::store::open(settings.database_url.as_deref(), &settings.data_dir).await?;
    acting::prove(settings, store.as_ref()).await?;
    Ok(store)
}

/// Who did it, for the audit log.
pub(crate) fn actor() -> String {
    acting::actor()
}

/// Logs to standard error; `RUST_LOG` chooses what.
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_target(false).try_init();
}
