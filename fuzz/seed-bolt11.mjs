// Seeds the bolt11, paystring and bolt12 fuzz targets' corpora with the spec's strings, read in place:
//   node fuzz/seed-bolt11.mjs ../shared
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

const shared = process.argv[2] ?? '../shared';
const file = JSON.parse(readFileSync(resolve(shared, 'vectors/bolt11.json'), 'utf8'));
const dir = new URL('corpus/bolt11/', import.meta.url);
mkdirSync(dir, { recursive: true });
[...file.valid, ...file.invalid].forEach((v, i) => writeFileSync(new URL(`spec-${i}`, dir), v.invoice));

// The paystring target: the same invoices bare and in URIs, and BOLT 12's format strings.
const ps = new URL('corpus/paystring/', import.meta.url);
mkdirSync(ps, { recursive: true });
file.valid.forEach((v, i) => {
  writeFileSync(new URL(`spec-${i}`, ps), v.invoice);
  writeFileSync(new URL(`uri-${i}`, ps), `lightning:${v.invoice}`);
  writeFileSync(new URL(`bip21-${i}`, ps), `bitcoin:1BoatSLRHtKNngkdXEeobR76b53LETtpyT?amount=0.001&label=a%20b&lightning=${v.invoice}`);
});
const strings = JSON.parse(readFileSync(resolve(shared, 'vectors/bolt12/format-string-test.json'), 'utf8'));
strings.forEach((v, i) => writeFileSync(new URL(`bolt12-${i}`, ps), v.string));
writeFileSync(new URL('node', ps), '02eec7245d6b7d2ccb30380bfbe2a3648cd7a942653f5aa340edcea1f283686619@[::1]:9735');
writeFileSync(new URL('address', ps), 'satoshi@example.com');
writeFileSync(new URL('lnurlp', ps), 'lnurlp://example.onion/pay');

// The bolt12 target: the spec's offers (valid and not), its signed invoice request, its format strings.
const b12 = new URL('corpus/bolt12/', import.meta.url);
mkdirSync(b12, { recursive: true });
JSON.parse(readFileSync(resolve(shared, 'vectors/bolt12/offers-test.json'), 'utf8')).forEach((v, i) => writeFileSync(new URL(`offer-${i}`, b12), v.bolt12));
JSON.parse(readFileSync(resolve(shared, 'vectors/bolt12/signature-test.json'), 'utf8')).filter((v) => v.bolt12).forEach((v, i) => writeFileSync(new URL(`signed-${i}`, b12), v.bolt12));
strings.forEach((v, i) => writeFileSync(new URL(`format-${i}`, b12), v.string));
