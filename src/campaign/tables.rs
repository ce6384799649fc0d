//! Results as tables: CSV (UTF-8 with BOM, for Excel on Chinese Windows), XLSX (a sheet per
//! category, the counts, the formula with the fingerprint, the feedback) and JSON (stable
//! machine keys, for the main evaluation system). Headers are in Chinese.

use std::io::Write;

use rust_xlsxwriter::{Format, Workbook, Worksheet};

use crate::campaign::results::Report;
use crate::domain::Campaign;
use crate::scoring::{disclose, UnitResult};
use crate::spreadsheet::cell::{neutralise, write_xlsx_text};
use crate::store::{Store, StoreError};

/// Why a table could not be made: reading the feedback, or writing the file.
#[derive(Debug, thiserror::Error)]
pub enum TableError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Csv(#[from] csv::Error),
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    #[error(transparent)]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}

/// The document as it is: every figure with its machine key.
pub fn write_json(report: &Report, out: &mut dyn Write) -> Result<(), TableError> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    writeln!(out)?;
    Ok(())
}

/// One row per unit, in campaign order.
pub fn write_csv(report: &Report, out: &mut dyn Write) -> Result<(), TableError> {
    out.write_all("\u{feff}".as_bytes())?;
    let mut csv = csv::Writer::from_writer(out);
    let columns = Columns::of(report);
    csv.write_record(columns.headers())?;
    for unit in &report.results.units {
        // Figures are written as they are (a negative one is a number, not a formula).
        csv.write_record(columns.row(report, unit).iter().map(|cell| match cell {
            Cell::Text(text) => neutralise(text).into_owned(),
            Cell::Figure(figure) => figure.clone(),
        }))?;
    }
    csv.flush()?;
    Ok(())
}

/// A reason or suggestion, for the feedback sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedbackRow {
    /// The unit a reason is about; `None` for a ballot's overall suggestion.
    pub unit: Option<(String, String)>,
    pub text: String,
}

/// Every reason (per unit, in campaign order) and every suggestion of a campaign.
pub async fn collect_feedback(
    store: &dyn Store,
    campaign: &Campaign,
) -> Result<Vec<FeedbackRow>, TableError> {
    let mut reasons: Vec<Vec<String>> = vec![Vec::new(); campaign.units.len()];
    let mut suggestions = Vec::new();
    store
        .for_each_feedback(campaign.id, &mut |feedback| {
            if let Some(json) = feedback.reasons {
                let map: std::collections::BTreeMap<String, String> = serde_json::from_str(&json)?;
                for (code, text) in map {
                    if let Some(i) = campaign.unit_index(&code) {
                        reasons[i].push(text);
                    }
                }
            }
            suggestions.extend(feedback.suggestion);
            Ok(())
        })
        .await?;
    let mut rows: Vec<FeedbackRow> = (campaign.units.iter().zip(reasons))
        .flat_map(|(unit, texts)| {
            texts
                .into_iter()
                .map(|text| FeedbackRow { unit: Some((unit.code.clone(), unit.name.clone())), text })
        })
        .collect();
    rows.extend(suggestions.into_iter().map(|text| FeedbackRow { unit: None, text }));
    Ok(rows)
}

/// The workbook: a results sheet per category, the counts, the formula and fingerprint, and
/// the feedback. Every text is written as a string cell, never as a formula.
pub fn write_xlsx(report: &Report, feedback: &[FeedbackRow], out: &mut dyn Write) -> Result<(), TableError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let columns = Columns::of(report);
    for category in &report.results.categories {
        let sheet = book.add_worksheet().set_name(sheet_name(&format!("结果-{}", category.name)))?;
        write_header(sheet, &columns.headers(), &bold)?;
        let units = report.results.units.iter().filter(|u| u.category == category.code);
        for (r, unit) in units.enumerate() {
            for (c, cell) in columns.row(report, unit).iter().enumerate() {
                write_cell(sheet, r as u32 + 1, c as u16, cell)?;
            }
        }
        sheet.autofit();
    }

    let sheet = book.add_worksheet().set_name("计票明细")?;
    write_header(sheet, &["单位代码", "单位名称", "评议主体", "选项", "计入票数", "可疑票数"], &bold)?;
    let mut r = 1;
    for unit in &report.results.units {
        for (class, options) in &unit.counts {
            for (option, count) in options {
                // A flagged count under k is hidden (docs/ANONYMITY.md): an empty cell, not 0.
                let flagged = match unit.counts_flagged.get(class) {
                    Some(o) => o.get(option).copied().unwrap_or(0).to_string(),
                    None if unit.hidden.contains(&disclose::flagged(class)) => String::new(),
                    None => "0".into(),
                };
                let cells = [
                    Cell::Text(unit.code.clone()),
                    Cell::Text(unit.name.clone()),
                    Cell::Text(class_label(class)),
                    Cell::Text(report.option_label(option)),
                    Cell::Figure(count.to_string()),
                    Cell::Figure(flagged),
                ];
                for (c, cell) in cells.iter().enumerate() {
                    write_cell(sheet, r, c as u16, cell)?;
                }
                r += 1;
            }
        }
    }
    sheet.autofit();

    let sheet = book.add_worksheet().set_name("计分规则")?;
    write_header(sheet, &["项目", "内容"], &bold)?;
    let formula = serde_json::to_value(&report.formula)?;
    let mut rows = vec![
        ("评议活动".to_owned(), format!("{}（{}）", report.title, report.campaign)),
        (
            "结果状态".to_owned(),
            if report.status == "final" {
                "最终结果（已封存）".into()
            } else {
                "临时结果（评议进行中）".into()
            },
        ),
        ("计入选票数".to_owned(), report.ballots.to_string()),
        (
            "数字指纹 (SHA-256)".to_owned(),
            report.fingerprint.clone().unwrap_or_else(|| "评议结束封存后生成".into()),
        ),
    ];
    for (key, value) in formula.as_object().into_iter().flatten() {
        rows.push((format!("formula.{key}"), value.to_string()));
    }
    for (r, (key, value)) in rows.iter().enumerate() {
        write_xlsx_text(sheet, r as u32 + 1, 0, key)?;
        write_xlsx_text(sheet, r as u32 + 1, 1, value)?;
    }
    sheet.autofit();

    let sheet = book.add_worksheet().set_name("意见建议")?;
    write_header(sheet, &["单位代码", "单位名称", "类型", "内容"], &bold)?;
    for (r, row) in feedback.iter().enumerate() {
        let r = r as u32 + 1;
        let (code, name, kind) = match &row.unit {
            Some((code, name)) => (code.as_str(), name.as_str(), "不满意原因"),
            None => ("", "", "意见建议"),
        };
        write_xlsx_text(sheet, r, 0, code)?;
        write_xlsx_text(sheet, r, 1, name)?;
        write_xlsx_text(sheet, r, 2, kind)?;
        write_xlsx_text(sheet, r, 3, &row.text)?;
    }

    out.write_all(&book.save_to_buffer()?)?;
    Ok(())
}

enum Cell {
    Text(String),
    /// A figure as published (fixed decimals); written as a number in XLSX.
    Figure(String),
}

fn write_header(sheet: &mut Worksheet, headers: &[impl AsRef<str>], bold: &Format) -> Result<(), TableError> {
    for (c, header) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, header.as_ref(), bold)?;
    }
    Ok(())
}

fn write_cell(sheet: &mut Worksheet, row: u32, col: u16, cell: &Cell) -> Result<(), TableError> {
    match cell {
        Cell::Text(text) => write_xlsx_text(sheet, row, col, text)?,
        Cell::Figure(figure) if figure.is_empty() => sheet.write_string(row, col, "")?,
        Cell::Figure(figure) => match figure.parse::<f64>() {
            // Published figures have at most a few decimals: an f64 holds them exactly enough
            // to display as published; the exact text stays in the CSV and JSON.
            Ok(n) => sheet.write_number(row, col, n)?,
            Err(_) => sheet.write_string(row, col, figure)?,
        },
    };
    Ok(())
}

/// Excel's sheet names: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(name: &str) -> String {
    name.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect()
}

/// The columns of the per-unit table: fixed ones, then a score and counts per class.
struct Columns {
    classes: Vec<String>,
    /// Option codes with their labels.
    options: Vec<(String, String)>,
}

impl Columns {
    fn of(report: &Report) -> Self {
        let mut classes: Vec<String> =
            report.results.units.iter().flat_map(|u| u.class_scores.keys().cloned()).collect();
        classes.sort();
        classes.dedup();
        Self { classes, options: report.scale.iter().map(|o| (o.code.clone(), o.label.clone())).collect() }
    }

    fn headers(&self) -> Vec<String> {
        let mut headers: Vec<String> = [
            "类别代码",
            "类别",
            "单位代码",
            "单位名称",
            "有效票数",
            "满意票数",
            "满意率",
            "满意率95%下限",
            "满意率95%上限",
        ]
        .map(String::from)
        .to_vec();
        headers.extend(self.classes.iter().map(|c| format!("{}得分", class_label(c))));
        headers.extend(["综合得分", "折算分值", "类内排名", "说明"].map(String::from));
        for class in &self.classes {
            headers.extend(self.options.iter().map(|(_, label)| format!("{}·{label}", class_label(class))));
        }
        headers
    }

    fn row(&self, report: &Report, unit: &UnitResult) -> Vec<Cell> {
        let figure = |v: &Option<String>| Cell::Figure(v.clone().unwrap_or_default());
        // Figures of a group under k are left empty (docs/ANONYMITY.md); 说明 says why.
        let totals_hidden = unit.hidden.iter().any(|h| h == disclose::TOTALS);
        let total = |n: u64| Cell::Figure(if totals_hidden { String::new() } else { n.to_string() });
        let mut notes: Vec<String> = unit.flags.iter().map(|f| flag_label(f)).collect();
        if !unit.hidden.is_empty() {
            notes.push(format!("部分数字不足{}张，不显示", report.anonymity_threshold));
        }
        let category_name = (report.results.categories.iter())
            .find(|c| c.code == unit.category)
            .map(|c| c.name.clone())
            .unwrap_or_default();
        let mut cells = vec![
            Cell::Text(unit.category.clone()),
            Cell::Text(category_name),
            Cell::Text(unit.code.clone()),
            Cell::Text(unit.name.clone()),
            total(unit.valid_n),
            total(unit.satisfied_n),
            figure(&unit.satisfaction_rate),
            figure(&unit.wilson_low),
            figure(&unit.wilson_high),
        ];
        cells.extend(self.classes.iter().map(|c| figure(&unit.class_scores.get(c).cloned().flatten())));
        cells.extend([
            figure(&unit.unit_score),
            figure(&unit.score_component),
            Cell::Figure(unit.rank.map(|r| r.to_string()).unwrap_or_default()),
            Cell::Text(notes.join("；")),
        ]);
        for class in &self.classes {
            for (option, _) in &self.options {
                let n = match unit.counts.get(class) {
                    Some(o) => o.get(option).copied().unwrap_or(0).to_string(),
                    None if unit.hidden.contains(&disclose::class(class)) => String::new(),
                    None => "0".into(),
                };
                cells.push(Cell::Figure(n));
            }
        }
        cells
    }
}

/// Respondent classes as staff call them.
pub fn class_label(class: &str) -> String {
    match class {
        "panel" => "评议团".into(),
        "public" => "社会公众".into(),
        "device" => "社会公众（设备）".into(),
        other => other.into(),
    }
}

/// A flag in plain Chinese.
pub fn flag_label(flag: &str) -> String {
    let (kind, about) = flag.split_once(':').unwrap_or((flag, ""));
    match kind {
        "no_valid_ballots" => "无有效票".into(),
        "class_missing" => format!("缺少{}有效票", class_label(about)),
        "class_unweighted" => format!("{}未设权重，不计分", class_label(about)),
        "class_insufficient" => format!("{}有效票不足，未计入", class_label(about)),
        "segment_missing" => format!("缺少界别“{about}”有效票"),
        "segment_insufficient" => format!("界别“{about}”有效票不足，未计入"),
        "segment_unweighted" => format!("界别“{about}”未设权重"),
        "flagged_ballots_excluded" => "可疑票未计入".into(),
        "below_minimum" => "有效票不足，不排名".into(),
        "not_ranked" => "只评不排".into(),
        "indistinguishable_from_neighbour" => "与相邻名次差异不显著".into(),
        _ => flag.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_read_in_chinese() {
        assert_eq!(flag_label("class_missing:public"), "缺少社会公众有效票");
        assert_eq!(flag_label("below_minimum"), "有效票不足，不排名");
        assert_eq!(flag_label("class_insufficient:public"), "社会公众有效票不足，未计入");
    }

    #[test]
    fn sheet_names_fit_excel() {
        assert_eq!(sheet_name("结果-a/b[c]"), "结果-abc");
        assert_eq!(sheet_name(&"长".repeat(40)).chars().count(), 31);
    }
}
