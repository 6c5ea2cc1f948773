//! The Python that PyYAML's constructors call, as CPython 3.11 (kolla-ansible
//! 22's Ansible) runs it: `int(text, base)`, `float(text)`, `str()` of an
//! int, a float, a date and a datetime, `datetime`'s range checks, and
//! `base64.decodebytes` (binascii's lenient `a2b_base64`).
//!
//! Each conversion answers `Err(reason)` where Python raises (the reason
//! never holds the text), `Ok(None)` where the answer cannot be told here
//! (a digit outside ASCII, which Python maps through its Unicode tables),
//! and `Ok(Some(value))` otherwise.

use zeroize::Zeroizing;

/// What a conversion gives: the value, `None` when it cannot be told here,
/// or Python's reason for raising.
pub(super) type Converted<T> = Result<Option<T>, String>;

/// Python's `str.isspace`: Unicode White_Space, and the four ASCII
/// separators (`\x1c`..`\x1f`) that Python counts as space too.
fn is_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

/// The digit limit of `int()` and `str()` for bases that are not powers of
/// two (`sys.int_info.default_max_str_digits`).
const MAX_STR_DIGITS: usize = 4300;

/// How CPython reads a number's text before parsing it
/// (`_PyUnicode_TransformDecimalAndSpaceToASCII`): every space becomes a
/// space, every decimal digit its ASCII digit; any other character outside
/// ASCII makes the text invalid. `Ok(None)`: a character outside ASCII
/// that may be a decimal digit, which only Python's tables tell.
fn ascii_form(text: &str, what: &str) -> Converted<String> {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
        } else if is_space(c) {
            out.push(' ');
        } else if c.is_numeric() {
            return Ok(None);
        } else {
            return Err(what.to_owned());
        }
    }
    Ok(Some(out))
}

/// A Python int: its sign and its decimal digits (no leading zeros; `0`
/// is never negative).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct PyInt {
    negative: bool,
    digits: String,
}

impl PyInt {
    fn new(negative: bool, digits: String) -> Self {
        let digits = match digits.trim_start_matches('0') {
            "" => "0".to_owned(),
            d => d.to_owned(),
        };
        Self {
            negative: negative && digits != "0",
            digits,
        }
    }

    /// Zero.
    pub(super) fn zero() -> Self {
        Self::new(false, "0".into())
    }

    /// `self * -1` when `negative`.
    pub(super) fn signed(self, negative: bool) -> Self {
        Self::new(self.negative != negative, self.digits)
    }

    /// Python's `str()`; `None` beyond the digit limit (where `str()`
    /// raises, and Jinja's rendering fails).
    pub(super) fn to_str(&self) -> Option<String> {
        (self.digits.len() <= MAX_STR_DIGITS).then(|| {
            if self.negative {
                format!("-{}", self.digits)
            } else {
                self.digits.clone()
            }
        })
    }

    fn to_i128(&self) -> Option<i128> {
        let magnitude: i128 = self.digits.parse().ok()?;
        Some(if self.negative { -magnitude } else { magnitude })
    }

    fn from_i128(value: i128) -> Self {
        Self::new(value < 0, value.unsigned_abs().to_string())
    }

    /// The sum of `parts`, each worth 60 times the next: PyYAML's
    /// sexagesimal integers (`1:20` is 80). `None` beyond 128 bits.
    pub(super) fn sexagesimal(parts: &[PyInt]) -> Option<Self> {
        let mut value: i128 = 0;
        for part in parts {
            value = value.checked_mul(60)?.checked_add(part.to_i128()?)?;
        }
        Some(Self::from_i128(value))
    }
}

/// Digits in `base` (2, 8, 10 or 16, validated) to decimal.
fn to_decimal(digits: &str, base: u32) -> String {
    if base == 10 {
        return digits.to_owned();
    }
    // Little-endian limbs of 10^9.
    const LIMB: u64 = 1_000_000_000;
    let mut limbs: Vec<u64> = vec![0];
    for d in digits.chars().filter_map(|c| c.to_digit(base)) {
        let mut carry = u64::from(d);
        for limb in &mut limbs {
            let v = *limb * u64::from(base) + carry;
            *limb = v % LIMB;
            carry = v / LIMB;
        }
        if carry > 0 {
            limbs.push(carry);
        }
    }
    let mut out = limbs.last().map(u64::to_string).unwrap_or_default();
    for limb in limbs.iter().rev().skip(1) {
        out.push_str(&format!("{limb:09}"));
    }
    out
}

/// Python's `int(text, base)` for base 2, 8, 10 or 16 (`PyLong_FromString`):
/// surrounding spaces, a sign, the base's own prefix (`0x` for 16, `0o` for
/// 8, `0b` for 2), then at least one digit of the base.
pub(super) fn int(text: &str, base: u32) -> Converted<PyInt> {
    let invalid = format!("invalid literal for int() with base {base}");
    let Some(ascii) = ascii_form(text, &invalid)? else {
        return Ok(None);
    };
    let t = ascii.trim_matches(is_space);
    let (negative, t) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let prefix = match base {
        16 => Some("0x"),
        8 => Some("0o"),
        2 => Some("0b"),
        _ => None,
    };
    let t = match prefix {
        Some(p) if t.len() >= 2 && t[..2].eq_ignore_ascii_case(p) => &t[2..],
        _ => t,
    };
    if t.is_empty() || !t.chars().all(|c| c.is_digit(base)) {
        return Err(invalid);
    }
    if base == 10 && t.len() > MAX_STR_DIGITS {
        return Err(format!(
            "Exceeds the limit ({MAX_STR_DIGITS} digits) for integer string conversion: value \
             has {} digits; use sys.set_int_max_str_digits() to increase the limit",
            t.len()
        ));
    }
    Ok(Some(PyInt::new(negative, to_decimal(t, base))))
}

/// Python's `float(text)`: surrounding spaces, then a decimal number with
/// an optional exponent, or `inf`, `infinity`, `nan` in any case, each with
/// an optional sign.
pub(super) fn float(text: &str) -> Converted<f64> {
    let invalid = "could not convert string to float";
    let Some(ascii) = ascii_form(text, invalid)? else {
        return Ok(None);
    };
    let t = ascii.trim_matches(is_space);
    let unsigned = t.strip_prefix(['+', '-']).unwrap_or(t);
    let word = unsigned.to_ascii_lowercase();
    let numeric = unsigned.bytes().any(|b| b.is_ascii_digit())
        && unsigned
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'));
    if !(numeric || matches!(word.as_str(), "inf" | "infinity" | "nan")) {
        return Err(invalid.to_owned());
    }
    // Rust's grammar is Python's for these characters; it rounds the same
    // (correctly).
    t.parse::<f64>().map(Some).map_err(|_| invalid.to_owned())
}

/// Python's `repr`/`str` of a float: the shortest digits that read back,
/// positional from 1e-4 to below 1e16, else scientific (`1e+16`).
pub(super) fn float_str(value: f64) -> String {
    if value.is_nan() {
        return "nan".to_owned();
    }
    if value.is_infinite() {
        return if value > 0.0 { "inf" } else { "-inf" }.to_owned();
    }
    let magnitude = value.abs();
    if magnitude == 0.0 || (1e-4..1e16).contains(&magnitude) {
        let text = format!("{value}");
        return if text.contains('.') {
            text
        } else {
            format!("{text}.0")
        };
    }
    // Rust: `1e16`, `1.5e-5`; Python: `1e+16`, `1.5e-05`.
    let text = format!("{value:e}");
    let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
    let (sign, digits) = match exponent.strip_prefix('-') {
        Some(d) => ('-', d),
        None => ('+', exponent),
    };
    format!("{mantissa}e{sign}{digits:0>2}")
}

/// A date, or a date and time, as `datetime` holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct DateTime {
    pub(super) year: u32,
    pub(super) month: u32,
    pub(super) day: u32,
    /// Hour, minute, second, microsecond, and the UTC offset in minutes
    /// when one is given: `None` for a date alone.
    pub(super) time: Option<(u32, u32, u32, u32, Option<i32>)>,
}

impl DateTime {
    /// `datetime.date(...)` or `datetime.datetime(...)`: Python's range
    /// checks, in its order, with its messages; the offset as
    /// `datetime.timezone` takes it.
    pub(super) fn checked(self) -> Result<Self, String> {
        if !(1..=9999).contains(&self.year) {
            return Err(format!("year {} is out of range", self.year));
        }
        if !(1..=12).contains(&self.month) {
            return Err("month must be in 1..12".into());
        }
        let leap = self.year.is_multiple_of(4)
            && (!self.year.is_multiple_of(100) || self.year.is_multiple_of(400));
        let days = match self.month {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        if !(1..=days).contains(&self.day) {
            return Err("day is out of range for month".into());
        }
        if let Some((hour, minute, second, _, offset)) = self.time {
            if hour > 23 {
                return Err("hour must be in 0..23".into());
            }
            if minute > 59 {
                return Err("minute must be in 0..59".into());
            }
            if second > 59 {
                return Err("second must be in 0..59".into());
            }
            if offset.is_some_and(|m| m.abs() >= 24 * 60) {
                return Err("offset must be a timedelta strictly between \
                            -timedelta(hours=24) and timedelta(hours=24)"
                    .into());
            }
        }
        Ok(self)
    }

    /// Python's `str()`: `2001-12-14`, `2001-12-14 21:59:43.100000-05:00`.
    pub(super) fn to_str(&self) -> String {
        let date = format!("{:04}-{:02}-{:02}", self.year, self.month, self.day);
        let Some((hour, minute, second, micro, offset)) = self.time else {
            return date;
        };
        let mut out = format!("{date} {hour:02}:{minute:02}:{second:02}");
        if micro > 0 {
            out.push_str(&format!(".{micro:06}"));
        }
        if let Some(m) = offset {
            let sign = if m < 0 { '-' } else { '+' };
            out.push_str(&format!("{sign}{:02}:{:02}", m.abs() / 60, m.abs() % 60));
        }
        out
    }
}

/// `base64.decodebytes` (`binascii.a2b_base64`, not strict): characters
/// outside the alphabet are skipped, a pad ends the data once two
/// characters of a quad are in, and a quad left unfinished is an error.
pub(super) fn b64decode(text: &[u8]) -> Result<Zeroizing<Vec<u8>>, String> {
    let value = |c: u8| -> Option<u32> {
        Some(u32::from(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        }))
    };
    let mut out = Zeroizing::new(Vec::with_capacity(text.len() / 4 * 3));
    let (mut quad_pos, mut left, mut pads) = (0u32, 0u32, 0u32);
    for &c in text {
        if c == b'=' {
            if quad_pos >= 2 {
                pads += 1;
                if quad_pos + pads >= 4 {
                    return Ok(out);
                }
            }
            continue;
        }
        let Some(v) = value(c) else { continue };
        pads = 0;
        match quad_pos {
            0 => {
                left = v;
                quad_pos = 1;
            }
            1 => {
                out.push(((left << 2) | (v >> 4)) as u8);
                left = v & 0x0f;
                quad_pos = 2;
            }
            2 => {
                out.push(((left << 4) | (v >> 2)) as u8);
                left = v & 0x03;
                quad_pos = 3;
            }
            _ => {
                out.push(((left << 6) | v) as u8);
                left = 0;
                quad_pos = 0;
            }
        }
    }
    match quad_pos {
        0 => Ok(out),
        1 => Err(format!(
            "Invalid base64-encoded string: number of data characters ({}) cannot be 1 more \
             than a multiple of 4",
            out.len() / 3 * 4 + 1
        )),
        _ => Err("Incorrect padding".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int_str(text: &str, base: u32) -> Option<String> {
        int(text, base).unwrap().and_then(|i| i.to_str())
    }

    #[test]
    fn int_reads_as_python_does() {
        assert_eq!(int_str(" 12 ", 10).as_deref(), Some("12"));
        assert_eq!(int_str("0o17", 8).as_deref(), Some("15"));
        assert_eq!(int_str("017", 8).as_deref(), Some("15"));
        assert_eq!(int_str("-ff", 16).as_deref(), Some("-255"));
        assert_eq!(int_str("-0", 10).as_deref(), Some("0"));
        assert_eq!(
            int_str("ffffffffffffffffffffffffffffffffff", 16).as_deref(),
            Some("87112285931760246646623899502532662132735")
        );
        assert_eq!(int_str("\u{3000}7\u{1c}", 10).as_deref(), Some("7"));
        // A fullwidth digit: Python's tables, not ours.
        assert_eq!(int("１２", 10), Ok(None));
        for bad in ["", "-", "0x", "1 2", "é"] {
            assert!(int(bad, 10).is_err(), "{bad}");
        }
        assert!(int("0b2", 2).is_err());
        assert!(
            int(&"1".repeat(4301), 10)
                .unwrap_err()
                .contains("4301 digits")
        );
        assert!(int(&"1".repeat(4300), 10).is_ok());
    }

    #[test]
    fn float_reads_and_prints_as_python_does() {
        let f = |t: &str| float(t).unwrap().map(float_str);
        assert_eq!(f(" 1.5 ").as_deref(), Some("1.5"));
        assert_eq!(f("1e3").as_deref(), Some("1000.0"));
        assert_eq!(f("Infinity").as_deref(), Some("inf"));
        assert_eq!(f("-nan").as_deref(), Some("nan"));
        assert_eq!(f("1.").as_deref(), Some("1.0"));
        assert_eq!(f("1e16").as_deref(), Some("1e+16"));
        assert_eq!(f("0.00001").as_deref(), Some("1e-05"));
        assert_eq!(f("-0.0").as_deref(), Some("-0.0"));
        for bad in ["", ".", "e5", "1e", "0x1", "in f", "--1"] {
            assert!(float(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn datetimes_are_checked_and_printed_as_python_does() {
        let d = |y, m, day| DateTime {
            year: y,
            month: m,
            day,
            time: None,
        };
        assert_eq!(
            d(2001, 2, 29).checked().unwrap_err(),
            "day is out of range for month"
        );
        assert_eq!(d(2000, 2, 29).checked().unwrap().to_str(), "2000-02-29");
        assert_eq!(d(0, 1, 1).checked().unwrap_err(), "year 0 is out of range");
        let t = DateTime {
            time: Some((21, 59, 43, 100_000, Some(-300))),
            ..d(2001, 12, 14)
        };
        assert_eq!(t.to_str(), "2001-12-14 21:59:43.100000-05:00");
        let utc = DateTime {
            time: Some((1, 2, 3, 0, Some(0))),
            ..d(2001, 1, 1)
        };
        assert_eq!(utc.to_str(), "2001-01-01 01:02:03+00:00");
    }

    #[test]
    fn base64_decodes_as_binascii_does() {
        let ok = |t: &str| b64decode(t.as_bytes()).unwrap().to_vec();
        assert_eq!(ok("aGVsbG8="), b"hello");
        assert_eq!(ok("aGVs\nbG8="), b"hello");
        assert_eq!(ok("aGVs=bG8="), b"hello");
        assert_eq!(ok("aGVsbG8=trailing"), b"hello");
        assert_eq!(ok("=="), b"");
        assert_eq!(b64decode(b"aGVsbG8").unwrap_err(), "Incorrect padding");
        assert!(
            b64decode(b"a")
                .unwrap_err()
                .contains("(1) cannot be 1 more")
        );
        assert!(
            b64decode(b"aGVsb")
                .unwrap_err()
                .contains("(5) cannot be 1 more")
        );
    }
}
