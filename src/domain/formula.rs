//! The conversion formula of a campaign.
