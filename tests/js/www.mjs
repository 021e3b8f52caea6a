// The demo page (www/) in headless Chromium (Debian's, driven by playwright-core) against the
// dev node that serves it: a payment whose first route fails at bob, the failure explained
// with bob lit up, a retry that succeeds; then the same through `client.pay`; then a route
// edited by hand. What the page draws is checked against the bytes it sent (peeled here with
// the hops' keys) and against the dev node's own records. Screenshots go to
// target/test-output/.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import * as ln from '../../pkg/index.node.js';
import * as hop from '../../pkg/hop.node.js';
import { startDevNode } from '../../www/devnode/server.mjs';
import { defaultNetwork } from '../../www/devnode/network.mjs';
import { launchChromium } from './chromium.mjs';

const root = resolve(new URL('../..', import.meta.url).pathname);
const outDir = resolve(root, 'target/test-output');
mkdirSync(outDir, { recursive: true });

const config = defaultNetwork();
config.delayMs = 150;
const dev = await startDevNode({ config });
const ids = dev.network.nodes;
const keyOf = Object.fromEntries(Object.entries(config.nodes).map(([name, priv]) => [ids[name], priv]));
const browser = await launchChromium();

let passed = 0;
let failed = 0;
async function check(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok - www: ${name}`);
  } catch (e) {
    failed++;
    console.log(`not ok - www: ${name}\n${e && e.stack ? e.stack : e}`);
  }
}

const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
// Console errors and page errors fail the run, with one exception: Chromium logs every HTTP
// error status as "Failed to load resource", and CLNRest answers a failed payment's
// waitsendpay with 500 (as Core Lightning does). Those are counted and must match the
// failures we caused, one each.
const problems = [];
const statusLogs = [];
page.on('console', (m) => {
  if (m.type() !== 'error') return;
  if (/^Failed to load resource: the server responded with a status of 500/.test(m.text())) statusLogs.push(m.location().url);
  else problems.push(`console: ${m.text()}`);
});
page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
// The onions the page sent, as they went over the wire.
const sentOnions = [];
page.on('request', (r) => {
  if (r.method() === 'POST' && r.url().endsWith('/v1/sendonion')) sentOnions.push(JSON.parse(r.postData()));
});

const text = (sel) => page.locator(sel).first().innerText();
const sha256 = (hex) => createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex');

try {
  await page.goto(`${dev.url}/`);
  await page.waitForSelector('body[data-ready]', { timeout: 30_000 });

  await check('connects over CLNRest: our node, the network, a test invoice', async () => {
    assert.match(await text('#conn'), /ALICE · regtest · block 800000/);
    assert.equal(await page.inputValue('#destination'), ids.dave);
    assert.match(await page.inputValue('#payment-hash'), /^[0-9a-f]{64}$/);
    assert.equal(await page.locator('#send').isDisabled(), true, 'nothing to send before a route');
    // The test invoice is a real bolt11, decoded and verified in the page.
    const bolt11 = await page.inputValue('#bolt11');
    assert.match(bolt11, /^lnbcrt1000000000p1/);
    assert.equal(ln.decodeInvoice(bolt11).paymentHash, await page.inputValue('#payment-hash'));
    assert.match(await text('#invoice-summary'), /^DAVE asks 100000sat · “dev node invoice #1” · regtest · expires in 60 min · signature ✓ \(against n\)/);
  });

  let hash;
  await check('finds the cheapest route (through bob) and draws it', async () => {
    hash = await page.inputValue('#payment-hash');
    await page.click('#find-route');
    await page.waitForSelector('#route-diagram .node[data-node]');
    const nodes = await page.locator('#route-diagram .node').evaluateAll((els) => els.map((e) => e.dataset.node));
    assert.deepEqual(nodes, [ids.alice, ids.bob, ids.dave]);
    const channels = await page.locator('#route-diagram .link').evaluateAll((els) => els.map((e) => e.dataset.channel));
    assert.deepEqual(channels, ['103x1x0', '105x1x0']);
    assert.match(await text('#route-summary'), /2 hops · fee 1,500 msat/);
    // As a live node, dave's invoice hints his public channels too; they go into the layer.
    assert.match(await text('#timeline'), /route hint: BOB ─105x1x0→ DAVE added to the layer/);
  });

  /** The bands of each "as hop k sees it" row: [{cls, bytes}]. */
  const bands = () => page.locator('#onion .bar').evaluateAll((bars) => bars.map((b) => [...b.children].map((c) => ({ cls: c.className, bytes: Number(c.dataset.bytes) }))));

  await check('the onion picture: one band per hop, padding, filler, as the library built it', async () => {
    const routeText = await page.inputValue('#route-json');
    const built = ln.buildOnion({ route: routeText, paymentHash: hash, paymentSecret: await page.inputValue('#payment-secret'), amountMsat: '100000sat', blockHeight: 800_000 });
    const frames = built.hops.map((h) => h.payloadLength + 32);
    const used = frames.reduce((a, b) => a + b, 0);
    const rows = await bands();
    assert.equal(rows.length, 2, 'a row per hop');
    assert.deepEqual(rows[0], [{ cls: 'frame own', bytes: frames[0] }, { cls: 'frame', bytes: frames[1] }, { cls: 'pad', bytes: 1300 - used }]);
    assert.deepEqual(rows[1], [{ cls: 'frame own', bytes: frames[1] }, { cls: 'pad', bytes: 1300 - used }, { cls: 'fill', bytes: frames[0] }]);
    assert.match(await text('#onion'), new RegExp(`filler: ${frames[0]} bytes`));
  });

  await check('send: the first attempt fails at bob; the failure is decoded here and explained, bob lit up', async () => {
    await page.click('#send');
    await page.waitForSelector('.failure[data-attempt="1"]', { timeout: 30_000 });
    const card = page.locator('.failure[data-attempt="1"]');
    assert.match(await card.locator('h3').innerText(), /WIRE_TEMPORARY_CHANNEL_FAILURE \(0x1007 UPDATE\) at BOB, channel 105x1x0/);
    assert.match(await card.innerText(), /204 PAY_TRY_OTHER_ROUTE/);
    assert.match(await card.innerText(), /signed by BOB ✓/);
    // The node could not read the reply (sendonion: the secrets stayed in the page).
    assert.equal(await card.locator('[data-decoded-here]').count(), 1);
    assert.deepEqual(await card.locator('.node.erring').evaluateAll((els) => els.map((e) => e.dataset.node)), [ids.bob]);
    assert.deepEqual(await card.locator('.link.erring').evaluateAll((els) => els.map((e) => e.dataset.channel)), ['105x1x0']);
    assert.equal(await page.getAttribute('#status', 'data-state'), 'failed');
    assert.equal(await page.locator('#retry').isDisabled(), false);
    await page.screenshot({ path: resolve(outDir, 'www-failed.png'), fullPage: true });
  });

  await check('what the page drew is what it sent: bob and dave peel bands of those sizes', async () => {
    assert.equal(sentOnions.length, 1);
    const sent = sentOnions[0];
    assert.equal(sent.onion.length, 1366 * 2);
    const atBob = hop.peelOnion({ onion: sent.onion, associatedData: hash, privkey: keyOf[ids.bob] });
    const atDave = hop.peelOnion({ onion: atBob.nextOnion, associatedData: hash, privkey: keyOf[ids.dave] });
    assert.equal(atBob.fields.shortChannelId, '105x1x0');
    assert.equal(atDave.nextOnion, null);
    const rows = await bands();
    assert.deepEqual([rows[0][0].bytes, rows[0][1].bytes], [atBob.payload.length / 2 + 32, atDave.payload.length / 2 + 32]);
    assert.match(await text('#onion'), new RegExp(`as sent \\(sendonion\\)`));
    assert.ok((await text('#onion .packet')).includes(`key ${sent.onion.slice(2, 12)}`), 'the header shows the sent ephemeral key');
  });

  await check('retry: bob’s channel left out, a route through carol and erin, paid', async () => {
    await page.click('#retry');
    await page.waitForSelector('#success', { timeout: 30_000 });
    assert.equal(await page.getAttribute('#status', 'data-state'), 'complete');
    const nodes = await page.locator('#success .node').evaluateAll((els) => els.map((e) => e.dataset.node));
    assert.deepEqual(nodes, [ids.alice, ids.carol, ids.erin, ids.dave]);
    const preimage = await page.getAttribute('#success [data-preimage]', 'data-preimage');
    assert.equal(sha256(preimage), hash, 'the page shows the real preimage');
    assert.match(await text('#success'), /= payment_hash ✓/);
    assert.match(await text('#timeline'), /105x1x0\/0 left out of the next routes \(askrene layer/);
    // The node's side: one failed and one complete attempt; bob's refusal, dave's payment.
    const { payments } = await dev.network.call('listsendpays', { payment_hash: hash });
    assert.deepEqual(payments.map((p) => p.status), ['failed', 'complete']);
    assert.ok(dev.network.log.includes('bob: not enough balance on 105x1x0'));
    assert.ok(dev.network.log.includes('dave: paid, preimage released'));
    assert.equal(await page.locator('#retry').isDisabled(), true);
    await page.screenshot({ path: resolve(outDir, 'www-paid.png'), fullPage: true });
  });

  await check('pay automatically (client.pay): the same story, driven by the library', async () => {
    await page.click('#new-invoice');
    await page.waitForFunction((old) => document.getElementById('payment-hash').value !== old, hash);
    const hash2 = await page.inputValue('#payment-hash');
    await page.click('#autopay');
    await page.waitForSelector('#success', { timeout: 30_000 });
    assert.equal(await page.locator('.failure').count(), 1, 'one failed attempt');
    assert.match(await page.locator('.failure h3').innerText(), /at BOB, channel 105x1x0/);
    // bob's failure carried channeld's update: its fees, and a cap below what 105x1x0 refused.
    assert.match(await text('#timeline'), /askrene-update-channel 105x1x0\/0 fees 500msat \+ 10 ppm, at most \d+msat/);
    assert.equal(sha256(await page.getAttribute('#success [data-preimage]', 'data-preimage')), hash2);
  });

  await check('a route edited by hand: errors name the field; a valid edit redraws the onion', async () => {
    await page.click('#route-edit summary');
    const good = await page.inputValue('#route-json');
    await page.fill('#route-json', good.replace(/"amount_msat": \d+/, '"amount_msat": "lots"'));
    await page.waitForSelector('#route-error:not([hidden])');
    assert.match(await text('#route-error'), /route\[0\]\.amount_msat/);
    assert.equal(await page.locator('#send').isDisabled(), true);
    // More at the destination than the hop before forwards: refused, the hop named.
    const route = JSON.parse(good);
    const last = route.length - 1;
    await page.fill('#route-json', good.replace(new RegExp(`"amount_msat": ${route[last].amount_msat}(?=,)`), '"amount_msat": 300000000'));
    await page.waitForFunction((f) => document.getElementById('route-error').textContent.includes(f), `route[${last}].amount_msat`);
    assert.match(await text('#route-error'), /ROUTE_AMOUNT_INCREASING/);
    // An invoice for less than half what the route delivers: the man page's 2× rule.
    await page.fill('#route-json', good);
    await page.fill('#amount', '40000sat');
    await page.dispatchEvent('#amount', 'change');
    await page.waitForFunction(() => document.getElementById('route-error').textContent.includes('ROUTE_ABOVE_TWICE_MSATOSHI'));
    assert.match(await text('#route-error'), /more than twice msatoshi/);
    await page.fill('#amount', '100000sat');
    await page.dispatchEvent('#amount', 'change');
    await page.fill('#route-json', good);
    await page.waitForSelector('#route-error', { state: 'hidden' });
    assert.equal((await bands()).length, 3);
    assert.equal(await page.locator('#send').isDisabled(), false);
  });

  await check('an injected failure at the destination: 203, dave lit, no retry offered', async () => {
    await page.click('#new-invoice');
    await page.waitForSelector('.failure', { state: 'detached' });
    await page.selectOption('#inject-node', 'dave');
    await page.selectOption('#inject-kind', 'incorrect_or_unknown_payment_details');
    await page.click('#inject');
    await page.waitForFunction(() => document.getElementById('inject-state').textContent.includes('dave incorrect_or_unknown_payment_details ×1'));
    await page.click('#autopay');
    await page.waitForSelector('.failure[data-attempt="2"]', { timeout: 30_000 });
    await page.waitForFunction(() => document.getElementById('status').dataset.state === 'failed' && !document.getElementById('autopay').disabled);
    const card = page.locator('.failure[data-attempt="2"]');
    assert.match(await card.locator('h3').innerText(), /WIRE_INCORRECT_OR_UNKNOWN_PAYMENT_DETAILS \(0x400f PERM\) at the destination \(DAVE\)/);
    assert.match(await card.innerText(), /203 PAY_DESTINATION_PERM_FAIL/);
    assert.match(await card.innerText(), /erringChannel\s+0:0:0/);
    assert.deepEqual(await card.locator('.node.erring').evaluateAll((els) => els.map((e) => e.dataset.node)), [ids.dave]);
    assert.equal(await card.locator('.link.erring').count(), 0, 'no channel to blame');
    assert.match(await text('#status-text'), /203/);
    assert.equal(await text('#inject-state'), '', 'the injected failure was used up');
  });

  await check('a field that disagrees with the invoice is refused before anything is sent', async () => {
    await page.click('#new-invoice');
    await page.waitForFunction(() => document.getElementById('status').dataset.state === 'idle');
    await page.click('#find-route');
    await page.waitForSelector('#route-diagram .node[data-node]');
    const sent = sentOnions.length;
    await page.fill('#payment-hash', '00'.repeat(32));
    await page.dispatchEvent('#payment-hash', 'change');
    await page.click('#send');
    await page.waitForFunction(() => document.getElementById('status').dataset.state === 'failed');
    assert.match(await text('#status-text'), /paymentHash.*does not match the invoice's payment_hash.*INVOICE_PAYMENT_HASH_MISMATCH/);
    assert.equal(sentOnions.length, sent, 'no sendonion went out');
  });

  await check('a pasted invoice is decoded here: a spec example fills the fields; a broken one is named', async () => {
    const spec = 'lnbc2500u1pvjluezsp5zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zygspp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqdq5xysxxatsyp3k7enxv4jsxqzpu9qrsgquk0rl77nj30yxdy8j9vdx85fkpmdla2087ne0xh8nhedh8w27kyke0lp53ut353s06fv3qfegext0eh0ymjpf39tuven09sam30g4vgpfna3rh';
    await page.fill('#bolt11', spec);
    await page.dispatchEvent('#bolt11', 'change');
    await page.waitForFunction(() => document.getElementById('destination').value.startsWith('03e7156a'));
    assert.equal(await page.inputValue('#payment-hash'), '0001020304050607080900010203040506070809000102030405060708090102');
    assert.equal(await page.inputValue('#amount'), '250000000msat');
    assert.match(await text('#invoice-summary'), /asks 250000sat · “1 cup coffee” · bitcoin · EXPIRED · signature ✓ \(key recovered\)/);
    await page.fill('#bolt11', spec.slice(0, -1) + 'q');
    await page.dispatchEvent('#bolt11', 'change');
    await page.waitForSelector('#invoice-error:not([hidden])');
    assert.match(await text('#invoice-error'), /invoice: the bech32 checksum does not verify.*BOLT11_BAD_CHECKSUM/);
  });

  await check('a payee behind a private channel: the invoice’s route hint goes into the layer, the route ends through it', async () => {
    await page.selectOption('#payee', 'frank');
    await page.click('#new-invoice');
    await page.waitForFunction((id) => document.getElementById('destination').value === id, ids.frank);
    await page.click('#find-route');
    await page.waitForSelector('#route-diagram .node[data-node]');
    const channels = await page.locator('#route-diagram .link').evaluateAll((els) => els.map((e) => e.dataset.channel));
    assert.equal(channels[channels.length - 1], '109x1x0');
    assert.match(await text('#timeline'), /route hint: DAVE ─109x1x0→ FRANK added to the layer/);
  });

  await check('pay in parts (client.pay): grace\u2019s invoice is over any of her channels; the parts drawn, one failing at bob, paid', async () => {
    await page.selectOption('#payee', 'grace');
    await page.fill('#amount', '500000sat');
    await page.dispatchEvent('#amount', 'change');
    await page.click('#new-invoice');
    await page.waitForFunction((id) => document.getElementById('destination').value === id, ids.grace);
    const hash3 = await page.inputValue('#payment-hash');
    await page.click('#autopay');
    await page.waitForSelector('#success', { timeout: 30_000 }).catch(async (e) => {
      throw new Error(`${e.message}\nstatus: ${await text('#status-text')}\ntimeline: ${await text('#timeline')}\nnode: ${dev.network.log.slice(-15).join(' | ')}`);
    });
    const parts = await page.locator('#parts li').evaluateAll((els) => els.map((e) => [e.dataset.partid, e.dataset.status, e.querySelector('.part-amount').textContent]));
    assert.deepEqual(parts.map(([p, st]) => [p, st]), [['1', 'failed'], ['2', 'complete'], ['3', 'complete']]);
    assert.equal(parts[0][2], parts[2][2], 'part 3 carries what part 1 did');
    assert.equal(await page.locator('#parts').isVisible(), true);
    assert.match(await text('#parts'), /failed: WIRE_TEMPORARY_CHANNEL_FAILURE at 110x1x0/);
    assert.match(await text('#timeline'), /paid in 2 parts/);
    assert.equal(sha256(await page.getAttribute('#success [data-preimage]', 'data-preimage')), hash3);
    await page.screenshot({ path: resolve(outDir, 'www-parts.png'), fullPage: true });
    await page.selectOption('#payee', 'dave');
    await page.fill('#amount', '100000sat');
    await page.dispatchEvent('#amount', 'change');
  });

  await check('two tabs over one IndexedDB pay one invoice: navigator.locks lets one send, the other finds it paid', async () => {
    const inv = await dev.network.call('dev-invoice', { node: 'dave', amount_msat: 50000 });
    const ctx = await browser.newContext(); // one origin, one profile: shared IndexedDB and locks
    const tabs = [await ctx.newPage(), await ctx.newPage()];
    const sends = [0, 0];
    const tabProblems = [];
    for (const [i, t] of tabs.entries()) {
      t.on('request', (r) => r.method() === 'POST' && r.url().endsWith('/v1/sendonion') && sends[i]++);
      t.on('pageerror', (e) => tabProblems.push(`tab ${i}: ${e.message}`));
      await t.goto(`${dev.url}/pkg/package.json`); // same origin as the node: one IndexedDB, one lock manager
    }
    const db = `ln-sendpay-tabs-${Date.now()}`;
    const pay = (t) =>
      t.evaluate(
        async ({ bolt11, rune, db }) => {
          const ln = await import('/pkg/index.web.js');
          await ln.init();
          const client = new ln.Client({ transport: ln.clnrest({ url: location.origin, rune }), store: new ln.IndexedDBStore({ name: db }) });
          try {
            const r = await client.pay({ bolt11 });
            return { status: r.status, preimage: r.paymentPreimage, fromStore: r.fromStore === true, locks: typeof navigator.locks?.request };
          } catch (e) {
            return { code: e.code, message: e.message };
          }
        },
        { bolt11: inv.bolt11, rune: dev.rune, db },
      );
    const [a, b] = await Promise.all(tabs.map(pay));
    await ctx.close();
    assert.deepEqual(tabProblems, []);
    assert.equal(a.locks, 'function');
    assert.equal(a.status, 'complete', JSON.stringify(a));
    assert.equal(b.status, 'complete', JSON.stringify(b));
    assert.equal(a.preimage, b.preimage);
    assert.equal(sha256(a.preimage), inv.payment_hash);
    assert.equal(a.fromStore !== b.fromStore, true, 'one tab paid, the other read it from the shared store');
    const sender = a.fromStore ? 1 : 0;
    assert.ok(sends[sender] >= 1 && sends[1 - sender] === 0, `sendonions per tab: ${sends}`);
    assert.equal(dev.network.state.payments.filter((p) => p.payment_hash === inv.payment_hash && p.status === 'complete').length, 1);
  });

  await check('a WebLN-only app (www/webln.html) pays an invoice and a keysend through ln-sendpay; a failure comes back as WebLN’s RoutingError with the failure decoded in the page', async () => {
    const app = await browser.newPage();
    const appProblems = [];
    app.on('pageerror', (e) => appProblems.push(e.message));
    app.on('console', (m) => m.type() === 'error' && !/status of 500/.test(m.text()) && appProblems.push(m.text()));
    const onions = [];
    app.on('request', (r) => r.method() === 'POST' && r.url().endsWith('/v1/sendonion') && onions.push(JSON.parse(r.postData())));
    await app.goto(`${dev.url}/webln.html`);
    await app.waitForSelector('body[data-webln-ready]', { timeout: 30_000 });
    assert.match(await app.locator('#info').innerText(), /^wallet: ALICE \(/);
    assert.match(await app.locator('#info').innerText(), /keysend ✓/);
    const lines = () => app.locator('#out li').allInnerTexts();
    const waitLines = async (n) => {
      await app.waitForFunction((k) => document.querySelectorAll('#out li').length >= k, n, { timeout: 30_000 });
      return lines();
    };
    // An invoice: the cheap route through bob fails (decoded in the page), the next one pays.
    const inv = dev.network.invoice({ node: 'dave', amount_msat: 70000 });
    await app.fill('#invoice', inv.bolt11);
    await app.click('#pay');
    const [paid] = await waitLines(1);
    const pre = /preimage ([0-9a-f]{64})/.exec(paid)?.[1];
    assert.ok(pre, paid);
    assert.equal(sha256(pre), inv.payment_hash);
    assert.equal(onions.filter((o) => o.payment_hash === inv.payment_hash).length, 2, 'a failed attempt, then the paid one');
    // A keysend with a message: the preimage reached dave inside the onion, and it is proof.
    await app.fill('#dest', ids.dave);
    await app.click('#keysend');
    const ks = (await waitLines(2))[1];
    const kpre = /preimage ([0-9a-f]{64})/.exec(ks)?.[1];
    assert.ok(kpre, ks);
    const got = dev.network.state.keysends.at(-1);
    assert.equal(got.paymentHash, sha256(kpre));
    assert.equal(got.amountMsat, 21000n);
    assert.equal(got.customRecords['7629169'], Buffer.from('{"action":"boost","message":"thanks!"}').toString('hex'));
    assert.ok(onions.every((o) => !JSON.stringify(o).includes(kpre)), 'the keysend preimage only inside the onion');
    // The payee refuses: RoutingError, with the failure decoded here.
    await dev.network.call('dev-fail', { node: 'dave', kind: 'incorrect_or_unknown_payment_details' });
    await app.fill('#invoice', dev.network.invoice({ node: 'dave', amount_msat: 1000 }).bolt11);
    await app.click('#pay');
    const refused = (await waitLines(3))[2];
    assert.match(refused, /^RoutingError: .*\(WIRE_INCORRECT_OR_UNKNOWN_PAYMENT_DETAILS at /);
    await app.screenshot({ path: resolve(outDir, 'www-webln.png'), fullPage: true });
    await app.close();
    assert.deepEqual(appProblems, []);
  });

  await check('an offer (BOLT 12) on the demo page: the invoice fetched and checked in the page, bob’s path fails inside, carol’s pays; the paths drawn', async () => {
    const sends = sentOnions.length;
    await page.selectOption('#payee', 'dave');
    await page.fill('#amount', '25000sat');
    await page.click('#new-offer');
    await page.waitForFunction(() => document.querySelector('#offer').value.startsWith('lno1'));
    assert.match(await text('#offer-summary'), /^DAVE offers 25000sat · “a test offer”/);
    await page.click('#pay-offer');
    await page.waitForFunction(() => ['complete', 'failed'].includes(document.querySelector('#status').dataset.state) && document.querySelector('#status-text').textContent.startsWith('offer') || document.querySelector('#status').dataset.state === 'failed', null, { timeout: 30_000 });
    assert.equal(await page.getAttribute('#status', 'data-state'), 'complete', await text('#status-text'));
    const paths = await page.locator('#offer-paths li').evaluateAll((ls) => ls.map((l) => [l.dataset.intro, l.dataset.status ?? '', l.querySelector('.part-route').textContent]));
    assert.equal(paths.length, 3);
    assert.deepEqual(paths.map((x) => x[1]), ['failed', 'complete', '']);
    assert.match(paths[0][2], /^BOB → ▣ /);
    assert.match(paths[1][2], /^CAROL → ▣ /);
    assert.match(await page.locator('#offer-paths li').first().innerText(), /WIRE_INVALID_ONION_BLINDING from BOB/);
    // What went over the wire: onions whose last named hop is the introduction node.
    const mine = sentOnions.slice(sends);
    assert.equal(mine.length, 2);
    assert.deepEqual(mine.map((o) => o.first_hop.id), [ids.bob, ids.carol]);
    assert.ok(mine.every((o) => o.destination === ids.dave && o.amount_msat === '25000000msat'), JSON.stringify(mine.map((o) => [o.destination, o.amount_msat])));
    const paid = dev.network.state.payments.filter((p) => p.payment_hash === mine[1].payment_hash && p.status === 'complete');
    assert.equal(paid.length, 1);
    assert.match(await page.locator('#timeline li').last().innerText(), /offer paid: .*= the invoice’s payment_hash/);
    // The paid onion drawn as the route's is: carol by name (the introduction node), then
    // dave's layer by its blinded id; the bands' sizes are the layers' the page was given.
    const bands = await page.locator('#offer-onion .bar').first().locator('.frame').allInnerTexts();
    assert.equal(bands.length, 2, bands.join(' | '));
    assert.match(bands[0], /^CAROL \d+$/);
    assert.match(bands[1], /^▣ /);
    assert.ok(!bands[1].includes('DAVE'), 'a blinded hop is not named');
    await page.screenshot({ path: resolve(outDir, 'www-offer.png'), fullPage: true });
  });

  await check('the demo page installs its client as window.webln', async () => {
    const info = await page.evaluate(async () => {
      await window.webln.enable();
      return window.webln.getInfo();
    });
    assert.equal(info.node.pubkey, ids.alice);
    assert.ok(info.methods.includes('sendPayment'));
  });

  await check('no console errors; the HTTP 500s are exactly the failed waitsendpays', async () => {
    assert.deepEqual(problems, []);
    // bob (Send), bob (client.pay), bob and dave (the injected run), bob (the part in parts),
    // bob (the offer's first path).
    assert.deepEqual(statusLogs.map((u) => new URL(u).pathname), Array(6).fill('/v1/waitsendpay'));
  });
  console.log(`www: screenshots in ${outDir}/www-failed.png, www-paid.png, www-parts.png, www-webln.png and www-offer.png`);
} finally {
  await browser.close();
  await dev.close();
}
console.log(`www: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
