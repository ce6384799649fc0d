//! The SQL both backends share. SQLite and PostgreSQL agree on everything the ballot core
//! needs (`$n` parameters, `ON CONFLICT`, `RETURNING`), so the statements are written once
//! and this macro instantiates them for each backend's pool type; what really differs
//! (connecting, migrations, error codes) stays in `sqlite.rs` and `postgres.rs`.

/// Rows per multi-row statement: well under SQLite's 32,766 and PostgreSQL's 65,535 parameters.
pub const CHUNK_ROWS: usize = 1000;

macro_rules! impl_store {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::Store for $store {
            fn backend(&self) -> &'static str {
                Self::BACKEND
            }

            fn parallel_batches(&self) -> usize {
                Self::PARALLEL_BATCHES
            }

            async fn migrate(&self) -> $crate::store::Result<()> {
                self.run_migrations().await
            }

            async fn ping(&self) -> $crate::store::Result<()> {
                sqlx::query("SELECT 1").execute(&self.pool).await.map_err(StoreError::from_sqlx)?;
                Ok(())
            }

            async fn close(&self) {
                self.pool.close().await;
            }

            async fn create_campaign(
                &self,
                definition: &CampaignDefinition,
                status: CampaignStatus,
            ) -> $crate::store::Result<i64> {
                let json = serde_json::to_string(definition).expect("a definition serialises");
                let inserted: Option<(i64,)> = sqlx::query_as(
                    "INSERT INTO campaigns (slug, definition, status, created_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (slug) DO NOTHING RETURNING id",
                )
                .bind(&definition.slug)
                .bind(json)
                .bind(status.as_str())
                .bind($crate::store::now_unix())
                .fetch_optional(&self.pool)
                .await
                .map_err(StoreError::from_sqlx)?;
                inserted.map(|(id,)| id).ok_or_else(|| StoreError::CampaignExists(definition.slug.clone()))
            }

            async fn campaign(&self, slug: &str) -> $crate::store::Result<Option<Campaign>> {
                let row: Option<(i64, String, String)> =
                    sqlx::query_as("SELECT id, definition, status FROM campaigns WHERE slug = $1")
                        .bind(slug)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(StoreError::from_sqlx)?;
                let Some((id, json, status)) = row else { return Ok(None) };
                let bad = |reason: String| StoreError::BadCampaign { slug: slug.to_owned(), reason };
                let definition: CampaignDefinition = serde_json::from_str(&json).map_err(|e| bad(e.to_string()))?;
                let status = CampaignStatus::parse(&status).ok_or_else(|| bad(format!("unknown status `{status}`")))?;
                Campaign::new(id, status, definition).map(Some).map_err(|e| bad(e.to_string()))
            }

            async fn add_invitations(&self, campaign_id: i64, invitations: &[NewInvitation]) -> $crate::store::Result<()> {
                let mut tx = self.pool.begin().await.map_err(StoreError::from_sqlx)?;
                for chunk in invitations.chunks($crate::store::sql::CHUNK_ROWS) {
                    let mut q = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO invitations (campaign_id, token_hash, short_code_hash, member_code, segment, district, \
                         issue, phone_hash) ",
                    );
                    q.push_values(chunk, |mut row, i| {
                        row.push_bind(campaign_id)
                            .push_bind(&i.token_hash)
                            .push_bind(&i.short_code_hash)
                            .push_bind(&i.member.member_code)
                            .push_bind(&i.member.segment)
                            .push_bind(&i.member.district)
                            .push_bind(i.issue)
                            .push_bind(&i.phone_hash);
                    });
                    q.build().execute(&mut *tx).await.map_err(StoreError::from_sqlx)?;
                }
                for (segment, district, invited) in $crate::store::batch::invited_deltas(invitations) {
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
                    .await
                    .map_err(StoreError::from_sqlx)?;
                }
                tx.commit().await.map_err(StoreError::from_sqlx)
            }

            async fn invitation_count(&self, campaign_id: i64) -> $crate::store::Result<i64> {
                self.count("SELECT COUNT(*) FROM invitations WHERE campaign_id = $1", campaign_id).await
            }

            async fn find_invitation(
                &self,
                campaign_id: i64,
                lookup: InvitationLookup<'_>,
            ) -> $crate::store::Result<Option<Invitation>> {
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
                let row: Option<(String, String, String)> = sqlx::query_as(sql)
                    .bind(campaign_id)
                    .bind(hash)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(StoreError::from_sqlx)?;
                Ok(row.map(|(member_code, segment, district)| Invitation { member_code, segment, district }))
            }

            async fn is_claimed(&self, campaign_id: i64, respondent_key: &str) -> $crate::store::Result<bool> {
                let row: Option<(i64,)> =
                    sqlx::query_as("SELECT campaign_id FROM claims WHERE campaign_id = $1 AND respondent_key = $2")
                        .bind(campaign_id)
                        .bind(respondent_key)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(StoreError::from_sqlx)?;
                Ok(row.is_some())
            }

            async fn commit_batch(&self, batch: &[PendingBallot]) -> $crate::store::Result<Vec<Commit>> {
                use $crate::store::batch;
                let mut tx = self.pool.begin().await.map_err(StoreError::from_sqlx)?;

                // Each campaign's row is locked (PostgreSQL: FOR SHARE; SQLite: the write lock)
                // for the batch, so a close waits for batches in flight and every later batch
                // sees it: nothing is acknowledged for a closed campaign.
                let mut campaign_ids: Vec<i64> = batch.iter().map(|p| p.campaign.id).collect();
                campaign_ids.sort_unstable();
                campaign_ids.dedup();
                let mut closed = std::collections::HashSet::new();
                for id in campaign_ids {
                    let (status,): (String,) = sqlx::query_as(Self::LOCK_CAMPAIGN_FOR_BATCH)
                        .bind(id)
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(StoreError::from_sqlx)?;
                    if status != "open" {
                        closed.insert(id);
                    }
                }

                let offered = batch::first_claims(batch, &closed);
                let mut accepted = std::collections::HashSet::new();
                for chunk in offered.chunks($crate::store::sql::CHUNK_ROWS) {
                    let mut q = sqlx::QueryBuilder::<$db>::new("INSERT INTO claims (campaign_id, respondent_key, class) ");
                    q.push_values(chunk, |mut row, &i| {
                        let p = &batch[i];
                        row.push_bind(p.campaign.id).push_bind(&p.respondent_key).push_bind(p.class.as_str());
                    });
                    q.push(" ON CONFLICT DO NOTHING RETURNING campaign_id, respondent_key");
                    let rows: Vec<(i64, String)> =
                        q.build_query_as().fetch_all(&mut *tx).await.map_err(StoreError::from_sqlx)?;
                    accepted.extend(rows);
                }
                let mut outcomes = batch::outcomes(batch, &closed, &offered, &accepted);

                // Receipts are random, or proposed by the client for safe retries: one that
                // is already taken is refused alone, and its claim withdrawn.
                let counted = batch::counted_by_receipt(batch, &outcomes);
                let mut inserted = std::collections::HashSet::new();
                for chunk in counted.chunks($crate::store::sql::CHUNK_ROWS) {
                    let mut q = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO ballots (receipt, campaign_id, class, segment, district, ratings, reasons, suggestion, \
                         flags, shuffle_key, hour) ",
                    );
                    q.push_values(chunk, |mut row, p| {
                        row.push_bind(p.receipt.as_str().to_owned())
                            .push_bind(p.campaign.id)
                            .push_bind(p.class.as_str())
                            .push_bind(p.segment.clone())
                            .push_bind(p.district.clone())
                            .push_bind(p.ballot.encode_ratings())
                            .push_bind(p.ballot.reasons_json(&p.campaign))
                            .push_bind(p.ballot.suggestion.clone())
                            .push_bind(i64::from(p.flagged))
                            .push_bind(rand::random::<[u8; 16]>().to_vec())
                            .push_bind(p.hour);
                    });
                    q.push(" ON CONFLICT (receipt) DO NOTHING RETURNING receipt");
                    let rows: Vec<(String,)> =
                        q.build_query_as().fetch_all(&mut *tx).await.map_err(StoreError::from_sqlx)?;
                    inserted.extend(rows.into_iter().map(|(r,)| r));
                }
                for p in batch::refuse_taken_receipts(batch, &mut outcomes, &inserted) {
                    sqlx::query("DELETE FROM claims WHERE campaign_id = $1 AND respondent_key = $2")
                        .bind(p.campaign.id)
                        .bind(&p.respondent_key)
                        .execute(&mut *tx)
                        .await
                        .map_err(StoreError::from_sqlx)?;
                }
                let counted: Vec<_> = (counted.into_iter())
                    .filter(|p| inserted.contains(p.receipt.as_str()))
                    .collect();

                let deltas = batch::tally_deltas(&counted);
                for chunk in deltas.chunks($crate::store::sql::CHUNK_ROWS) {
                    let mut q = sqlx::QueryBuilder::<$db>::new(Self::TALLY_INSERT);
                    q.push_values(chunk, |mut row, d| {
                        row.push_bind(d.campaign_id)
                            .push_bind(d.unit_code)
                            .push_bind(d.option_code)
                            .push_bind(d.class)
                            .push_bind(d.segment)
                            .push_bind(d.flagged)
                            .push_bind(d.count);
                    });
                    q.push(Self::TALLY_INSERT_END);
                    q.build().execute(&mut *tx).await.map_err(StoreError::from_sqlx)?;
                }

                let hours = batch::hour_deltas(&counted);
                if !hours.is_empty() {
                    let mut q =
                        sqlx::QueryBuilder::<$db>::new("INSERT INTO ballot_hours (campaign_id, hour, class, count) ");
                    q.push_values(&hours, |mut row, (campaign_id, hour, class, count)| {
                        row.push_bind(*campaign_id).push_bind(*hour).push_bind(*class).push_bind(*count);
                    });
                    q.push(" ON CONFLICT (campaign_id, hour, class) DO UPDATE SET count = ballot_hours.count + excluded.count");
                    q.build().execute(&mut *tx).await.map_err(StoreError::from_sqlx)?;
                }

                let panel = batch::panel_deltas(&counted);
                if !panel.is_empty() {
                    let mut q = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO panel_counts (campaign_id, segment, district, invited, responded) ",
                    );
                    q.push_values(&panel, |mut row, (campaign_id, segment, district, count)| {
                        row.push_bind(*campaign_id).push_bind(*segment).push_bind(*district).push_bind(0_i64).push_bind(*count);
                    });
                    q.push(
                        " ON CONFLICT (campaign_id, segment, district) \
                         DO UPDATE SET responded = panel_counts.responded + excluded.responded",
                    );
                    q.build().execute(&mut *tx).await.map_err(StoreError::from_sqlx)?;
                }

                let public = batch::public_deltas(&counted);
                if !public.is_empty() {
                    let mut q = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO public_districts (campaign_id, class, district, count) ",
                    );
                    q.push_values(&public, |mut row, (campaign_id, class, district, count)| {
                        row.push_bind(*campaign_id).push_bind(*class).push_bind(*district).push_bind(*count);
                    });
                    q.push(
                        " ON CONFLICT (campaign_id, class, district) \
                         DO UPDATE SET count = public_districts.count + excluded.count",
                    );
                    q.build().execute(&mut *tx).await.map_err(StoreError::from_sqlx)?;
                }

                tx.commit().await.map_err(StoreError::from_sqlx)?;
                Ok(outcomes)
            }

            async fn receipt_campaign(&self, receipt: &Receipt) -> $crate::store::Result<Option<String>> {
                let row: Option<(String,)> = sqlx::query_as(
                    "SELECT c.slug FROM ballots b JOIN campaigns c ON c.id = b.campaign_id WHERE b.receipt = $1",
                )
                .bind(receipt.as_str())
                .fetch_optional(&self.pool)
                .await
                .map_err(StoreError::from_sqlx)?;
                Ok(row.map(|(slug,)| slug))
            }

            async fn tallies(&self, campaign_id: i64) -> $crate::store::Result<Vec<TallyRow>> {
                // The counters and the increments not yet folded into them, in one snapshot.
                sqlx::query_as(
                    "SELECT unit_code, option_code, class, segment, flagged, CAST(SUM(count) AS BIGINT) AS count FROM ( \
                       SELECT unit_code, option_code, class, segment, flagged, count FROM tallies WHERE campaign_id = $1 \
                       UNION ALL \
                       SELECT unit_code, option_code, class, segment, flagged, count FROM tally_deltas WHERE campaign_id = $1 \
                     ) t GROUP BY unit_code, option_code, class, segment, flagged \
                     ORDER BY unit_code, option_code, class, segment, flagged",
                )
                .bind(campaign_id)
                .fetch_all(&self.pool)
                .await
                .map_err(StoreError::from_sqlx)
            }

            async fn fold_tally_deltas(&self) -> $crate::store::Result<()> {
                if let Some(sql) = Self::FOLD_TALLY_DELTAS {
                    sqlx::query(sql).execute(&self.pool).await.map_err(StoreError::from_sqlx)?;
                }
                Ok(())
            }

            async fn ballot_count(&self, campaign_id: i64) -> $crate::store::Result<i64> {
                self.count("SELECT COUNT(*) FROM ballots WHERE campaign_id = $1", campaign_id).await
            }

            async fn claim_count(&self, campaign_id: i64) -> $crate::store::Result<i64> {
                self.count("SELECT COUNT(*) FROM claims WHERE campaign_id = $1", campaign_id).await
            }

            async fn close_campaign(&self, campaign_id: i64) -> $crate::store::Result<bool> {
                let done = sqlx::query("UPDATE campaigns SET status = 'closed' WHERE id = $1 AND status = 'open'")
                    .bind(campaign_id)
                    .execute(&self.pool)
                    .await
                    .map_err(StoreError::from_sqlx)?;
                Ok(done.rows_affected() == 1)
            }

            async fn open_campaign(&self, campaign_id: i64) -> $crate::store::Result<bool> {
                let done = sqlx::query("UPDATE campaigns SET status = 'open' WHERE id = $1 AND status = 'draft'")
                    .bind(campaign_id)
                    .execute(&self.pool)
                    .await
                    .map_err(StoreError::from_sqlx)?;
                Ok(done.rows_affected() == 1)
            }

            async fn update_definition(
                &self,
                campaign_id: i64,
                definition: &CampaignDefinition,
            ) -> $crate::store::Result<()> {
                let json = serde_json::to_string(definition).expect("a definition serialises");
                sqlx::query("UPDATE campaigns SET definition = $1 WHERE id = $2")
                    .bind(json)
                    .bind(campaign_id)
                    .execute(&self.pool)
                    .await
                    .map_err(StoreError::from_sqlx)?;
                Ok(())
            }

            async fn save_final_results(
                &self,
                campaign_id: i64,
                results: &$crate::store::FinalResults,
            ) -> $crate::store::Result<()> {
                sqlx::query(
                    "INSERT INTO final_results (campaign_id, fingerprint, ballots, results, frozen_at) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(campaign_id)
                .bind(&results.fingerprint)
                .bind(results.ballots)
                .bind(&results.results)
                .bind(results.frozen_at)
                .execute(&self.pool)
                .await
                .map_err(StoreError::from_sqlx)?;
                Ok(())
            }

            async fn final_results(
                &self,
                campaign_id: i64,
            ) -> $crate::store::Result<Option<$crate::store::FinalResults>> {
                sqlx::query_as(
                    "SELECT fingerprint, ballots, results, frozen_at FROM final_results WHERE campaign_id = $1",
                )
                .bind(campaign_id)
                .fetch_optional(&self.pool)
                .await
                .map_err(StoreError::from_sqlx)
            }

            async fn for_each_ballot(
                &self,
                campaign_id: i64,
                visit: &mut (dyn FnMut($crate::store::StoredBallot) -> anyhow::Result<()> + Send),
            ) -> $crate::store::Result<()> {
                use futures_util::TryStreamExt;
                let mut rows = sqlx::query_as(
                    "SELECT class, segment, district, ratings, flags, hour FROM ballots \
                     WHERE campaign_id = $1 ORDER BY shuffle_key",
                )
                .bind(campaign_id)
                .fetch(&self.pool);
                while let Some(row) = rows.try_next().await.map_err(StoreError::from_sqlx)? {
                    visit(row).map_err(StoreError::Visit)?;
                }
                Ok(())
            }

            async fn for_each_receipt(
                &self,
                campaign_id: i64,
                visit: &mut (dyn FnMut(String) -> anyhow::Result<()> + Send),
            ) -> $crate::store::Result<()> {
                use futures_util::TryStreamExt;
                let mut rows =
                    sqlx::query_as::<_, (String,)>("SELECT receipt FROM ballots WHERE campaign_id = $1 ORDER BY receipt")
                        .bind(campaign_id)
                        .fetch(&self.pool);
                while let Some((receipt,)) = rows.try_next().await.map_err(StoreError::from_sqlx)? {
                    visit(receipt).map_err(StoreError::Visit)?;
                }
                Ok(())
            }

            async fn for_each_feedback(
                &self,
                campaign_id: i64,
                visit: &mut (dyn FnMut($crate::store::Feedback) -> anyhow::Result<()> + Send),
            ) -> $crate::store::Result<()> {
                use futures_util::TryStreamExt;
                let mut rows = sqlx::query_as(
                    "SELECT reasons, suggestion FROM ballots WHERE campaign_id = $1 \
                     AND (reasons IS NOT NULL OR suggestion IS NOT NULL) ORDER BY shuffle_key",
                )
                .bind(campaign_id)
                .fetch(&self.pool);
                while let Some(row) = rows.try_next().await.map_err(StoreError::from_sqlx)? {
                    visit(row).map_err(StoreError::Visit)?;
                }
                Ok(())
            }

            async fn append_audit(&self, entry: &$crate::store::AuditEntry) -> $crate::store::Result<()> {
                sqlx::query(
                    "INSERT INTO audit_log (at, actor, action, campaign_id, detail) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind($crate::store::now_unix())
                .bind(&entry.actor)
                .bind(&entry.action)
                .bind(entry.campaign_id)
                .bind(&entry.detail)
                .execute(&self.pool)
                .await
                .map_err(StoreError::from_sqlx)?;
                Ok(())
            }

            async fn audit_log(
                &self,
                campaign_id: Option<i64>,
            ) -> $crate::store::Result<Vec<$crate::store::AuditRecord>> {
                let all = campaign_id.is_none();
                sqlx::query_as(
                    "SELECT id, at, actor, action, campaign_id, detail FROM audit_log \
                     WHERE $1 OR campaign_id = $2 ORDER BY id",
                )
                .bind(all)
                .bind(campaign_id)
                .fetch_all(&self.pool)
                .await
                .map_err(StoreError::from_sqlx)
            }

            async fn campaigns(&self) -> $crate::store::Result<Vec<$crate::store::CampaignSummary>> {
                let rows: Vec<(i64, String, String, String)> =
                    sqlx::query_as("SELECT id, slug, definition, status FROM campaigns ORDER BY id DESC")
                        .fetch_all(&self.pool)
                        .await
                        .map_err(StoreError::from_sqlx)?;
                Ok(rows
                    .into_iter()
                    .map(|(id, slug, definition, status)| {
                        let title = serde_json::from_str::<serde_json::Value>(&definition)
                            .ok()
                            .and_then(|d| d["title"].as_str().map(String::from))
                            .unwrap_or_default();
                        $crate::store::CampaignSummary { id, slug, title, status }
                    })
                    .collect())
            }

            async fn add_signals(&self, deltas: &[(i64, &'static str, i64)]) -> $crate::store::Result<()> {
                if deltas.is_empty() {
                    return Ok(());
                }
                let mut tx = self.pool.begin().await.map_err(StoreError::from_sqlx)?;
                for (campaign_id, signal, delta) in deltas {
                    sqlx::query(
                        "INSERT INTO abuse_signals (campaign_id, signal, count) VALUES ($1, $2, $3) \
                         ON CONFLICT (campaign_id, signal) DO UPDATE SET count = abuse_signals.count + excluded.count",
                    )
                    .bind(campaign_id)
                    .bind(signal)
                    .bind(delta)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::from_sqlx)?;
                }
                tx.commit().await.map_err(StoreError::from_sqlx)
            }

            async fn signals(&self, campaign_id: i64) -> $crate::store::Result<Vec<(String, i64)>> {
                sqlx::query_as("SELECT signal, count FROM abuse_signals WHERE campaign_id = $1 ORDER BY signal")
                    .bind(campaign_id)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(StoreError::from_sqlx)
            }

            async fn add_staff_user(&self, name: &str, role: &str, password_hash: &str) -> $crate::store::Result<i64> {
                let inserted: Option<(i64,)> = sqlx::query_as(
                    "INSERT INTO staff_users (name, role, password_hash, created_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (name) DO NOTHING RETURNING id",
                )
                .bind(name)
                .bind(role)
                .bind(password_hash)
                .bind($crate::store::now_unix())
                .fetch_optional(&self.pool)
                .await
                .map_err(StoreError::from_sqlx)?;
                inserted.map(|(id,)| id).ok_or_else(|| StoreError::UserExists(name.to_owned()))
            }

            async fn staff_user(&self, name: &str) -> $crate::store::Result<Option<$crate::store::StaffUserRow>> {
                sqlx::query_as("SELECT id, name, role, password_hash FROM staff_users WHERE name = $1")
                    .bind(name)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(StoreError::from_sqlx)
            }

            async fn ballots_by_class(&self, campaign_id: i64) -> $crate::store::Result<Vec<(String, i64)>> {
                sqlx::query_as(
                    "SELECT class, CAST(SUM(count) AS BIGINT) FROM ballot_hours WHERE campaign_id = $1 \
                     GROUP BY class ORDER BY class",
                )
                .bind(campaign_id)
                .fetch_all(&self.pool)
                .await
                .map_err(StoreError::from_sqlx)
            }

            async fn ballots_by_hour(&self, campaign_id: i64) -> $crate::store::Result<Vec<(i64, i64)>> {
                sqlx::query_as(
                    "SELECT hour, CAST(SUM(count) AS BIGINT) FROM ballot_hours WHERE campaign_id = $1 \
                     GROUP BY hour ORDER BY hour",
                )
                .bind(campaign_id)
                .fetch_all(&self.pool)
                .await
                .map_err(StoreError::from_sqlx)
            }

            async fn panel_response(&self, campaign_id: i64) -> $crate::store::Result<Vec<$crate::store::PanelResponse>> {
                sqlx::query_as(
                    "SELECT segment, district, invited, responded FROM panel_counts \
                     WHERE campaign_id = $1 ORDER BY segment, district",
                )
                .bind(campaign_id)
                .fetch_all(&self.pool)
                .await
                .map_err(StoreError::from_sqlx)
            }

            async fn public_by_district(&self, campaign_id: i64) -> $crate::store::Result<Vec<(String, String, i64)>> {
                sqlx::query_as(
                    "SELECT class, district, count FROM public_districts \
                     WHERE campaign_id = $1 ORDER BY class, district",
                )
                .bind(campaign_id)
                .fetch_all(&self.pool)
                .await
                .map_err(StoreError::from_sqlx)
            }

            async fn non_responders(&self, campaign_id: i64) -> $crate::store::Result<Vec<Invitation>> {
                let rows: Vec<(String, String, String)> = sqlx::query_as(
                    "SELECT i.member_code, i.segment, i.district FROM invitations i \
                     WHERE i.campaign_id = $1 AND NOT EXISTS (SELECT 1 FROM claims c \
                     WHERE c.campaign_id = i.campaign_id AND c.respondent_key = 'panel:' || i.member_code) \
                     ORDER BY i.member_code",
                )
                .bind(campaign_id)
                .fetch_all(&self.pool)
                .await
                .map_err(StoreError::from_sqlx)?;
                Ok(rows.into_iter().map(|(member_code, segment, district)| Invitation { member_code, segment, district }).collect())
            }

            async fn invitations(&self, campaign_id: i64) -> $crate::store::Result<Vec<$crate::store::IssuedRecord>> {
                sqlx::query_as(
                    "SELECT member_code, segment, district, CAST(issue AS BIGINT) AS issue FROM invitations \
                     WHERE campaign_id = $1 ORDER BY member_code",
                )
                .bind(campaign_id)
                .fetch_all(&self.pool)
                .await
                .map_err(StoreError::from_sqlx)
            }

            async fn reissue_invitation(
                &self,
                campaign_id: i64,
                member_code: &str,
                next: &NewInvitation,
            ) -> $crate::store::Result<bool> {
                let done = sqlx::query(
                    "UPDATE invitations SET token_hash = $1, short_code_hash = $2, issue = $3 \
                     WHERE campaign_id = $4 AND member_code = $5",
                )
                .bind(&next.token_hash)
                .bind(&next.short_code_hash)
                .bind(next.issue)
                .bind(campaign_id)
                .bind(member_code)
                .execute(&self.pool)
                .await
                .map_err(StoreError::from_sqlx)?;
                Ok(done.rows_affected() == 1)
            }
        }

        impl $store {
            async fn count(&self, sql: &'static str, campaign_id: i64) -> $crate::store::Result<i64> {
                let (n,): (i64,) = sqlx::query_as(sql)
                    .bind(campaign_id)
                    .fetch_one(&self.pool)
                    .await
                    .map_err(StoreError::from_sqlx)?;
                Ok(n)
            }
        }
    };
}

pub(crate) use impl_store;
