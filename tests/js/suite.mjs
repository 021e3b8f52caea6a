// The one JS suite, run unchanged in Node (packed tarball), headless Chromium (a page) and
// workerd (miniflare). It gets the package's API and the vector files' raw text, and uses
// nothing runtime-specific.

export const VECTOR_FILES = [
  'vectors/amounts.json',
  'vectors/bolt04/onion-test.json',
  'vectors/bolt04/onion-error-test.json',
  'vectors/bolt04/blinded-payment-onion-test.json',
  'vectors/failcodes.json',
  'vectors/bolt11.json',
  'vectors/bolt12/offers-test.json',
  'vectors/bolt12/signature-test.json',
];

function fail(msg) {
  throw new Error(msg);
}
function eq(a, b, what) {
  if (a !== b) fail(`${what}: expected ${String(b)}, got ${String(a)}`);
}
/** A case met an export its entry does not have (the onion entry has no client). */
class NotInEntry extends Error {}

function throws(fn, check, what) {
  try {
    fn();
  } catch (e) {
    if (e instanceof NotInEntry) throw e;
    check(e);
    return;
  }
  fail(`${what}: expected an error`);
}

function parseVectors(texts) {
  const v = {};
  for (const [name, text] of Object.entries(texts)) {
    // amounts.json holds integers past 2^53: read them as strings, not JS numbers.
    const safe = name.endsWith('amounts.json') ? text.replace(/"(msat|cln_v26)": (\d+)/g, '"$1": "$2"') : text;
    v[name] = JSON.parse(safe);
  }
  return v;
}

const cases = [
  ['amounts.json: every case through parseAmount', (ln, V, hop) => {
    const cases = V['vectors/amounts.json'];
    if (cases.length < 100) fail('too few amount cases');
    for (const c of cases) {
      if (c.msat === null) {
        throws(() => ln.parseAmount(c.input), (e) => {
          if (!(e instanceof ln.LnSendpayError)) fail(`${JSON.stringify(c.input)}: ${e}`);
          eq(e.code, -32602, 'code');
          eq(e.data.field, 'amount', 'field');
        }, JSON.stringify(c.input));
      } else {
        eq(ln.parseAmount(c.input), BigInt(c.msat), JSON.stringify(c.input));
      }
    }
    eq(ln.formatAmount(123456n, 'sat'), '123.456sat', 'format sat');
    eq(ln.formatAmount('0.00000001btc', 'btc'), '0.00000001btc', 'format btc');
    eq(ln.parseAmount(18446744073709551615n), 18446744073709551615n, 'u64 max bigint');
  }],
  ['amounts: a JS number is a TypeError, out of range a RangeError', (ln, V, hop) => {
    throws(() => ln.parseAmount(1000), (e) => {
      if (!(e instanceof TypeError)) fail(`not a TypeError: ${e}`);
      eq(e.code, -32602, 'code');
      if (!/bigint/.test(e.message)) fail(`message should say to pass a bigint: ${e.message}`);
    }, 'number');
    throws(() => ln.parseAmount(18446744073709551616n), (e) => {
      if (!(e instanceof RangeError)) fail(`not a RangeError: ${e}`);
    }, 'past u64');
    throws(() => ln.parseAmount(-1n), (e) => eq(e instanceof RangeError, true, 'negative'), 'negative');
  }],
  ['bolt04/onion-test.json: createOnion byte-exact, peeled at every hop', (ln, V, hop) => {
    const t = V['vectors/bolt04/onion-test.json'];
    const g = t.generate;
    const r = ln.createOnion({ sessionKey: g.session_key, associatedData: g.associated_data, hops: g.hops });
    eq(r.onion, t.onion, 'onion');
    eq(r.sharedSecrets[0], '53eb63ea8a3fec3b3cd433b85cd62a4b145e1dda09391b348c4e1cd36a03ea66', 'first shared secret');
    let onion = r.onion;
    t.decode.forEach((privkey, i) => {
      const p = hop.peelOnion({ onion, associatedData: g.associated_data, privkey });
      eq(p.payload, g.hops[i].payload, `hop ${i} payload`);
      eq(p.sharedSecret, r.sharedSecrets[i], `hop ${i} secret`);
      eq(typeof p.fields.amtToForward, 'bigint', 'amtToForward is a bigint');
      eq(p.nextOnion === null, i === 4, `hop ${i} final`);
      onion = p.nextOnion;
    });
    // Bytes as Uint8Array work too.
    const bytes = (h) => Uint8Array.from(h.match(/../g).map((x) => parseInt(x, 16)));
    const r2 = ln.createOnion({ sessionKey: bytes(g.session_key), associatedData: bytes(g.associated_data), hops: g.hops });
    eq(r2.onion, t.onion, 'onion from bytes');
  }],
  ['bolt04/blinded-payment-onion-test.json: createOnion byte-exact, blinded hops peeled with path keys', (ln, V, hop) => {
    const t = V['vectors/bolt04/blinded-payment-onion-test.json'];
    const g = t.generate;
    const hops = g.full_route.hops.map((h) => ({ pubkey: h.pubkey, payload: h.payload }));
    const r = ln.createOnion({ sessionKey: g.session_key, associatedData: g.associated_data, hops });
    eq(r.onion, g.onion, 'onion');
    const dec = t.decrypt.hops;
    let pathKey;
    dec.forEach((h, i) => {
      eq(r.onion.length, 2732, 'size');
      const p = hop.peelOnion({ onion: h.onion, associatedData: g.associated_data, privkey: h.node_privkey, pathKey });
      eq(p.payload, g.full_route.hops[i].payload, `${h.alias} payload`);
      if (i + 1 < dec.length) eq(p.nextOnion, dec[i + 1].onion, `${h.alias} next onion`);
      pathKey = h.next_path_key;
    });
  }],
  ['buildOnion: a route becomes an onion every hop reads; bigint amounts out', (ln, V, hop) => {
    const t = V['vectors/bolt04/onion-test.json'];
    const ids = t.generate.hops.map((h) => h.pubkey);
    const route = [
      { id: ids[0], channel: '800000x1x0', direction: 1, amount_msat: '1002msat', delay: 58, style: 'tlv' },
      { id: ids[1], channel: '800001x2x1', amountMsat: 1001n, delay: 52 },
      { nodeIdOut: ids[2], shortChannelIdDir: '800002x3x0/1', amountOutMsat: '1sat', cltvOut: 18 },
    ];
    const paymentHash = '42'.repeat(32);
    const b = ln.buildOnion({ route, paymentHash, paymentSecret: '11'.repeat(32), blockHeight: 870000, sessionKey: '43'.repeat(32) });
    eq(b.onion.length, 2732, 'onion size');
    eq(b.firstHop.amountMsat, 1002n, 'first hop amount');
    eq(b.firstHop.delay, 58, 'first hop delay');
    eq(b.hops[0].cltv, 870053, 'hop 0 forwards with cltv height+1+52');
    let onion = b.onion;
    for (let i = 0; i < 3; i++) {
      const p = hop.peelOnion({ onion, associatedData: paymentHash, privkey: t.decode[i] });
      eq(p.fields.amtToForward, b.hops[i].amountMsat, `hop ${i} amount`);
      if (i < 2) eq(p.fields.shortChannelId, ['800001x2x1', '800002x3x0'][i], `hop ${i} scid`);
      else eq(p.fields.paymentSecret, '11'.repeat(32), 'payment secret at the destination');
      onion = p.nextOnion;
    }
    // The same route as JSON text, parsed exactly in Rust.
    const text = `[{"id":"${ids[0]}","channel":"800000x1x0","direction":1,"amount_msat":1002,"delay":58,"style":"tlv"},` +
      `{"id":"${ids[1]}","channel":"800001x2x1","amount_msat":"1001msat","delay":52},` +
      `{"node_id_out":"${ids[2]}","short_channel_id_dir":"800002x3x0/1","amount_out_msat":1000,"cltv_out":18}]`;
    eq(ln.buildOnion({ route: text, paymentHash, paymentSecret: '11'.repeat(32), blockHeight: 870000, sessionKey: '43'.repeat(32) }).onion, b.onion, 'route as text');
    // A fresh session key on every call.
    const a1 = ln.buildOnion({ route, paymentHash, blockHeight: 870000 });
    const a2 = ln.buildOnion({ route, paymentHash, blockHeight: 870000 });
    if (a1.onion === a2.onion) fail('two calls without sessionKey gave the same onion');
  }],
  ['errors: typed, with code and the field named', (ln, V, hop) => {
    const id = V['vectors/bolt04/onion-test.json'].generate.hops[0].pubkey;
    const base = { paymentHash: '42'.repeat(32), blockHeight: 1 };
    throws(() => ln.buildOnion({ ...base, route: [{ id, channel: '1x1x1', amount_msat: 1000, delay: 9 }] }), (e) => {
      if (!(e instanceof TypeError)) fail(`not a TypeError: ${e}`);
      eq(e.data.field, 'route[0].amount_msat', 'field');
    }, 'number amount');
    throws(() => ln.buildOnion({ ...base, route: [{ id, channel: '1x1x1', amount_msat: '1000', delay: 9 }, { id, channel: '1x1x2', amount_msat: '1001', delay: 9 }] }), (e) => {
      if (!(e instanceof ln.LnSendpayError)) fail(`not an LnSendpayError: ${e}`);
      if (!(e instanceof Error)) fail('not an Error');
      eq(e.code, -32602, 'code');
      eq(e.data.error, 'ROUTE_AMOUNT_INCREASING', 'error');
      eq(e.data.field, 'route[1].amount_msat', 'field (as the caller spelled it)');
    }, 'increasing amounts');
    throws(() => ln.buildOnion({ ...base, route: [{ id, channel: '1x1x1', amount_msat: '3000', delay: 9 }], msatoshi: '1000' }), (e) => {
      eq(e.data.error, 'ROUTE_ABOVE_TWICE_MSATOSHI', 'error');
      eq(e.data.field, 'msatoshi', 'field');
    }, '2x rule');
    // A parameter the message names (in backticks) is spelled as the caller spells it too.
    throws(() => ln.buildOnion({ ...base, route: [{ id, channel: '1x1x1', amount_msat: '1000', delay: 9 }], totalMsat: 5000n }), (e) => {
      eq(e.data.error, 'TOTAL_WITHOUT_SECRET', 'error');
      eq(e.message, 'totalMsat: `totalMsat` needs a `paymentSecret` (both travel in payment_data)', 'message');
    }, 'total without a secret');
    throws(() => ln.buildOnion({ ...base, blockHeight: 499999990, route: [{ id, channel: '1x1x1', amount_msat: '1000', delay: 9 }] }), (e) => {
      eq(e.data.error, 'CLTV_OVERFLOW', 'error');
      if (!e.message.includes('`blockHeight` + 1 + delay')) fail(e.message);
    }, 'cltv overflow');
    throws(() => ln.createOnion({ sessionKey: '41'.repeat(32), associatedData: '', hops: [{ pubkey: id, payload: 'fd0514' + '00'.repeat(1300) }] }), (e) => {
      eq(e.code, -32602, 'too large is -32602, as createonion answers');
      if (!/bytes too many/.test(e.message)) fail(e.message);
    }, 'too large');
    throws(() => hop.peelOnion({ onion: 'zz', associatedData: '', privkey: '41'.repeat(32) }), (e) => eq(e.data.field, 'onion', 'field'), 'bad hex');
    throws(() => ln.buildOnion('nope'), (e) => eq(e instanceof TypeError, true, 'TypeError'), 'not an object');
  }],
  ['bolt04/onion-error-test.json: wrap reproduces the reply, decode names hop 4', (ln, V, hop) => {
    const t = V['vectors/bolt04/onion-error-test.json'];
    const secrets = t.generate.hops.map((h) => h.hop_shared_secret);
    eq(hop.wrapFailure({ sharedSecrets: secrets, erringIndex: 4, failureMessage: t.generate.failure_message }).reply, t.errorpacket, 'reply');
    // Hop by hop, as nodes would do it.
    let reply = hop.createFailureReply({ sharedSecret: secrets[4], failureMessage: '2002' }).reply;
    for (let i = 3; i >= 0; i--) reply = hop.forwardFailureReply({ sharedSecret: secrets[i], reply }).reply;
    eq(reply, t.errorpacket, 'hop by hop');
    const f = ln.decodeFailure({ reply, sharedSecrets: secrets });
    eq(f.originIndex, 4, 'origin');
    eq(f.erringIndex, 5, 'erring index');
    eq(f.code, 204, 'code');
    eq(f.failcodename, 'WIRE_TEMPORARY_NODE_FAILURE', 'name');
    eq(typeof f.erringIndex, 'number', 'index is a number');
    const bad = ln.decodeFailure({ reply: '00'.repeat(292), sharedSecrets: secrets });
    eq(bad.code, 202, 'unreadable is 202');
    eq(bad.onionreply, '00'.repeat(292), 'onionreply');
  }],
  ['failcodes.json: every code decodes with its name from a reply', (ln, V, hop) => {
    const secrets = ['01'.repeat(32), '02'.repeat(32)];
    for (const c of V['vectors/failcodes.json']) {
      const msg = c.code.toString(16).padStart(4, '0') + (c.flags.includes('UPDATE') || c.flags.includes('BADONION') ? '00'.repeat(40) : '00'.repeat(12));
      const { reply } = hop.wrapFailure({ sharedSecrets: secrets, erringIndex: 0, failureMessage: msg });
      const f = ln.decodeFailure({ reply, sharedSecrets: secrets });
      eq(f.failcode, c.code, c.name);
      eq(f.failcodename, c.name, c.name);
      eq(f.failure.flags.join(','), c.flags.join(','), `${c.name} flags`);
    }
  }],
  ['the client: man page rules, a scripted node, bad answers, exact u64s', async (ln, V, hop) => {
    const ids = V['vectors/bolt04/onion-test.json'].generate.hops.map((h) => h.pubkey);
    const route = [{ id: ids[0], channel: '103x1x0', amount_msat: '2000', delay: 40 }, { id: ids[1], channel: '104x1x0', amount_msat: '1000', delay: 9 }];
    const hash = '42'.repeat(32);
    const sent = [];
    let answer = '<html><body>502 Bad Gateway</body></html>';
    const transport = async (req) => {
      sent.push(req.method);
      JSON.parse(req.paramsJson);
      JSON.stringify(req.params); // no bigint in what travels
      return req.method === 'listsendpays' ? '{"payments":[]}' : answer;
    };
    const client = new ln.Client({ transport });
    const code = async (p, c, what) => {
      try {
        await p;
      } catch (e) {
        eq(e.code, c, what);
        return e;
      }
      fail(`${what}: no error`);
    };
    await code(client.sendonion({ route, paymentHash: hash, blockHeight: 800000, msatoshi: 400n }), -32602, 'the 2x msatoshi rule');
    eq(sent.length, 0, 'nothing sent');
    const e = await code(client.sendonion({ route, paymentHash: hash, blockHeight: 800000 }), -32001, 'an HTML page');
    eq(e.data.error, 'NODE_BAD_ANSWER', 'typed');
    const rec = await client.store.get(ln.attemptKey(hash, 0));
    eq(rec.status, 'unknown', 'recorded, to settle');
    eq(rec.sharedSecrets.length, 2, 'secrets kept');
    answer = `{"created_index":7,"payment_hash":"${hash}","groupid":8645223729089888574,"status":"pending","amount_msat":1000,"amount_sent_msat":2000,"created_at":1}`;
    const p = await client.sendonion({ route, paymentHash: hash, blockHeight: 800000 });
    eq(sent.join(','), 'sendonion,listsendpays,sendonion', 'settled (never reached the node), then sent');
    eq(p.groupid, 8645223729089888574n, 'groupid exact');
    eq(p.amountSentMsat, 2000n, 'msat as bigint');
    await code(client.sendonion({ route: [route[0], { ...route[1], amount_msat: '999' }], paymentHash: hash, blockHeight: 800000 }), 201, 'another amount while pending');
    eq(sent.length, 3, 'nothing sent for it');
  }],
  ['parsePaymentString: every bolt11.json example in each form people paste; BOLT 12, LNURL, nodes; errors name the part', (ln, V) => {
    const file = V['vectors/bolt11.json'];
    const valid = file.valid.filter((c) => !c.expected.ignored_fields?.length);
    for (const c of valid) {
      const hash = c.expected.payment_hash;
      for (const form of [c.invoice, `  ${c.invoice.toUpperCase()}\n`, `lightning:${c.invoice}`, `bitcoin:?lightning=${c.invoice}`]) {
        const p = ln.parsePaymentString(form, { now: 0 });
        eq(p.kind, 'bolt11', `${c.title}: ${form.slice(0, 20)} kind`);
        eq(p.payable, true, `${c.title}: payable`);
        eq(p.bolt11, c.invoice.toLowerCase(), `${c.title}: bolt11`);
        eq(p.invoice.paymentHash, hash, `${c.title}: paymentHash`);
      }
    }
    eq(ln.parsePaymentString('LNO1ZCSS9MK8Y3WKKLFVEVCRSZLMU23KFRXH49PX20665DQWMN4P72PKSESE').kind, 'offer', 'offer');
    eq(ln.parsePaymentString('lno1zcss9mk8y3wkklfvevcrszlmu23kfrxh49px+ 20665dqwmn4p72pksese').bolt12, 'lno1zcss9mk8y3wkklfvevcrszlmu23kfrxh49px20665dqwmn4p72pksese', 'offer with a + continuation');
    eq(ln.parsePaymentString('lnurlp://example.com/x').url, 'https://example.com/x', 'LUD-17');
    const node = ln.parsePaymentString('02eec7245d6b7d2ccb30380bfbe2a3648cd7a942653f5aa340edcea1f283686619@[::1]:9736');
    eq(`${node.kind} ${node.host} ${node.port}`, 'node [::1] 9736', 'node address');
    const btc = ln.parsePaymentString('bitcoin:1BoatSLRHtKNngkdXEeobR76b53LETtpyT?amount=21&message=gm%20%F0%9F%8C%9E');
    eq(`${btc.kind} ${btc.onChain.amountMsat} ${btc.onChain.message}`, 'bitcoin 2100000000000 gm 🌞', 'BIP 21');
    eq(typeof btc.onChain.amountMsat, 'bigint', 'an amount is a bigint');
    for (const [s, field, error] of [
      ['', 'paymentString', 'PAYMENT_STRING_EMPTY'],
      ['hello', 'paymentString', 'PAYMENT_STRING_UNRECOGNIZED'],
      [`${valid[0].invoice.slice(0, -1)}`, 'paymentString', 'BOLT11_BAD_CHECKSUM'],
      ['bitcoin:1BoatSLRHtKNngkdXEeobR76b53LETtpyT?amount=-1', 'paymentString.amount', 'PAYMENT_STRING_BAD_PART'],
      ['lno1abc+', 'paymentString.bolt12', 'PAYMENT_STRING_BAD_PART'],
      ['bob@localhost', 'paymentString.domain', 'PAYMENT_STRING_BAD_PART'],
    ]) {
      throws(() => ln.parsePaymentString(s), (e) => {
        if (!(e instanceof ln.LnSendpayError)) fail(`${s}: ${e}`);
        eq(e.code, -32602, `${s}: code`);
        eq(e.data.field, field, `${s}: field`);
        eq(e.data.error, error, `${s}: error`);
      }, s);
    }
    throws(() => ln.parsePaymentString(42), (e) => eq(e.data.field, 'paymentString', 'not a string'), 'a number');
  }],
  ['BOLT 12: every offer vector through decodeBolt12 (fields, TLVs); the invoice request vector’s Merkle root and signature', (ln, V) => {
    let valid = 0;
    let invalid = 0;
    for (const c of V['vectors/bolt12/offers-test.json']) {
      if (c.valid) {
        const o = ln.decodeBolt12(c.bolt12);
        eq(o.type, 'offer', c.description);
        eq(JSON.stringify(o.tlvs.map((t) => [Number(t.type), t.length, t.hex])), JSON.stringify(c.fields.map((f) => [f.type, f.length, f.hex])), `${c.description}: tlvs`);
        valid++;
      } else {
        throws(() => ln.decodeBolt12(c.bolt12), (e) => {
          if (!(e instanceof ln.LnSendpayError)) fail(`${c.description}: ${e}`);
          eq(e.code, -32602, `${c.description}: code`);
          if (!/^(BOLT12_|TLV_|WIRE_)/.test(e.data.error)) fail(`${c.description}: ${e.data.error}`);
        }, c.description);
        invalid++;
      }
    }
    if (valid < 20 || invalid < 30) fail(`${valid} valid, ${invalid} invalid`);
    const cur = ln.decodeBolt12(V['vectors/bolt12/offers-test.json'].find((c) => c.description === 'with currency').bolt12);
    eq(`${cur.offerCurrency} ${cur.offerAmount} ${typeof cur.offerAmount}`, 'USD 10000 bigint', 'offer amount in cents, a bigint');
    const sig = V['vectors/bolt12/signature-test.json'].find((c) => c.bolt12);
    const r = ln.decodeBolt12(sig.bolt12);
    eq(r.type, 'invoice_request', 'invoice request');
    eq(r.merkleRoot, sig.merkle, 'merkle root');
    eq(r.signature, sig.signature, 'signature');
    eq(r.signatureVerified, true, 'signature verified');
    throws(() => ln.decodeBolt12('lno1qgsqvgnwgcg35z6ee2h3yczraddm72xrfua9uve2rlrm9deu7xyfzrc'), (e) => {
      eq(e.data.error, 'BOLT12_MISSING_FIELD', 'an offer without an issuer or paths');
      eq(e.data.field, 'string.offerIssuerId', 'field');
    }, 'missing issuer');
  }],
  ['bolt11.json: every example through decodeInvoice', (ln, V, hop) => {
    const file = V['vectors/bolt11.json'];
    let decoded = 0;
    for (const c of file.valid) {
      const e = c.expected;
      if (e.ignored_fields?.length) {
        // The spec's self-contradiction (README): wrong-length p/h/s/n fields fail.
        throws(() => ln.decodeInvoice(c.invoice), (err) => eq(err.data.error, 'BOLT11_FIELD_LENGTH', c.title), c.title);
        continue;
      }
      const d = ln.decodeInvoice(c.invoice, { now: 0 });
      eq(d.network, e.network, `${c.title}: network`);
      eq(d.amountMsat, e.amount_msat === null ? null : BigInt(e.amount_msat), `${c.title}: amountMsat (a bigint)`);
      eq(d.timestamp, e.timestamp, `${c.title}: timestamp`);
      eq(d.paymentHash, e.payment_hash, `${c.title}: paymentHash`);
      eq(d.paymentSecret, e.payment_secret, `${c.title}: paymentSecret`);
      eq(d.description, e.description, `${c.title}: description`);
      eq(d.descriptionHash, e.description_hash, `${c.title}: descriptionHash`);
      eq(d.expiry, e.expiry ?? 3600, `${c.title}: expiry`);
      eq(d.minFinalCltvExpiry, e.min_final_cltv_expiry ?? 18, `${c.title}: minFinalCltvExpiry`);
      eq(d.features, e.features_hex, `${c.title}: features`);
      eq(d.featureBits.join(), e.feature_bits.join(), `${c.title}: featureBits`);
      eq(d.paymentMetadata, e.payment_metadata, `${c.title}: paymentMetadata`);
      eq(d.payee, e.payee, `${c.title}: payee`);
      eq(d.signatureVerified, true, `${c.title}: signatureVerified`);
      eq(d.expired, false, `${c.title}: not expired at time 0`);
      eq(JSON.stringify(d.fallbacks), JSON.stringify(e.fallback_addresses.map((f) => ({ version: f.version, program: f.program }))), `${c.title}: fallbacks`);
      const hints = e.route_hints.map((r) => r.map((h) => `${h.pubkey} ${h.short_channel_id} ${h.fee_base_msat} ${h.fee_proportional_millionths} ${h.cltv_expiry_delta}`).join('|')).join('/');
      eq(d.routeHints.map((r) => r.map((h) => `${h.pubkey} ${h.shortChannelId} ${h.feeBaseMsat} ${h.feeProportionalMillionths} ${h.cltvExpiryDelta}`).join('|')).join('/'), hints, `${c.title}: routeHints`);
      for (const h of d.routeHints.flat()) if (typeof h.feeBaseMsat !== 'bigint') fail('feeBaseMsat is a bigint');
      decoded++;
    }
    eq(decoded, 15, 'valid examples decoded');
    const codes = file.invalid.map((c) => {
      try {
        ln.decodeInvoice(c.invoice);
        return 'OK';
      } catch (err) {
        if (!(err instanceof ln.LnSendpayError) || err.data.field !== 'invoice') fail(`${c.title}: ${err}`);
        return err.data.error;
      }
    });
    if (codes.includes('OK')) fail(`an invalid example decoded: ${codes}`);
  }],
  ['typos: an unknown key names itself and the key meant; a wrong JS type is a TypeError', (ln, V, hop) => {
    const { hops } = V['vectors/bolt04/onion-test.json'].generate;
    const id = hops[0].pubkey;
    const route = [{ id, channel: '1x1x1', amountMsat: 1000n, delay: 9 }];
    const base = { route, paymentHash: '42'.repeat(32), blockHeight: 870000 };
    const unknown = (fn, field, meant, what) => throws(fn, (e) => {
      if (!(e instanceof ln.LnSendpayError)) fail(`${what}: not an LnSendpayError: ${e}`);
      eq(e.code, -32602, `${what}: code`);
      eq(e.data.error, 'UNKNOWN_FIELD', `${what}: error`);
      eq(e.data.field, field, `${what}: field`);
      const want = meant ? `${field}: unknown field; did you mean ${meant}?` : `${field}: unknown field`;
      eq(e.message, want, `${what}: message`);
    }, what);
    unknown(() => ln.buildOnion({ ...base, paymentsecret: '11'.repeat(32) }), 'paymentsecret', 'paymentSecret', 'lower-case s');
    unknown(() => ln.buildOnion({ ...base, payment_secrt: '11'.repeat(32) }), 'payment_secrt', 'paymentSecret', 'snake typo (named as the caller spelled it)');
    unknown(() => ln.buildOnion({ ...base, route: [{ ...route[0], amountMsat: undefined, amountmsat: 1000n }] }), 'route[0].amountmsat', 'amountMsat', 'hop key');
    unknown(() => ln.buildOnion({ ...base, colour: 'blue' }), 'colour', undefined, 'nothing close');
    unknown(() => ln.routePayloads({ ...base, sessionKey: '41'.repeat(32) }), 'sessionKey', undefined, 'routePayloads takes no session key');
    unknown(() => ln.createOnion({ associatedData: '', hops: [{ pubkey: id, paylod: '00' }] }), 'hops[0].paylod', 'payload', 'createOnion hop');
    unknown(() => ln.decodeFailure({ reply: '00', sharedSecrets: [], routes: route }), 'routes', 'route', 'decodeFailure');
    unknown(() => hop.peelOnion({ onion: '00', associatedData: '', privKey: '41'.repeat(32) }), 'privKey', 'privkey', 'peelOnion');
    unknown(() => ln.rpcRequest({ method: 'waitsendpay', paymentHash: '42'.repeat(32), timout: 5 }), 'timout', 'timeout', 'rpcRequest');
    unknown(() => ln.decodeInvoice('lnbc1', { nw: 1 }), 'options.nw', 'now', 'decodeInvoice options');
    // Node answers stay forward compatible: unknown keys there are read past.
    const p = ln.rpcAnswer({ method: 'waitsendpay', answer: JSON.stringify({ created_index: 1, id: 1, payment_hash: '42'.repeat(32), groupid: 1, partid: 0, status: 'pending', amount_sent_msat: 1000, created_at: 1, some_new_field: 'x' }) });
    eq(p.status, 'pending', 'an answer with a new key');
    const typeErr = (fn, field, what) => throws(fn, (e) => {
      if (!(e instanceof TypeError)) fail(`${what}: not a TypeError: ${e}`);
      eq(e.code, -32602, `${what}: code`);
      eq(e.data.field, field, `${what}: field`);
    }, what);
    typeErr(() => ln.buildOnion({ ...base, route: [{ ...route[0], delay: '40' }] }), 'route[0].delay', "delay: '40'");
    typeErr(() => ln.buildOnion({ ...base, blockHeight: 900000n }), 'blockHeight', 'blockHeight: 900000n');
    typeErr(() => ln.buildOnion({ ...base, route: [{ ...route[0], channel: 1 }] }), 'route[0].channel', 'channel: 1');
    typeErr(() => ln.parseShortChannelId(123), 'shortChannelId', 'parseShortChannelId(123)');
    typeErr(() => hop.wrapFailure({ sharedSecrets: ['11'.repeat(32)], erringIndex: '0', failureMessage: '2002' }), 'erringIndex', "erringIndex: '0'");
    // And the good calls still give the right bytes.
    eq(ln.buildOnion({ ...base, sessionKey: '41'.repeat(32) }).onion.length, 2 * 1366, 'a good call');
    eq(ln.parseShortChannelId(113249697726464n).shortChannelId, '103x1x0', 'bigint scid');
  }],
  ['short channel ids, the version', (ln, V, hop) => {
    const s = ln.parseShortChannelId('103x1x0/1');
    eq(s.u64, 113249697726464n, 'u64');
    eq(s.direction, 1, 'direction');
    eq(ln.parseShortChannelId(113249697726464n).shortChannelId, '103x1x0', 'from bigint');
    if ('runCli' in ln) fail('runCli belongs to the CLI module, not the one apps load');
    if (!/^\d+\.\d+\.\d+/.test(ln.version())) fail('version');
  }],
  ['warmUp: the onion path run on the BOLT #4 vectors, once unless asked again; its options checked', (ln) => {
    const first = ln.warmUp();
    eq(typeof first.ms, 'number', 'ms');
    // The workerd entries warm up at module scope (10 rounds); elsewhere this call does (3).
    eq(first.rounds, first.already ? 10 : 3, 'rounds');
    const again = ln.warmUp();
    eq(again.already, true, 'a second call does no work');
    eq(again.rounds, first.rounds, 'and says what the first did');
    const forced = ln.warmUp({ rounds: 1, again: true });
    eq(forced.already, false, 'again: true runs it');
    eq(forced.rounds, 1, 'the rounds asked');
    throws(() => ln.warmUp({ rounds: 0 }), (e) => {
      eq(e instanceof RangeError, true, 'RangeError');
      eq(e.data.field, 'warmUp.rounds', 'field');
    }, 'rounds 0');
    throws(() => ln.warmUp({ rounds: 1.5 }), (e) => eq(e.data.error, 'PARAM_RANGE', 'code'), 'rounds 1.5');
    throws(() => ln.warmUp({ round: 2 }), (e) => {
      eq(e.data.error, 'UNKNOWN_FIELD', 'code');
      eq(/did you mean rounds/.test(e.message), true, 'the key meant');
    }, 'typo');
  }],
  ['hostile inputs: cycles, deep nesting, throwing getters, Proxies, huge arrays never break the instance', (ln, V, hop) => {
    const t = V['vectors/bolt04/onion-test.json'];
    const g = t.generate;
    const good = () => ({ sessionKey: g.session_key, associatedData: g.associated_data, hops: g.hops });
    const still = (what, mod) => {
      eq(mod.createOnion(good()).onion, t.onion, `after ${what}: a good call still gives the vector's bytes`);
      eq(typeof mod.version(), 'string', `after ${what}: version()`);
    };
    const deep = (n, arr) => {
      let v = 1;
      for (let i = 0; i < n; i++) v = arr ? [v] : { a: v };
      return v;
    };
    const cyclic = { a: 1 };
    cyclic.self = cyclic;
    const cyclicArray = [1];
    cyclicArray.push(cyclicArray);
    const getter = Object.defineProperty({}, 'sessionKey', { enumerable: true, get() { throw new Error('boom'); } });
    const trap = new Proxy({}, { ownKeys() { throw new Error('trap'); } });
    const getTrap = new Proxy({ sessionKey: '' }, { get() { throw new Error('get trap'); } });
    const revocable = Proxy.revocable({}, {});
    revocable.revoke();
    const hostile = {
      cycle: cyclic,
      'cycle in an array': cyclicArray,
      'nested 100k deep': deep(100_000, false),
      'arrays nested 100k deep': deep(100_000, true),
      'a throwing getter': getter,
      'a Proxy whose ownKeys throws': trap,
      'a Proxy whose get throws': getTrap,
      'a revoked Proxy': revocable.proxy,
      'a sparse array of 10^9': new Array(1e9),
      'a dense array of 200k': new Array(200_000).fill(0),
      'a 20 MB string': 'a'.repeat(20_000_000),
      'a symbol': Symbol('s'),
      'a function': () => 1,
      'a bigint': 40n,
      'a frozen object': Object.freeze({ ...good() }),
      'a number past 2^53': 2 ** 60,
      NaN: Number.NaN,
    };
    // Every function of this entry, and the hop side's (its own module: it is checked too).
    const fns = ['parseAmount', 'formatAmount', 'buildOnion', 'createOnion', 'routePayloads', 'decodeFailure', 'decodeChannelUpdate', 'parseShortChannelId', 'rpcRequest', 'rpcAnswer', 'rpcError', 'paymentGuard', 'decodeInvoice', 'parsePaymentString', 'decodeBolt12', 'version'];
    const hopFns = ['peelOnion', 'wrapFailure', 'createFailureReply', 'forwardFailureReply'];
    const targets = [...fns.filter((n) => n in ln).map((n) => [ln, n]), ...hopFns.map((n) => [hop, n])];
    let calls = 0;
    for (const [mod, name] of targets) {
      for (const [what, h] of Object.entries(hostile)) {
        // The value itself, under a key the call ignores, and in place of a field it reads.
        for (const arg of [h, { ...good(), ignored: h }, { ...good(), hops: h }]) {
          calls++;
          try {
            mod[name](arg);
          } catch (e) {
            if (typeof WebAssembly !== 'undefined' && e instanceof WebAssembly.RuntimeError) fail(`${name}(${what}): a wasm trap: ${e.message}`);
            if (!(e instanceof Error)) fail(`${name}(${what}): threw a non-Error ${String(e)}`);
            if (!(e instanceof ln.LnSendpayError || e instanceof TypeError || e instanceof RangeError)) fail(`${name}(${what}): ${e.name}: ${e.message}`);
            if (!Number.isInteger(e.code) || typeof e.data?.error !== 'string') fail(`${name}(${what}): no code/data.error: ${e.message}`);
          }
        }
        still(`${name}(${what})`, mod);
      }
    }
    if (calls < 600) fail(`only ${calls} hostile calls`);
    // The errors say what was wrong, and where, in the caller's spelling.
    throws(() => ln.createOnion({ ...good(), extraStuff: { deeper: cyclic } }), (e) => {
      eq(e.data.error, 'INPUT_CYCLE', 'cycle code');
      eq(e.data.field, 'extraStuff.deeper.self', 'cycle field');
    }, 'cycle');
    throws(() => ln.createOnion({ ...good(), hops: deep(100, true) }), (e) => eq(e.data.error, 'INPUT_TOO_DEEP', 'depth code'), 'depth');
    throws(() => ln.createOnion(getter), (e) => {
      eq(e.data.error, 'INPUT_UNREADABLE', 'getter code');
      eq(e.data.field, 'sessionKey', 'getter field');
    }, 'getter');
    throws(() => ln.createOnion({ ...good(), hops: new Array(1e9) }), (e) => eq(e.data.error, 'INPUT_TOO_LARGE', 'size code'), 'size');
  }],
];

/** Run every case; returns [{name, ok, error?}]. */
const ONION = ['LnSendpayError', 'init', 'parseAmount', 'formatAmount', 'buildOnion', 'createOnion', 'routePayloads', 'decodeFailure', 'decodeChannelUpdate', 'parseShortChannelId', 'version', 'warmUp'];
/** Every entry's exports, exactly (checked in Node, Chromium and workerd). */
export const ENTRY_EXPORTS = {
  'ln-sendpay/onion': ONION,
  'ln-sendpay/hop': [...ONION, 'peelOnion', 'wrapFailure', 'createFailureReply', 'forwardFailureReply'],
  'ln-sendpay': [...ONION, 'decodeInvoice', 'rpcRequest', 'rpcAnswer', 'rpcError', 'paymentGuard', 'Client', 'MemoryStore', 'KeyValueStore', 'IndexedDBStore', 'KeyedLock', 'attemptKey', 'exportAttempts', 'importAttempts', 'clnrest', 'commando', 'TRANSPORT_ERROR', 'parsePaymentString', 'WebLNProvider', 'WebLNError', 'decodeBolt12'],
};

/** What the main entry exports: a case that uses one of these and meets an entry without it
 *  (the onion entry has no invoices, no client) is reported `na`, naming the export. */
const MAIN_EXPORTS = ENTRY_EXPORTS['ln-sendpay'];

/**
 * Every case against the entry `ln`; `hop` is the hop side (`ln-sendpay/hop`: peelOnion,
 * wrapFailure, …) that the cases use as the nodes of a route would. `ln` may be an entry
 * with fewer exports (`ln-sendpay/onion`): a case needing one it lacks gives `{na}`.
 */
export async function runSuite(ln, vectorTexts, hop = ln) {
  await ln.init();
  await hop.init();
  const V = parseVectors(vectorTexts);
  const entry = new Proxy(ln, {
    get(target, key) {
      if (typeof key === 'string' && !(key in target) && MAIN_EXPORTS.includes(key)) throw new NotInEntry(key);
      return Reflect.get(target, key);
    },
  });
  const results = [];
  for (const [name, fn] of cases) {
    try {
      await fn(entry, V, hop);
      results.push({ name, ok: true });
    } catch (e) {
      if (e instanceof NotInEntry) results.push({ name, ok: true, na: e.message });
      else results.push({ name, ok: false, error: String(e && e.stack ? e.stack : e) });
    }
  }
  return results;
}

export const CASE_NAMES = cases.map(([name]) => name);
