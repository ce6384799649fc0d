//! Ballot intake, the ballot's way in: [`admit`] turns its credential into a respondent
//! (the public channel's checks in [`gate`]); [`Intake::submit`] claims the respondent and
//! hands the ballot to the writer, answering once it is committed — or refusing clearly.
//! Hot state turns most duplicates away before they reach the database; the database's
//! constraint decides the rest.

pub mod admit;
pub mod gate;
pub mod mixer;
pub mod receipts;
pub mod seal;
pub mod writer;

use std::sync::Arc;

use self::admit::{Admitted, Credential};

use self::seal::Sealer;
use self::writer::{BallotWriter, WriteError};
use crate::domain::RespondentClass;
use crate::domain::{Ballot, Campaign, Receipt};
use crate::guard::signals::{self, Signals};
use crate::hot::{ClaimAttempt, HotState};
use crate::store::{BallotContent, Commit, PendingBallot, Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    #[error("the respondent has already taken part")]
    AlreadyTaken(Credential),
    #[error("another ballot of the respondent is being committed")]
    InFlight,
    #[error("the proposed receipt belongs to another ballot")]
    ReceiptTaken,
    #[error("the campaign closed before the ballot was committed")]
    Closed,
    #[error(transparent)]
    Write(#[from] WriteError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What intake needs from the running service.
pub struct Intake<'a> {
    pub store: &'a dyn Store,
    pub hot: &'a dyn HotState,
    pub writer: &'a BallotWriter,
    /// Refused duplicates are counted as an abuse signal.
    pub signals: &'a Signals,
    /// Seals each ballot's content before it is stored.
    pub sealer: &'a Sealer,
}

impl Intake<'_> {
    /// Commits the ballot and returns its receipt: `proposed` when the client drew one.
    /// A `flagged` ballot (suspicious by how it arrived) is stored and counted apart.
    ///
    /// A respondent who already took part is refused — unless they propose the receipt of
    /// a ballot that is already counted: that is the same ballot sent again after its
    /// answer was lost, and it gets the same answer (nothing is counted twice).
    pub async fn submit(
        &self,
        campaign: Arc<Campaign>,
        admitted: Admitted,
        ballot: Ballot,
        proposed: Option<Receipt>,
    ) -> Result<Receipt, IntakeError> {
        let Admitted { respondent, flagged, credential, .. } = admitted;
        let campaign_id = campaign.id;
        let key = respondent.key.clone();
        match self.hot.try_claim(campaign_id, key.as_str()).await {
            Ok(ClaimAttempt::Acquired) => {}
            Ok(ClaimAttempt::InFlight) => return Err(IntakeError::InFlight),
            Ok(ClaimAttempt::Taken) => {
                return self.replay(&campaign, proposed, credential, "duplicate_hot").await
            }
            // Without hot state the database still refuses duplicates; carry on.
            Err(e) => {
                metrics::counter!("minping_hot_state_errors_total").increment(1);
                tracing::warn!(error = %e, "hot state unavailable; relying on the database");
            }
        }
        let receipt = proposed.clone().unwrap_or_else(Receipt::generate);
        let hour = crate::clock::now_unix() / 3600;
        let content = BallotContent {
            class: respondent.class.as_str().to_owned(),
            segment: respondent.segment.clone(),
            district: respondent.district.clone(),
            ratings: ballot.encode_ratings(),
            reasons: ballot.reasons_json(&campaign),
            suggestion: ballot.suggestion.clone(),
            flagged,
        };
        // The response counters take a panel member's roster groups; a public district is
        // what the person chose, content like the rest, and travels sealed only.
        let panel = respondent.class == RespondentClass::Panel;
        let pending = PendingBallot {
            campaign: campaign.clone(),
            respondent_key: key.clone(),
            class: respondent.class,
            segment: respondent.segment.filter(|_| panel),
            district: respondent.district.filter(|_| panel),
            receipt: receipt.clone(),
            sealed: self.sealer.seal(campaign_id, &content),
            hour,
        };
        let outcome = self.writer.submit(pending).await;
        let hot_result = match &outcome {
            Ok(Commit::Counted | Commit::Duplicate) => self.hot.mark_taken(campaign_id, key.as_str()).await,
            Ok(Commit::ReceiptTaken | Commit::Closed) | Err(_) => {
                self.hot.release(campaign_id, key.as_str()).await
            }
        };
        if let Err(e) = hot_result {
            tracing::warn!(error = %e, "hot state not updated after a commit");
        }
        match outcome? {
            Commit::Counted => {
                metrics::counter!("minping_ballots_accepted_total").increment(1);
                Ok(receipt)
            }
            Commit::Duplicate => self.replay(&campaign, proposed, credential, "duplicate_db").await,
            Commit::ReceiptTaken => Err(IntakeError::ReceiptTaken),
            Commit::Closed => Err(IntakeError::Closed),
        }
    }

    /// A duplicate: the same answer as the first time if it proposes a counted receipt of
    /// this campaign, otherwise a refusal.
    async fn replay(
        &self,
        campaign: &Campaign,
        proposed: Option<Receipt>,
        credential: Credential,
        reason: &'static str,
    ) -> Result<Receipt, IntakeError> {
        if let Some(receipt) = proposed {
            if self.store.receipt_campaign(&receipt).await?.as_deref() == Some(campaign.slug()) {
                metrics::counter!("minping_ballots_replayed_total").increment(1);
                return Ok(receipt);
            }
        }
        metrics::counter!("minping_ballots_refused_total", "reason" => reason).increment(1);
        self.signals.record(campaign.id, signals::DUPLICATE_REFUSED);
        Err(IntakeError::AlreadyTaken(credential))
    }
}
