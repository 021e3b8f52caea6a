// Seeds the bolt11 fuzz target's corpus with the spec's invoices, read in place:
//   node fuzz/seed-bolt11.mjs ../shared
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

const shared = process.argv[2] ?? '../shared';
const file = JSON.parse(readFileSync(resolve(shared, 'vectors/bolt11.json'), 'utf8'));
const dir = new URL('corpus/bolt11/', import.meta.url);
mkdirSync(dir, { recursive: true });
[...file.valid, ...file.invalid].forEach((v, i) => writeFileSync(new URL(`spec-${i}`, dir), v.invoice));
