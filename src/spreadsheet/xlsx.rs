//! The first sheet of an XLSX, read cell by cell. The sheet's declared dimension is never
//! trusted: a 1.7 KB file that declares (or places a single cell at) row 1,048,576 and
//! column XFD made the whole-range reader allocate hundreds of GiB and abort the server.
//! Here each cell's position is checked against the limits before a row is made for it.

use std::io::Cursor;

use calamine::{Data, Reader};

use super::limits::{check_zip, TooBig, ZipCheck, MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROWS};
use super::RowError;

pub fn rows(bytes: &[u8]) -> Result<Vec<Vec<String>>, RowError> {
    let unreadable = |e: String| super::file_error(format!("无法读取 XLSX 文件：{e}"));
    check_zip(Cursor::new(bytes)).map_err(|e| match e {
        ZipCheck::TooBig(why) => super::file_error(why.to_string()),
        ZipCheck::Unreadable(e) => unreadable(e),
    })?;
    let mut book = calamine::Xlsx::new(Cursor::new(bytes)).map_err(|e| unreadable(e.to_string()))?;
    let first = book.sheet_names().first().cloned().ok_or_else(|| unreadable("其中没有工作表".into()))?;
    let mut cells = book.worksheet_cells_reader(&first).map_err(|e| unreadable(e.to_string()))?;
    let mut table: Vec<Vec<String>> = Vec::new();
    while let Some(cell) = cells.next_cell().map_err(|e| unreadable(e.to_string()))? {
        let (row, column) = cell.get_position();
        let text = text_of(Data::from(cell.get_value().clone()));
        if text.is_empty() {
            continue; // formatted but empty cells may sit anywhere, and say nothing
        }
        let (row, column) = (row as usize, column as usize);
        if row >= MAX_ROWS {
            return Err(super::too_big(TooBig::Rows));
        }
        if column >= MAX_COLUMNS {
            return Err(super::too_big(TooBig::Columns));
        }
        if text.chars().count() > MAX_CELL_CHARS {
            return Err(RowError { row: row + 1, column: String::new(), reason: TooBig::Cell.to_string() });
        }
        if table.len() <= row {
            table.resize_with(row + 1, Vec::new);
        }
        let cells = &mut table[row];
        if cells.len() <= column {
            cells.resize_with(column + 1, String::new);
        }
        cells[column] = text;
    }
    Ok(table)
}

fn text_of(value: Data) -> String {
    match value {
        // Codes and phone numbers typed as numbers come back as floats.
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book(cells: &[(u32, u16, &str)]) -> Vec<u8> {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (row, col, text) in cells {
            sheet.write_string(*row, *col, *text).unwrap();
        }
        book.save_to_buffer().unwrap()
    }

    #[test]
    fn a_cell_at_the_far_corner_is_refused_without_allocating_the_sheet() {
        // The whole-range reader made this a 512 GiB allocation and an abort.
        let far = book(&[(0, 0, "成员编号"), (1_048_575, 16_383, "x")]);
        assert!(far.len() < 8 * 1024, "{} bytes", far.len());
        let error = rows(&far).unwrap_err();
        assert_eq!(error.reason, TooBig::Rows.to_string());
        let wide = book(&[(0, 0, "成员编号"), (1, 16_383, "x")]);
        assert_eq!(rows(&wide).unwrap_err().reason, TooBig::Columns.to_string());
    }

    #[test]
    fn an_ordinary_sheet_reads_as_rows_and_a_long_cell_is_refused() {
        let ok = book(&[(0, 0, "a"), (0, 2, "c"), (2, 1, "x")]);
        let table = rows(&ok).unwrap();
        assert_eq!(table[0], ["a", "", "c"]);
        assert!(table[1].is_empty());
        assert_eq!(table[2], ["", "x"]);
        let long = "长".repeat(MAX_CELL_CHARS + 1);
        let error = rows(&book(&[(0, 0, "a"), (3, 0, &long)])).unwrap_err();
        assert_eq!((error.row, error.reason), (4, TooBig::Cell.to_string()));
    }
}
