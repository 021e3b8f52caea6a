#!/usr/bin/env node
// `npx ln-sendpay …`: the same commands and JSON as the Rust CLI, running on the wasm build
// (the full module, pkg/full/, which ln-sendpay/hop loads too: apps load smaller ones).
import { readFileSync } from 'node:fs';
import { initSync, runCli } from '../full/ln_sendpay_full.js';

initSync({ module: readFileSync(new URL('../full/ln_sendpay_full_bg.wasm', import.meta.url)) });

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
