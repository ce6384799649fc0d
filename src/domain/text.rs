//! Free text from respondents (reasons, suggestions): bounded, printable, stored as typed.
//! It is feedback for people to read; it is never executed, and every page renders it escaped.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("is {len} characters long; at most {max} are allowed")]
    TooLong { len: usize, max: usize },
    #[error("contains a control character")]
    ControlCharacter,
}

/// Trims the text and checks it. `Ok(None)` for text that is empty once trimmed.
pub fn parse_free_text(raw: &str, max_chars: usize) -> Result<Option<String>, TextError> {
    let text = raw.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r') {
        return Err(TextError::ControlCharacter);
    }
    let len = text.chars().count();
    if len > max_chars {
        return Err(TextError::TooLong { len, max: max_chars });
    }
    Ok(Some(text.to_owned()))
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
    }
}
