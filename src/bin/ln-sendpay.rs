//! `ln-sendpay`: JSON on stdin, JSON on stdout; errors as JSON on stderr, non-zero exit.
//! The commands themselves are `ln_sendpay::commands::run`, shared with the npm CLI.

use std::io::{Read, Write};
use std::process::ExitCode;

use ln_sendpay::commands;

fn random_key() -> Option<[u8; 32]> {
    let mut k = [0u8; 32];
    std::fs::File::open("/dev/urandom").ok()?.read_exact(&mut k).ok()?;
    Some(k)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    // Only the commands that read JSON read stdin (`amount`, `scid` and `runtest` do not).
    let reads_stdin =
        !matches!(args.as_slice(), ["amount", _] | ["scid", _] | ["onion", "runtest", _]) && args.len() == 2;
    let mut stdin = String::new();
    if reads_stdin && std::io::stdin().read_to_string(&mut stdin).is_err() {
        stdin.clear();
        stdin.push('\u{0}'); // not UTF-8: reported as a JSON error
    }
    let out = commands::run(&args, &stdin, &|path| std::fs::read_to_string(path).ok(), random_key());
    let _ = std::io::stdout().write_all(out.stdout.as_bytes());
    let _ = std::io::stderr().write_all(out.stderr.as_bytes());
    ExitCode::from(out.code as u8)
}
