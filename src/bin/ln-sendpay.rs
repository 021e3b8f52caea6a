//! `ln-sendpay`: JSON on stdin, JSON on stdout; errors as JSON on stderr, non-zero exit.

use std::io::Read;
use std::process::ExitCode;

use ln_sendpay::Error;
use ln_sendpay::commands;
use ln_sendpay::json::{self, Value};

const USAGE: &str = "usage:
  ln-sendpay onion generate      < {\"session_key\"?,\"associated_data\",\"hops\":[{\"pubkey\",\"payload\"}]}
  ln-sendpay onion decode        < {\"onion\",\"associated_data\",\"privkey\",\"path_key\"?}
  ln-sendpay onion runtest FILE    (a file in bolt04/onion-test.json's format)
  ln-sendpay failure wrap        < {\"shared_secrets\",\"erring_index\",\"failure_message\",\"hold_times\"?}
  ln-sendpay failure decode      < {\"reply\",\"shared_secrets\",\"route\"?,\"attribution_data\"?}
  ln-sendpay amount STRING
  ln-sendpay route payloads      < {\"route\",\"payment_hash\",\"payment_secret\"?,\"payment_metadata\"?,\"block_height\"}";

fn stdin_json() -> Result<Value, Error> {
    let mut s = String::new();
    std::io::stdin()
        .read_to_string(&mut s)
        .map_err(|_| Error::Param { field: "stdin".into(), expected: "UTF-8 text" })?;
    json::parse(&s).map_err(|e| Error::from(e).in_field("stdin"))
}

fn random_key() -> Option<[u8; 32]> {
    let mut k = [0u8; 32];
    std::fs::File::open("/dev/urandom").ok()?.read_exact(&mut k).ok()?;
    Some(k)
}

fn run(args: &[String]) -> Result<(Value, bool), Option<Error>> {
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let ok = |v| Ok((v, true));
    match a.as_slice() {
        ["onion", "generate"] => ok(commands::onion_generate(&stdin_json()?, random_key())?),
        ["onion", "decode"] => ok(commands::onion_decode(&stdin_json()?)?),
        ["onion", "runtest", file] => {
            let text = std::fs::read_to_string(file)
                .map_err(|_| Error::Param { field: "FILE".into(), expected: "a readable file" })?;
            let v = json::parse(&text).map_err(|e| Error::from(e).in_field("FILE"))?;
            Ok(commands::onion_runtest(&v)?)
        }
        ["failure", "wrap"] => ok(commands::failure_wrap(&stdin_json()?)?),
        ["failure", "decode"] => ok(commands::failure_decode(&stdin_json()?)?),
        ["amount", s] => ok(commands::amount(s)?),
        ["route", "payloads"] => ok(commands::route_payloads(&stdin_json()?)?),
        _ => Err(None),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok((v, passed)) => {
            println!("{}", v.to_json_pretty());
            if passed { ExitCode::SUCCESS } else { ExitCode::FAILURE }
        }
        Err(Some(e)) => {
            eprintln!("{}", commands::error_json(&e).to_json());
            ExitCode::FAILURE
        }
        Err(None) => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}
