// The templates in examples/, as a user copies them: each directory copied into a fresh
// project, its `ln-sendpay` dependency pointed at the packed tarball, `npm install`, then run
// the way its README line says against the dev node over HTTP — with the node set up as
// docs/clnrest-in-a-page.md says (a rune scoped to the methods its `createrune` line lists,
// CORS for the wallet page's origin only):
// - node-pay: pays dave's invoice (the first route fails at bob, decoded, retried), the
//   preimage hashes to the invoice's hash; a destination refusal exits 1 with 203.
// - worker: `wrangler deploy --dry-run`, run in workerd; its /onion builds the onion the dev
//   node forwards (every hop peels it), its /decode decodes bob's real failure reply; a bad
//   request is a 400 naming the field.
// - vite-wallet: `vite build`, served from another origin than the node's, in Chromium: the
//   page pays; with the page's origin not in the node's CORS list, it says so.
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Miniflare } from 'miniflare';
import { startDevNode } from '../../www/devnode/server.mjs';
import { staticFile } from '../../www/devnode/static.mjs';
import { launchChromium } from './chromium.mjs';

const root = resolve(new URL('../..', import.meta.url).pathname);
const dir = mkdtempSync(join(tmpdir(), 'ln-sendpay-examples-'));
const results = [];
const WALLET_RUNE = 'wallet-rune';

/** The methods docs/clnrest-in-a-page.md's `createrune` line permits. */
function documentedMethods() {
  const doc = readFileSync(join(root, 'docs/clnrest-in-a-page.md'), 'utf8');
  const m = /lightning-cli createrune restrictions='(\[.*\])'/.exec(doc);
  if (!m) throw new Error('docs/clnrest-in-a-page.md: no createrune line');
  const [alternatives, ...rest] = JSON.parse(m[1]);
  if (rest.length) throw new Error('the documented rune has restrictions beyond the method list');
  return alternatives.map((a) => {
    if (!a.startsWith('method=')) throw new Error(`the documented rune's first restriction is not a method list: ${a}`);
    return a.slice('method='.length);
  });
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1', ...opts.env }, timeout: 300_000, ...opts });
  if (!opts.allowFail && r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** examples/<name> copied into a fresh project whose ln-sendpay is the tarball; installed. */
function project(name, tarball) {
  const to = join(dir, name);
  cpSync(join(root, 'examples', name), to, { recursive: true });
  const pj = JSON.parse(readFileSync(join(to, 'package.json'), 'utf8'));
  if (!pj.dependencies?.['ln-sendpay']) throw new Error(`examples/${name}: ln-sendpay is not a dependency`);
  pj.dependencies['ln-sendpay'] = `file:${tarball}`;
  writeFileSync(join(to, 'package.json'), JSON.stringify(pj, null, 2));
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: to, stdio: ['ignore', 'ignore', 'inherit'] });
  return to;
}

function serve(base) {
  const server = createServer(async (req, res) => {
    const f = await staticFile(base, decodeURIComponent(new URL(req.url, 'http://x').pathname).slice(1) || 'index.html');
    if (!f) return res.writeHead(404).end('not found');
    res.writeHead(200, { 'content-type': f.type, 'cache-control': 'no-store' }).end(f.body);
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok({ close: () => server.close(), origin: `http://127.0.0.1:${server.address().port}` })));
}

async function check(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`ok - examples: ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    results.push({ name, ok: false });
    console.log(`not ok - examples: ${name}\n${e.stack ?? e}`);
  }
}

const sha256 = (hex) => createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex');
function must(cond, what) {
  if (!cond) throw new Error(what);
}

let browser;
try {
  const methods = documentedMethods();
  const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: join(root, 'pkg'), encoding: 'utf8' }));
  const tarball = join(dir, packed[0].filename);

  await check('node-pay: pays through CLNRest with the documented rune; a refusal exits 1', async () => {
    const at = project('node-pay', tarball);
    const dev = await startDevNode({ scopedRunes: { [WALLET_RUNE]: methods } });
    try {
      const pay = (bolt11) => {
        // Asynchronous: the dev node answers from this process.
        const child = spawn(process.execPath, ['pay.mjs', bolt11], { cwd: at, env: { ...process.env, CLNREST_URL: dev.url, CLNREST_RUNE: WALLET_RUNE } });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        return new Promise((ok) => child.on('close', (status) => ok({ status, stdout, stderr })));
      };
      const inv = dev.network.invoice({ node: 'dave', amount_msat: 100_000_000 });
      const r = await pay(inv.bolt11);
      must(r.status === 0, `exit ${r.status}: ${r.stdout}${r.stderr}`);
      must(/attempt 1: WIRE_TEMPORARY_CHANNEL_FAILURE at 105x1x0/.test(r.stdout), `bob's failure not reported:\n${r.stdout}`);
      const preimage = /paid: preimage ([0-9a-f]{64}), fee \d+ msat, 2 attempt\(s\)/.exec(r.stdout)?.[1];
      must(preimage && sha256(preimage) === inv.payment_hash, `no preimage of the invoice's hash:\n${r.stdout}`);

      await dev.network.call('dev-fail', { node: 'dave', kind: 'incorrect_or_unknown_payment_details' });
      const refused = await pay(dev.network.invoice({ node: 'dave', amount_msat: 1_000 }).bolt11);
      must(refused.status === 1 && /^not paid: 203 PAY_DESTINATION_PERM_FAIL: /m.test(refused.stderr), `expected 203: ${refused.status} ${refused.stdout}${refused.stderr}`);
      const usage = await pay('');
      must(usage.status === 2 && /usage:/.test(usage.stderr), `no usage line: ${usage.status} ${usage.stderr}`);
    } finally {
      await dev.close();
    }
  });

  await check('worker: wrangler deploy --dry-run; its onion forwarded by the dev node, the failure decoded', async () => {
    const at = project('worker', tarball);
    run(join(at, 'node_modules/.bin/wrangler'), ['deploy', '--dry-run', '--outdir', 'dist'], { cwd: at });
    // It imports ln-sendpay/onion: the bundle holds that module's .wasm, and only that one.
    const shipped = readdirSync(join(at, 'dist'), { recursive: true }).filter((f) => String(f).endsWith('.wasm'));
    const onionWasm = readFileSync(join(root, 'pkg/onion/ln_sendpay_onion_bg.wasm'));
    if (shipped.length !== 1 || !readFileSync(join(at, 'dist', String(shipped[0]))).equals(onionWasm)) {
      throw new Error(`the Worker's bundle holds ${JSON.stringify(shipped)}, not the onion module alone`);
    }
    const mf = new Miniflare({
      modules: true,
      modulesRoot: join(at, 'dist'),
      scriptPath: join(at, 'dist/index.js'),
      modulesRules: [
        { type: 'ESModule', include: ['**/*.js', '**/*.mjs'] },
        { type: 'CompiledWasm', include: ['**/*.wasm'] },
      ],
      compatibilityDate: '2026-04-26',
    });
    const dev = await startDevNode();
    try {
      const post = async (path, body) => {
        const res = await mf.dispatchFetch(`http://worker${path}`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });
        return { status: res.status, body: await res.json() };
      };
      const net = dev.network;
      const inv = net.invoice({ node: 'dave', amount_msat: 100_000_000 });
      const { blockheight } = await net.call('getinfo');
      const { route } = await net.call('getroute', { id: inv.destination, amount_msat: inv.amount_msat, riskfactor: 1, cltv: 18 });
      must(route.some((h) => h.channel === '105x1x0'), `the default route does not go through bob: ${JSON.stringify(route)}`);
      const routeText = JSON.stringify(route); // the node's JSON text, as a wallet forwards it
      const built = await post('/onion', { route: routeText, paymentHash: inv.payment_hash, paymentSecret: inv.payment_secret, blockHeight: blockheight });
      must(built.status === 200 && built.body.sendonion.onion.length === 1366 * 2, `onion: ${JSON.stringify(built)}`);
      await net.call('sendonion', built.body.sendonion); // as the Worker's caller forwards it
      const reply = await net.call('waitsendpay', { payment_hash: inv.payment_hash }).then(
        () => { throw new Error('bob carried 100,000 sat'); },
        (e) => e,
      );
      must(reply.code === 202 && reply.data?.onionreply, `waitsendpay: ${reply.code} ${reply.message}`);
      const decoded = await post('/decode', { reply: reply.data.onionreply, sharedSecrets: built.body.sharedSecrets, route: routeText });
      must(decoded.status === 200, `decode: ${JSON.stringify(decoded)}`);
      const f = decoded.body;
      must(f.code === 204 && f.erringIndex === 1 && f.erringNode === net.nodes.bob && f.erringChannel === '105x1x0' && f.failcodename === 'WIRE_TEMPORARY_CHANNEL_FAILURE', `decoded: ${JSON.stringify(f)}`);

      const numbers = await post('/onion', { route, paymentHash: inv.payment_hash, paymentSecret: inv.payment_secret, blockHeight: blockheight });
      must(numbers.status === 400 && numbers.body.field === 'route[0].amount_msat' && /bigint or a string/.test(numbers.body.message), `msat as JS numbers: ${JSON.stringify(numbers)}`);
      const typo = await post('/onion', { route: routeText, paymentHash: inv.payment_hash, paymentsecret: inv.payment_secret, blockHeight: blockheight });
      must(typo.status === 400 && typo.body.error === 'UNKNOWN_FIELD' && typo.body.field === 'paymentsecret', `typo: ${JSON.stringify(typo)}`);
      const notJson = await post('/onion', '{');
      must(notJson.status === 400 && /not JSON/.test(notJson.body.error), `not JSON: ${JSON.stringify(notJson)}`);
    } finally {
      await dev.close();
      await mf.dispose();
    }
  });

  await check('vite-wallet: built, served on its own origin, pays in Chromium; an origin the node does not list is named', async () => {
    const at = project('vite-wallet', tarball);
    run(join(at, 'node_modules/.bin/vite'), ['build', '--outDir', 'dist', '--logLevel', 'warn'], { cwd: at });
    const page = await serve(join(at, 'dist'));
    const listed = await startDevNode({ scopedRunes: { [WALLET_RUNE]: methods }, corsOrigins: [page.origin] });
    const unlisted = await startDevNode({ scopedRunes: { [WALLET_RUNE]: methods }, corsOrigins: ['https://wallet.example'] });
    browser = await launchChromium();
    const tab = await browser.newPage();
    const errors = [];
    tab.on('pageerror', (e) => errors.push(e.message));
    try {
      await tab.goto(`${page.origin}/`);
      const pay = async (dev, bolt11) => {
        await tab.fill('#node', dev.url);
        await tab.fill('#rune', WALLET_RUNE);
        await tab.fill('#invoice', bolt11);
        await tab.click('#go');
        await tab.waitForFunction(() => ['paid', 'failed'].includes(document.querySelector('#status')?.dataset.state), null, { timeout: 60_000 });
        return tab.evaluate(() => ({ state: document.querySelector('#status').dataset.state, status: document.querySelector('#status').textContent, log: document.querySelector('#log').textContent }));
      };
      const inv = listed.network.invoice({ node: 'dave', amount_msat: 100_000_000 });
      const paid = await pay(listed, inv.bolt11);
      must(paid.state === 'paid', `not paid: ${JSON.stringify(paid)}`);
      const preimage = /preimage ([0-9a-f]{64})/.exec(paid.status)?.[1];
      must(preimage && sha256(preimage) === inv.payment_hash, `no preimage of the invoice's hash: ${paid.status}`);
      must(/attempt 1: WIRE_TEMPORARY_CHANNEL_FAILURE at 105x1x0/.test(paid.log), `bob's failure not logged: ${paid.log}`);

      const blocked = await pay(unlisted, unlisted.network.invoice({ node: 'dave', amount_msat: 1_000 }).bolt11);
      must(blocked.state === 'failed' && blocked.status.includes('TRANSPORT_NETWORK') && blocked.status.includes(`clnrest-cors-origins must list ${page.origin}`), `CORS refusal: ${JSON.stringify(blocked)}`);
      must(unlisted.network.state.payments.length === 0, 'a payment reached the node that the page could not read');
      must(errors.length === 0, `page errors: ${errors.join('; ')}`);
    } finally {
      await tab.close();
      page.close();
      await listed.close();
      await unlisted.close();
    }
  });
} catch (e) {
  results.push({ name: 'setup', ok: false });
  console.log(`not ok - examples: setup\n${e.stack ?? e}`);
} finally {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
}
const failed = results.filter((r) => !r.ok).length;
console.log(`examples: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
