//! Parsing free text at the edge: trimmed, non-empty where required, bounded in length.

use crate::refusal::{Refusal, RefusalCode};

/// Trims `value` and checks it is non-empty and at most `max` characters.
pub fn required(field: &str, label: &str, value: &str, max: usize) -> Result<String, Refusal> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Refusal::field(
            RefusalCode::InvalidInput,
            field,
            format!("{label} is required."),
        ));
    }
    bounded(field, label, v, max)
}

/// Trims `value`; empty becomes `None`; at most `max` characters.
pub fn optional(
    field: &str,
    label: &str,
    value: Option<&str>,
    max: usize,
) -> Result<Option<String>, Refusal> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => bounded(field, label, v, max).map(Some),
    }
}

/// Trims `value` and checks only its length (it may be empty, e.g. in a draft).
pub fn bounded(field: &str, label: &str, value: &str, max: usize) -> Result<String, Refusal> {
    let v = value.trim();
    let n = v.chars().count();
    if n > max {
        return Err(Refusal::field(
            RefusalCode::InvalidInput,
            field,
            format!("{label} is too long ({n} characters; at most {max})."),
        ));
    }
    if v.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
    {
        return Err(Refusal::field(
            RefusalCode::InvalidInput,
            field,
            format!("{label} contains control characters."),
        ));
    }
    Ok(v.to_string())
}

/// A reason given for a refusal-type action (reject, decline, cancel by admin).
pub fn reason(value: Option<&str>) -> Result<Option<String>, Refusal> {
    optional("reason", "The reason", value, crate::limits::REASON)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_trims_and_bounds() {
        assert_eq!(required("f", "Name", "  Ada  ", 10).unwrap(), "Ada");
        let empty = required("f", "Name", "   ", 10).unwrap_err();
        assert_eq!(empty.code, RefusalCode::InvalidInput, "blank is not a name");
        assert_eq!(empty.field.as_deref(), Some("f"));
        let long = required("f", "Name", &"x".repeat(11), 10).unwrap_err();
        assert!(long.message.contains("too long"), "{}", long.message);
        // Length counts characters, not bytes: Arabic names must fit the same limit.
        assert!(required("f", "Name", &"ع".repeat(10), 10).is_ok());
    }

    #[test]
    fn optional_maps_blank_to_none_and_rejects_controls() {
        assert_eq!(optional("f", "X", Some("  "), 5).unwrap(), None);
        assert_eq!(optional("f", "X", None, 5).unwrap(), None);
        assert!(optional("f", "X", Some("a\u{0}b"), 5).is_err());
    }
}
