//! BOLT 1 encodings: BigSize, truncated integers and strict TLV streams.

use alloc::vec::Vec;
use core::fmt;

/// Why bytes were rejected by a reader here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum WireError {
    /// The input ended early, at this offset.
    Truncated {
        /// Offset where more bytes were needed.
        pos: usize,
    },
    /// A BigSize not in its shortest form.
    NonMinimalBigSize {
        /// Offset of the BigSize.
        pos: usize,
    },
    /// A truncated integer with a leading zero byte, or longer than its type.
    NonMinimalInt {
        /// The TLV type that holds it.
        tlv_type: u64,
    },
    /// TLV types not strictly increasing.
    TypeOrder {
        /// The type that came out of order.
        tlv_type: u64,
    },
    /// An unknown even TLV type ("it's OK to be odd").
    UnknownEvenType {
        /// The type.
        tlv_type: u64,
    },
    /// A known TLV type whose value has the wrong length.
    BadLength {
        /// The type.
        tlv_type: u64,
    },
    /// A known TLV type whose value is invalid (e.g. not a curve point).
    BadValue {
        /// The type.
        tlv_type: u64,
    },
    /// A TLV type this payload requires is missing.
    Missing {
        /// The type.
        tlv_type: u64,
    },
}

impl WireError {
    /// A stable identifier for this error.
    pub fn code(&self) -> &'static str {
        match self {
            WireError::Truncated { .. } => "WIRE_TRUNCATED",
            WireError::NonMinimalBigSize { .. } => "WIRE_NONMINIMAL_BIGSIZE",
            WireError::NonMinimalInt { .. } => "WIRE_NONMINIMAL_INT",
            WireError::TypeOrder { .. } => "TLV_ORDER",
            WireError::UnknownEvenType { .. } => "TLV_UNKNOWN_EVEN",
            WireError::BadLength { .. } => "TLV_BAD_LENGTH",
            WireError::BadValue { .. } => "TLV_BAD_VALUE",
            WireError::Missing { .. } => "TLV_MISSING",
        }
    }
    /// The TLV type concerned, if any.
    pub fn tlv_type(&self) -> Option<u64> {
        match *self {
            WireError::NonMinimalInt { tlv_type }
            | WireError::TypeOrder { tlv_type }
            | WireError::UnknownEvenType { tlv_type }
            | WireError::BadLength { tlv_type }
            | WireError::BadValue { tlv_type }
            | WireError::Missing { tlv_type } => Some(tlv_type),
            _ => None,
        }
    }
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WireError::Truncated { pos } => write!(f, "input ends early at offset {pos}"),
            WireError::NonMinimalBigSize { pos } => write!(f, "BigSize at offset {pos} is not minimally encoded"),
            WireError::NonMinimalInt { tlv_type } => write!(f, "TLV type {tlv_type}: integer not minimally encoded"),
            WireError::TypeOrder { tlv_type } => {
                write!(f, "TLV type {tlv_type} is not greater than the type before it")
            }
            WireError::UnknownEvenType { tlv_type } => write!(f, "unknown even TLV type {tlv_type}"),
            WireError::BadLength { tlv_type } => write!(f, "TLV type {tlv_type} has the wrong length"),
            WireError::BadValue { tlv_type } => write!(f, "TLV type {tlv_type} has an invalid value"),
            WireError::Missing { tlv_type } => write!(f, "required TLV type {tlv_type} is missing"),
        }
    }
}

/// Append `v` as a BigSize.
pub fn write_bigsize(out: &mut Vec<u8>, v: u64) {
    match v {
        0..=0xfc => out.push(v as u8),
        0xfd..=0xffff => {
            out.push(0xfd);
            out.extend_from_slice(&(v as u16).to_be_bytes());
        }
        0x1_0000..=0xffff_ffff => {
            out.push(0xfe);
            out.extend_from_slice(&(v as u32).to_be_bytes());
        }
        _ => {
            out.push(0xff);
            out.extend_from_slice(&v.to_be_bytes());
        }
    }
}

/// How many bytes `v` takes as a BigSize.
pub fn bigsize_len(v: u64) -> usize {
    match v {
        0..=0xfc => 1,
        0xfd..=0xffff => 3,
        0x1_0000..=0xffff_ffff => 5,
        _ => 9,
    }
}

/// Read a minimal BigSize at `*pos`, advancing it.
pub fn read_bigsize(b: &[u8], pos: &mut usize) -> Result<u64, WireError> {
    let start = *pos;
    let first = *b.get(start).ok_or(WireError::Truncated { pos: start })?;
    let (len, min) = match first {
        0xfd => (2, 0xfd),
        0xfe => (4, 0x1_0000),
        0xff => (8, 0x1_0000_0000),
        v => {
            *pos += 1;
            return Ok(u64::from(v));
        }
    };
    let bytes = b.get(start + 1..start + 1 + len).ok_or(WireError::Truncated { pos: b.len() })?;
    let v = bytes.iter().fold(0u64, |acc, &x| (acc << 8) | u64::from(x));
    if v < min {
        return Err(WireError::NonMinimalBigSize { pos: start });
    }
    *pos += 1 + len;
    Ok(v)
}

/// Append `v` as a truncated integer (big-endian, leading zero bytes dropped; 0 is empty).
pub fn write_tu64(out: &mut Vec<u8>, v: u64) {
    let bytes = v.to_be_bytes();
    let skip = (v.leading_zeros() / 8) as usize; // 0..=8: within the 8 bytes
    out.extend_from_slice(&bytes[skip..]);
}

/// Read a truncated integer of at most `max_len` bytes, minimally encoded.
pub fn read_tu64(value: &[u8], max_len: usize, tlv_type: u64) -> Result<u64, WireError> {
    if value.len() > max_len || value.first() == Some(&0) {
        return Err(WireError::NonMinimalInt { tlv_type });
    }
    Ok(value.iter().fold(0u64, |acc, &x| (acc << 8) | u64::from(x)))
}

/// One TLV record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The type.
    pub tlv_type: u64,
    /// The value bytes.
    pub value: Vec<u8>,
}

/// Read a whole TLV stream. `known` says which types the caller understands: an unknown
/// even type is an error, an unknown odd type is kept. Types must strictly increase and
/// every BigSize must be minimal.
pub fn read_stream(b: &[u8], known: impl Fn(u64) -> bool) -> Result<Vec<Record>, WireError> {
    let mut pos = 0;
    let mut out: Vec<Record> = Vec::new();
    while pos < b.len() {
        let tlv_type = read_bigsize(b, &mut pos)?;
        if let Some(last) = out.last()
            && tlv_type <= last.tlv_type
        {
            return Err(WireError::TypeOrder { tlv_type });
        }
        let len = read_bigsize(b, &mut pos)?;
        let end = usize::try_from(len)
            .ok()
            .and_then(|l| pos.checked_add(l))
            .filter(|&e| e <= b.len())
            .ok_or(WireError::Truncated { pos: b.len() })?;
        if !known(tlv_type) && tlv_type % 2 == 0 {
            return Err(WireError::UnknownEvenType { tlv_type });
        }
        out.push(Record { tlv_type, value: b[pos..end].to_vec() });
        pos = end;
    }
    Ok(out)
}

/// Append one record (caller keeps types increasing).
pub fn write_record(out: &mut Vec<u8>, tlv_type: u64, value: &[u8]) {
    write_bigsize(out, tlv_type);
    write_bigsize(out, value.len() as u64);
    out.extend_from_slice(value);
}

/// Write records, which must already be sorted by strictly increasing type.
pub fn write_stream(records: &[Record]) -> Result<Vec<u8>, WireError> {
    let mut out = Vec::new();
    let mut last: Option<u64> = None;
    for r in records {
        if last.is_some_and(|l| r.tlv_type <= l) {
            return Err(WireError::TypeOrder { tlv_type: r.tlv_type });
        }
        last = Some(r.tlv_type);
        write_record(&mut out, r.tlv_type, &r.value);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn bigsize_vectors() {
        // BOLT 1 appendix A.
        let cases: &[(u64, &[u8])] = &[
            (0, &[0]),
            (252, &[0xfc]),
            (253, &[0xfd, 0, 0xfd]),
            (65535, &[0xfd, 0xff, 0xff]),
            (65536, &[0xfe, 0, 1, 0, 0]),
            (4294967295, &[0xfe, 0xff, 0xff, 0xff, 0xff]),
            (4294967296, &[0xff, 0, 0, 0, 1, 0, 0, 0, 0]),
            (u64::MAX, &[0xff; 9]),
        ];
        for (v, enc) in cases {
            let mut out = vec![];
            write_bigsize(&mut out, *v);
            assert_eq!(&out[..], *enc);
            assert_eq!(bigsize_len(*v), enc.len());
            let mut p = 0;
            assert_eq!(read_bigsize(enc, &mut p), Ok(*v));
            assert_eq!(p, enc.len());
        }
        for bad in [&[0xfd, 0, 0xfc][..], &[0xfe, 0, 0, 0xff, 0xff], &[0xff, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]] {
            assert!(matches!(read_bigsize(bad, &mut 0), Err(WireError::NonMinimalBigSize { .. })));
        }
        for short in [&[0xfd, 0][..], &[0xfe, 0xff, 0xff], &[0xff, 0xff], &[]] {
            assert!(matches!(read_bigsize(short, &mut 0), Err(WireError::Truncated { .. })));
        }
    }

    #[test]
    fn tu64() {
        for (v, enc) in [(0u64, &[][..]), (1, &[1]), (1000, &[3, 0xe8]), (100000, &[1, 0x86, 0xa0])] {
            let mut out = vec![];
            write_tu64(&mut out, v);
            assert_eq!(&out[..], enc);
            assert_eq!(read_tu64(enc, 8, 2), Ok(v));
        }
        assert_eq!(read_tu64(&[0, 1], 8, 2), Err(WireError::NonMinimalInt { tlv_type: 2 }));
        assert_eq!(read_tu64(&[1, 0, 0, 0, 0], 4, 4), Err(WireError::NonMinimalInt { tlv_type: 4 }));
    }

    #[test]
    fn streams() {
        let known = |t| t == 2;
        assert_eq!(read_stream(&[2, 1, 5, 3, 0], known).unwrap().len(), 2);
        assert_eq!(read_stream(&[4, 0], known), Err(WireError::UnknownEvenType { tlv_type: 4 }));
        assert_eq!(read_stream(&[3, 0, 2, 0], known), Err(WireError::TypeOrder { tlv_type: 2 }));
        assert_eq!(read_stream(&[2, 0, 2, 0], known), Err(WireError::TypeOrder { tlv_type: 2 }));
        assert!(matches!(read_stream(&[2, 5, 1], known), Err(WireError::Truncated { .. })));
        assert!(matches!(read_stream(&[0xfd, 0, 1, 0], known), Err(WireError::NonMinimalBigSize { .. })));
        let recs = [Record { tlv_type: 1, value: vec![9] }, Record { tlv_type: 1, value: vec![] }];
        assert_eq!(write_stream(&recs), Err(WireError::TypeOrder { tlv_type: 1 }));
    }
}
