// `make bench` (second half): the .wasm size, and the median time to build an onion for 1, 5
// and 20 hops natively (the same JSON-in/JSON-out call the JS API makes), in Node and in
// headless Chromium — one run, so the ratios compare like with like on this machine.
// `--pkg DIR` benches another build of the package (e.g. the other field backend).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { resolve, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startStaticServer } from '../tests/js/static-server.mjs';
import { launchChromium } from '../tests/js/chromium.mjs';

const root = resolve(new URL('..', import.meta.url).pathname);
const pkgArg = process.argv.indexOf('--pkg');
const pkgDir = resolve(pkgArg > 0 ? process.argv[pkgArg + 1] : resolve(root, 'pkg'));
const skipNative = process.argv.includes('--no-native');
const samples = Number(process.env.BENCH_SAMPLES ?? 101);

const wasm = readFileSync(resolve(pkgDir, 'ln_sendpay_bg.wasm'));
console.log(`${relative(root, pkgDir) || pkgDir}/ln_sendpay_bg.wasm: ${wasm.length} bytes raw, ${gzipSync(wasm, { level: 9 }).length} bytes gzip`);

const nativeOut = execFileSync(resolve(root, 'target/release/examples/bench'), ['--json'], { encoding: 'utf8', env: { ...process.env, BENCH_SAMPLES: String(samples) } });
const plan = JSON.parse(nativeOut);
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

const f = (x) => `${x.toFixed(1)} µs`.padStart(11);
console.log(`median time to build an onion (route JSON in → onion out; bolt11: decode an invoice), ${samples} samples each`);
console.log(`  hops      native        Node   ×native    Chromium   ×native`);
for (const n of Object.keys(plan)) {
  const nat = Number(plan[n].native_us);
  console.log(`${n.padStart(6)} ${skipNative ? '' : f(nat)} ${f(node[n])}   ${(node[n] / nat).toFixed(2).padStart(6)} ${f(chrome[n])}   ${(chrome[n] / nat).toFixed(2).padStart(6)}`);
}
