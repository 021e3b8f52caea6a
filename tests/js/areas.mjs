// `make bench`'s sizes by area (examples/bench/areas.mjs) read every module `make pkg` wrote:
// each function falls in an area, the names come from the same module, and the split between
// modules holds (the onion module has none of the wallet's code; the main module has no hop
// side).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { MODULES, areas, areasTable, names } from '../../examples/bench/areas.mjs';

const root = resolve(new URL('../..', import.meta.url).pathname);
const WALLET = ['payments: Payer, guard, rpc', 'BOLT 11', 'BOLT 12', 'paste parser (paystring)'];
const shipped = (file) => readFileSync(resolve(root, 'pkg', file));
/** The same module with its names: `make pkg` writes it under target/wasm-named/. */
const named = (file) => readFileSync(resolve(root, 'target/wasm-named/pkg', file));

let failed = 0;
const results = {};
for (const [entry, file] of Object.entries(MODULES)) {
  try {
    const withNames = named(file);
    const r = areas(shipped(file), withNames);
    results[entry] = r;
    const by = Object.fromEntries(r.rows.map((x) => [x.area, x]));
    const other = by['other functions']?.raw ?? 0;
    assert.ok(other < 0.02 * r.raw, `${entry}: ${other} bytes in no named area`);
    for (const x of r.rows) assert.ok(x.gzip > 0 && x.gzip < r.total, `${entry}: ${x.area}: share ${x.gzip} of ${r.total}`);
    assert.ok(by['JSON glue: commands, json'] && by['elliptic curve: k256, crypto-bigint, primeorder'], `${entry}: glue and curve areas`);
    for (const w of WALLET) assert.equal(Boolean(by[w]), entry !== 'ln-sendpay/onion', `${entry}: ${w}`);
    // No `str` index anywhere: its panic path formats the string's chars with `{:?}`, which
    // brings core's Unicode tables (~4 KB gzip in each module, measured); slices go through
    // `str::get`, `split` or `strip_prefix` instead.
    const heavy = [...names(withNames).fns.values()].filter((n) => /str::slice_error_fail|unicode::printable|escape_debug/.test(n));
    assert.deepEqual(heavy, [], `${entry}: a str index's panic path is back`);
    console.log(`ok - areas: ${entry}\n${areasTable(entry, r)}`);
  } catch (e) {
    failed++;
    console.log(`not ok - areas: ${entry}\n${e.stack}`);
  }
}
try {
  // The hop side (peeling, wrapping replies) is only in the full module.
  const hop = (r) => r.rows.find((x) => x.area.startsWith('onions')).raw;
  assert.ok(hop(results['ln-sendpay/hop']) > hop(results['ln-sendpay']), 'the full module has the hop side');
  // Names from another module are refused, not misattributed.
  assert.throws(() => areas(shipped(MODULES['ln-sendpay']), named(MODULES['ln-sendpay/onion'])), /not the shipped module/);
  console.log('ok - areas: the hop side only in the full module; mismatched names refused');
} catch (e) {
  failed++;
  console.log(`not ok - areas: across modules\n${e.stack}`);
}
if (failed) process.exit(1);
