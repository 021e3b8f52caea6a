// Node, from CommonJS: require() of the ES module package (Node 20.19+, 22.12+), no init().
const { buildOnion, decodeInvoice, version } = require('ln-sendpay');
const { INPUT } = require('./input.cjs');

const o = buildOnion(INPUT.build);
const inv = decodeInvoice(INPUT.invoice, { now: INPUT.now });
console.log(JSON.stringify({ onion: o.onion, bytes: o.onion.length / 2, payee: inv.payee, paymentHash: inv.paymentHash, version: version() }));
