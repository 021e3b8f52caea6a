// BOLT 12 (Node, against the packed tarball): invoices fetched for the dev node's offers and
// checked here, offers paid through blinded paths that the dev node's hops really forward
// (their data decrypted, the path keys derived, independently of the package), failures
// inside a path answered by its introduction node only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import * as ln from 'ln-sendpay';

const root = process.env.LN_SENDPAY_ROOT ?? resolve(new URL('../..', import.meta.url).pathname);
const { createNetwork, defaultNetwork } = await import(resolve(root, 'www/devnode/network.mjs'));
const sha256 = (hex) => createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex');

function setup(hook) {
  const net = createNetwork(defaultNetwork());
  const inner = net.transport();
  const calls = [];
  const transport = async (req, o) => {
    calls.push(req.method);
    const out = await inner(req, o);
    return hook ? hook(req, out, net) : out;
  };
  return { net, calls, client: new ln.Client({ transport }) };
}

test('fetchInvoice: the node fetches, the invoice is checked here (signature, mirrored offer, what was asked)', async () => {
  const { net, calls, client } = setup();
  const o = net.offer({ node: 'dave', amount_msat: 50000, description: 'coffee', issuer: 'DAVE’s café' });
  const offer = ln.decodeBolt12(o.bolt12);
  assert.equal(offer.type, 'offer');
  assert.equal(offer.offerAmount, 50000n);
  const inv = await client.fetchInvoice({ offer: o.bolt12, payerNote: 'extra foam' });
  assert.deepEqual(calls, ['fetchinvoice']);
  assert.equal(inv.type, 'invoice');
  assert.equal(inv.signatureVerified, true);
  assert.equal(inv.invoiceNodeId, net.nodes.dave);
  assert.equal(inv.invoiceAmount, 50000n);
  assert.equal(inv.invreqPayerNote, 'extra foam');
  assert.equal(inv.offerIssuer, 'DAVE’s café');
  assert.equal(inv.invoicePaths.length, 3, 'one path through each of dave’s public peers');
  assert.deepEqual(inv.invoicePaths.map((p) => p.firstNodeId), [net.nodes.bob, net.nodes.carol, net.nodes.erin]);
  assert.equal(inv.invoiceBlindedpay[1].cltvExpiryDelta, 58);
  assert.equal(ln.decodeBolt12(inv.invoice).merkleRoot, inv.merkleRoot);
  // Not an offer, or an offer of nobody's: refused before anything is sent.
  const before = calls.length;
  await assert.rejects(client.fetchInvoice({ offer: inv.invoice }), (e) => e.code === -32602 && e.data.field === 'offer');
  await assert.rejects(client.fetchInvoice({ offer: 'lno1qqqq' }), (e) => e.code === -32602 && e.data.field === 'offer');
  assert.equal(calls.length, before);
  // Quantity: required where the offer has a maximum, and mirrored.
  const q = net.offer({ node: 'dave', amount_msat: 1000, description: 'stickers', quantity_max: 5 });
  const three = await client.fetchInvoice({ offer: q.bolt12, quantity: 3 });
  assert.equal(three.invoiceAmount, 3000n);
  assert.equal(three.invreqQuantity, 3);
});

test('fetchInvoice does not take the node’s word: a tampered, foreign or short-changing invoice is NODE_BAD_ANSWER', async () => {
  const lie = { kind: null };
  const { net, client } = setup(async (req, out, n) => {
    if (req.method !== 'fetchinvoice' || !lie.kind) return out;
    const a = JSON.parse(out);
    if (lie.kind === 'other-offer') {
      const other = n.offer({ node: 'dave', amount_msat: 50000, description: 'tea' });
      return JSON.stringify({ ...a, invoice: (await n.call('fetchinvoice', { offer: other.bolt12 })).invoice });
    }
    if (lie.kind === 'flip') {
      // One character of the invoice changed: still an invoice, no longer its node's signature.
      const s = a.invoice;
      const i = s.length - 120;
      return JSON.stringify({ ...a, invoice: s.slice(0, i) + (s[i] === 'q' ? 'p' : 'q') + s.slice(i + 1) });
    }
    return out;
  });
  const o = net.offer({ node: 'dave', amount_msat: 50000, description: 'coffee' });
  lie.kind = 'other-offer';
  const e1 = await client.fetchInvoice({ offer: o.bolt12 }).then(() => assert.fail('expected an error'), (e) => e);
  assert.equal(e1.code, -32001);
  assert.equal(e1.data.error, 'NODE_BAD_ANSWER');
  assert.match(e1.data.field, /^invoice\.(offer_description|offerDescription)$/);
  lie.kind = 'flip';
  const e2 = await client.fetchInvoice({ offer: o.bolt12 }).then(() => assert.fail('expected an error'), (e) => e);
  assert.ok(e2 instanceof ln.LnSendpayError);
  assert.ok(['NODE_BAD_ANSWER', 'BOLT12_BAD_POINT', 'TLV_ORDER', 'WIRE_TRUNCATED', 'BOLT12_BAD_FIELD'].includes(e2.data.error) || /^BOLT12_|^TLV_|^WIRE_/.test(e2.data.error), e2.data.error);
  lie.kind = null;
  assert.equal((await client.fetchInvoice({ offer: o.bolt12 })).signatureVerified, true);
});

test('pay({ offer }): the first path (introduced by bob) fails inside, bob answers invalid_onion_blinding; the next (carol) pays', async () => {
  const { net, calls, client } = setup();
  const o = net.offer({ node: 'dave', amount_msat: 50000, description: 'coffee' });
  const stages = [];
  const r = await client.pay({ offer: o.bolt12 }, { onProgress: (e) => stages.push(e.stage) });
  assert.equal(r.status, 'complete');
  const inv = ln.decodeBolt12(r.bolt12);
  assert.equal(sha256(r.paymentPreimage), inv.invoicePaymentHash, 'the preimage proves the invoice paid');
  assert.equal(r.attempts.length, 2);
  assert.equal(r.attempts[0].failure.failcodename, 'WIRE_INVALID_ONION_BLINDING');
  assert.equal(r.attempts[0].failure.erringNode, net.nodes.bob, 'the introduction node answered for its path');
  assert.equal(r.attempts[0].failure.erringChannel, undefined, 'no channel: the hop after it is blinded');
  assert.equal(r.attempts[0].route.at(-1).id, net.nodes.bob, 'the route ends at the introduction node');
  assert.equal(r.attempts[1].route.at(-1).id, net.nodes.carol);
  assert.equal(r.amountMsat, 50000n);
  assert.equal(r.feeMsat, r.amountSentMsat - 50000n);
  assert.equal(stages[0], 'invoice');
  assert.ok(stages.includes('attempt_failed') && stages.at(-1) === 'complete');
  assert.deepEqual(calls.filter((m) => m === 'fetchinvoice' || m === 'sendonion'), ['fetchinvoice', 'sendonion', 'sendonion']);
  assert.ok(net.log.some((l) => /carol: forwards 50000 msat over 106x1x0 to dave \(blinded\)/.test(l)), net.log.join('\n'));
  // The same invoice again: already paid, from the store.
  const again = await client.pay({ bolt12: r.bolt12 });
  assert.equal(again.fromStore, true);
});

test('pay({ bolt12 }): what the payee refuses inside a path is invalid_onion_blinding from each introduction node; the payment ends', async () => {
  const { net, client } = setup();
  const o = net.offer({ node: 'dave', amount_msat: 1000, description: 'refused' });
  const inv = await client.fetchInvoice({ offer: o.bolt12 });
  net.call('dev-fail', { node: 'dave', kind: 'incorrect_or_unknown_payment_details', times: 3 });
  const e = await client.pay({ bolt12: inv.invoice }).then(() => assert.fail('expected an error'), (x) => x);
  assert.ok(e instanceof ln.LnSendpayError);
  assert.equal(e.data.attempts.length, 3, 'each path tried once');
  assert.ok(e.data.attempts.every((a) => a.failure.failcodename === 'WIRE_INVALID_ONION_BLINDING'));
  assert.deepEqual(e.data.attempts.map((a) => a.route.at(-1).id), [net.nodes.bob, net.nodes.carol, net.nodes.erin]);
  // An invoice is what pay takes: an offer's string as bolt12 is refused before anything.
  await assert.rejects(client.pay({ bolt12: o.bolt12 }), (x) => x.code === -32602 && x.data.field === 'bolt12');
  await assert.rejects(client.pay({ bolt12: inv.invoice, paymentHash: '00'.repeat(32) }), (x) => x.data.field === 'paymentHash');
});

test('pay({ offer }) in parts: no one path takes 1,000,000 sat (bob’s has no route for it, carol’s and erin’s take 600,000), so a part goes over each of two paths; dave holds them until they add up', async () => {
  const config = defaultNetwork();
  for (const c of config.channels) {
    if (c.scid === '106x1x0') c.policy.carol.htlc_maximum_msat = 600_000_000;
    if (c.scid === '108x1x0') c.policy.erin.htlc_maximum_msat = 600_000_000;
  }
  const net = createNetwork(config);
  const calls = [];
  const inner = net.transport();
  const client = new ln.Client({ transport: (req, o) => (calls.push(req.method), inner(req, o)) });
  const o = net.offer({ node: 'dave', amount_msat: 1_000_000_000, description: 'a big one' });
  const r = await client.pay({ offer: o.bolt12 });
  assert.equal(r.status, 'complete');
  assert.equal(r.parts, 2);
  const inv = ln.decodeBolt12(r.bolt12);
  assert.equal(sha256(r.paymentPreimage), inv.invoicePaymentHash);
  const parts = r.attempts.map((a) => [a.partid, a.amountMsat, a.route.at(-1).id, a.status]);
  assert.deepEqual(parts, [
    [1, 600_000_000n, net.nodes.carol, 'complete'],
    [2, 400_000_000n, net.nodes.erin, 'complete'],
  ]);
  assert.equal(r.amountMsat, 1_000_000_000n);
  // The route to bob's path was asked for and refused (no route for the whole amount): that
  // path dropped, nothing sent through it.
  assert.equal(calls.filter((m) => m === 'sendonion').length, 2);
  assert.ok(net.log.some((l) => /dave: all 2 parts in: paid, preimage released/.test(l)), net.log.join('\n'));
  // The parts' records name dave, under their part ids.
  const recs = (await client.store.list()).filter((x) => x.paymentHash === inv.invoicePaymentHash);
  assert.deepEqual(recs.map((x) => [x.partid, x.destination, x.status]).sort(), [[1, net.nodes.dave, 'complete'], [2, net.nodes.dave, 'complete']]);
});
