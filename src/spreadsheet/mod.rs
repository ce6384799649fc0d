//! Tables that staff upload: CSV (UTF-8, with or without BOM) or XLSX (the first sheet),
//! read into rows of text within fixed limits (`limits.rs`), with faults reported by row and
//! column; and the one rule for text minping writes into tables (`cell.rs`).

pub mod cell;
pub mod limits;
mod xlsx;

use serde::Serialize;

use crate::domain::text::clean_name;

use self::limits::{TooBig, MAX_CELL_CHARS, MAX_COLUMNS, MAX_FILE_BYTES, MAX_ROWS};

/// What is wrong with one cell of an upload: its spreadsheet row (the header is row 1) and column.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowError {
    pub row: usize,
    pub column: String,
    pub reason: String,
}

/// One data row of an upload: its spreadsheet row number and, for each wanted column in
/// order, the cell's text, cleaned as a name (`domain::text::clean_name`: trimmed, NFC,
/// invisible and control characters removed; "" when the column is optional and absent).
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub row: usize,
    pub cells: Vec<String>,
}

/// A fault of the file as a whole, reported at its header row.
pub fn whole_file(reason: impl Into<String>) -> Vec<RowError> {
    vec![file_error(reason)]
}

fn file_error(reason: impl Into<String>) -> RowError {
    RowError { row: 1, column: String::new(), reason: reason.into() }
}

fn too_big(why: TooBig) -> RowError {
    file_error(why.to_string())
}

/// The data rows of an upload with the wanted columns (Chinese name, machine key, required),
/// blank rows skipped. Fails for an unreadable or empty file, or a missing required column.
pub fn records(bytes: &[u8], wanted: &[(&str, &str, bool)]) -> Result<Vec<Record>, Vec<RowError>> {
    let table = read(bytes).map_err(|e| vec![e])?;
    let Some((header, body)) = table.split_first() else { return Err(whole_file("文件是空的")) };
    let index = columns(header, wanted).map_err(|e| vec![e])?;
    Ok(body
        .iter()
        .enumerate()
        .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()))
        .map(|(n, cells)| Record {
            row: n + 2,
            cells: (index.iter())
                .map(|i| i.and_then(|c| cells.get(c)).map(|s| clean_name(s)).unwrap_or_default())
                .collect(),
        })
        .collect())
}

/// The rows of an uploaded table, as text; XLSX is told from CSV by its zip signature.
fn read(bytes: &[u8]) -> Result<Vec<Vec<String>>, RowError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(too_big(TooBig::File));
    }
    if bytes.starts_with(b"PK\x03\x04") {
        xlsx::rows(bytes)
    } else {
        csv_rows(bytes)
    }
}

/// Finds each named column in the header row by its Chinese name or machine key.
fn columns(header: &[String], wanted: &[(&str, &str, bool)]) -> Result<Vec<Option<usize>>, RowError> {
    wanted
        .iter()
        .map(|(zh, key, required)| {
            let found =
                header.iter().map(|h| clean_name(h)).position(|h| h == *zh || h.eq_ignore_ascii_case(key));
            match found {
                None if *required => Err(RowError {
                    row: 1,
                    column: String::new(),
                    reason: format!("表头缺少“{zh}”列（{key}）"),
                }),
                found => Ok(found),
            }
        })
        .collect()
}

fn csv_rows(bytes: &[u8]) -> Result<Vec<Vec<String>>, RowError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| file_error("CSV 文件不是 UTF-8 编码：请在 Excel 中另存为“CSV UTF-8”"))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut table = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let row = n + 1;
        let record = record.map_err(|e| RowError {
            row,
            column: String::new(),
            reason: format!("无法按 CSV 读取：{e}"),
        })?;
        if row > MAX_ROWS {
            return Err(too_big(TooBig::Rows));
        }
        if record.len() > MAX_COLUMNS {
            return Err(too_big(TooBig::Columns));
        }
        if record.iter().any(|cell| cell.chars().count() > MAX_CELL_CHARS) {
            return Err(RowError { row, column: String::new(), reason: TooBig::Cell.to_string() });
        }
        table.push(record.iter().map(String::from).collect());
    }
    Ok(table)
}
