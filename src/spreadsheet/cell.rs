//! The one rule for text that minping writes into a table someone will open in a spreadsheet
//! (results, invitations, non-responders, feedback): text a spreadsheet would take for a
//! formula is neutralised (OWASP, "CSV injection"). Roster names and free text come from
//! outside; `=HYPERLINK(…)` or `=cmd|…` in an invitation list would run on a staff machine.
//!
//! CSV cells get a leading apostrophe; XLSX cells are string cells already (never formulas)
//! and get Excel's hidden quote prefix, so that editing the cell cannot turn it into one.

use std::borrow::Cow;

/// Characters that start a formula (or a DDE call) in Excel, LibreOffice or Google Sheets,
/// with their full-width forms, which some spreadsheets fold into the ASCII ones.
const STARTS_FORMULA: &[char] = &['=', '+', '-', '@', '＝', '＋', '－', '＠'];
/// Leading characters that are themselves a trigger (a cell starting with them is read past them).
const CONTROL_TRIGGERS: &[char] = &['\t', '\r', '\n'];

/// Whether a spreadsheet could read `text` as a formula: it starts with a trigger, possibly
/// after spaces (ASCII, full-width or non-breaking), or with a tab or a line break.
pub fn is_formula_like(text: &str) -> bool {
    if text.starts_with(CONTROL_TRIGGERS) {
        return true;
    }
    let rest = text.trim_start_matches([' ', '\u{3000}', '\u{a0}']);
    rest.starts_with(STARTS_FORMULA) || (rest.len() != text.len() && rest.starts_with(CONTROL_TRIGGERS))
}

/// `text` as a CSV cell: unchanged unless formula-like, then with a leading apostrophe,
/// which spreadsheets show as text and do not evaluate.
pub fn neutralise(text: &str) -> Cow<'_, str> {
    if is_formula_like(text) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// One CSV record of text cells, each neutralised.
pub fn write_csv_record<W: std::io::Write>(
    csv: &mut csv::Writer<W>,
    cells: impl IntoIterator<Item = impl AsRef<str>>,
) -> Result<(), csv::Error> {
    let cells: Vec<String> = cells.into_iter().map(|cell| neutralise(cell.as_ref()).into_owned()).collect();
    csv.write_record(&cells)
}

/// `text` as a string cell of a worksheet; formula-like text gets the quote prefix (shown
/// as typed, kept text when edited).
pub fn write_xlsx_text<'a>(
    sheet: &'a mut rust_xlsxwriter::Worksheet,
    row: u32,
    col: u16,
    text: &str,
) -> Result<&'a mut rust_xlsxwriter::Worksheet, rust_xlsxwriter::XlsxError> {
    if is_formula_like(text) {
        sheet.write_string_with_format(row, col, text, &rust_xlsxwriter::Format::new().set_quote_prefix())
    } else {
        sheet.write_string(row, col, text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_trigger_is_neutralised_and_plain_text_is_not() {
        // (text, neutralised)
        let cases: &[(&str, bool)] = &[
            ("=HYPERLINK(\"http://x\",\"点此\")", true),
            ("=cmd|' /C calc'!A0", true),
            ("+1+1", true),
            ("-2+3", true),
            ("@SUM(A1)", true),
            ("\t=1", true),
            ("\r=1", true),
            ("\n=1", true),
            ("\nabc", true),
            ("＝1+1", true),
            ("＋1", true),
            ("－1", true),
            ("＠SUM(A1)", true),
            (" =1+1", true),
            ("   +1", true),
            ("\u{3000}=1", true),
            ("\u{a0}@x", true),
            (" \t=1", true),
            ("办事慢", false),
            ("城关区", false),
            ("P0001", false),
            (" 前面有空格", false),
            ("a=b", false),
            ("邮箱 a@b.cn", false),
            ("", false),
            ("https://survey.example.cn/s/2026-city#i=AbCd", false),
            ("ABCD-EFGH", false),
        ];
        for (text, defused) in cases {
            assert_eq!(is_formula_like(text), *defused, "{text:?}");
            let out = neutralise(text);
            if *defused {
                assert_eq!(out, format!("'{text}"), "{text:?}");
            } else {
                assert_eq!(out, *text, "{text:?}");
            }
        }
    }
}
