//! Text from outside: respondents' free text (reasons, suggestions) and the names staff
//! upload. It is feedback and labels for people to read; it is never executed, and every page
//! renders it escaped. Both are NFC-normalised (one spelling per character, so lengths and
//! comparisons mean what they say) and kept free of characters that change how text *looks*
//! without being seen: bidi controls (U+202E turns `txt.exe` into `exe.txt`), zero-width
//! characters, noncharacters, and control characters other than line breaks. Free text with
//! one is refused (the person can retype it); a name from a spreadsheet has them removed
//! (spreadsheets carry them in from pasted web text, and staff could not see what to fix).

use unicode_normalization::UnicodeNormalization;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("is {len} characters long; at most {max} are allowed")]
    TooLong { len: usize, max: usize },
    #[error("contains a control character")]
    ControlCharacter,
    /// A bidi control, a zero-width character or a noncharacter: invisible, and refused.
    #[error("contains the invisible character U+{:04X}", *.0 as u32)]
    Invisible(char),
}

/// What kind of character may not be kept in text from outside, if any.
fn fault(c: char) -> Option<TextError> {
    match c {
        '\n' => None,
        // Bidi embeddings, overrides and isolates, and the directional marks.
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}' => {
            Some(TextError::Invisible(c))
        }
        // Zero-width space, non-joiner, joiner, word joiner, byte-order mark; soft hyphen.
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' => Some(TextError::Invisible(c)),
        // Line and paragraph separators: line breaks to some programs, none to others.
        '\u{2028}' | '\u{2029}' => Some(TextError::Invisible(c)),
        c if is_noncharacter(c) => Some(TextError::Invisible(c)),
        c if c.is_control() => Some(TextError::ControlCharacter),
        _ => None,
    }
}

/// U+FDD0–U+FDEF and the last two code points of every plane.
fn is_noncharacter(c: char) -> bool {
    let n = c as u32;
    (0xFDD0..=0xFDEF).contains(&n) || n & 0xFFFE == 0xFFFE
}

/// Trims the text, normalises it (NFC, line breaks as `\n`) and checks it. `Ok(None)` for
/// text that is empty once trimmed.
pub fn parse_free_text(raw: &str, max_chars: usize) -> Result<Option<String>, TextError> {
    let text: String = raw.trim().replace("\r\n", "\n").replace('\r', "\n").nfc().collect();
    if text.is_empty() {
        return Ok(None);
    }
    if let Some(error) = text.chars().find_map(fault) {
        return Err(error);
    }
    let len = text.chars().count();
    if len > max_chars {
        return Err(TextError::TooLong { len, max: max_chars });
    }
    Ok(Some(text))
}

/// A name as staff wrote it in a campaign file: one line, no character [`parse_free_text`]
/// would refuse. (Normalising it is [`nfc`]'s job.)
pub fn check_name(name: &str) -> Result<(), TextError> {
    match name.chars().find_map(|c| if c == '\n' { Some(TextError::ControlCharacter) } else { fault(c) }) {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

/// `text` in NFC.
pub fn nfc(text: &str) -> String {
    text.nfc().collect()
}

/// A name as staff typed it in a spreadsheet cell, cleaned: what [`parse_free_text`] would
/// refuse is removed (a line break too: a name is one line), the rest NFC and trimmed.
pub fn clean_name(raw: &str) -> String {
    let kept: String = raw.chars().filter(|c| *c != '\n' && fault(*c).is_none()).collect();
    kept.trim().nfc().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_characters_not_bytes() {
        assert_eq!(parse_free_text(" 办事慢 ", 3), Ok(Some("办事慢".into())));
        assert_eq!(parse_free_text("办事太慢", 3), Err(TextError::TooLong { len: 4, max: 3 }));
    }

    #[test]
    fn blank_is_none_and_controls_are_refused() {
        assert_eq!(parse_free_text("  \n ", 3), Ok(None));
        assert_eq!(parse_free_text("a\u{0}b", 3), Err(TextError::ControlCharacter));
        assert_eq!(parse_free_text("a\tb", 3), Err(TextError::ControlCharacter));
        assert_eq!(parse_free_text("a\u{85}b", 3), Err(TextError::ControlCharacter));
    }

    #[test]
    fn invisible_characters_are_refused_by_name() {
        for c in
            ['\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}', '\u{200B}', '\u{200D}', '\u{FEFF}']
                .into_iter()
                .chain([
                    '\u{FFFE}',
                    '\u{FFFF}',
                    '\u{FDD0}',
                    '\u{1FFFF}',
                    '\u{10FFFE}',
                    '\u{2028}',
                    '\u{2029}',
                ])
        {
            assert_eq!(
                parse_free_text(&format!("办{c}事"), 10),
                Err(TextError::Invisible(c)),
                "U+{:04X}",
                c as u32
            );
        }
        assert_eq!(TextError::Invisible('\u{202E}').to_string(), "contains the invisible character U+202E");
    }

    #[test]
    fn text_is_nfc_with_line_breaks_as_lf() {
        // "é" as e + combining acute is one character once composed.
        assert_eq!(parse_free_text("caf\u{65}\u{301}", 4), Ok(Some("caf\u{e9}".into())));
        assert_eq!(parse_free_text("一\r\n二\r三", 9), Ok(Some("一\n二\n三".into())));
    }

    #[test]
    fn names_from_spreadsheets_lose_what_free_text_refuses() {
        assert_eq!(clean_name("\u{200B}城关区\u{202E}\n"), "城关区");
        assert_eq!(clean_name(" 人大\u{FEFF}代表 "), "人大代表");
        assert_eq!(clean_name("e\u{301}"), "\u{e9}");
    }
}
