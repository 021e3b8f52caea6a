// The .d.ts against what the code returns: values produced at runtime (the bindings, and the
// client paying the dev node's network) walked against their declared types, read with the
// TypeScript compiler's own checker. A key the types do not declare, a required key missing,
// or a value of another type fails the test.
import ts from 'typescript';
import { join, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import * as ln from '../../pkg/index.node.js';
import * as hop from '../../pkg/hop.node.js';
import { createNetwork, defaultNetwork } from '../../www/devnode/network.mjs';

const root = resolve(new URL('../..', import.meta.url).pathname);
const shared = resolve(root, '..', 'shared');
const program = ts.createProgram([join(root, 'tests/js/shapes.ts')], {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
  types: [],
});
const checker = program.getTypeChecker();
const diagnostics = ts.getPreEmitDiagnostics(program);
if (diagnostics.length) {
  console.log(`not ok - types: shapes.ts does not compile\n${ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' })}`);
  process.exit(1);
}
const file = program.getSourceFile(join(root, 'tests/js/shapes.ts'));
const shapes = file.statements.find((s) => ts.isInterfaceDeclaration(s) && s.name.text === 'Shapes');
const declared = Object.fromEntries(checker.getPropertiesOfType(checker.getTypeAtLocation(shapes)).map((p) => [p.name, checker.getTypeOfSymbolAtLocation(p, shapes)]));

const F = ts.TypeFlags;
const show = (v) => (JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `${x}n` : x))?.slice(0, 60) ?? String(v));

/** The problems of `value` as a `type` (none: it fits). */
function problems(value, type, path, depth = 0) {
  if (depth > 40) return [];
  const f = type.flags;
  if (f & (F.Any | F.Unknown)) return [];
  if (type.isUnion()) {
    let best;
    for (const m of type.types) {
      const p = problems(value, m, path, depth + 1);
      if (!p.length) return [];
      if (!best || p.length < best.length) best = p;
    }
    return best.length === 1 ? best : [`${path}: ${show(value)} is not ${checker.typeToString(type)} (${best[0]})`];
  }
  const no = (what) => [`${path}: ${show(value)} is not ${what}`];
  if (f & F.Undefined || f & F.Void) return value === undefined ? [] : no('undefined');
  if (f & F.Null) return value === null ? [] : no('null');
  if (f & F.StringLiteral) return value === type.value ? [] : no(JSON.stringify(type.value));
  if (f & F.NumberLiteral) return value === type.value ? [] : no(String(type.value));
  if (f & F.BooleanLiteral) return value === (checker.typeToString(type) === 'true') ? [] : no(checker.typeToString(type));
  if (f & F.String) return typeof value === 'string' ? [] : no('a string');
  if (f & F.Number) return typeof value === 'number' ? [] : no('a number');
  if (f & F.BigInt) return typeof value === 'bigint' ? [] : no('a bigint');
  if (f & F.Boolean) return typeof value === 'boolean' ? [] : no('a boolean');
  if (f & F.Never) return no('never');
  if (checker.isArrayType(type) || checker.isTupleType(type)) {
    if (!Array.isArray(value)) return no('an array');
    const args = checker.getTypeArguments(type);
    return value.flatMap((x, i) => problems(x, checker.isTupleType(type) ? (args[i] ?? args.at(-1)) : args[0], `${path}[${i}]`, depth + 1));
  }
  if (f & F.Object || type.isIntersection()) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return no('an object');
    const props = checker.getPropertiesOfType(type);
    const index = checker.getIndexInfosOfType(type).find((i) => i.keyType.flags & F.String);
    const out = [];
    const names = new Set(props.map((p) => p.name));
    for (const p of props) {
      const v = value[p.name];
      const optional = (p.flags & ts.SymbolFlags.Optional) !== 0;
      if (v === undefined && !optional && !(p.name in value)) {
        if (!(value instanceof Error && ['stack', 'cause'].includes(p.name))) out.push(`${path}.${p.name}: declared, missing`);
        continue;
      }
      if (v === undefined && optional) continue;
      if (typeof v === 'function') continue;
      out.push(...problems(v, checker.getTypeOfSymbolAtLocation(p, shapes), `${path}.${p.name}`, depth + 1));
    }
    for (const k of Object.keys(value)) {
      if (names.has(k)) continue;
      if (index) out.push(...problems(value[k], index.type, `${path}.${k}`, depth + 1));
      else out.push(`${path}.${k}: not declared (${show(value[k])})`);
    }
    return out;
  }
  return [];
}

const results = [];
function expect(name, shape, value) {
  const p = problems(value, declared[shape], shape);
  results.push({ name, ok: p.length === 0 });
  console.log(p.length ? `not ok - types: ${name}\n  ${p.slice(0, 12).join('\n  ')}` : `ok - types: ${name}`);
}
const vector = (f) => JSON.parse(readFileSync(join(shared, 'vectors', f), 'utf8'));

// The bindings.
const onion = vector('bolt04/onion-test.json');
const g = onion.generate;
const created = ln.createOnion({ sessionKey: g.session_key, associatedData: g.associated_data, hops: g.hops });
expect('createOnion', 'createOnion', created);
expect('warmUp', 'warmUp', ln.warmUp({ rounds: 1 }));
expect('warmUp, again', 'warmUp', ln.warmUp());
expect('peelOnion, a forwarding hop', 'peelOnion', hop.peelOnion({ onion: created.onion, associatedData: g.associated_data, privkey: onion.decode[0] }));
const route = g.hops.map((h, i) => ({ id: h.pubkey, channel: `${100 + i}x1x0`, amountMsat: BigInt(10_000 - i * 10), delay: 900 - i * 40 }));
const payment = { route, paymentHash: '42'.repeat(32), paymentSecret: '11'.repeat(32), blockHeight: 800 };
expect('buildOnion', 'buildOnion', ln.buildOnion(payment));
expect('routePayloads', 'routePayloads', ln.routePayloads(payment));
let o = ln.buildOnion({ ...payment, sessionKey: '41'.repeat(32) }).onion;
for (const [i, k] of onion.decode.entries()) {
  const p = hop.peelOnion({ onion: o, associatedData: '42'.repeat(32), privkey: k });
  if (i === 4) expect('peelOnion, the final hop (payment_data)', 'peelOnion', p);
  o = p.nextOnion;
}
const err = vector('bolt04/onion-error-test.json');
const secrets = err.generate.hops.map((h) => h.hop_shared_secret);
expect('wrapFailure', 'wrapFailure', hop.wrapFailure({ sharedSecrets: secrets, erringIndex: 4, failureMessage: err.generate.failure_message }));
expect('wrapFailure with hold times', 'wrapFailure', hop.wrapFailure({ sharedSecrets: secrets, erringIndex: 2, failureMessage: '2002', holdTimes: [1, 2, 3] }));
expect('decodeFailure (the spec reply, with a route)', 'decodeFailure', ln.decodeFailure({ reply: err.errorpacket, sharedSecrets: secrets, route }));
expect('decodeFailure (unreadable: 202)', 'decodeFailure', ln.decodeFailure({ reply: '00'.repeat(292), sharedSecrets: secrets }));
for (const c of vector('failcodes.json')) {
  const msg = c.code.toString(16).padStart(4, '0') + (c.flags.includes('UPDATE') || c.flags.includes('BADONION') ? '00'.repeat(40) : '00'.repeat(12));
  const { reply } = hop.wrapFailure({ sharedSecrets: secrets.slice(0, 2), erringIndex: 1, failureMessage: msg });
  const f = ln.decodeFailure({ reply, sharedSecrets: secrets.slice(0, 2) });
  const p = problems(f, declared.decodeFailure, `decodeFailure(${c.name})`);
  if (p.length) expect(`decodeFailure ${c.name}`, 'decodeFailure', f);
}
results.push({ name: 'decodeFailure of every failcode', ok: true });
expect('parseShortChannelId', 'parseShortChannelId', ln.parseShortChannelId('103x1x0/1'));
for (const [i, v] of vector('bolt11.json').valid.entries()) {
  let decoded;
  try {
    decoded = ln.decodeInvoice(v.invoice, { now: v.expected.timestamp });
  } catch {
    continue; // the examples this reader refuses on purpose (the suite checks which)
  }
  expect(`decodeInvoice valid[${i}]`, 'invoice', decoded);
}

// The client over the dev node's network.
const net = createNetwork(defaultNetwork());
const client = new ln.Client({ transport: net.transport() });
const info = await client.getinfo();
expect('getinfo', 'getinfo', info);
const inv = net.invoice({ node: 'dave', amount_msat: 100000 });
expect('getroutes', 'getroutes', await client.getroutes({ source: info.id, destination: inv.destination, amountMsat: 100000n, maxfeeMsat: 5000n, maxparts: 1 }));
const events = [];
const paid = await client.pay({ bolt11: inv.bolt11 }, { onProgress: (e) => events.push(e) });
expect('pay (a failure, a retry, paid)', 'pay', paid);
events.forEach((e, i) => expect(`pay progress ${i} (${e.stage})`, 'progress', e));
// In parts: grace's invoice needs two, one of which fails at bob and is routed again.
const mppEvents = [];
const mpp = await client.pay({ bolt11: net.invoice({ node: 'grace', amount_msat: 500_000_000 }).bolt11 }, { onProgress: (e) => mppEvents.push(e) });
expect('pay in parts', 'pay', mpp);
if (!(mpp.parts > 1)) throw new Error('the MPP payment went in one part');
mppEvents.forEach((e, i) => expect(`pay in parts, progress ${i} (${e.stage})`, 'progress', e));
for (const r of await client.store.list()) expect('a stored attempt record', 'record', r);
expect('listsendpays', 'listsendpays', await client.listsendpays({ paymentHash: inv.payment_hash }));
const inv2 = net.invoice({ node: 'dave', amount_msat: 5000 });
const { route: r2 } = await client.getroute({ destination: inv2.destination, amountMsat: 5000n }).catch(() => ({ route: [] }));
if (r2.length) {
  expect('getroute', 'getroute', { route: r2 });
  expect('sendonion', 'sendonion', await client.sendonion({ route: r2, bolt11: inv2.bolt11 }));
}
const caught = async (p) => p.then(() => ({ notAnError: true }), (e) => e);
expect('error 203 from pay', 'error', await caught(client.pay({ destination: inv.destination, amountMsat: 100000n, paymentHash: 'ab'.repeat(32), paymentSecret: inv.payment_secret })));
expect('error -32602 (a typo)', 'error', await caught(client.pay({ bolt11: inv.bolt11, maxAttempt: 1 })));
expect('error -32602 (a route rule)', 'error', await caught(Promise.resolve().then(() => ln.buildOnion({ ...payment, route: [...route].reverse() }))));
const dead = new ln.Client({ transport: async () => { throw new Error('down'); } });
expect('error -32000 (the transport)', 'error', await caught(dead.getinfo()));
const hung = new ln.Client({ transport: () => new Promise(() => {}), timeoutMs: 50 });
expect('error -32000 (a timeout)', 'error', await caught(hung.getinfo()));
const inv3 = net.invoice({ node: 'dave', amount_msat: 100000 });
expect('error 206 (over maxfee)', 'error', await caught(client.pay({ bolt11: inv3.bolt11, maxfeeMsat: 0n })));

const failed = results.filter((r) => !r.ok).length;
console.log(`types: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
