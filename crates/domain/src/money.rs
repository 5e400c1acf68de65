//! Amounts as people read them, in the timeline and (later) reports and invoices.

/// `150000, "SAR"` → `"SAR 1,500.00"`. Every currency we price in has two minor digits.
pub fn format(amount_minor: u32, currency: &str) -> String {
    let major = amount_minor / 100;
    let minor = amount_minor % 100;
    let digits = major.to_string();
    let mut grouped = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("{currency} {grouped}.{minor:02}")
}

#[cfg(test)]
mod tests {
    use super::format as money;

    #[test]
    fn groups_thousands_and_keeps_two_minor_digits() {
        assert_eq!(money(150_000, "SAR"), "SAR 1,500.00");
        assert_eq!(money(5, "SAR"), "SAR 0.05");
        assert_eq!(money(123_456_789, "USD"), "USD 1,234,567.89");
    }
}
