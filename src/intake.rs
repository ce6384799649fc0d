//! Ballot intake: from a parsed ballot and a checked respondent to a committed, counted
//! ballot — or a clear refusal. Hot state turns most duplicates away before they reach
//! the database; the database's constraint decides the rest.

use std::sync::Arc;

use crate::domain::{Ballot, Campaign, Receipt};
use crate::hot::{ClaimAttempt, HotState};
use crate::identity::Respondent;
use crate::store::{BallotWriter, Commit, PendingBallot, WriteError};

#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    #[error("the respondent has already taken part")]
    AlreadyTaken,
    #[error("another ballot of the respondent is being committed")]
    InFlight,
    #[error(transparent)]
    Write(#[from] WriteError),
}

pub async fn submit(
    hot: &dyn HotState,
    writer: &BallotWriter,
    campaign: Arc<Campaign>,
    respondent: Respondent,
    ballot: Ballot,
) -> Result<Receipt, IntakeError> {
    let campaign_id = campaign.id;
    match hot.try_claim(campaign_id, &respondent.key).await {
        Ok(ClaimAttempt::Acquired) => {}
        Ok(ClaimAttempt::InFlight) => return Err(IntakeError::InFlight),
        Ok(ClaimAttempt::Taken) => {
            metrics::counter!("minping_ballots_refused_total", "reason" => "duplicate_hot").increment(1);
            return Err(IntakeError::AlreadyTaken);
        }
        // Without hot state the database still refuses duplicates; carry on.
        Err(e) => {
            metrics::counter!("minping_hot_state_errors_total").increment(1);
            tracing::warn!(error = %e, "hot state unavailable; relying on the database");
        }
    }
    let receipt = Receipt::generate();
    let pending = PendingBallot {
        campaign,
        respondent_key: respondent.key.clone(),
        class: respondent.class,
        segment: respondent.segment,
        district: respondent.district,
        receipt: receipt.clone(),
        ballot,
        hour: crate::store::now_unix() / 3600,
    };
    let outcome = writer.submit(pending).await;
    let hot_result = match &outcome {
        Ok(_) => hot.mark_taken(campaign_id, &respondent.key).await,
        Err(_) => hot.release(campaign_id, &respondent.key).await,
    };
    if let Err(e) = hot_result {
        tracing::warn!(error = %e, "hot state not updated after a commit");
    }
    match outcome? {
        Commit::Counted => {
            metrics::counter!("minping_ballots_accepted_total").increment(1);
            Ok(receipt)
        }
        Commit::Duplicate => {
            metrics::counter!("minping_ballots_refused_total", "reason" => "duplicate_db").increment(1);
            Err(IntakeError::AlreadyTaken)
        }
    }
}
