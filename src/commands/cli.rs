//! The command line: `run`, its usage text and its error form.

use alloc::format;
use alloc::string::String;

use super::*;
use crate::amount::Msat;
use crate::error::Error;
use crate::json::{Value, object};

/// What a CLI run prints and how it exits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliOutput {
    /// Exit status: 0 ok, 1 error (or a failed runtest), 2 usage.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

/// The usage text.
pub const USAGE: &str = "usage:
  ln-sendpay onion generate      < {\"session_key\"?,\"associated_data\",\"hops\":[{\"pubkey\",\"payload\"}]}
  ln-sendpay onion build         < {\"route\",\"payment_hash\",\"payment_secret\"?,\"block_height\",\"session_key\"?,...}
  ln-sendpay onion decode        < {\"onion\",\"associated_data\",\"privkey\",\"path_key\"?}
  ln-sendpay onion runtest FILE    (a file in bolt04/onion-test.json's format)
  ln-sendpay failure wrap        < {\"shared_secrets\",\"erring_index\",\"failure_message\",\"hold_times\"?}
  ln-sendpay failure decode      < {\"reply\",\"shared_secrets\",\"route\"?,\"attribution_data\"?}
  ln-sendpay amount STRING
  ln-sendpay scid STRING
  ln-sendpay route payloads      < {\"route\",\"payment_hash\",\"payment_secret\"?,\"payment_metadata\"?,\"block_height\"}
  ln-sendpay invoice decode      < {\"invoice\",\"now\"?}   (a BOLT 11 string; now: seconds, adds \"expired\")
  ln-sendpay paystring parse     < {\"payment_string\",\"now\"?}   (what a pasted string is: invoice, URI, node, offer, LNURL...)
  ln-sendpay bolt12 decode       < {\"string\",\"now\"?}   (an offer, invoice request or invoice: fields, TLVs, signature checked)";

/// Run the command line `args` (without the program name) with `stdin`. `read_file` reads
/// the FILE of `onion runtest`; `random_key` is a fresh CSPRNG key for commands that may
/// need one. Shared by the Rust binary and the npm package's CLI.
pub fn run(
    args: &[&str],
    stdin: &str,
    read_file: &dyn Fn(&str) -> Option<String>,
    random_key: Option<[u8; 32]>,
) -> CliOutput {
    let input = || crate::json::parse(stdin).map_err(|e| Error::from(e).in_field("stdin"));
    let result: Result<(Value, bool), Option<Error>> = (|| {
        let ok = |v: Value| Ok((v, true));
        match args {
            ["onion", "generate"] => ok(onion_generate(&input()?, random_key)?),
            ["onion", "build"] => ok(build_onion(&input()?, random_key)?),
            ["onion", "decode"] => ok(onion_decode(&input()?)?),
            ["onion", "runtest", file] => {
                let text = read_file(file).ok_or(Error::Param { field: "FILE".into(), expected: "a readable file" })?;
                let v = crate::json::parse(&text).map_err(|e| Error::from(e).in_field("FILE"))?;
                Ok(onion_runtest(&v)?)
            }
            ["failure", "wrap"] => ok(failure_wrap(&input()?)?),
            ["failure", "decode"] => ok(failure_decode(&input()?)?),
            ["amount", s] => ok(amount(s)?),
            ["scid", s] => ok(short_channel_id(s)?),
            ["route", "payloads"] => ok(route_payloads(&input()?)?),
            #[cfg(feature = "wallet")]
            ["invoice", "decode"] => ok(invoice_decode(&input()?)?),
            #[cfg(feature = "wallet")]
            ["paystring", "parse"] => ok(payment_string_parse(&input()?)?),
            #[cfg(feature = "wallet")]
            ["bolt12", "decode"] => ok(bolt12_decode(&input()?)?),
            _ => Err(None),
        }
    })();
    match result {
        Ok((v, passed)) => {
            CliOutput { code: if passed { 0 } else { 1 }, stdout: v.to_json_pretty() + "\n", stderr: String::new() }
        }
        Err(Some(e)) => CliOutput { code: 1, stdout: String::new(), stderr: error_json(&e).to_json() + "\n" },
        Err(None) => CliOutput { code: 2, stdout: String::new(), stderr: String::from(USAGE) + "\n" },
    }
}

/// The error as the CLI prints it: `{"code","error","message","field"?}`.
pub fn error_json(e: &Error) -> Value {
    let mut m = alloc::vec![
        ("code".into(), Value::Number(format!("{}", e.rpc_code()))),
        ("error".into(), Value::str(e.code())),
        ("message".into(), Value::String(format!("{e}"))),
    ];
    if let Some(f) = e.field() {
        m.push(("field".into(), Value::String(f)));
    }
    Value::Object(m)
}

/// `amount STRING` → `{"msat":"<decimal string>"}`.
pub fn amount(s: &str) -> Result<Value, Error> {
    let m = Msat::parse(s).map_err(|e| Error::from(e).in_field("amount"))?;
    Ok(object([("msat", Value::String(m.to_decimal_string()))]))
}

/// `scid`: `BLOCKxTXxOUT`, `BLOCKxTXxOUT/D`, or the u64 form as decimal text → its parts.
pub fn short_channel_id(s: &str) -> Result<Value, Error> {
    let (scid, dir) = match crate::json::parse_u64_digits(s) {
        Some(n) => (crate::ids::ShortChannelId::from_u64(n), None),
        None => crate::ids::ShortChannelId::parse_with_direction(s)
            .map_err(|e| Error::from(e).in_field("short_channel_id"))?,
    };
    let mut out = alloc::vec![
        ("short_channel_id".into(), Value::String(scid.to_string_form())),
        ("block".into(), Value::u64(u64::from(scid.block()))),
        ("tx_index".into(), Value::u64(u64::from(scid.tx_index()))),
        ("output".into(), Value::u64(u64::from(scid.output()))),
        ("u64".into(), Value::String(crate::json::u64_to_string(scid.0))),
    ];
    if let Some(d) = dir {
        out.push(("direction".into(), Value::u64(u64::from(d))));
    }
    Ok(Value::Object(out))
}
