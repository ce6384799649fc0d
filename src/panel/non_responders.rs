//! The panel members who have not answered yet, for reminder calls: filtered by segment and
//! district, as a list or as CSV for Excel.

use std::io::Write;

use crate::panel::reminders::Filter;
use crate::spreadsheet::cell::write_csv_record;
use crate::store::{Invitation, Store, StoreError};

/// Members with no counted ballot who pass the filter.
pub async fn list(
    store: &dyn Store,
    campaign_id: i64,
    filter: &Filter,
) -> Result<Vec<Invitation>, StoreError> {
    Ok((store.non_responders(campaign_id).await?)
        .into_iter()
        .filter(|m| filter.admits(&m.segment, &m.district))
        .collect())
}

/// The list as CSV (UTF-8 with BOM, so Excel on Chinese Windows reads it), Chinese headers.
pub fn write_csv(members: &[Invitation], out: &mut dyn Write) -> Result<(), csv::Error> {
    out.write_all("\u{feff}".as_bytes())?;
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record(["成员编号", "界别", "区县"])?;
    for m in members {
        write_csv_record(&mut csv, [&m.member_code, &m.segment, &m.district])?;
    }
    csv.flush()?;
    Ok(())
}
