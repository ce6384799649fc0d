//! Checking a receipt: whether a ballot with it is counted, and in which campaign — and
//! nothing about what the ballot says.

use crate::domain::Receipt;
use crate::store::{Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum ReceiptError {
    /// Not a receipt at all, or no counted ballot has it: the same answer, so a typo and a
    /// guess look alike.
    #[error("no counted ballot has this receipt")]
    NotCounted,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The receipt as written canonically, and the slug of the campaign whose ballot has it.
pub async fn counted(store: &dyn Store, raw: &str) -> Result<(Receipt, String), ReceiptError> {
    let receipt = Receipt::parse(raw).ok_or(ReceiptError::NotCounted)?;
    let campaign = store.receipt_campaign(&receipt).await?.ok_or(ReceiptError::NotCounted)?;
    Ok((receipt, campaign))
}
