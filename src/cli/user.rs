//! `minping user add`.

use std::io::BufRead;

use anyhow::Context;
use clap::Subcommand;

use super::{actor, open_store, DataArgs};
use crate::server::config::Settings;
use crate::staff::{password, valid_name, Role};
use crate::store::AuditEntry;

#[derive(Subcommand)]
pub enum UserCommand {
    /// Add a staff user. The password is asked for, read from standard input
    /// (`--password-stdin`), or generated and printed once (`--generate-password`).
    Add {
        name: String,
        #[arg(long, value_enum)]
        role: Role,
        #[arg(long, conflicts_with = "generate_password")]
        password_stdin: bool,
        #[arg(long)]
        generate_password: bool,
        #[command(flatten)]
        data: DataArgs,
    },
}

impl UserCommand {
    pub async fn run(self, mut settings: Settings) -> anyhow::Result<()> {
        let Self::Add { name, role, password_stdin, generate_password, data } = self;
        data.apply(&mut settings);
        anyhow::ensure!(valid_name(&name), "a user name has 1–40 characters and no spaces");
        let (secret, show) = if password_stdin {
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line).context("cannot read the password")?;
            (line.trim_end_matches(['\r', '\n']).to_owned(), false)
        } else if generate_password {
            (password::generate(), true)
        } else {
            let first = rpassword::prompt_password(format!("password for {name}: "))
                .context("cannot ask for a password here; use --password-stdin or --generate-password")?;
            let second = rpassword::prompt_password("again: ")?;
            anyhow::ensure!(first == second, "the two passwords differ");
            (first, false)
        };
        let hash = password::hash(&secret)?;
        let store = open_store(&settings).await?;
        let id = store.add_staff_user(&name, role.as_str(), &hash).await?;
        let entry = AuditEntry {
            actor: actor(),
            action: "user.add".into(),
            campaign_id: None,
            detail: format!("added user `{name}` (#{id}) as {}", role.as_str()),
        };
        store.append_audit(&entry).await?;
        println!("added {} `{name}`", role.as_str());
        if show {
            println!("password (shown once): {secret}");
        }
        Ok(())
    }
}
