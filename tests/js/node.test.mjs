// Node: the suite against the package as installed from its packed tarball (run by
// tests/js/node-pack.mjs inside a fresh temporary project).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ln from 'ln-sendpay';
import * as onion from 'ln-sendpay/onion';
import * as hop from 'ln-sendpay/hop';
import { runSuite, VECTOR_FILES, CASE_NAMES, ENTRY_EXPORTS } from './suite.mjs';

const shared = process.env.LN_SENDPAY_SHARED;
const texts = Object.fromEntries(VECTOR_FILES.map((f) => [f, readFileSync(join(shared, f), 'utf8')]));
// The suite against the main entry and against `ln-sendpay/onion` (its own, smaller module),
// each with the hop side from `ln-sendpay/hop` (a third module) as the route's nodes.
const results = await runSuite(ln, texts, hop);
const onionResults = await runSuite(onion, texts, hop);

for (const name of CASE_NAMES) {
  test(name, () => {
    const r = results.find((x) => x.name === name);
    assert.ok(r.ok && !r.na, r.error ?? `n/a: ${r.na}`);
  });
  test(`ln-sendpay/onion: ${name}`, (t) => {
    const r = onionResults.find((x) => x.name === name);
    assert.ok(r.ok, r.error);
    if (r.na) t.skip(`needs ${r.na}, which the onion entry does not export`);
  });
}

test('entries: each exports exactly its functions, and each loads its own .wasm', async () => {
  for (const [entry, mod] of Object.entries({ 'ln-sendpay': ln, 'ln-sendpay/onion': onion, 'ln-sendpay/hop': hop })) {
    assert.deepEqual(Object.keys(mod).sort(), [...ENTRY_EXPORTS[entry]].sort(), entry);
  }
  // The onion module really is another (smaller) module: its functions work without the main one's.
  const { readdirSync, statSync } = await import('node:fs');
  const pkgDir = join(import.meta.dirname, 'node_modules/ln-sendpay');
  const size = (f) => statSync(join(pkgDir, f)).size;
  assert.ok(size('onion/ln_sendpay_onion_bg.wasm') < size('ln_sendpay_bg.wasm'), 'onion module smaller than the main one');
  assert.ok(size('ln_sendpay_bg.wasm') < size('full/ln_sendpay_full_bg.wasm'), 'main module smaller than the full one');
  assert.ok(readdirSync(pkgDir).includes('onion.node.js'));
});

test('Node entries: the main and onion modules primed at import (a 2-hop onion on the vector, twice), the hop module not', async () => {
  const { spawnSync } = await import('node:child_process');
  // lib/ is not exported: the priming state is read by the file's URL (the same module the entry loaded).
  const warmUrl = new URL(`file://${join(import.meta.dirname, 'node_modules/ln-sendpay/lib/warm.js')}`).href;
  for (const [entry, expected] of [['ln-sendpay', true], ['ln-sendpay/onion', true], ['ln-sendpay/hop', false]]) {
    // A process each: one process's entries share the priming state.
    const script = `await import('${entry}'); const w = await import('${warmUrl}'); console.log(JSON.stringify(w.primed() ?? null));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', cwd: import.meta.dirname });
    assert.equal(r.status, 0, r.stderr);
    const primed = JSON.parse(r.stdout);
    assert.equal(primed !== null, expected, `${entry}: ${r.stdout}`);
    if (expected) assert.ok(primed.ms > 0 && primed.rounds === 2, `${entry}: priming took time, two rounds`);
  }
  // A build whose onions come out wrong fails loudly at import, not at the first payment.
  const { prime } = await import(warmUrl);
  assert.throws(() => prime(() => ({ sharedSecrets: ['00'.repeat(32), '00'.repeat(32)] })), (e) => e.data?.error === 'WARMUP_MISMATCH');
});

test('a module that does not compile is WASM_LOAD_FAILED naming the file, with the SIMD note', async () => {
  const { instantiate } = await import(new URL(`file://${join(import.meta.dirname, 'node_modules/ln-sendpay/lib/boot-node.js')}`).href);
  // A wasm header, then a section this engine cannot read (as an engine without SIMD reads ours).
  const bad = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 0x60, 0, 1, 0x7b, 0xff]);
  const initSync = ({ module }) => new WebAssembly.Module(module);
  assert.throws(() => instantiate(initSync, 'x_bg.wasm', bad), (e) => {
    assert.ok(e instanceof ln.LnSendpayError, String(e));
    assert.equal(e.data.error, 'WASM_LOAD_FAILED');
    assert.match(e.message, /could not compile x_bg\.wasm: .*WebAssembly SIMD/);
    assert.ok(e.cause instanceof WebAssembly.CompileError);
    return true;
  });
});

test('randomness: none at import time, fresh per call, from crypto.getRandomValues', async () => {
  // A separate process, so the spy is in place before the package is first imported.
  const { spawnSync } = await import('node:child_process');
  const script = `
    let calls = 0;
    const orig = globalThis.crypto.getRandomValues.bind(globalThis.crypto);
    globalThis.crypto.getRandomValues = (a) => { calls++; return orig(a); };
    const ln = await import('ln-sendpay');
    const atImport = calls;
    const route = [{ id: '02eec7245d6b7d2ccb30380bfbe2a3648cd7a942653f5aa340edcea1f283686619', channel: '1x1x1', amount_msat: '1000', delay: 9 }];
    ln.buildOnion({ route, paymentHash: '42'.repeat(32), blockHeight: 1, sessionKey: '41'.repeat(32) });
    const withKey = calls - atImport;
    ln.buildOnion({ route, paymentHash: '42'.repeat(32), blockHeight: 1 });
    console.log(JSON.stringify({ atImport, withKey, without: calls - atImport - withKey }));
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { atImport: 0, withKey: 0, without: 1 });
});

test('no Web Crypto (Node before 19): a clear NO_RANDOMNESS error, and a given sessionKey still works', async () => {
  const { spawnSync } = await import('node:child_process');
  const script = `
    Object.defineProperty(globalThis, 'crypto', { value: undefined, configurable: true });
    const ln = await import('ln-sendpay');
    const route = [{ id: '02eec7245d6b7d2ccb30380bfbe2a3648cd7a942653f5aa340edcea1f283686619', channel: '1x1x1', amountMsat: 1000n, delay: 9 }];
    const req = { route, paymentHash: '42'.repeat(32), blockHeight: 1 };
    let error;
    try { ln.buildOnion(req); } catch (e) { error = { name: e.name, code: e.code, error: e.data.error, message: e.message }; }
    const ok = ln.buildOnion({ ...req, sessionKey: '41'.repeat(32) }).onion.length;
    console.log(JSON.stringify({ error, ok }));
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const { error, ok } = JSON.parse(r.stdout);
  assert.equal(ok, 2 * 1366);
  assert.equal(error.name, 'LnSendpayError');
  assert.equal(error.error, 'NO_RANDOMNESS');
  assert.match(error.message, /crypto\.getRandomValues is unavailable.*Node 20\.19/);
});

test('exports: the node entry here; workerd before node; types first', async () => {
  assert.equal(typeof ln.init, 'function');
  assert.ok(import.meta.resolve('ln-sendpay').endsWith('/node_modules/ln-sendpay/index.node.js'));
  const { spawnSync } = await import('node:child_process');
  const resolveWith = (cond) =>
    spawnSync(process.execPath, [`--conditions=${cond}`, '--input-type=module', '-e', "console.log(import.meta.resolve('ln-sendpay'))"], { encoding: 'utf8' }).stdout.trim();
  assert.ok(resolveWith('workerd').endsWith('/index.workerd.js'), resolveWith('workerd'));
  const { readFileSync } = await import('node:fs');
  const pkg = JSON.parse(readFileSync(new URL(import.meta.resolve('ln-sendpay/package.json')), 'utf8'));
  assert.deepEqual(Object.keys(pkg.exports['.']), ['types', 'workerd', 'node', 'browser', 'default']);
  assert.equal(pkg.type, 'module');
  // The Node and workerd entries initialise on import: a bundler must keep that.
  assert.deepEqual(pkg.sideEffects, ['./index.node.js', './index.workerd.js', './onion.node.js', './onion.workerd.js', './hop.node.js', './hop.workerd.js']);
  for (const sub of ['node', 'workerd', 'web']) assert.equal(pkg.exports[`./${sub}`].default, `./index.${sub}.js`);
  assert.ok(import.meta.resolve('ln-sendpay/node').endsWith('/index.node.js'));
  // The subpaths, the same way: conditions in the same order, and each runtime's file by name.
  for (const fam of ['onion', 'hop']) {
    assert.deepEqual(Object.keys(pkg.exports[`./${fam}`]), ['types', 'workerd', 'node', 'browser', 'default']);
    for (const sub of ['node', 'workerd', 'web']) assert.equal(pkg.exports[`./${fam}/${sub}`].default, `./${fam}.${sub}.js`);
    assert.ok(import.meta.resolve(`ln-sendpay/${fam}`).endsWith(`/${fam}.node.js`));
  }
});
