#!/usr/bin/env node
// `npx ln-sendpay …`: the same commands and JSON as the Rust CLI, running on the wasm build
// (the CLI's own module, pkg/cli/: apps load the smaller one without runCli).
import { readFileSync } from 'node:fs';
import { initSync, runCli } from '../cli/ln_sendpay_cli.js';

initSync({ module: readFileSync(new URL('../cli/ln_sendpay_cli_bg.wasm', import.meta.url)) });

const args = process.argv.slice(2);
const noStdin = (args[0] === 'amount' || args[0] === 'scid' || (args[0] === 'onion' && args[1] === 'runtest')) || args.length !== 2;
let stdin = '';
if (!noStdin) {
  try {
    stdin = readFileSync(0, 'utf8');
  } catch {
    stdin = '';
  }
}
const files = {};
if (args[0] === 'onion' && args[1] === 'runtest' && args[2]) {
  try {
    files[args[2]] = readFileSync(args[2], 'utf8');
  } catch {
    // reported by the command as an unreadable FILE
  }
}
const out = runCli(args, stdin, files);
process.stdout.write(out.stdout);
process.stderr.write(out.stderr);
process.exitCode = out.code;
