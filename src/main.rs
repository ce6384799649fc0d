//! The `minping` binary: parses the command line and runs it (`cli`).

use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    minping::server::files::private_by_default();
    minping::cli::init_logging();
    minping::cli::Cli::parse().run().await
}
