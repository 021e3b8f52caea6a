// Node: the suite against the package as installed from its packed tarball (run by
// tests/js/node-pack.mjs inside a fresh temporary project).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ln from 'ln-sendpay';
import { runSuite, VECTOR_FILES, CASE_NAMES } from './suite.mjs';

const shared = process.env.LN_SENDPAY_SHARED;
const texts = Object.fromEntries(VECTOR_FILES.map((f) => [f, readFileSync(join(shared, f), 'utf8')]));
const results = await runSuite(ln, texts);

for (const name of CASE_NAMES) {
  test(name, () => {
    const r = results.find((x) => x.name === name);
    assert.ok(r.ok, r.error);
  });
}

test('the node entry is the one resolved', () => {
  assert.equal(typeof ln.init, 'function');
  assert.ok(import.meta.resolve('ln-sendpay').endsWith('/node_modules/ln-sendpay/index.node.js'));
});
