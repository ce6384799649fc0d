//! Campaigns as the command line lists them: code, status, ballots and title, in Chinese.

use crate::store::Store;

/// 草稿 / 进行中 / 已结束.
fn status_name(status: &str) -> &str {
    match status {
        "draft" => "草稿",
        "open" => "进行中",
        "closed" => "已结束",
        other => other,
    }
}

/// Pads to `width` terminal columns, a Chinese character taking two.
fn pad(text: &str, width: usize) -> String {
    let used: usize = text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
    format!("{text}{}", " ".repeat(width.saturating_sub(used)))
}

/// Every campaign, newest first, with its ballots so far (as the console counts them).
pub(crate) async fn print_campaigns(store: &dyn Store) -> anyhow::Result<()> {
    let campaigns = store.campaigns().await?;
    if campaigns.is_empty() {
        println!("（还没有评议活动）");
        return Ok(());
    }
    let slug_width = campaigns.iter().map(|c| c.slug.len()).max().unwrap_or(0).max(4) + 2;
    println!("{}{}{}名称", pad("代码", slug_width), pad("状态", 8), pad("选票", 10));
    for campaign in campaigns {
        let ballots = store.ballot_count(campaign.id).await?;
        println!(
            "{}{}{}{}",
            pad(&campaign.slug, slug_width),
            pad(status_name(&campaign.status), 8),
            pad(&ballots.to_string(), 10),
            campaign.title
        );
    }
    Ok(())
}
