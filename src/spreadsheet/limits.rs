//! How big an upload may be, checked before anything is allocated for it: a staff machine may
//! be compromised, and one crafted file must not take the server down. A roster of a
//! thousand members and a unit list of a hundred rows are far inside every limit.
//!
//! An XLSX is a zip: every member's real inflated size is measured (the sizes a zip
//! declares can lie) against a total and a ratio before the spreadsheet reader sees it.

use std::io::{Read, Seek};

/// Bytes of an uploaded table (CSV or XLSX), on the HTTP API and from the command line.
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;
/// Bytes of a campaign file (TOML).
pub const MAX_CAMPAIGN_FILE_BYTES: usize = 1024 * 1024;
/// Everything inside an XLSX, inflated.
pub const MAX_INFLATED_BYTES: u64 = 100 * 1024 * 1024;
/// Inflated ÷ compressed, for any member past [`RATIO_GRACE_BYTES`]: sheets of text compress
/// around 5–20 times; zip bombs by thousands.
pub const MAX_RATIO: u64 = 100;
pub const RATIO_GRACE_BYTES: u64 = 1024 * 1024;
/// Members of the zip, and worksheets among them.
pub const MAX_ZIP_MEMBERS: usize = 1_000;
pub const MAX_SHEETS: usize = 64;
/// Rows (the header included) and columns of the table read.
pub const MAX_ROWS: usize = 200_000;
pub const MAX_COLUMNS: usize = 64;
/// Characters of one cell.
pub const MAX_CELL_CHARS: usize = 1_000;

/// Why an upload was refused as a whole; the words are those staff read (Chinese).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TooBig {
    #[error("文件过大（上限 {} MB）", MAX_FILE_BYTES / (1024 * 1024))]
    File,
    #[error("XLSX 文件解压后过大（上限 {} MB），或压缩比异常（疑似压缩炸弹），未作处理", MAX_INFLATED_BYTES / (1024 * 1024))]
    Inflated,
    #[error("XLSX 文件内部文件过多（上限 {MAX_ZIP_MEMBERS} 个）")]
    Members,
    #[error("XLSX 文件工作表过多（上限 {MAX_SHEETS} 个）")]
    Sheets,
    #[error("行数过多（上限 {MAX_ROWS} 行）")]
    Rows,
    #[error("列数过多（上限 {MAX_COLUMNS} 列）")]
    Columns,
    #[error("单元格内容过长（上限 {MAX_CELL_CHARS} 字）")]
    Cell,
}

/// Inflates every member of the zip once, into nothing, counting: refuses a file whose
/// members inflate past the limits, whatever their headers say. Costs at most
/// [`MAX_INFLATED_BYTES`] of inflating and no memory to speak of.
pub fn check_zip<R: Read + Seek>(reader: R) -> Result<(), ZipCheck> {
    let mut zip = zip::ZipArchive::new(reader).map_err(|e| ZipCheck::Unreadable(e.to_string()))?;
    if zip.len() > MAX_ZIP_MEMBERS {
        return Err(ZipCheck::TooBig(TooBig::Members));
    }
    let sheets =
        (zip.file_names_raw()).filter(|n| n.starts_with(b"xl/worksheets/") && n.ends_with(b".xml")).count();
    if sheets > MAX_SHEETS {
        return Err(ZipCheck::TooBig(TooBig::Sheets));
    }
    let (mut total, mut buffer) = (0u64, vec![0u8; 64 * 1024]);
    for i in 0..zip.len() {
        let mut member = zip.by_index(i).map_err(|e| ZipCheck::Unreadable(e.to_string()))?;
        let compressed = member.compressed_size().max(1);
        let mut inflated = 0u64;
        loop {
            let n = member.read(&mut buffer).map_err(|e| ZipCheck::Unreadable(e.to_string()))?;
            if n == 0 {
                break;
            }
            inflated += n as u64;
            total += n as u64;
            // Checked as it inflates: a bomb is stopped at its first megabyte.
            if total > MAX_INFLATED_BYTES
                || (inflated > RATIO_GRACE_BYTES && inflated / compressed > MAX_RATIO)
            {
                return Err(ZipCheck::TooBig(TooBig::Inflated));
            }
        }
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZipCheck {
    TooBig(TooBig),
    Unreadable(String),
}

/// A file read from disk (the command line) under the same limit as an upload, without
/// reading more than the limit.
pub fn read_file(path: &std::path::Path, limit: usize) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)?.take(limit as u64 + 1).read_to_end(&mut bytes)?;
    if bytes.len() > limit {
        let message = format!("{} is larger than {} MB", path.display(), limit / (1024 * 1024));
        return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, message));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Write};

    use super::*;

    fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default();
        for (name, data) in members {
            zip.start_file(*name, options).unwrap();
            zip.write_all(data).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn a_zip_bomb_is_refused_by_its_ratio() {
        let zeros = vec![0u8; 8 * 1024 * 1024];
        let bomb = zip_of(&[("xl/sharedStrings.xml", &zeros)]);
        assert!(bomb.len() < 100 * 1024, "{} bytes", bomb.len());
        assert_eq!(check_zip(Cursor::new(bomb)), Err(ZipCheck::TooBig(TooBig::Inflated)));
    }

    #[test]
    fn too_many_sheets_are_refused_and_an_ordinary_zip_passes() {
        let names: Vec<String> = (0..=MAX_SHEETS).map(|i| format!("xl/worksheets/sheet{i}.xml")).collect();
        let many: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b"<x/>"[..])).collect();
        assert_eq!(check_zip(Cursor::new(zip_of(&many))), Err(ZipCheck::TooBig(TooBig::Sheets)));
        assert_eq!(check_zip(Cursor::new(zip_of(&many[..3]))), Ok(()));
    }

    #[test]
    fn a_file_past_the_limit_is_not_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.csv");
        std::fs::write(&path, vec![b'a'; 2048]).unwrap();
        assert!(read_file(&path, 1024).is_err());
        assert_eq!(read_file(&path, 4096).unwrap().len(), 2048);
    }
}
