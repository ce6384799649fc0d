//! The panel's SQL: invitations are found by hashes only, and the invited/responded
//! counters are kept per segment and district as invitations are added and ballots counted.

use async_trait::async_trait;
use sqlx::{ColumnIndex, Executor, IntoArguments, QueryBuilder};

use super::{Args, Conn, Param, Row, RowsAffected as _, SqlStore, Value, CHUNK_ROWS};
use crate::domain::RespondentKey;
use crate::store::batch::invited_deltas;
use crate::store::{
    Invitation, InvitationLookup, IssuedRecord, NewInvitation, PanelResponse, PanelStore, Removal, Result,
};

#[async_trait]
impl<S: SqlStore> PanelStore for S
where
    for<'c> &'c mut Conn<S>: Executor<'c, Database = S::Db>,
    for<'q> Args<'q, S>: IntoArguments<'q, S::Db>,
    usize: ColumnIndex<Row<S>>,
    for<'a> &'a str: ColumnIndex<Row<S>> + Param<'a, S::Db>,
    for<'a> &'a [u8]: Param<'a, S::Db>,
    i64: Value<S::Db>,
    String: Value<S::Db>,
    Vec<u8>: Value<S::Db>,
    Option<Vec<u8>>: Value<S::Db>,
{
    async fn add_invitations(&self, campaign_id: i64, invitations: &[NewInvitation]) -> Result<()> {
        let mut tx = self.pool().begin().await?;
        for chunk in invitations.chunks(CHUNK_ROWS) {
            let mut q = QueryBuilder::<S::Db>::new(
                "INSERT INTO invitations (campaign_id, token_hash, short_code_hash, member_code, segment, district, \
                 issue, phone_hash, after_open) ",
            );
            q.push_values(chunk, |mut row, i| {
                row.push_bind(campaign_id)
                    .push_bind(&i.token_hash)
                    .push_bind(&i.short_code_hash)
                    .push_bind(&i.member.member_code)
                    .push_bind(&i.member.segment)
                    .push_bind(&i.member.district)
                    .push_bind(i.issue)
                    .push_bind(&i.phone_hash)
                    .push_bind(i.issued as i64);
            });
            S::build(&mut q).execute(&mut *tx).await?;
        }
        for (segment, district, invited) in invited_deltas(invitations) {
            sqlx::query(
                "INSERT INTO panel_counts (campaign_id, segment, district, invited, responded) \
                 VALUES ($1, $2, $3, $4, 0) ON CONFLICT (campaign_id, segment, district) \
                 DO UPDATE SET invited = panel_counts.invited + excluded.invited",
            )
            .bind(campaign_id)
            .bind(segment)
            .bind(district)
            .bind(invited)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn invitation_count(&self, campaign_id: i64) -> Result<i64> {
        let count = sqlx::query_scalar("SELECT COUNT(*) FROM invitations WHERE campaign_id = $1")
            .bind(campaign_id)
            .fetch_one(self.pool())
            .await?;
        Ok(count)
    }

    async fn invitations(&self, campaign_id: i64) -> Result<Vec<IssuedRecord>> {
        let rows = sqlx::query_as(
            "SELECT member_code, segment, district, CAST(issue AS BIGINT) AS issue, phone_hash, \
             CAST(after_open AS BIGINT) AS after_open FROM invitations \
             WHERE campaign_id = $1 ORDER BY member_code",
        )
        .bind(campaign_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows)
    }

    async fn reissue_invitation(
        &self,
        campaign_id: i64,
        member_code: &str,
        next: &NewInvitation,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE invitations SET token_hash = $1, short_code_hash = $2, issue = $3, after_open = $6 \
             WHERE campaign_id = $4 AND member_code = $5",
        )
        .bind(&next.token_hash)
        .bind(&next.short_code_hash)
        .bind(next.issue)
        .bind(campaign_id)
        .bind(member_code)
        .bind(next.issued as i64)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn remove_invitation(&self, campaign_id: i64, member_code: &str) -> Result<Removal> {
        let key = format!("{}{member_code}", RespondentKey::PANEL_PREFIX);
        let mut tx = self.pool().begin().await?;
        // The write comes first: on SQLite a transaction that reads and then writes can find
        // another writer was there first and fail at once; one that starts with its write
        // waits for the lock like every batch.
        let removed: Option<(String, String)> = sqlx::query_as(
            "DELETE FROM invitations WHERE campaign_id = $1 AND member_code = $2 AND NOT EXISTS \
             (SELECT 1 FROM claims WHERE campaign_id = $1 AND respondent_key = $3) RETURNING segment, district",
        )
        .bind(campaign_id)
        .bind(member_code)
        .bind(key.as_str())
        .fetch_optional(&mut *tx)
        .await?;
        let Some((segment, district)) = removed else {
            tx.rollback().await?;
            let known: Option<i64> =
                sqlx::query_scalar("SELECT 1 FROM invitations WHERE campaign_id = $1 AND member_code = $2")
                    .bind(campaign_id)
                    .bind(member_code)
                    .fetch_optional(self.pool())
                    .await?;
            return Ok(if known.is_some() { Removal::Responded } else { Removal::Unknown });
        };
        sqlx::query(
            "UPDATE panel_counts SET invited = invited - 1 WHERE campaign_id = $1 AND segment = $2 AND district = $3",
        )
        .bind(campaign_id)
        .bind(segment.as_str())
        .bind(district.as_str())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Removal::Removed)
    }

    async fn late_credential_ballots(&self, campaign_id: i64) -> Result<i64> {
        let count = sqlx::query_scalar(
            "SELECT COUNT(*) FROM invitations i JOIN claims c ON c.campaign_id = i.campaign_id \
             AND c.respondent_key = $2 || i.member_code WHERE i.campaign_id = $1 AND i.after_open > 0",
        )
        .bind(campaign_id)
        .bind(RespondentKey::PANEL_PREFIX)
        .fetch_one(self.pool())
        .await?;
        Ok(count)
    }

    async fn find_invitation(
        &self,
        campaign_id: i64,
        lookup: InvitationLookup<'_>,
    ) -> Result<Option<Invitation>> {
        let (sql, hash) = match lookup {
            InvitationLookup::Token(h) => (
                "SELECT member_code, segment, district FROM invitations WHERE campaign_id = $1 AND token_hash = $2",
                h,
            ),
            InvitationLookup::ShortCode(h) => (
                "SELECT member_code, segment, district FROM invitations WHERE campaign_id = $1 AND short_code_hash = $2",
                h,
            ),
            // `+campaign_id` keeps SQLite from preferring the primary key's campaign
            // prefix (a scan of the panel) to the index on the number's hash.
            InvitationLookup::Phone(h) => (
                "SELECT member_code, segment, district FROM invitations WHERE +campaign_id = $1 AND phone_hash = $2",
                h,
            ),
        };
        let row: Option<(String, String, String)> =
            sqlx::query_as(sql).bind(campaign_id).bind(hash).fetch_optional(self.pool()).await?;
        Ok(row.map(|(member_code, segment, district)| Invitation { member_code, segment, district }))
    }

    async fn non_responders(&self, campaign_id: i64) -> Result<Vec<Invitation>> {
        let rows: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT i.member_code, i.segment, i.district FROM invitations i \
             WHERE i.campaign_id = $1 AND NOT EXISTS (SELECT 1 FROM claims c \
             WHERE c.campaign_id = i.campaign_id AND c.respondent_key = $2 || i.member_code) \
             ORDER BY i.member_code",
        )
        .bind(campaign_id)
        .bind(RespondentKey::PANEL_PREFIX)
        .fetch_all(self.pool())
        .await?;
        let invitation = |(member_code, segment, district)| Invitation { member_code, segment, district };
        Ok(rows.into_iter().map(invitation).collect())
    }

    async fn panel_response(&self, campaign_id: i64) -> Result<Vec<PanelResponse>> {
        let rows = sqlx::query_as(
            "SELECT segment, district, invited, responded FROM panel_counts \
             WHERE campaign_id = $1 ORDER BY segment, district",
        )
        .bind(campaign_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows)
    }
}
