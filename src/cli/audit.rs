//! `minping audit verify [SLUG]`: checks the audit log's hash chains — a campaign's, or every
//! chain — and says where one breaks (an edited, removed or inserted entry, or a cut tail).
//! Exits with an error when a chain does not hold.

use clap::Subcommand;

use super::{open_store, DataArgs};
use crate::server::config::Settings;
use crate::store::audit_chain::{self, chain_of, BrokenReason, ChainReport};
use crate::store::AuditRecord;

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Check the audit log's hash chain: one campaign's, or every chain.
    Verify {
        slug: Option<String>,
        #[command(flatten)]
        data: DataArgs,
    },
}

impl AuditCommand {
    pub async fn run(self, mut settings: Settings) -> anyhow::Result<()> {
        let Self::Verify { slug, data } = self;
        data.apply(&mut settings);
        let store = open_store(&settings).await?;
        let heads: std::collections::HashMap<i64, String> = store.audit_heads().await?.into_iter().collect();
        let campaigns = store.campaigns().await?;
        let name_of = |chain: i64| match campaigns.iter().find(|c| c.id == chain) {
            Some(c) => format!("评议活动“{}”", c.slug),
            None if chain == 0 => "账号与登录（不属于任何评议活动）".to_owned(),
            None => format!("评议活动 #{chain}"),
        };
        let mut chains: Vec<(i64, Vec<AuditRecord>)> = Vec::new();
        match &slug {
            Some(slug) => {
                let campaign = crate::campaign::find(store.as_ref(), slug).await?;
                chains.push((campaign.id, store.audit_log(Some(campaign.id)).await?));
            }
            None => {
                let mut all: std::collections::BTreeMap<i64, Vec<AuditRecord>> = Default::default();
                for chain in heads.keys() {
                    all.entry(*chain).or_default();
                }
                for e in store.audit_log(None).await? {
                    all.entry(chain_of(e.campaign_id)).or_default().push(e);
                }
                chains.extend(all);
            }
        }
        let mut broken = 0;
        for (chain, entries) in &chains {
            let report = audit_chain::check(*chain, entries, heads.get(chain).map(String::as_str));
            println!("{}", line(&name_of(*chain), &report));
            broken += usize::from(report.broken.is_some());
        }
        store.close().await;
        anyhow::ensure!(broken == 0, "审计日志的 {broken} 条哈希链不完整：记录可能被篡改、删除或插入");
        println!("审计日志完整：{} 条哈希链全部核验通过", chains.len());
        Ok(())
    }
}

fn line(name: &str, r: &ChainReport) -> String {
    match &r.broken {
        None => format!("通过  {name}：{} 条记录，链头 {}", r.entries, r.head),
        Some(b) => {
            let why = match b.reason {
                BrokenReason::Unsealed => "没有哈希（绕过审计写入）",
                BrokenReason::Link => "与前一条记录接不上（有记录被删除或插入）",
                BrokenReason::Content => "内容与哈希不符（记录被修改）",
                BrokenReason::Head => "链尾与记下的链头不符（末尾的记录被删除）",
            };
            match b.id {
                Some(id) => format!("不通过 {name}：第 {id} 号记录{why}"),
                None => format!("不通过 {name}：{why}"),
            }
        }
    }
}
