//! Hex encoding and strict decoding (either case in, lowercase out).

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// Why a hex string was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum HexError {
    /// An odd number of hex digits.
    OddLength,
    /// A character that is not a hex digit, at this byte offset.
    InvalidChar {
        /// Byte offset of the bad character.
        pos: usize,
    },
    /// The decoded length differs from the one required.
    WrongLength {
        /// Bytes required.
        expected: usize,
        /// Bytes given.
        got: usize,
    },
}

impl fmt::Display for HexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HexError::OddLength => f.write_str("odd number of hex digits"),
            HexError::InvalidChar { pos } => write!(f, "not a hex digit at offset {pos}"),
            HexError::WrongLength { expected, got } => {
                write!(f, "expected {expected} bytes of hex, got {got}")
            }
        }
    }
}

fn nibble(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Decode into `out`, which must be exactly half as long as `s`.
fn decode_into(s: &[u8], out: &mut [u8]) -> Result<(), HexError> {
    for (i, (pair, o)) in s.chunks_exact(2).zip(out.iter_mut()).enumerate() {
        let hi = nibble(pair[0]).ok_or(HexError::InvalidChar { pos: 2 * i })?;
        let lo = nibble(pair[1]).ok_or(HexError::InvalidChar { pos: 2 * i + 1 })?;
        *o = (hi << 4) | lo;
    }
    Ok(())
}

/// Decode a hex string of any even length.
pub fn decode(s: &str) -> Result<Vec<u8>, HexError> {
    let b = s.as_bytes();
    if !b.len().is_multiple_of(2) {
        return Err(HexError::OddLength);
    }
    let mut out = alloc::vec![0u8; b.len() / 2];
    decode_into(b, &mut out)?;
    Ok(out)
}

/// Decode a hex string of exactly `N` bytes.
pub fn decode_array<const N: usize>(s: &str) -> Result<[u8; N], HexError> {
    let b = s.as_bytes();
    if !b.len().is_multiple_of(2) {
        return Err(HexError::OddLength);
    }
    if b.len() != 2 * N {
        return Err(HexError::WrongLength { expected: N, got: b.len() / 2 });
    }
    let mut out = [0u8; N];
    decode_into(b, &mut out)?;
    Ok(out)
}

/// Lowercase hex of `bytes`.
pub fn encode(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn round_trip_and_errors() {
        assert_eq!(decode("00ffAa").unwrap(), [0, 255, 170]);
        assert_eq!(encode(&[0, 255, 170]), "00ffaa");
        assert_eq!(decode("abc"), Err(HexError::OddLength));
        assert_eq!(decode("0g"), Err(HexError::InvalidChar { pos: 1 }));
        assert_eq!(decode_array::<2>("00"), Err(HexError::WrongLength { expected: 2, got: 1 }));
    }
}
