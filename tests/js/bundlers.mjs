// The package as a user meets it: `npm pack`, the tarball installed into a fresh project
// beside pinned bundlers (vite 8.3.8, webpack 5.113.0, esbuild 0.28.2, wrangler 4.86.0), and
// the same small app (tests/js/bundlers/) built and run every way a user would: Node ESM and
// require; esbuild for Node, the browser (with the .wasm imported, and without: a clear error)
// and Workers (with the `workerd` condition, and without: a clear error); `wrangler deploy
// --dry-run` output in workerd; Vite (build and dev server) and webpack in headless Chromium;
// TypeScript strict under bundler, node16 and nodenext. Each builds a 1366-byte onion, byte for
// byte the one Node builds, and decodes an invoice.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Miniflare } from 'miniflare';
import { launchChromium } from './chromium.mjs';
import { staticFile } from '../../www/devnode/static.mjs';

const root = resolve(new URL('../..', import.meta.url).pathname);
const shared = resolve(root, '..', 'shared');
const fixtures = join(root, 'tests/js/bundlers');
const PINNED = ['vite@8.3.8', 'webpack@5.113.0', 'esbuild@0.28.2', 'wrangler@4.86.0'];

const dir = mkdtempSync(join(tmpdir(), 'ln-sendpay-bundlers-'));
const results = [];
let browser;

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: dir, encoding: 'utf8', env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' }, timeout: 300_000, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}
const bin = (name) => join(dir, 'node_modules/.bin', name);

/** A static server over `base`. */
function serve(base) {
  const server = createServer(async (req, res) => {
    const f = await staticFile(base, decodeURIComponent(new URL(req.url, 'http://x').pathname).slice(1));
    if (!f) return res.writeHead(404).end('not found');
    res.writeHead(200, { 'content-type': f.type, 'cache-control': 'no-store' }).end(f.body);
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok({ close: () => server.close(), url: `http://127.0.0.1:${server.address().port}/` })));
}

/** What the page at `url` sets as window.result, and what it logged as errors. */
async function inChromium(url) {
  browser ??= await launchChromium();
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await page.goto(url);
    await page.waitForFunction(() => window.result !== undefined, null, { timeout: 30_000 });
    return { ...(await page.evaluate(() => window.result)), pageErrors: errors };
  } finally {
    await page.close();
  }
}

/** window.result of the page at `base`'s index.html, served. */
async function servedInChromium(base) {
  const s = await serve(base);
  try {
    return await inChromium(s.url);
  } finally {
    s.close();
  }
}

async function inWorkerd(base, script) {
  const mf = new Miniflare({
    modules: true,
    modulesRoot: base,
    scriptPath: join(base, script),
    modulesRules: [
      { type: 'ESModule', include: ['**/*.js', '**/*.mjs'] },
      { type: 'CompiledWasm', include: ['**/*.wasm'] },
    ],
    compatibilityDate: '2026-04-26',
  });
  try {
    return await (await mf.dispatchFetch('http://worker/')).json();
  } finally {
    await mf.dispose();
  }
}

let reference;
function same(got, what) {
  if (got.error) throw new Error(`${what}: ${got.code}: ${got.error}`);
  if (got.bytes !== 1366) throw new Error(`${what}: a ${got.bytes}-byte onion`);
  if (got.onion !== reference.onion) throw new Error(`${what}: another onion than Node's`);
  if (got.payee !== reference.payee || got.paymentHash !== reference.paymentHash) throw new Error(`${what}: another invoice`);
  if (got.pageErrors?.length) throw new Error(`${what}: page errors: ${got.pageErrors.join('; ')}`);
}
function refused(got, code, pattern, what) {
  if (got.code !== code || !pattern.test(got.error)) throw new Error(`${what}: expected ${code} matching ${pattern}, got ${JSON.stringify(got)}`);
}

async function check(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`ok - bundlers: ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    results.push({ name, ok: false });
    console.log(`not ok - bundlers: ${name}\n${e.stack ?? e}`);
  }
}

/** The bundle at `at` ships one .wasm, the package's `file`: an app loads one module. */
function onlyWasm(at, file, what) {
  const shipped = readdirSync(at, { recursive: true }).filter((f) => String(f).endsWith('.wasm'));
  const want = readFileSync(join(dir, 'node_modules/ln-sendpay', file));
  if (shipped.length !== 1 || !readFileSync(join(at, String(shipped[0]))).equals(want)) throw new Error(`${what}: ships ${JSON.stringify(shipped)}, not ${file} alone`);
}

/** An esbuild build in the project; `args` after the entry. */
const esbuild = (entry, args) => run(bin('esbuild'), [entry, '--bundle', '--log-level=warning', ...args]);

try {
  // ── The fresh project ──
  const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: join(root, 'pkg'), encoding: 'utf8' }));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'fresh-app', private: true, type: 'module' }));
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '-D', '-E', join(dir, packed[0].filename), ...PINNED], { stdio: ['ignore', 'ignore', 'inherit'] });
  cpSync(fixtures, dir, { recursive: true });
  // The work: a 5-hop route over the spec's nodes, an invoice from the spec.
  const { hops } = JSON.parse(readFileSync(join(shared, 'vectors/bolt04/onion-test.json'), 'utf8')).generate;
  const bolt11 = JSON.parse(readFileSync(join(shared, 'vectors/bolt11.json'), 'utf8'));
  const example = bolt11.valid[0];
  const INPUT = {
    build: {
      route: hops.map((h, i) => ({ id: h.pubkey, channel: `${800000 + i}x1x0`, amountMsat: `${1_000_000 + (4 - i) * 1000}msat`, delay: 800_100 + (4 - i) * 40 })),
      paymentHash: '42'.repeat(32),
      paymentSecret: '11'.repeat(32),
      blockHeight: 800_000,
      sessionKey: '41'.repeat(32),
    },
    invoice: example.invoice,
    now: example.expected.timestamp + 1,
  };
  writeFileSync(join(dir, 'input.js'), `export const INPUT = ${JSON.stringify(INPUT)};\n`);
  writeFileSync(join(dir, 'input.cjs'), `module.exports = { INPUT: ${JSON.stringify(INPUT)} };\n`);
  const node = (file, cwd = dir) => JSON.parse(run(process.execPath, [file], { cwd }));

  await check('Node ESM: import, no init()', () => {
    reference = node('node-esm.mjs');
    if (reference.bytes !== 1366 || reference.payee !== bolt11.payee_node_id) throw new Error(JSON.stringify(reference));
  });
  await check('Node require(): the ES module package from CommonJS', () => same(node('node-cjs.cjs'), 'require'));

  await check('esbuild --platform=node: the entry still initialises (sideEffects), the .wasm found', () => {
    esbuild('node-esm.mjs', ['--platform=node', '--format=esm', '--outfile=dist/esbuild-node/main.mjs']);
    same(node('dist/esbuild-node/main.mjs'), 'esbuild node');
    // The bundle alone, far from node_modules: a clear error, not ENOENT.
    const alone = mkdtempSync(join(tmpdir(), 'ln-sendpay-alone-'));
    try {
      copyFileSync(join(dir, 'dist/esbuild-node/main.mjs'), join(alone, 'main.mjs'));
      const r = spawnSync(process.execPath, ['main.mjs'], { cwd: alone, encoding: 'utf8' });
      if (r.status === 0 || !/cannot find ln_sendpay_bg\.wasm.*copy node_modules\/ln-sendpay\/ln_sendpay_bg\.wasm/s.test(r.stderr)) throw new Error(`alone: ${r.status} ${r.stderr}`);
      copyFileSync(join(dir, 'node_modules/ln-sendpay/ln_sendpay_bg.wasm'), join(alone, 'ln_sendpay_bg.wasm'));
      same(node('main.mjs', alone), 'esbuild node, the .wasm copied beside it');
    } finally {
      rmSync(alone, { recursive: true, force: true });
    }
  });

  await check('esbuild for the browser: the .wasm imported (--loader:.wasm=file), init(wasm)', async () => {
    esbuild('web-wasm-import.js', ['--format=esm', '--loader:.wasm=file', '--outdir=dist/esbuild-web']);
    writeFileSync(join(dir, 'dist/esbuild-web/index.html'), readFileSync(join(dir, 'index.html'), 'utf8').replace('./web.js', './web-wasm-import.js'));
    same(await servedInChromium(join(dir, 'dist/esbuild-web')), 'esbuild web');
  });
  await check('esbuild for the browser without importing the .wasm: init() says how', async () => {
    esbuild('web.js', ['--format=esm', '--outdir=dist/esbuild-web-plain']);
    copyFileSync(join(dir, 'index.html'), join(dir, 'dist/esbuild-web-plain/index.html'));
    refused(await servedInChromium(join(dir, 'dist/esbuild-web-plain')), 'WASM_LOAD_FAILED', /could not load its WebAssembly.*import wasm from 'ln-sendpay\/ln_sendpay_bg\.wasm'/, 'esbuild web, no .wasm');
  });

  await check('esbuild for Workers with --conditions=workerd: no init(), in workerd', async () => {
    esbuild('worker.js', ['--format=esm', '--conditions=workerd', '--loader:.wasm=copy', '--outdir=dist/esbuild-worker']);
    same(await inWorkerd(join(dir, 'dist/esbuild-worker'), 'worker.js'), 'esbuild worker');
  });
  await check('esbuild for Workers without the condition: the error names the condition and the entry', async () => {
    esbuild('worker.js', ['--format=esm', '--outdir=dist/esbuild-worker-plain']);
    refused(await inWorkerd(join(dir, 'dist/esbuild-worker-plain'), 'worker.js'), 'NOT_INITIALISED', /`workerd` export conditions.*'ln-sendpay\/workerd'/, 'esbuild worker, no condition');
  });

  await check('wrangler deploy --dry-run: its bundle runs in workerd', async () => {
    writeFileSync(join(dir, 'wrangler.toml'), 'name = "fresh-app"\nmain = "worker.js"\ncompatibility_date = "2026-04-26"\n');
    run(bin('wrangler'), ['deploy', '--dry-run', '--outdir', 'dist/wrangler']);
    same(await inWorkerd(join(dir, 'dist/wrangler'), 'worker.js'), 'wrangler');
  });

  await check('Vite build: served, in Chromium; the main module alone shipped', async () => {
    run(bin('vite'), ['build', '--outDir', 'dist/vite', '--logLevel', 'warn']);
    onlyWasm(join(dir, 'dist/vite'), 'ln_sendpay_bg.wasm', 'vite build');
    same(await servedInChromium(join(dir, 'dist/vite')), 'vite build');
  });
  await check('Vite dev server, in Chromium', async () => {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const dev = spawn(bin('vite'), ['--port', String(port), '--strictPort', '--host', '127.0.0.1'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    dev.stdout.on('data', (d) => (out += d));
    dev.stderr.on('data', (d) => (out += d));
    try {
      const until = Date.now() + 30_000;
      while (!out.includes('ready')) {
        if (Date.now() > until || dev.exitCode !== null) throw new Error(`vite did not start: ${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      same(await inChromium(`http://127.0.0.1:${port}/`), 'vite dev');
    } finally {
      dev.kill();
    }
  });

  await check('webpack 5: built, in Chromium', async () => {
    const config = `import webpack from 'webpack';
      webpack({ mode: 'production', entry: './web.js', output: { path: new URL('./dist/webpack', import.meta.url).pathname, filename: 'main.js' } }, (err, stats) => {
        if (err || stats.hasErrors()) { console.error(err ?? stats.toString('errors-only')); process.exit(1); }
      });`;
    writeFileSync(join(dir, 'build-webpack.mjs'), config);
    run(process.execPath, ['build-webpack.mjs']);
    writeFileSync(join(dir, 'dist/webpack/index.html'), '<!doctype html><meta charset="utf-8"><script src="main.js"></script>');
    same(await servedInChromium(join(dir, 'dist/webpack')), 'webpack');
  });

  // ln-sendpay/onion: the same onion from the smallest module, and that module alone shipped.
  const sameOnion = (got, what) => {
    if (got.error) throw new Error(`${what}: ${got.code}: ${got.error}`);
    if (got.bytes !== 1366 || got.onion !== reference.onion) throw new Error(`${what}: another onion than Node's`);
    if (got.pageErrors?.length) throw new Error(`${what}: page errors: ${got.pageErrors.join('; ')}`);
  };
  const onlyOnionWasm = (at, what) => onlyWasm(at, 'onion/ln_sendpay_onion_bg.wasm', what);
  await check('ln-sendpay/onion in Node: no init(), the same onion', () => sameOnion(node('onion-node.mjs'), 'onion, Node'));
  await check('ln-sendpay/onion, esbuild for Workers: its module alone, in workerd', async () => {
    esbuild('onion-worker.js', ['--format=esm', '--conditions=workerd', '--loader:.wasm=copy', '--outdir=dist/esbuild-onion-worker']);
    onlyOnionWasm(join(dir, 'dist/esbuild-onion-worker'), 'esbuild onion worker');
    sameOnion(await inWorkerd(join(dir, 'dist/esbuild-onion-worker'), 'onion-worker.js'), 'esbuild onion worker');
  });
  await check('ln-sendpay/onion, Vite build: its module alone, in Chromium', async () => {
    run(bin('vite'), ['build', 'onion-page', '--outDir', '../dist/vite-onion', '--emptyOutDir', '--logLevel', 'warn']);
    onlyOnionWasm(join(dir, 'dist/vite-onion'), 'vite onion');
    sameOnion(await servedInChromium(join(dir, 'dist/vite-onion')), 'vite onion');
  });

  for (const resolution of ['bundler', 'node16', 'nodenext']) {
    await check(`TypeScript strict, moduleResolution ${resolution}`, () => {
      const module = resolution === 'bundler' ? 'esnext' : resolution;
      const tsconfig = { compilerOptions: { strict: true, noEmit: true, target: 'es2022', lib: ['es2022', 'dom'], types: [], module, moduleResolution: resolution, skipLibCheck: false }, files: ['usage.ts'] };
      writeFileSync(join(dir, `tsconfig.${resolution}.json`), JSON.stringify(tsconfig));
      run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', `tsconfig.${resolution}.json`]);
    });
  }
} catch (e) {
  results.push({ name: 'setup', ok: false });
  console.log(`not ok - bundlers: setup\n${e.stack ?? e}`);
} finally {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
}
const failed = results.filter((r) => !r.ok).length;
console.log(`bundlers: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
