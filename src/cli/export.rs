//! `minping export` and `minping verify`.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{ArgGroup, Args, ValueEnum};

use super::{actor, open_store, DataArgs};
use crate::campaign::tables;
use crate::export::{ballots, verify};
use crate::server::config::Settings;
use crate::store::AuditEntry;

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Csv,
    Xlsx,
    Json,
}

#[derive(Args)]
#[command(group(ArgGroup::new("what").required(true).args(["format", "ballots", "receipts"])))]
pub struct ExportArgs {
    slug: String,
    /// Results: provisional while the campaign is open, final once it is closed.
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// The anonymised ballots of a closed campaign (`minping-ballots/1`, JSON Lines).
    #[arg(long)]
    ballots: bool,
    /// The sorted list of receipts.
    #[arg(long)]
    receipts: bool,
    /// Where to write [default: standard output; for XLSX, SLUG-results.xlsx].
    #[arg(long)]
    out: Option<PathBuf>,
    #[command(flatten)]
    data: DataArgs,
}

impl ExportArgs {
    pub async fn run(self, mut settings: Settings) -> anyhow::Result<()> {
        self.data.apply(&mut settings);
        let store = open_store(&settings).await?;
        let slug = &self.slug;
        let campaign =
            (store.campaign(slug).await?).with_context(|| format!("there is no campaign `{slug}`"))?;
        let out = match (&self.out, self.format) {
            (Some(path), _) => Some(path.clone()),
            (None, Some(Format::Xlsx)) => Some(PathBuf::from(format!("{slug}-results.xlsx"))),
            (None, _) => None,
        };
        let what = match (self.format, self.ballots) {
            (Some(Format::Csv), _) => "results.csv",
            (Some(Format::Xlsx), _) => "results.xlsx",
            (Some(Format::Json), _) => "results.json",
            (None, true) => "ballots",
            (None, false) => "receipts",
        };
        let progress =
            indicatif::ProgressBar::new_spinner().with_message(format!("exporting {what} of `{slug}`"));
        progress.enable_steady_tick(std::time::Duration::from_millis(120));
        let mut target = Target::create(out.as_deref())?;
        let summary = self.write(store.as_ref(), &campaign, target.writer()).await?;
        target.finish()?;
        progress.finish_and_clear();
        let entry = AuditEntry {
            actor: actor(),
            action: format!("export.{what}"),
            campaign_id: Some(campaign.id),
            detail: summary.clone(),
        };
        store.append_audit(&entry).await?;
        if let Some(path) = &out {
            eprintln!("wrote {} ({summary})", path.display());
        }
        Ok(())
    }
}

impl ExportArgs {
    async fn write(
        &self,
        store: &dyn crate::store::Store,
        campaign: &crate::domain::Campaign,
        w: &mut (dyn Write + Send),
    ) -> anyhow::Result<String> {
        Ok(match (self.format, self.ballots) {
            (Some(format), _) => {
                let report = crate::campaign::results::report(store, campaign).await?;
                match format {
                    Format::Csv => tables::write_csv(&report, w)?,
                    Format::Json => tables::write_json(&report, w)?,
                    Format::Xlsx => {
                        let feedback = tables::collect_feedback(store, campaign).await?;
                        tables::write_xlsx(&report, &feedback, w)?
                    }
                }
                format!("{} results of {} units", report.status, report.results.units.len())
            }
            (None, true) => {
                let header = ballots::write(store, campaign, w).await?;
                format!("{} ballots, {}", header.ballots, header.fingerprint)
            }
            (None, false) => format!("{} receipts", ballots::write_receipts(store, campaign, w).await?),
        })
    }
}

/// Where an export goes: standard output, or a file written aside and moved into place once
/// complete, so that a failed export never leaves a partial file behind.
enum Target {
    Stdout(std::io::Stdout),
    File { path: PathBuf, partial: PathBuf, writer: Option<std::io::BufWriter<std::fs::File>> },
}

impl Target {
    fn create(path: Option<&Path>) -> anyhow::Result<Self> {
        let Some(path) = path else { return Ok(Self::Stdout(std::io::stdout())) };
        let partial = path.with_extension("partial");
        let file =
            std::fs::File::create(&partial).with_context(|| format!("cannot write {}", partial.display()))?;
        Ok(Self::File { path: path.to_owned(), partial, writer: Some(std::io::BufWriter::new(file)) })
    }

    fn writer(&mut self) -> &mut (dyn Write + Send) {
        match self {
            Self::Stdout(out) => out,
            Self::File { writer, .. } => writer.as_mut().expect("the file is open until finished"),
        }
    }

    fn finish(mut self) -> anyhow::Result<()> {
        match &mut self {
            Self::Stdout(out) => out.flush()?,
            Self::File { path, partial, writer } => {
                let file = writer.take().expect("finished once").into_inner().map_err(|e| e.into_error())?;
                file.sync_all()?;
                std::fs::rename(partial, &path)
                    .with_context(|| format!("cannot write {}", path.display()))?;
            }
        }
        Ok(())
    }
}

impl Drop for Target {
    fn drop(&mut self) {
        if let Self::File { partial, writer: Some(_), .. } = self {
            let _ = std::fs::remove_file(partial);
        }
    }
}

#[derive(Args)]
pub struct VerifyArgs {
    /// An export written by `minping export SLUG --ballots`.
    file: PathBuf,
    /// The fingerprint as published, to check the file against.
    #[arg(long)]
    fingerprint: Option<String>,
}

impl VerifyArgs {
    pub fn run(self) -> anyhow::Result<()> {
        let file = std::fs::File::open(&self.file)
            .with_context(|| format!("cannot open {}", self.file.display()))?;
        let started = std::time::Instant::now();
        let found = verify::verify(std::io::BufReader::new(file), self.fingerprint.as_deref())?;
        println!(
            "campaign `{}`: {} ballots, fingerprint {}",
            found.campaign, found.ballots, found.fingerprint
        );
        if found.problems.is_empty() {
            println!(
                "verified in {:.2} s: every figure and the fingerprint match",
                started.elapsed().as_secs_f64()
            );
            // A file checks out against its own header: only the fingerprint the office
            // published says it is *the* file.
            if self.fingerprint.is_none() {
                eprintln!(
                    "注意：未给出公布的指纹（--fingerprint），只核对了文件与其自身的表头；请与评议办公室公布的指纹比对"
                );
            }
            return Ok(());
        }
        for problem in &found.problems {
            println!("MISMATCH {problem}");
        }
        anyhow::bail!("{} mismatch(es): the export does not match its stated results", found.problems.len())
    }
}
