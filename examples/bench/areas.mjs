// `make bench`'s "where the bytes go": each module's size by area (the JSON glue, BOLT 12,
// the elliptic curve…), so a size budget can be argued from figures anyone can reproduce.
//
// An area's **gzip share** is what the module's gzip loses when that area's function bodies
// (or data segments) are zeroed: shares do not add up to the whole (compression works across
// areas), but each says what leaving that area out would buy, at most. Function names come
// from a copy of the module that keeps its name section (`make pkg` writes it under
// target/wasm-named/); the bodies measured are the shipped module's, which differs from that
// copy only in its custom sections (checked here: the same code section, byte for byte).
import { gzipSync } from 'node:zlib';

/** Each entry's module, under pkg/ (what `make bench` sizes and breaks down). */
export const MODULES = {
  'ln-sendpay/onion': 'onion/ln_sendpay_onion_bg.wasm',
  'ln-sendpay': 'ln_sendpay_bg.wasm',
  'ln-sendpay/hop': 'full/ln_sendpay_full_bg.wasm',
};

/** Areas, first match wins; a function's name is its demangled Rust path. */
export const AREAS = [
  ['JSON glue: commands, json', /^<?ln_sendpay::(commands|json)::/],
  // The exported shims are named as JS calls them (`decodeInvoice`, `payer_step`).
  ['bindings: src/wasm, wasm-bindgen, js-sys, the exports', /^<?(ln_sendpay::wasm::|wasm_bindgen|js_sys)|^__w|^__externref|^[a-z][A-Za-z0-9_]*$/],
  ['payments: Payer, guard, rpc', /^<?ln_sendpay::(payment|rpc)::/],
  ['failures', /^<?ln_sendpay::failure::/],
  ['BOLT 11', /^<?ln_sendpay::bolt11::/],
  ['BOLT 12', /^<?ln_sendpay::bolt12::/],
  ['paste parser (paystring)', /^<?ln_sendpay::paystring::/],
  ['onions: sphinx, payloads, routes, ids, amounts', /^<?ln_sendpay::/],
  ['elliptic curve: k256, crypto-bigint, primeorder', /^<?(k256|elliptic_curve|primeorder|primefield|crypto_bigint|wnaf|ff|group|subtle|ctutils|cmov)(\[[0-9a-f]+\])?::/],
  ['hashes and ChaCha20 (src/kernels)', /^<?(ln_sendpay_kernels|sha2|chacha20|hmac|cipher|digest|block_buffer|hybrid_array|zeroize)(\[[0-9a-f]+\])?::/],
  ['allocator (dlmalloc)', /dlmalloc/],
  // The sysroot's own code is named with its crate's hash (`core[c593…]::fmt`); generic std
  // code instantiated in this build is not (`core::iter::adapters::map::Map<I,F>`).
  ['core and alloc as compiled in the sysroot: formatting, str, panics', /\b(core|alloc|std|compiler_builtins|__rustc)\[[0-9a-f]+\]|^<(char|str)>/],
  ['generic std code instantiated here (iterators, Vec, drops)', /(^<?|as )(core|alloc)::/],
  ['other functions', /./],
];

function leb(buf, at) {
  let v = 0;
  let shift = 0;
  for (;;) {
    const b = buf[at++];
    v += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (b < 0x80) return [v, at];
  }
}

/** Sections of a module: `{id, name?, start, end}` (content offsets). */
function sections(buf) {
  if (buf.readUInt32BE(0) !== 0x0061736d) throw new Error('not a wasm module');
  const out = [];
  let at = 8;
  while (at < buf.length) {
    const id = buf[at];
    const [size, start] = leb(buf, at + 1);
    const s = { id, start, end: start + size };
    if (id === 0) {
      const [len, p] = leb(buf, start);
      s.name = buf.toString('utf8', p, p + len);
      s.body = p + len;
    }
    out.push(s);
    at = s.end;
  }
  return out;
}

/** Function bodies `[start, end)` by function index, data segments' bytes in order. */
function layout(buf) {
  const secs = sections(buf);
  let imported = 0;
  const imp = secs.find((s) => s.id === 2);
  if (imp) {
    let [n, at] = leb(buf, imp.start);
    for (; n > 0; n--) {
      for (let k = 0; k < 2; k++) {
        const [len, p] = leb(buf, at);
        at = p + len;
      }
      const kind = buf[at++];
      if (kind === 0) {
        imported++;
        [, at] = leb(buf, at);
      } else if (kind === 1) {
        at++; // reftype
        const flags = buf[at++];
        [, at] = leb(buf, at);
        if (flags & 1) [, at] = leb(buf, at);
      } else if (kind === 2) {
        const flags = buf[at++];
        [, at] = leb(buf, at);
        if (flags & 1) [, at] = leb(buf, at);
      } else if (kind === 3) {
        at += 2; // valtype, mutability
      } else {
        throw new Error(`import kind ${kind}`);
      }
    }
  }
  const bodies = new Map();
  const code = secs.find((s) => s.id === 10);
  let [n, at] = leb(buf, code.start);
  for (let i = 0; i < n; i++) {
    const [size, p] = leb(buf, at);
    bodies.set(imported + i, [p, p + size]);
    at = p + size;
  }
  const data = [];
  const dsec = secs.find((s) => s.id === 11);
  if (dsec) {
    let [m, q] = leb(buf, dsec.start);
    for (; m > 0; m--) {
      const [flags, q1] = leb(buf, q);
      q = q1;
      if (flags === 2) [, q] = leb(buf, q);
      if (flags !== 1) {
        // A constant expression: i32.const/i64.const/global.get, then `end`.
        while (buf[q] !== 0x0b) q++;
        q++;
      }
      const [len, p] = leb(buf, q);
      data.push([p, p + len]);
      q = p + len;
    }
  }
  return { secs, bodies, data, code: buf.subarray(code.start, code.end) };
}

/** Function names and data segment names from a module's `name` section. */
export function names(buf) {
  const secs = sections(buf);
  const ns = secs.find((s) => s.id === 0 && s.name === 'name');
  if (!ns) throw new Error('the named copy has no name section');
  const fns = new Map();
  const data = new Map();
  let at = ns.body;
  while (at < ns.end) {
    const sub = buf[at];
    const [size, p] = leb(buf, at + 1);
    if (sub === 1 || sub === 9) {
      let [n, q] = leb(buf, p);
      for (; n > 0; n--) {
        const [idx, q1] = leb(buf, q);
        const [len, q2] = leb(buf, q1);
        (sub === 1 ? fns : data).set(idx, buf.toString('utf8', q2, q2 + len));
        q = q2 + len;
      }
    }
    at = p + size;
  }
  return { fns, data };
}

const gz = (b) => gzipSync(b, { level: 9 }).length;

/** Unions of areas worth one figure each (what a change of scope would take out at most). */
export const TOGETHER = [
  ["wallet logic: payments, BOLT 11, BOLT 12, paste parser", ['payments: Payer, guard, rpc', 'BOLT 11', 'BOLT 12', 'paste parser (paystring)']],
  ['BOLT 12 and the paste parser', ['BOLT 12', 'paste parser (paystring)']],
  ['the JSON glue with the generic code and the bindings', ['JSON glue: commands, json', 'generic std code instantiated here (iterators, Vec, drops)', 'bindings: src/wasm, wasm-bindgen, js-sys, the exports']],
];

/**
 * `shipped`, `named`: the same module without and with its name section (Buffers). Returns
 * the total gzip and, per area, `{area, functions, raw, gzip}` (gzip: the share, see above),
 * data segments last; `together`: the same for the unions in TOGETHER this module has.
 */
export function areas(shipped, named) {
  const lay = layout(shipped);
  const { code } = layout(named);
  if (Buffer.compare(lay.code, code) !== 0) throw new Error('the named copy is not the shipped module');
  const { fns, data: dataNames } = names(named);
  const groups = AREAS.map(([area]) => ({ area, ranges: [], functions: 0, raw: 0 }));
  for (const [idx, range] of lay.bodies) {
    const name = fns.get(idx) ?? '';
    const g = groups[AREAS.findIndex(([, re]) => re.test(name))];
    g.ranges.push(range);
    g.functions++;
    g.raw += range[1] - range[0];
  }
  const segments = { area: `data: ${lay.data.map((_, i) => dataNames.get(i) ?? `segment ${i}`).join(', ')} (messages, key names, tables)`, ranges: lay.data, functions: 0, raw: 0 };
  for (const [a, b] of lay.data) segments.raw += b - a;
  const total = gz(shipped);
  const share = (gs) => {
    const zeroed = Buffer.from(shipped);
    for (const g of gs) for (const [a, b] of g.ranges) zeroed.fill(0, a, b);
    return total - gz(zeroed);
  };
  const sum = (gs, k) => gs.reduce((n, g) => n + g[k], 0);
  const present = [...groups, segments].filter((g) => g.raw > 0);
  const rows = present.map((g) => ({ area: g.area, functions: g.functions, raw: g.raw, gzip: share([g]) }));
  const together = TOGETHER.map(([area, names]) => [area, present.filter((g) => names.includes(g.area))])
    .filter(([, gs]) => gs.length > 1)
    .map(([area, gs]) => ({ area, functions: sum(gs, 'functions'), raw: sum(gs, 'raw'), gzip: share(gs) }));
  return { total, raw: shipped.length, rows, together };
}

/** The table `make bench` prints for one module. */
export function areasTable(entry, result) {
  const kb = (n) => `${(n / 1000).toFixed(1)} KB`.padStart(9);
  const lines = [`  ${entry}: ${kb(result.raw).trim()} raw, ${kb(result.total).trim()} gzip (zlib 9)`];
  for (const r of [...result.rows].sort((a, b) => b.gzip - a.gzip)) {
    lines.push(`    ${r.area.padEnd(68)} ${kb(r.raw)} raw ${kb(r.gzip)} gzip${r.functions ? `  (${r.functions} functions)` : ''}`);
  }
  for (const r of result.together) lines.push(`    together: ${r.area.padEnd(58)} ${kb(r.raw)} raw ${kb(r.gzip)} gzip`);
  return lines.join('\n');
}
