//! `minping verify`: recomputes a published campaign from its anonymised ballot export alone.

use std::io::BufRead;

use super::ballots::{BallotLine, Fingerprinter, Header, Recount, FORMAT};
use crate::scoring;
use crate::scoring::formula::FormulaError;

/// Why an export could not be verified at all (a disagreement is not an error: it is listed
/// in [`Verification::problems`]).
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("the file is empty")]
    Empty,
    #[error("cannot read the header")]
    ReadHeader(#[source] std::io::Error),
    #[error("the first line is not a minping ballot export header")]
    NotAHeader(#[source] serde_json::Error),
    #[error("format `{0}` is not `{FORMAT}`")]
    Format(String),
    #[error("the header's formula is not valid: {0}")]
    Formula(FormulaError),
    #[error("cannot read line {0}")]
    ReadLine(usize, #[source] std::io::Error),
}

/// What a verification found. The export checks out when `problems` is empty.
#[derive(Debug)]
pub struct Verification {
    pub campaign: String,
    pub ballots: u64,
    pub fingerprint: String,
    pub problems: Vec<String>,
}

/// Reads an export line by line (constant memory), recounts every ballot, recomputes the
/// fingerprint and every figure, and lists each disagreement with what the header states
/// (and with `expected`, the fingerprint as published, when given).
pub fn verify(reader: impl BufRead, expected: Option<&str>) -> Result<Verification, VerifyError> {
    let mut lines = reader.lines();
    let first = lines.next().ok_or(VerifyError::Empty)?.map_err(VerifyError::ReadHeader)?;
    let header: Header = serde_json::from_str(&first).map_err(VerifyError::NotAHeader)?;
    if header.preamble.format != FORMAT {
        return Err(VerifyError::Format(header.preamble.format));
    }
    let campaign = &header.preamble.campaign;
    let layout = campaign.layout();
    let unit_codes: Vec<&str> = layout.units.iter().map(|u| u.code.as_str()).collect();
    let option_codes: Vec<&str> = layout.options.iter().map(String::as_str).collect();
    header.preamble.formula.validate(&option_codes, &unit_codes).map_err(VerifyError::Formula)?;

    let mut problems = Vec::new();
    let mut fingerprint = Fingerprinter::new(&header.preamble);
    let mut recount = Recount::new(campaign);
    for (n, line) in lines.enumerate() {
        let line = line.map_err(|e| VerifyError::ReadLine(n + 2, e))?;
        fingerprint.line(&line);
        let ballot: BallotLine = match serde_json::from_str(&line) {
            Ok(b) => b,
            Err(e) => {
                problems.push(format!("line {}: not a ballot: {e}", n + 2));
                continue;
            }
        };
        if let Err(e) = recount.add(&ballot) {
            problems.push(e.to_string());
        }
    }
    let fingerprint = fingerprint.finish();
    if recount.ballots != header.ballots {
        problems.push(format!(
            "the header counts {} ballots, the file holds {}",
            header.ballots, recount.ballots
        ));
    }
    if fingerprint != header.fingerprint {
        problems.push(format!("the fingerprint is {fingerprint}, the header states {}", header.fingerprint));
    }
    if let Some(expected) = expected {
        if fingerprint != expected.trim() {
            problems.push(format!("the fingerprint is {fingerprint}, the published one {}", expected.trim()));
        }
    }
    let mut recomputed = scoring::compute(&layout, &header.preamble.formula, &recount.tallies());
    scoring::disclose(&mut recomputed, &header.preamble.formula, header.preamble.anonymity_threshold);
    let recomputed = serde_json::to_value(&recomputed).expect("results serialise");
    if recomputed != header.results {
        problems.push(describe_difference(&header.results, &recomputed));
    }
    Ok(Verification { campaign: campaign.slug.clone(), ballots: recount.ballots, fingerprint, problems })
}

/// Names the first unit whose published figures differ from the recount.
fn describe_difference(stated: &serde_json::Value, recomputed: &serde_json::Value) -> String {
    let units = |v: &serde_json::Value| v["units"].as_array().cloned().unwrap_or_default();
    for (a, b) in units(stated).iter().zip(units(recomputed).iter()) {
        if a != b {
            return format!(
                "the results stated for unit {} differ from a recount: stated {a}, recounted {b}",
                b["code"]
            );
        }
    }
    "the results stated in the header differ from a recount of the ballots".into()
}
