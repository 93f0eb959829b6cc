//! Numbers written in digits of any of the three sets (ASCII, Arabic-Indic,
//! extended Arabic-Indic), with grouping (`,` `٬`) and decimal (`.` `٫`)
//! separators between digits: one scanner for the entity rules and the
//! translation checks, so both read `١٬٢٠٠` and `1,200` as the same number.

use super::arabic::{digit_value, is_digit};

/// A number found at some byte offset of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Number {
    /// Byte offset just past its last digit.
    pub end: usize,
    /// Its value when it has no decimal part (saturating at `u64::MAX`).
    pub integer: Option<u64>,
}

/// The number starting at byte `start` of `text`, if a digit is there.
/// A separator belongs to the number only when a digit follows it, so the
/// full stop after `2020.` is left out.
pub fn number_at(text: &str, start: usize) -> Option<Number> {
    let first = text[start..].chars().next()?;
    let mut value = u64::from(digit_value(first)?);
    let mut end = start + first.len_utf8();
    let mut integral = true;
    loop {
        let mut rest = text[end..].chars();
        match (rest.next(), rest.next()) {
            (Some(d), _) if is_digit(d) => {
                if integral {
                    let digit = u64::from(digit_value(d).unwrap_or(0));
                    value = value.saturating_mul(10).saturating_add(digit);
                }
                end += d.len_utf8();
            }
            (Some(sep @ ('.' | ',' | '٫' | '٬')), Some(d)) if is_digit(d) => {
                integral = integral && is_grouping(sep);
                end += sep.len_utf8();
            }
            _ => break,
        }
    }
    Some(Number {
        end,
        integer: integral.then_some(value),
    })
}

fn is_grouping(separator: char) -> bool {
    matches!(separator, ',' | '٬')
}

/// The value of a number's text as ASCII digits: grouping dropped, the
/// decimal separator as `.`, leading zeros and trailing decimal zeros
/// trimmed, so equal values give equal strings (`٠٩` and `9`, `٣٫٥٠` and `3.5`).
pub fn canonical_value(number: &str) -> String {
    let mut digits = String::with_capacity(number.len());
    for c in number.chars() {
        match digit_value(c) {
            Some(v) => digits.push(char::from(b'0' + v as u8)),
            None if !is_grouping(c) => digits.push('.'),
            None => {}
        }
    }
    let (integral, fraction) = digits.split_once('.').unwrap_or((&digits, ""));
    let integral = integral.trim_start_matches('0');
    let fraction = fraction.trim_end_matches('0');
    let integral = if integral.is_empty() { "0" } else { integral };
    if fraction.is_empty() {
        integral.to_string()
    } else {
        format!("{integral}.{fraction}")
    }
}

/// The canonical values of every number in `text`, in order.
pub fn values(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut at = 0;
    while let Some((offset, _)) = text[at..].char_indices().find(|&(_, c)| is_digit(c)) {
        let start = at + offset;
        let number = number_at(text, start).expect("a digit starts a number");
        found.push(canonical_value(&text[start..number.end]));
        at = number.end;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_digit_sets_and_both_separator_sets_give_one_value() {
        assert_eq!(values("١٬٢٠٠ و۳٫٥٠٪ و٠٩"), ["1200", "3.5", "9"]);
        assert_eq!(
            values("1,200 and 3.5% on 9 May 2020."),
            ["1200", "3.5", "9", "2020"]
        );
    }

    #[test]
    fn a_separator_without_a_digit_after_it_ends_the_number() {
        let text = "عام 2020، ثم 2021.";
        assert_eq!(values(text), ["2020", "2021"]);
        let at = text.find('2').unwrap();
        assert_eq!(number_at(text, at).unwrap().end, at + 4);
    }

    #[test]
    fn only_numbers_without_a_decimal_part_have_an_integer_value() {
        assert_eq!(number_at("1,200", 0).unwrap().integer, Some(1200));
        assert_eq!(number_at("3.5", 0).unwrap().integer, None);
        assert_eq!(number_at("x", 0), None);
    }
}
