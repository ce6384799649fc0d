//! Invitation letters to print on A4 from the browser, two to a page: each with its QR code,
//! link and short code. One HTML page; every text in it is escaped.

use crate::domain::Campaign;
use crate::panel::roster::InvitationLine;

/// A letter's QR code could not be drawn (its link is too long for one).
#[derive(Debug, thiserror::Error)]
#[error("a QR code cannot be drawn for an invitation link")]
pub struct LetterError(#[from] qrcode::types::QrError);

/// The page of letters for `lines`; `survey` is the address where a short code can be typed.
pub fn page(campaign: &Campaign, lines: &[InvitationLine], survey: &str) -> Result<String, LetterError> {
    let mut html = format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>邀请函 · {}</title>\
         <link rel=\"stylesheet\" href=\"/assets/letters.css\"></head><body>",
        escape(&campaign.definition.title)
    );
    for line in lines {
        html.push_str(&letter(campaign, line, survey)?);
    }
    html.push_str("</body></html>");
    Ok(html)
}

fn letter(campaign: &Campaign, line: &InvitationLine, survey: &str) -> Result<String, LetterError> {
    let qr = qrcode::QrCode::new(line.url.as_bytes())?
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(180, 180)
        .quiet_zone(true)
        .build();
    Ok(format!(
        "<section class=\"letter\"><h1>{title}</h1><p class=\"to\">尊敬的评议团成员（编号 {member}）：</p>\
         <p>诚邀您参加本年度市级机关社会评议。请用手机扫描右侧二维码，或在浏览器中打开下方链接，对各单位逐一评价。\
         评议匿名进行，系统不记录您的身份与选择之间的任何联系；每份邀请只能提交一次。</p>\
         <div class=\"codes\"><div class=\"qr\">{qr}</div><div><p class=\"label\">邀请码</p><p class=\"code\">{code}</p>\
         <p class=\"label\">也可打开 {survey} 后输入邀请码</p><p class=\"url\">{url}</p></div></div>\
         <p class=\"foot\">{segment} · {district} · 请妥善保管本邀请函，遗失可联系作风办重新发放。</p></section>",
        title = escape(&campaign.definition.title),
        member = escape(&line.member_code),
        code = escape(&line.short_code),
        survey = escape(survey),
        url = escape(&line.url),
        segment = escape(&line.segment),
        district = escape(&line.district),
    ))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
