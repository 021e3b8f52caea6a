// `make bench`'s cold starts: what the first call costs in a fresh Node process and the first
// request in a fresh workerd instance (miniflare), next to warm figures from the same run.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { createRequire } from 'node:module';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Node: `runs` fresh processes per entry and variant, interleaved; each imports the entry,
 * optionally calls warmUp(), then times its first 5-hop createOnion (a session key neither the
 * priming nor warmUp used) and first decodeFailure, then 40 more onions for the warm median.
 * Variants: as shipped (primed at import), as shipped plus warmUp(), and the lever measured:
 * the same entry without its import-time priming (a copy in a temporary package).
 */
export function nodeCold(pkgDir, shared, entries, runs) {
  const dir = mkdtempSync(join(tmpdir(), 'ln-sendpay-node-cold-'));
  cpSync(pkgDir, join(dir, 'pkg'), { recursive: true });
  const files = {};
  for (const [name, file] of Object.entries(entries)) {
    const shipped = readFileSync(join(pkgDir, file), 'utf8');
    const unprimed = shipped.replace(/^prime\(createOnion\);$/m, '');
    if (unprimed === shipped) throw new Error(`${file}: no import-time prime line to take out`);
    writeFileSync(join(dir, 'pkg', `noprime.${file}`), unprimed);
    files[name] = { shipped: join(dir, 'pkg', file), unprimed: join(dir, 'pkg', `noprime.${file}`) };
  }
  const script = `
    import { readFileSync } from 'node:fs';
    const [entry, shared, warm] = process.argv.slice(1);
    const V = JSON.parse(readFileSync(shared + '/vectors/bolt04/onion-test.json', 'utf8'));
    const E = JSON.parse(readFileSync(shared + '/vectors/bolt04/onion-error-test.json', 'utf8'));
    const req = { sessionKey: '11'.repeat(32), associatedData: V.generate.associated_data, hops: V.generate.hops };
    const secrets = E.generate.hops.map((h) => h.hop_shared_secret);
    const t0 = performance.now();
    const ln = await import(entry);
    const t1 = performance.now();
    const w = warm === 'yes' ? ln.warmUp().ms : 0;
    let s = performance.now(); ln.createOnion(req); const first = performance.now() - s;
    s = performance.now(); ln.decodeFailure({ reply: E.errorpacket, sharedSecrets: secrets }); const firstFail = performance.now() - s;
    const t = [];
    for (let i = 0; i < 40; i++) { s = performance.now(); ln.createOnion(req); t.push(performance.now() - s); }
    t.sort((a, b) => a - b);
    console.log(JSON.stringify({ import: t1 - t0, warmUp: w, first, firstFail, warm: t[20] }));`;
  const out = {};
  for (let r = 0; r < runs; r++) {
    for (const [name, f] of Object.entries(files)) {
      for (const [variant, file, warm] of [['not primed', f.unprimed, 'no'], ['primed', f.shipped, 'no'], ['primed + warmUp()', f.shipped, 'yes']]) {
        const p = spawnSync(process.execPath, ['--input-type=module', '-e', script, file, shared, warm], { encoding: 'utf8' });
        if (p.status !== 0) throw new Error(`cold start probe failed: ${p.stderr}`);
        (out[`${name}|${variant}`] ??= []).push(JSON.parse(p.stdout));
      }
    }
  }
  rmSync(dir, { recursive: true, force: true });
  return Object.fromEntries(
    Object.entries(out).map(([k, rows]) => {
      const m = Object.fromEntries(Object.keys(rows[0]).map((f) => [f, median(rows.map((x) => x[f]))]));
      return [k, { ...m, ratio: median(rows.map((x) => x.first / x.warm)) }];
    }),
  );
}

/** The Workers the workerd rows run, written into a temporary copy of the package. */
function prepareWorkers(pkgDir, shared, entries) {
  const dir = mkdtempSync(join(tmpdir(), 'ln-sendpay-cold-'));
  cpSync(pkgDir, join(dir, 'pkg'), { recursive: true });
  const v = readFileSync(join(shared, 'vectors/bolt04/onion-test.json'), 'utf8');
  const e = readFileSync(join(shared, 'vectors/bolt04/onion-error-test.json'), 'utf8');
  writeFileSync(join(dir, 'vectors.mjs'), `export const V = ${v};\nexport const E = ${e};\n`);
  const workers = { empty: { text: 'export default { async fetch() { return new Response("ok"); } };\n', modules: [] } };
  for (const [name, { entry, glue, wasm }] of Object.entries(entries)) {
    const shipped = readFileSync(join(dir, 'pkg', entry), 'utf8');
    const cold = shipped.replace(/^warmUp\(\{ rounds: \d+ \}\);$/m, '');
    if (cold === shipped) throw new Error(`${entry}: no module-scope warmUp line to take out`);
    writeFileSync(join(dir, 'pkg', `nowarm.${entry}`), cold);
    for (const [variant, file] of [['warm-up', entry], ['no warm-up', `nowarm.${entry}`]]) {
      const text = `import * as ln from './pkg/${file}';
import { V, E } from './vectors.mjs';
const route = V.generate.hops.map((h, i) => ({ id: h.pubkey, channel: \`\${700000 + i}x\${7 + i}x1\`, amount_msat: \`\${5000000 - 2000 * i}msat\`, delay: 18 + 34 * (4 - i) }));
const secrets = E.generate.hops.map((h) => h.hop_shared_secret);
export default {
  async fetch() {
    const r = ln.buildOnion({ route, paymentHash: '5a'.repeat(32), paymentSecret: '3c'.repeat(32), blockHeight: 901234 });
    const f = ln.decodeFailure({ reply: E.errorpacket, sharedSecrets: secrets, route });
    return new Response(r.onion.length + ' ' + f.code);
  },
};
`;
      const lib = readdirSync(join(dir, 'pkg/lib')).map((f) => `pkg/lib/${f}`);
      workers[`${name}, ${variant}`] = { text, modules: ['vectors.mjs', `pkg/${file}`, `pkg/${glue}`, ...lib], wasm: `pkg/${wasm}` };
    }
  }
  let i = 0;
  for (const w of Object.values(workers)) {
    w.file = `worker${i++}.mjs`;
    writeFileSync(join(dir, w.file), w.text);
  }
  return { dir, workers };
}

const freePort = () =>
  new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });

/** One request on a new connection: its time to the end of the body, and the body. */
const timedGet = (port) =>
  new Promise((ok, fail) => {
    const t0 = performance.now();
    httpGet({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => ok({ ms: performance.now() - t0, body }));
    }).once('error', fail);
  });

async function listening(port, child) {
  for (let i = 0; i < 1000; i++) {
    if (child.exitCode !== null) throw new Error(`workerd exited ${child.exitCode}`);
    const ok = await new Promise((r) => {
      const c = connect(port, '127.0.0.1', () => (c.destroy(), r(true)));
      c.once('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('workerd did not listen');
}

/** A capnp config serving `w` (its main module first) on `port`. */
function capnp(w) {
  const mods = [`(name = "${w.file}", esModule = embed "${w.file}")`, ...w.modules.map((m) => `(name = "${m}", esModule = embed "${m}")`)];
  if (w.wasm) mods.push(`(name = "${w.wasm}", wasm = embed "${w.wasm}")`);
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .w) ],
  sockets = [ (name = "http", address = "127.0.0.1:0", http = (), service = "main") ],
);
const w :Workerd.Worker = (
  modules = [ ${mods.join(',\n    ')} ],
  compatibilityDate = "2026-04-01",
);
`;
}

const summarise = (rows) => {
  const m = Object.fromEntries(Object.entries(rows).map(([k, xs]) => [k, Object.fromEntries(['startup', 'first', 'second', 'warm'].filter((f) => f in xs[0]).map((f) => [f, median(xs.map((x) => x[f]))]))]));
  for (const k of Object.keys(m)) {
    if (k === 'empty') continue;
    m[k].extra = m[k].first - m.empty.first;
    if ('warm' in m[k]) m[k].warmExtra = m[k].warm - m.empty.warm;
  }
  return m;
};

/**
 * workerd: `runs` fresh instances per Worker, interleaved: an empty Worker, and for each entry
 * a Worker whose request builds a 5-hop onion from a route (fresh session key) and decodes a
 * failure reply along it — with the entry as shipped (warm-up at module scope) and with that
 * line taken out. Start-up, and the first and second requests' latency; `extra` is the first
 * request minus the empty Worker's. Twice: `workerd serve` itself (the binary miniflare
 * ships), a request on a new connection; and through miniflare's `dispatchFetch`, whose own
 * layers add to a wasm Worker's first request.
 */
export async function workerdCold(root, pkgDir, shared, entries, runs) {
  const require = createRequire(join(root, 'package.json'));
  const workerdBin = require('workerd').default;
  const { Miniflare } = await import(join(root, 'node_modules/miniflare/dist/src/index.js'));
  const { dir, workers } = prepareWorkers(pkgDir, shared, entries);
  const direct = {};
  const viaMiniflare = {};
  try {
    for (let r = 0; r < runs; r++) {
      for (const [name, w] of Object.entries(workers)) {
        const config = join(dir, `${w.file}.capnp`);
        writeFileSync(config, capnp(w));
        const port = await freePort();
        const t0 = performance.now();
        const child = spawn(workerdBin, ['serve', config, `--socket-addr=http=127.0.0.1:${port}`], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (d) => (stderr += d));
        try {
          await listening(port, child).catch((e) => {
            throw new Error(`${name}: ${e.message}\n${stderr}`);
          });
          const t1 = performance.now();
          await new Promise((ok) => setTimeout(ok, 300)); // start-up done; the request comes later
          const a = await timedGet(port);
          const b = await timedGet(port);
          if (name !== 'empty' && a.body !== '2732 204') throw new Error(`${name}: the Worker answered ${a.body}\n${stderr}`);
          // Then a warm request (the median of 11 more): the work itself, once compiled.
          const more = [];
          for (let i = 0; i < 11; i++) more.push((await timedGet(port)).ms);
          (direct[name] ??= []).push({ startup: t1 - t0, first: a.ms, second: b.ms, warm: median(more) });
        } finally {
          child.kill();
          await new Promise((ok) => (child.exitCode !== null ? ok() : child.once('exit', ok)));
        }

        const m0 = performance.now();
        const mf = new Miniflare({
          modules: true,
          modulesRoot: dir,
          scriptPath: join(dir, w.file),
          modulesRules: [
            { type: 'ESModule', include: ['**/*.js', '**/*.mjs'] },
            { type: 'CompiledWasm', include: ['**/*.wasm'] },
          ],
          compatibilityDate: '2026-04-01',
        });
        try {
          await mf.ready;
          const m1 = performance.now();
          const body = await (await mf.dispatchFetch('http://worker/')).text();
          const m2 = performance.now();
          await (await mf.dispatchFetch('http://worker/')).text();
          const m3 = performance.now();
          if (name !== 'empty' && body !== '2732 204') throw new Error(`${name}: the Worker answered ${body}`);
          (viaMiniflare[name] ??= []).push({ startup: m1 - m0, first: m2 - m1, second: m3 - m2 });
        } finally {
          await mf.dispose();
        }
      }
    }
    return { workerd: summarise(direct), miniflare: summarise(viaMiniflare) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Chromium: `runs` fresh browser contexts per row, interleaved; each page imports the main
 * entry, awaits init(), optionally waits `pause` ms (a user reaching "pay"), then times its
 * first 5-hop createOnion and 30 more for the warm median. Rows: the entry without its
 * after-init priming (a copy in a temporary tree), and the shipped entry with and without the
 * pause (without it the first onion runs before the priming task).
 */
export async function chromiumCold(pkgDir, shared, runs, { startStaticServer, launchChromium }) {
  const dir = mkdtempSync(join(tmpdir(), 'ln-sendpay-chromium-cold-'));
  cpSync(pkgDir, join(dir, 'main/pkg'), { recursive: true });
  cpSync(shared, join(dir, 'shared'), { recursive: true });
  const shipped = readFileSync(join(pkgDir, 'index.web.js'), 'utf8');
  const unprimed = shipped.replace(/^ {2}afterReady: \(\) => prime\(createOnion\),$/m, '');
  if (unprimed === shipped) throw new Error('index.web.js: no afterReady priming line to take out');
  writeFileSync(join(dir, 'main/pkg/noprime.index.web.js'), unprimed);
  writeFileSync(
    join(dir, 'main/cold.html'),
    `<!doctype html><meta charset="utf-8"><script type="module">
const q = new URLSearchParams(location.search);
const V = await (await fetch('/shared/vectors/bolt04/onion-test.json')).json();
const req = { sessionKey: '11'.repeat(32), associatedData: V.generate.associated_data, hops: V.generate.hops };
const t0 = performance.now();
const ln = await import('/pkg/' + q.get('entry'));
await ln.init();
const t1 = performance.now();
if (Number(q.get('pause'))) await new Promise((r) => setTimeout(r, Number(q.get('pause'))));
let s = performance.now(); ln.createOnion(req); const first = performance.now() - s;
const t = []; for (let i = 0; i < 30; i++) { s = performance.now(); ln.createOnion(req); t.push(performance.now() - s); }
t.sort((a, b) => a - b);
window.__r = { init: t1 - t0, first, warm: t[15] };
</script>`,
  );
  const rows = [
    ['not primed, first onion 50 ms after init()', 'noprime.index.web.js', 50],
    ['primed, first onion right after init()', 'index.web.js', 0],
    ['primed, first onion 50 ms after init()', 'index.web.js', 50],
  ];
  const { server, url } = await startStaticServer(join(dir, 'main'));
  const browser = await launchChromium();
  const out = {};
  try {
    for (let r = 0; r < runs; r++) {
      for (const [name, entry, pause] of rows) {
        const ctx = await browser.newContext();
        try {
          const page = await ctx.newPage();
          await page.goto(`${url}/cold.html?entry=${entry}&pause=${pause}`);
          await page.waitForFunction(() => window.__r, null, { timeout: 60_000 });
          (out[name] ??= []).push(await page.evaluate(() => window.__r));
        } finally {
          await ctx.close();
        }
      }
    }
  } finally {
    await browser.close();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return Object.fromEntries(
    Object.entries(out).map(([k, xs]) => [k, { init: median(xs.map((x) => x.init)), first: median(xs.map((x) => x.first)), warm: median(xs.map((x) => x.warm)), ratio: median(xs.map((x) => x.first / x.warm)) }]),
  );
}
