//! What `minping serve` checks before it starts, because a production instance must not
//! fall back on what suits a demo: SMS codes written to a file that admins can read would let
//! an admin mint public ballots.

use anyhow::bail;

use super::config::Settings;
use crate::domain::{CampaignStatus, PublicMode};
use crate::sms::GatewayKind;
use crate::store::Store;

/// Refuses to start while a campaign takes the public channel by phone and no SMS gateway
/// is named; warns when the outbox is named on purpose.
pub async fn check(settings: &Settings, store: &dyn Store) -> anyhow::Result<()> {
    match settings.sms.gateway {
        None => {
            let by_phone = phone_campaigns(store).await?;
            if !by_phone.is_empty() {
                bail!(
                    "拒绝启动：评议活动 {} 开启了公众手机号参与（public.mode = \"phone\"），但没有配置短信网关 \
                     （sms.gateway，或环境变量 MINPING_SMS__GATEWAY）。请设置 sms.gateway = \"webhook\" 和 \
                     sms.webhook_url；仅作试用时可明确写 sms.gateway = \"outbox\"（短信写入文件，不真实发送）。\n\
                     refusing to start: campaign(s) {} take the public channel by phone (public.mode = \"phone\") \
                     and no SMS gateway is configured (sms.gateway / MINPING_SMS__GATEWAY)",
                    by_phone.join("、"),
                    by_phone.join(", ")
                );
            }
            tracing::warn!(
                "no SMS gateway is configured (sms.gateway): SMS codes and reminders are refused until one is"
            );
        }
        Some(GatewayKind::Outbox) => tracing::warn!(
            "sms.gateway = \"outbox\": SMS are written to {} and NOT sent; the console does not show their text. For trials only",
            settings.data_dir.join(crate::sms::OUTBOX_NAME).display()
        ),
        Some(_) => {}
    }
    Ok(())
}

/// The slugs of campaigns not yet closed whose public channel is by phone.
async fn phone_campaigns(store: &dyn Store) -> anyhow::Result<Vec<String>> {
    let mut found = Vec::new();
    for summary in store.campaigns().await? {
        let Some(campaign) = store.campaign(&summary.slug).await? else { continue };
        if campaign.status != CampaignStatus::Closed && campaign.definition.public.mode == PublicMode::Phone {
            found.push(format!("`{}`", summary.slug));
        }
    }
    Ok(found)
}
