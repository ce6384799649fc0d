//! The files staff download from the console, by the name the console asks for: the results
//! tables, the anonymised ballots (once the campaign is closed) and the receipt list.

use crate::campaign::results::{self, ResultsError};
use crate::campaign::tables::{self, TableError};
use crate::domain::Campaign;
use crate::export::ballots::{self, ExportError};
use crate::store::{Store, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Download {
    ResultsCsv,
    ResultsJson,
    ResultsXlsx,
    Ballots,
    Receipts,
}

#[derive(Debug, thiserror::Error)]
pub enum DownloadError {
    #[error("there is no download named `{0}`")]
    Unknown(String),
    #[error(transparent)]
    Results(#[from] ResultsError),
    #[error(transparent)]
    Table(#[from] TableError),
    #[error(transparent)]
    Ballots(#[from] ExportError),
    #[error(transparent)]
    Receipts(#[from] StoreError),
}

impl Download {
    /// The download a file name asks for: `results.csv`, `results.json`, `results.xlsx`,
    /// `ballots.jsonl` or `receipts.txt`.
    pub fn named(file: &str) -> Result<Self, DownloadError> {
        Ok(match file {
            "results.csv" => Self::ResultsCsv,
            "results.json" => Self::ResultsJson,
            "results.xlsx" => Self::ResultsXlsx,
            "ballots.jsonl" => Self::Ballots,
            "receipts.txt" => Self::Receipts,
            other => return Err(DownloadError::Unknown(other.to_owned())),
        })
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::ResultsCsv => "text/csv; charset=utf-8",
            Self::ResultsJson => "application/json",
            Self::ResultsXlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Ballots => "application/x-ndjson; charset=utf-8",
            Self::Receipts => "text/plain; charset=utf-8",
        }
    }
}

/// Writes the download of `campaign` into `out`, whole: a failure leaves nothing to serve.
pub async fn write(
    store: &dyn Store,
    campaign: &Campaign,
    file: Download,
    out: &mut Vec<u8>,
) -> Result<(), DownloadError> {
    match file {
        Download::ResultsCsv | Download::ResultsJson | Download::ResultsXlsx => {
            let report = results::report(store, campaign).await?;
            match file {
                Download::ResultsCsv => tables::write_csv(&report, out)?,
                Download::ResultsJson => tables::write_json(&report, out)?,
                _ => {
                    let feedback = tables::collect_feedback(store, campaign).await?;
                    tables::write_xlsx(&report, &feedback, out)?
                }
            }
        }
        Download::Ballots => {
            ballots::write(store, campaign, out).await?;
        }
        Download::Receipts => {
            ballots::write_receipts(store, campaign, out).await?;
        }
    }
    Ok(())
}
