// `make bench` (after examples/bench.rs's native figures), in one run so the ratios compare
// like with like on this machine:
//   1. every entry's .wasm, raw and gzip, and where its bytes go by area;
//   2. the onion build (route JSON in → onion out) and an invoice decode natively, in Node
//      and in headless Chromium;
//   3. the peers in Node, interleaved: the same Sphinx on tiny-secp256k1 and @noble/curves
//      (examples/bench/peers.mjs, checked against the BOLT #4 vectors first), and invoices
//      with the bolt11 and light-bolt11-decoder packages;
//   4. cold starts: a fresh Node process's first onion, and a fresh workerd instance's first
//      request (examples/bench/cold.mjs).
// Medians; BENCH_SAMPLES (default 101, at least 50) samples each; BENCH_COLD_RUNS (default 9)
// fresh processes or instances per cold figure. `--pkg DIR` benches another build.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import { resolve, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startStaticServer } from '../tests/js/static-server.mjs';
import { launchChromium } from '../tests/js/chromium.mjs';
import * as peers from './bench/peers.mjs';
import { MODULES, areas, areasTable } from './bench/areas.mjs';
import { chromiumCold, nodeCold, workerdCold } from './bench/cold.mjs';

const root = resolve(new URL('..', import.meta.url).pathname);
const shared = resolve(root, '..', 'shared');
const pkgArg = process.argv.indexOf('--pkg');
const pkgDir = resolve(pkgArg > 0 ? process.argv[pkgArg + 1] : resolve(root, 'pkg'));
const samples = Math.max(50, Number(process.env.BENCH_SAMPLES ?? 101));
const coldRuns = Number(process.env.BENCH_COLD_RUNS ?? 9);
const f1 = (x) => x.toFixed(1);
const us = (x) => `${f1(x)} µs`.padStart(11);

// 1. Sizes.
console.log('\nmodules (what an app loads: one .wasm, its glue and the shared lib/ files)');
console.log('  entry               .wasm raw   gzip -9   zlib level 9 (Node)');
for (const [entry, file] of Object.entries(MODULES)) {
  const wasm = readFileSync(resolve(pkgDir, file));
  const gzip = execFileSync('gzip', ['-9', '-c', resolve(pkgDir, file)]).length; // as `make pkg` prints
  console.log(`  ${entry.padEnd(18)} ${String(wasm.length).padStart(10)} ${String(gzip).padStart(9)} ${String(gzipSync(wasm, { level: 9 }).length).padStart(12)}`);
}

// 1b. Where each module's bytes go, by area (names from the copies `make pkg` keeps).
console.log('\nwhere the bytes go: each area\'s gzip share is what the module\'s gzip loses with that area zeroed (shares overlap)');
for (const [entry, file] of Object.entries(MODULES)) {
  const named = resolve(root, 'target/wasm-named/pkg', file);
  if (!existsSync(named)) {
    console.log(`  ${entry}: no named copy at ${relative(root, named)} (make pkg writes it)`);
    continue;
  }
  console.log(areasTable(entry, areas(readFileSync(resolve(pkgDir, file)), readFileSync(named))));
}

// 2. Native, Node, Chromium.
const plan = JSON.parse(execFileSync(resolve(root, 'target/release/examples/bench'), ['--json'], { encoding: 'utf8', env: { ...process.env, BENCH_SAMPLES: String(samples) } }));
const toJs = (req) => ({ route: req.route, paymentHash: req.payment_hash, paymentSecret: req.payment_secret, blockHeight: req.block_height, sessionKey: req.session_key });
// Batches of calls per sample, so a sample lasts ≥ 5 ms whatever the timer's resolution.
const benchFn = `async (ln, requests, samples) => {
  await ln.init();
  const out = {};
  for (const [n, req] of Object.entries(requests)) {
    const call = n === 'bolt11' ? () => ln.decodeInvoice(req, { now: 0 }) : () => ln.buildOnion(req);
    const t0 = performance.now();
    call();
    const once = Math.max(performance.now() - t0, 0.01);
    const batch = Math.max(1, Math.ceil(5 / once));
    for (let i = 0; i < 3; i++) for (let j = 0; j < batch; j++) call();
    const t = [];
    for (let i = 0; i < samples; i++) {
      const s = performance.now();
      for (let j = 0; j < batch; j++) call();
      t.push((performance.now() - s) / batch);
    }
    t.sort((a, b) => a - b);
    out[n] = t[Math.floor(samples / 2)] * 1000;
  }
  return out;
}`;
const runBench = eval(benchFn);
const requests = Object.fromEntries(Object.entries(plan).map(([n, p]) => [n, n === 'bolt11' ? p.request : toJs(p.request)]));
const ln = await import(resolve(pkgDir, 'index.node.js'));
const node = await runBench(ln, requests, samples);
const { server, url } = await startStaticServer(root);
const browser = await launchChromium();
let chrome;
try {
  const page = await browser.newPage();
  await page.goto(`${url}/tests/js/browser.html#bench`).catch(() => {});
  const pkgUrl = `/${relative(root, pkgDir)}/index.web.js`;
  chrome = await page.evaluate(async ([pkgUrl, fnText, requests, samples]) => {
    const ln = await import(pkgUrl);
    return (0, eval)(fnText)(ln, requests, samples);
  }, [pkgUrl, benchFn, requests, samples]);
} finally {
  await browser.close();
  server.close();
}
console.log(`\nmedian time to build an onion (route JSON in → onion out; bolt11: decode an invoice), ${samples} samples each`);
console.log('  hops      native        Node   ×native    Chromium   ×native');
for (const n of Object.keys(plan)) {
  const nat = Number(plan[n].native_us);
  console.log(`${n.padStart(6)} ${us(nat)} ${us(node[n])}   ${(node[n] / nat).toFixed(2).padStart(6)} ${us(chrome[n])}   ${(chrome[n] / nat).toFixed(2).padStart(6)}`);
}

// 3. Peers, in Node, interleaved sample by sample.
const V = JSON.parse(readFileSync(resolve(shared, 'vectors/bolt04/onion-test.json'), 'utf8'));
const E = JSON.parse(readFileSync(resolve(shared, 'vectors/bolt04/onion-error-test.json'), 'utf8'));
const g = V.generate;
const route5 = g.hops.map((h, i) => ({ id: h.pubkey, channel: `${800000 + i}x${i + 1}x0`, amount_msat: String(1005000 - 1000 * i), delay: 9 + 40 * (4 - i) }));
const build5 = { route: route5, paymentHash: '42'.repeat(32), paymentSecret: '07'.repeat(32), blockHeight: 870000, sessionKey: '41'.repeat(32) };
peers.checkPeers(ln, V, E, build5);
const hops20 = Array.from({ length: 20 }, (_, i) => ({ pubkey: g.hops[i % 5].pubkey, payload: g.hops[0].payload }));
const create = (hops) => ({ sessionKey: g.session_key, associatedData: g.associated_data, hops });
const secrets = E.generate.hops.map((h) => h.hop_shared_secret);
const require = createRequire(import.meta.url);
const bolt11 = require('bolt11');
// bolt11 takes libsecp256k1 from the `secp256k1` package: its native addon in Node (prebuilt),
// elliptic (JS) where no addon loads (browsers, Workers). A second copy of bolt11, loaded with
// `secp256k1` resolved to its elliptic build, times the latter here.
const bolt11Elliptic = (() => {
  const secp = require.resolve('secp256k1', { paths: [resolve(require.resolve('bolt11'), '..')] });
  const saved = { ...require.cache };
  for (const k of Object.keys(require.cache)) if (/node_modules\/bolt11\//.test(k)) delete require.cache[k];
  const elliptic = require(resolve(secp, '../elliptic.js'));
  require.cache[secp] = { id: secp, filename: secp, loaded: true, exports: elliptic };
  const b = require('bolt11');
  for (const k of Object.keys(require.cache)) delete require.cache[k];
  Object.assign(require.cache, saved);
  return b;
})();
if (bolt11.decode(plan.bolt11.request).payeeNodeKey !== bolt11Elliptic.decode(plan.bolt11.request).payeeNodeKey) throw new Error('the two bolt11 copies disagree');
const { decode: lightDecode } = await import('light-bolt11-decoder');
const invoice = plan.bolt11.request;
const [tinyName, nobleName] = Object.keys(peers.CURVES);
const [tiny, noble] = Object.values(peers.CURVES);
const tasks = {
  'createOnion, 5 hops': { 'ln-sendpay': () => ln.createOnion(create(g.hops)), [tinyName]: () => peers.createOnion(tiny, create(g.hops)), [nobleName]: () => peers.createOnion(noble, create(g.hops)) },
  'createOnion, 20 hops': { 'ln-sendpay': () => ln.createOnion(create(hops20)), [tinyName]: () => peers.createOnion(tiny, create(hops20)), [nobleName]: () => peers.createOnion(noble, create(hops20)) },
  'buildOnion, 5 hops (a route)': { 'ln-sendpay': () => ln.buildOnion(build5), [tinyName]: () => peers.buildOnion(tiny, build5), [nobleName]: () => peers.buildOnion(noble, build5) },
  'decodeFailure, the 5-hop vector (27 rounds, as BOLT #4 advises)': { 'ln-sendpay': () => ln.decodeFailure({ reply: E.errorpacket, sharedSecrets: secrets }), 'JS over node:crypto': () => peers.decodeFailure({ reply: E.errorpacket, sharedSecrets: secrets }) },
  'decodeInvoice (payee key recovered from the signature)': {
    'ln-sendpay': () => ln.decodeInvoice(invoice, { now: 0 }),
    'bolt11 1.4.1, native libsecp256k1 addon (Node only)': () => bolt11.decode(invoice),
    'bolt11 1.4.1, elliptic (JS: browsers, Workers)': () => bolt11Elliptic.decode(invoice),
    'light-bolt11-decoder 3.2.0 (no signature check)': () => lightDecode(invoice),
  },
};
/** Each contender's median over `samples`, interleaved: every sample times each in turn (order rotated). */
function interleaved(contenders) {
  const names = Object.keys(contenders);
  const batch = {};
  for (const n of names) {
    for (let i = 0; i < 5; i++) contenders[n]();
    const s = performance.now();
    contenders[n]();
    batch[n] = Math.max(1, Math.ceil(2 / Math.max(performance.now() - s, 0.005)));
  }
  const t = Object.fromEntries(names.map((n) => [n, []]));
  for (let i = 0; i < samples; i++) {
    for (let k = 0; k < names.length; k++) {
      const n = names[(i + k) % names.length];
      const s = performance.now();
      for (let j = 0; j < batch[n]; j++) contenders[n]();
      t[n].push(((performance.now() - s) / batch[n]) * 1000);
    }
  }
  return Object.fromEntries(names.map((n) => [n, t[n].sort((a, b) => a - b)[Math.floor(samples / 2)]]));
}
console.log(`\npeers in Node (${process.version}), interleaved, ${samples} samples each, medians; × = time / ln-sendpay's`);
console.log('  (the Sphinx peers hash and encrypt with node:crypto, native; every peer matched the BOLT #4 vectors byte for byte first)');
for (const [task, contenders] of Object.entries(tasks)) {
  const m = interleaved(contenders);
  console.log(`  ${task}`);
  for (const [n, t] of Object.entries(m)) console.log(`    ${n.padEnd(52)} ${us(t)}  ×${(t / m['ln-sendpay']).toFixed(2)}`);
}

// 4. Cold starts.
const entries = { 'ln-sendpay/onion': 'onion.node.js', 'ln-sendpay': 'index.node.js' };
const nc = nodeCold(pkgDir, shared, entries, coldRuns);
console.log(`\ncold start in Node: ${coldRuns} fresh processes per row, interleaved, medians (first 5-hop createOnion after import; ratio = first / warm, per process;`);
console.log('  "not primed": the entry without its import-time priming (a 2-hop onion, twice), to show what that lever buys)');
console.log('  entry               variant               import   warmUp   first onion  first decodeFailure   warm onion   ratio');
for (const [k, r] of Object.entries(nc)) {
  const [entry, variant] = k.split('|');
  console.log(`  ${entry.padEnd(18)}  ${variant.padEnd(18)}  ${f1(r.import).padStart(6)} ms ${f1(r.warmUp).padStart(5)} ms  ${f1(r.first).padStart(8)} ms  ${f1(r.firstFail).padStart(12)} ms  ${f1(r.warm).padStart(10)} ms  ${r.ratio.toFixed(1).padStart(5)}×`);
}
const cc = await chromiumCold(pkgDir, shared, coldRuns, { startStaticServer, launchChromium });
console.log(`\ncold start in Chromium (ln-sendpay's browser entry): ${coldRuns} fresh contexts per row, interleaved, medians (Chromium's timer is coarse: ±0.1 ms)`);
console.log('  row                                           init()   first onion   warm onion   ratio');
for (const [k, r] of Object.entries(cc)) {
  console.log(`  ${k.padEnd(44)} ${f1(r.init).padStart(6)} ms  ${f1(r.first).padStart(9)} ms  ${f1(r.warm).padStart(8)} ms  ${r.ratio.toFixed(1).padStart(5)}×`);
}
const wc = await workerdCold(root, pkgDir, shared, {
  'ln-sendpay/onion': { entry: 'onion.workerd.js', glue: 'onion/ln_sendpay_onion.js', wasm: 'onion/ln_sendpay_onion_bg.wasm' },
  'ln-sendpay': { entry: 'index.workerd.js', glue: 'ln_sendpay.js', wasm: 'ln_sendpay_bg.wasm' },
}, coldRuns);
for (const [how, rows] of [['workerd serve (the binary miniflare ships), a request on a new connection', wc.workerd], ["miniflare's dispatchFetch (its own layers add to a wasm Worker's first request)", wc.miniflare]]) {
  console.log(`\ncold start in workerd, ${how}: ${coldRuns} fresh instances per row, interleaved, medians; the request builds a 5-hop onion from a route and decodes a failure along it`);
  const warmCols = 'warm' in rows.empty;
  console.log(`  Worker                              start-up   first request   extra over empty   second request${warmCols ? '   warm request   its work (over empty)' : ''}`);
  for (const [k, r] of Object.entries(rows)) {
    const warm = warmCols ? `  ${f1(r.warm).padStart(10)} ms  ${(k === 'empty' ? '' : `${f1(r.warmExtra)} ms`).padStart(20)}` : '';
    console.log(`  ${k.padEnd(34)} ${f1(r.startup).padStart(6)} ms  ${f1(r.first).padStart(10)} ms  ${(k === 'empty' ? '' : `${f1(r.extra)} ms`).padStart(16)}  ${f1(r.second).padStart(12)} ms${warm}`);
  }
}
