// `make demo`: a payment against the dev node, end to end, in Node.
//
// The dev node (www/devnode) is a simulated five-node regtest network behind a CLNRest
// server on 127.0.0.1. The client talks to it over HTTP with the package's `clnrest`
// transport, exactly as it would to a real Core Lightning node: routes come from the node,
// the onions are built here, and the failure replies are decoded here with the shared
// secrets that never left this process. The cheapest route to dave goes through bob, whose
// side of the bob–dave channel is nearly empty: the first attempt fails at bob, the routing
// failure object says so, and the client retries around it.
//
// Then a keysend to dave: no invoice, a preimage drawn here that only the onion carries; the
// first route fails at bob again and is routed around.
//
// With --mpp, the payment is grace's invoice for 500,000 sat, more than any of her channels
// carries: the client pays it in parts, and the part the router gives bob fails there (his
// side of 110x1x0 holds less than its capacity) and is routed again while the other part
// waits at grace, holding its amounts on its channels.
//
//   node www/demo.mjs [--mpp] [--fail node:kind[:channel][:times]]   (after `make pkg`)
import { createHash } from 'node:crypto';
import * as ln from '../pkg/index.node.js';
import { startDevNode, parseFailure } from './devnode/server.mjs';
import { defaultNetwork } from './devnode/network.mjs';
import { explainFailure, failcodeBits, groupDigits, routeText, shortHex, onionLayout } from './explain.js';

// `node www/demo.mjs | head` closes the pipe early: end quietly.
process.stdout.on('error', (e) => process.exit(e.code === 'EPIPE' ? 0 : 1));
const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code) => (s) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
const bold = paint(1);
const dim = paint(2);
const red = paint(31);
const green = paint(32);
const cyan = paint(36);

const config = defaultNetwork();
config.delayMs = 120; // a payment takes a moment, as on a real network
let mpp = false;
try {
  for (let i = 2; i < process.argv.length; i++) {
    if (process.argv[i] === '--fail') config.failures.push(parseFailure(process.argv[++i]));
    else if (process.argv[i] === '--mpp') mpp = true;
    else throw new Error(`unknown argument ${process.argv[i]}; usage: node www/demo.mjs [--mpp] [--fail node:kind[:channel][:times]]`);
  }
} catch (e) {
  console.error(e.message);
  process.exit(2);
}

const started = Date.now();
const dev = await startDevNode({ config });
const transport = ln.clnrest({ url: dev.url, rune: dev.rune });
const client = new ln.Client({ transport });

try {
  console.log(bold(`ln-sendpay ${ln.version()} · a payment through the dev node`));
  console.log();

  // Names for node ids, from the node's own listnodes (Core Lightning has it too).
  const { nodes } = JSON.parse(await transport({ method: 'listnodes', params: {} }, {}));
  const alias = Object.fromEntries(nodes.map((n) => [n.nodeid, n.alias]));
  const nameOf = (id) => alias[id] ?? shortHex(id);

  const info = await client.getinfo();
  console.log(`  dev node   ${dev.url}  ${dim(`(CLNRest, rune "${dev.rune}"; ${nodes.length} nodes, ${dev.network.channels.length} channels)`)}`);
  console.log(`  our node   ${nameOf(info.id)} ${dim(info.id)}, block ${info.blockheight}`);
  console.log();

  // 1. An invoice at dave — or, with --mpp, at grace (the dev node's helper: a preimage only
  // the payee knows).
  const amount = ln.parseAmount(mpp ? '500000sat' : '100000sat');
  const inv = JSON.parse(await transport({ method: 'dev-invoice', params: { node: mpp ? 'grace' : 'dave', amount_msat: `${amount}msat` } }, {}));
  // Decoded and verified here: what the client will pay comes from the invoice, not the node.
  const decoded = ln.decodeInvoice(inv.bolt11);
  console.log(bold('1 · the invoice'));
  console.log(`    ${shortHex(inv.bolt11, 24)}`);
  console.log(`    ${nameOf(decoded.payee)} asks for ${ln.formatAmount(decoded.amountMsat, 'sat')} (${groupDigits(decoded.amountMsat)} msat) on ${decoded.chain}, “${decoded.description}”`);
  console.log(`    payment_hash ${decoded.paymentHash}`);
  console.log(`    ${dim(`signature checked against n (${nameOf(decoded.payee)}); expires in ${Math.round((decoded.expiresAt - Date.now() / 1000) / 60)} min; final CLTV ≥ ${decoded.minFinalCltvExpiry}`)}`);
  console.log();

  // 2. Pay: the client asks the node for routes and sends onions it built itself.
  console.log(bold('2 · client.pay({ bolt11 })') + dim(' — routes from the node; onions built and failures decoded here'));
  const t0 = Date.now();
  const ms = () => dim(`${String(Date.now() - t0).padStart(5)} ms`);
  let result;
  try {
    result = await client.pay(
      { bolt11: inv.bolt11 },
      {
        onProgress(e) {
          const p = e.params ?? {};
          switch (e.stage) {
            case 'getinfo':
              console.log(`  ${ms()}  getinfo`);
              break;
            case 'layer':
              if (e.method === 'askrene-create-layer') console.log(`  ${ms()}  askrene-create-layer   ${dim(p.layer)}`);
              else if (e.method === 'askrene-create-channel') console.log(`  ${ms()}  askrene-create-channel ${p.short_channel_id} ${dim(`${p.capacity_msat} (a route hint)`)}`);
              else if (p.enabled === false) console.log(`  ${ms()}  askrene-update-channel ${p.short_channel_id_dir} disabled for this payment`);
              else {
                const cap = p.htlc_maximum_msat ? `, at most ${p.htlc_maximum_msat} (its verified update, and less than it refused)` : '';
                console.log(`  ${ms()}  askrene-update-channel ${p.short_channel_id_dir} fees ${p.fee_base_msat} + ${p.fee_proportional_millionths} ppm${cap}`);
              }
              break;
            case 'find_route':
              console.log(`  ${ms()}  ${e.method}${p.amount_msat ? dim(` for ${p.amount_msat}${p.maxparts === 1 ? ', one part' : ''}`) : ''}`);
              break;
            case 'reserve':
              console.log(`  ${ms()}  ${e.method.padEnd(22)} ${dim(`part ${e.partid}: ${p.path.map((h) => h.short_channel_id_dir).join(' ')} ${e.method === 'askrene-reserve' ? 'held for it while other parts are routed' : 'released: it settled'}`)}`);
              break;
            case 'send': {
              const r = e.route;
              const fee = r[0].amountMsat - r[r.length - 1].amountMsat;
              const part = e.partid ? `part ${e.partid} (${groupDigits(e.amountMsat / 1000n)} sat of ${groupDigits(amount / 1000n)}, group ${e.groupid})  ` : '';
              console.log(bold(`  attempt ${e.attempt}  `) + (part ? bold(part) : '') + cyan(routeText(r, nameOf, nameOf(info.id))));
              console.log(`             ${dim(`fee ${groupDigits(fee)} msat, cltv ${r[0].delay}, ${r.length} hop${r.length > 1 ? 's' : ''}`)}`);
              const built = ln.routePayloads({ route: r, paymentHash: inv.payment_hash, paymentSecret: inv.payment_secret, blockHeight: info.blockheight });
              const layout = onionLayout(built.hops.map((h) => h.payload.length / 2));
              console.log(`  ${ms()}  sendonion              ${dim(`onion ${p.onion.length / 2} bytes: payloads ${layout.frames.map((f) => f - 32).join(' + ')} bytes (+32 HMAC each), ${layout.padding} bytes of padding, ${layout.filler} of filler`)}`);
              break;
            }
            case 'wait':
              console.log(`  ${ms()}  waitsendpay${e.partid ? dim(` part ${e.partid}`) : ''}`);
              break;
            case 'attempt_failed': {
              const f = e.failure;
              const x = explainFailure(f, nameOf);
              console.log(`  ${ms()}  ${red('✗')} ${f.code} ${f.error ?? ''}: ${x.headline}`);
              console.log(dim(f.failcode === undefined ? '             the routing failure object (no hop\'s HMAC matched, so nothing more to decode):' : '             the routing failure object, decoded here from the onion reply with this attempt\'s shared secrets:'));
              const shown = { code: f.code, unparseable: f.unparseable, erringIndex: f.erringIndex, erringNode: f.erringNode, erringChannel: f.erringChannel, failcode: f.failcode, failcodename: f.failcodename };
              if (f.channelUpdate) Object.assign(shown, { channelUpdate: shortHex(f.channelUpdate, 12), channelUpdateVerified: f.channelUpdateVerified });
              for (const [k, v] of Object.entries(shown)) {
                if (v === undefined) continue;
                const note = k === 'erringNode' ? dim(`  ${nameOf(v)}`) : k === 'failcode' ? dim(`  ${failcodeBits(v)}`) : '';
                console.log(`               ${k.padEnd(22)} ${v}${note}`);
              }
              console.log(`             ${x.detail}`);
              break;
            }
            case 'transport_failed':
              console.log(`  ${ms()}  ${red('transport failed')}: ${e.error?.message}`);
              break;
            case 'complete':
              console.log(`  ${ms()}  ${green('✓ complete')}`);
              break;
            case 'failed':
              console.log(`  ${ms()}  ${red('✗ failed')}: ${e.error?.message}`);
              break;
          }
        },
      },
    );
  } catch (e) {
    console.log();
    console.log(red(`payment failed: ${e.code} ${e.data?.error}: ${e.message}`));
    process.exitCode = 1;
  }
  console.log();

  if (result) {
    // 3. The proof of payment.
    const ok = createHash('sha256').update(Buffer.from(result.paymentPreimage, 'hex')).digest('hex') === inv.payment_hash;
    console.log(bold('3 · paid'));
    console.log(`    preimage ${result.paymentPreimage}`);
    console.log(`    sha256(preimage) ${ok ? green('= payment_hash ✓') : red('≠ payment_hash ✗')}   ${dim(`${result.attempts.length} attempts, ${Date.now() - t0} ms`)}`);
    if (result.parts > 1) {
      console.log(`    in ${result.parts} parts, ${groupDigits(result.feeMsat)} msat in fees:`);
      for (const a of result.attempts) console.log(`      part ${a.partid}  ${groupDigits(a.amountMsat / 1000n).padStart(9)} sat  ${a.status === 'complete' ? green(a.status) : red(a.status)}${a.failure ? dim(` (${a.failure.failcodename} at ${a.failure.erringChannel})`) : ''}  ${dim(routeText(a.route, nameOf, nameOf(info.id)))}`);
    }
    if (!ok) process.exitCode = 1;
    console.log();
  }

  // 4. What the node recorded, and what each simulated hop did.
  const { payments } = await client.listsendpays({ paymentHash: inv.payment_hash });
  console.log(bold('4 · the node’s view'));
  console.log(`    listsendpays: ${payments.map((p) => `#${p.createdIndex}${Number(p.partid) ? ` part ${p.partid}` : ''} ${p.status === 'complete' ? green(p.status) : p.status === 'failed' ? red(p.status) : p.status}`).join(', ')}`);
  console.log('    the hops:');
  for (const line of dev.network.log) console.log(`      ${dim('·')} ${line}`);
  console.log();

  // 5. Keysend: no invoice; the preimage is drawn here and travels to dave inside the onion.
  if (!mpp && result) {
    console.log(bold('5 · client.keysend({ destination, amountMsat, customRecords })') + dim(' — a spontaneous payment, its preimage drawn here'));
    const logFrom = dev.network.log.length;
    const t1 = Date.now();
    const since = () => dim(`${String(Date.now() - t1).padStart(5)} ms`);
    const message = 'thanks for the coffee';
    try {
      const ks = await client.keysend(
        { destination: decoded.payee, amountMsat: ln.parseAmount('21sat'), customRecords: { 34349343: Buffer.from(message).toString('hex') } },
        {
          onProgress(e) {
            if (e.stage === 'send') console.log(bold(`  attempt ${e.attempt}  `) + cyan(routeText(e.route, nameOf, nameOf(info.id))));
            else if (e.stage === 'attempt_failed') console.log(`  ${since()}  ${red('✗')} ${e.failure.code} ${e.failure.error ?? ''}: ${explainFailure(e.failure, nameOf).headline}`);
            else if (e.stage === 'complete') console.log(`  ${since()}  ${green('✓ complete')}`);
          },
        },
      );
      const proven = createHash('sha256').update(Buffer.from(ks.paymentPreimage, 'hex')).digest('hex') === ks.paymentHash;
      const got = dev.network.state.keysends.at(-1);
      console.log(`    preimage ${ks.paymentPreimage}`);
      console.log(`    sha256(preimage) ${proven ? green('= payment_hash ✓') : red('≠ payment_hash ✗')}   ${dim(`${ks.attempts.length} attempts; the node never saw the preimage until ${nameOf(decoded.payee)} revealed it`)}`);
      console.log(`    ${nameOf(decoded.payee)} received ${ln.formatAmount(got.amountMsat, 'sat')} and record 34349343: “${Buffer.from(got.customRecords['34349343'], 'hex').toString()}”`);
      for (const line of dev.network.log.slice(logFrom)) console.log(`      ${dim('·')} ${line}`);
      if (!proven) process.exitCode = 1;
    } catch (e) {
      console.log(red(`keysend failed: ${e.code} ${e.data?.error}: ${e.message}`));
      process.exitCode = 1;
    }
    console.log();
  }
  console.log(dim(`done in ${Date.now() - started} ms. Watch the same in a browser: node www/devnode/server.mjs, then open the URL it prints.`));
} finally {
  await dev.close();
}
