//! Tables that staff upload: CSV (UTF-8, with or without BOM) or XLSX (the first sheet),
//! read into rows of text, with faults reported by row and column.

use serde::Serialize;

/// What is wrong with one cell of an upload: its spreadsheet row (the header is row 1) and column.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowError {
    pub row: usize,
    pub column: String,
    pub reason: String,
}

/// One data row of an upload: its spreadsheet row number and, for each wanted column in
/// order, the cell's trimmed text ("" when the column is optional and absent).
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub row: usize,
    pub cells: Vec<String>,
}

/// A fault of the file as a whole, reported at its header row.
pub fn whole_file(reason: impl Into<String>) -> Vec<RowError> {
    vec![RowError { row: 1, column: String::new(), reason: reason.into() }]
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
                .map(|i| i.and_then(|c| cells.get(c)).map(|s| s.trim().to_owned()).unwrap_or_default())
                .collect(),
        })
        .collect())
}

/// The rows of an uploaded table, as text; XLSX is told from CSV by its zip signature.
fn read(bytes: &[u8]) -> Result<Vec<Vec<String>>, RowError> {
    if bytes.starts_with(b"PK\x03\x04") {
        xlsx_rows(bytes)
    } else {
        csv_rows(bytes)
    }
}

/// Finds each named column in the header row by its Chinese name or machine key.
fn columns(header: &[String], wanted: &[(&str, &str, bool)]) -> Result<Vec<Option<usize>>, RowError> {
    wanted
        .iter()
        .map(|(zh, key, required)| {
            let found = header.iter().position(|h| h.trim() == *zh || h.trim().eq_ignore_ascii_case(key));
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
    let text = std::str::from_utf8(bytes).map_err(|_| RowError {
        row: 1,
        column: String::new(),
        reason: "CSV 文件不是 UTF-8 编码：请在 Excel 中另存为“CSV UTF-8”".into(),
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    reader
        .records()
        .enumerate()
        .map(|(n, r)| {
            r.map(|r| r.iter().map(String::from).collect()).map_err(|e| RowError {
                row: n + 1,
                column: String::new(),
                reason: format!("无法按 CSV 读取：{e}"),
            })
        })
        .collect()
}

fn xlsx_rows(bytes: &[u8]) -> Result<Vec<Vec<String>>, RowError> {
    use calamine::{Data, Reader};
    let unreadable =
        |e: String| RowError {
            row: 1, column: String::new(), reason: format!("无法读取 XLSX 文件：{e}")
        };
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| unreadable(e.to_string()))?;
    let range = (book.worksheet_range_at(0))
        .ok_or_else(|| unreadable("其中没有工作表".into()))?
        .map_err(|e| unreadable(e.to_string()))?;
    Ok(range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    // Codes and phone numbers typed as numbers come back as floats.
                    Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect())
}
