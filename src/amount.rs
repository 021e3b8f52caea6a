//! Millisatoshi amounts and the man page's amount grammar.
//!
//! `lightning-sendpay(7)` and `lightning-cli(1)` take an amount as:
//! - a whole number of millisatoshi: `123`;
//! - a whole number ending in `msat` or `sat`: `123msat`, `123sat`;
//! - a number with exactly three decimals ending in `sat`: `123.456sat`;
//! - a number with 1 to 11 decimals ending in `btc`, or a whole number of `btc`:
//!   `0.00000001btc`, `1btc`.
//!
//! The reader is strict: no signs, spaces, exponents or characters after the unit, and a
//! value past `u64::MAX` msat is an error (never wrapped or saturated). Today's Core
//! Lightning differs in places (it rejects fractional sats and ignores text after a unit);
//! see `shared/vectors/amounts.json`, whose `msat` field this module follows.

use alloc::string::String;
use core::fmt;

use crate::json::push_u64;

/// An amount in millisatoshi.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Msat(pub u64);

/// 21 million BTC in msat: BOLT #4 forbids amounts above it.
pub const MAX_MONEY: Msat = Msat(21_000_000 * 100_000_000 * 1000);

const MSAT_PER_BTC: u64 = 100_000_000_000;

/// Why an amount string was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AmountError {
    /// The string is empty.
    Empty,
    /// It does not start with a digit (sign, space, dot, letter...).
    NoDigits,
    /// After the number comes something other than `msat`, `sat` or `btc`, at this offset.
    BadUnit {
        /// Byte offset of the unexpected text.
        pos: usize,
    },
    /// Decimals where the unit allows none, or the wrong number of them.
    BadDecimals {
        /// The unit given (`""` for none).
        unit: &'static str,
        /// How many decimals were given.
        got: usize,
    },
    /// The value exceeds 18446744073709551615 msat.
    Overflow,
}

impl AmountError {
    /// A stable identifier for this error.
    pub fn code(&self) -> &'static str {
        match self {
            AmountError::Empty => "AMOUNT_EMPTY",
            AmountError::NoDigits => "AMOUNT_NO_DIGITS",
            AmountError::BadUnit { .. } => "AMOUNT_BAD_UNIT",
            AmountError::BadDecimals { .. } => "AMOUNT_BAD_DECIMALS",
            AmountError::Overflow => "AMOUNT_OVERFLOW",
        }
    }
}

impl fmt::Display for AmountError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AmountError::Empty => f.write_str("empty amount"),
            AmountError::NoDigits => f.write_str("an amount must start with a digit"),
            AmountError::BadUnit { pos } => {
                write!(f, "unexpected text at offset {pos}: the unit must be msat, sat or btc, with nothing after it")
            }
            AmountError::BadDecimals { unit: "sat", got } => {
                write!(f, "a sat amount takes exactly 3 decimals, not {got}")
            }
            AmountError::BadDecimals { unit: "btc", got } => {
                write!(f, "a btc amount takes 1 to 11 decimals, not {got}")
            }
            AmountError::BadDecimals { unit, .. } => {
                let unit = if unit.is_empty() { "a bare number" } else { unit };
                write!(f, "decimals are allowed only with sat or btc, not with {unit}")
            }
            AmountError::Overflow => f.write_str("amount exceeds 18446744073709551615 msat"),
        }
    }
}

fn digits_value(d: &[u8]) -> Result<u64, AmountError> {
    let mut n: u64 = 0;
    for &b in d {
        n = n.checked_mul(10).and_then(|n| n.checked_add(u64::from(b - b'0'))).ok_or(AmountError::Overflow)?;
    }
    Ok(n)
}

impl Msat {
    /// Parse the man page's amount grammar.
    pub fn parse(s: &str) -> Result<Msat, AmountError> {
        let b = s.as_bytes();
        if b.is_empty() {
            return Err(AmountError::Empty);
        }
        let whole_len = b.iter().take_while(|c| c.is_ascii_digit()).count();
        if whole_len == 0 {
            return Err(AmountError::NoDigits);
        }
        // whole_len counts a prefix of b: both slices are within it.
        let whole = &b[..whole_len];
        let mut rest = &b[whole_len..];
        let mut frac: Option<&[u8]> = None;
        if rest.first() == Some(&b'.') {
            let f_len = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
            frac = Some(&rest[1..1 + f_len]);
            rest = &rest[1 + f_len..];
        }
        let unit_pos = b.len() - rest.len();
        let unit: &'static str = match rest {
            b"" => "",
            b"msat" => "msat",
            b"sat" => "sat",
            b"btc" => "btc",
            _ => return Err(AmountError::BadUnit { pos: unit_pos }),
        };
        let w = digits_value(whole)?;
        let v = match (unit, frac) {
            ("" | "msat", None) => Some(w),
            ("sat", None) => w.checked_mul(1000),
            ("btc", None) => w.checked_mul(MSAT_PER_BTC),
            ("sat", Some(f)) if f.len() == 3 => w.checked_mul(1000).and_then(|x| x.checked_add(digits_value(f).ok()?)),
            ("btc", Some(f)) if (1..=11).contains(&f.len()) => {
                let scale = 10u64.pow(11 - f.len() as u32);
                let fv = digits_value(f)? * scale; // < 10^11, cannot overflow
                w.checked_mul(MSAT_PER_BTC).and_then(|x| x.checked_add(fv))
            }
            (unit, Some(f)) => return Err(AmountError::BadDecimals { unit, got: f.len() }),
            _ => None,
        };
        v.map(Msat).ok_or(AmountError::Overflow)
    }

    /// The value in msat.
    pub const fn msat(self) -> u64 {
        self.0
    }

    /// Checked addition.
    pub fn checked_add(self, o: Msat) -> Option<Msat> {
        self.0.checked_add(o.0).map(Msat)
    }

    /// The plain decimal number of msat (`"123456"`).
    pub fn to_decimal_string(self) -> String {
        let mut s = String::new();
        push_u64(&mut s, self.0);
        s
    }

    /// `"123456msat"`: what every Core Lightning version accepts.
    pub fn to_msat_string(self) -> String {
        let mut s = self.to_decimal_string();
        s.push_str("msat");
        s
    }

    /// `"123sat"` when whole, else `"123.456sat"` (the man page's form; parses back exactly).
    pub fn to_sat_string(self) -> String {
        let mut s = String::new();
        push_u64(&mut s, self.0 / 1000);
        let r = self.0 % 1000;
        if r != 0 {
            s.push('.');
            push_padded(&mut s, r, 3);
        }
        s.push_str("sat");
        s
    }

    /// `"1btc"` when whole, else the shortest `"0.00000001btc"` form (parses back exactly).
    pub fn to_btc_string(self) -> String {
        let mut s = String::new();
        push_u64(&mut s, self.0 / MSAT_PER_BTC);
        let mut r = self.0 % MSAT_PER_BTC;
        if r != 0 {
            let mut digits = 11;
            while r.is_multiple_of(10) {
                r /= 10;
                digits -= 1;
            }
            s.push('.');
            push_padded(&mut s, r, digits);
        }
        s.push_str("btc");
        s
    }
}

fn push_padded(s: &mut String, v: u64, width: usize) {
    let mut t = String::new();
    push_u64(&mut t, v);
    for _ in t.len()..width {
        s.push('0');
    }
    s.push_str(&t);
}

impl core::str::FromStr for Msat {
    type Err = AmountError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Msat::parse(s)
    }
}

impl fmt::Display for Msat {
    /// Formats as `"<n>msat"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}msat", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grammar() {
        assert_eq!(Msat::parse("123.456sat"), Ok(Msat(123_456)));
        assert_eq!(Msat::parse("0.00000001btc"), Ok(Msat(1000)));
        assert_eq!(Msat::parse("1.btc"), Err(AmountError::BadDecimals { unit: "btc", got: 0 }));
        assert_eq!(Msat::parse("1.5"), Err(AmountError::BadDecimals { unit: "", got: 1 }));
        assert_eq!(Msat::parse("1msat "), Err(AmountError::BadUnit { pos: 1 }));
        assert_eq!(Msat::parse("-1"), Err(AmountError::NoDigits));
        assert_eq!(Msat::parse("18446744073709551616"), Err(AmountError::Overflow));
    }

    #[test]
    fn formats() {
        assert_eq!(Msat(123_456).to_sat_string(), "123.456sat");
        assert_eq!(Msat(5000).to_sat_string(), "5sat");
        assert_eq!(Msat(1000).to_btc_string(), "0.00000001btc");
        assert_eq!(Msat(150_000_000_000).to_btc_string(), "1.5btc");
        assert_eq!(Msat(u64::MAX).to_btc_string(), "184467440.73709551615btc");
        assert_eq!(Msat(7).to_msat_string(), "7msat");
    }
}
