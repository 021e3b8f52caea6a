// `make bench`'s cold starts: what the first call costs in a fresh Node process and the first
// request in a fresh workerd instance (miniflare), next to warm figures from the same run.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Node: `runs` fresh processes per entry, interleaved; each imports the entry, optionally
 * calls warmUp(), then times its first 5-hop createOnion (a session key warmUp never used)
 * and first decodeFailure, then 40 more onions for the warm median.
 */
export function nodeCold(pkgDir, shared, entries, runs) {
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
    for (const [name, file] of Object.entries(entries)) {
      for (const warm of ['no', 'yes']) {
        const p = spawnSync(process.execPath, ['--input-type=module', '-e', script, join(pkgDir, file), shared, warm], { encoding: 'utf8' });
        if (p.status !== 0) throw new Error(`cold start probe failed: ${p.stderr}`);
        (out[`${name}|${warm}`] ??= []).push(JSON.parse(p.stdout));
      }
    }
  }
  return Object.fromEntries(
    Object.entries(out).map(([k, rows]) => {
      const m = Object.fromEntries(Object.keys(rows[0]).map((f) => [f, median(rows.map((x) => x[f]))]));
      return [k, { ...m, ratio: median(rows.map((x) => x.first / x.warm)) }];
    }),
  );
}

/**
 * workerd: `runs` fresh miniflare instances per Worker, interleaved: an empty Worker, and for
 * each entry a Worker whose request builds a 5-hop onion from a route (fresh session key) and
 * decodes a failure reply along it — with the entry as shipped (warm-up at module scope) and
 * with that line taken out. Start-up (new Miniflare → ready) and the first and second
 * requests' latency; `extra` is the first request minus the empty Worker's.
 */
export async function workerdCold(root, pkgDir, shared, entries, runs) {
  const { Miniflare } = await import(join(root, 'node_modules/miniflare/dist/src/index.js'));
  const dir = mkdtempSync(join(tmpdir(), 'ln-sendpay-cold-'));
  try {
    cpSync(pkgDir, join(dir, 'pkg'), { recursive: true });
    const workers = { empty: 'export default { async fetch() { return new Response("ok"); } };\n' };
    const v = readFileSync(join(shared, 'vectors/bolt04/onion-test.json'), 'utf8');
    const e = readFileSync(join(shared, 'vectors/bolt04/onion-error-test.json'), 'utf8');
    writeFileSync(join(dir, 'vectors.mjs'), `export const V = ${v};\nexport const E = ${e};\n`);
    for (const [name, file] of Object.entries(entries)) {
      const shipped = readFileSync(join(dir, 'pkg', file), 'utf8');
      const cold = shipped.replace(/^warmUp\(\{ rounds: \d+ \}\);$/m, '');
      if (cold === shipped) throw new Error(`${file}: no module-scope warmUp line to take out`);
      writeFileSync(join(dir, 'pkg', `nowarm.${file}`), cold);
      for (const [variant, entry] of [['warm-up', file], ['no warm-up', `nowarm.${file}`]]) {
        workers[`${name}, ${variant}`] = `import * as ln from './pkg/${entry}';
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
      }
    }
    const files = Object.fromEntries(Object.entries(workers).map(([name, text], i) => [name, join(dir, `worker${i}.mjs`)]));
    for (const [name, text] of Object.entries(workers)) writeFileSync(files[name], text);
    const rows = {};
    for (let r = 0; r < runs; r++) {
      for (const [name, scriptPath] of Object.entries(files)) {
        const t0 = performance.now();
        const mf = new Miniflare({
          modules: true,
          modulesRoot: dir,
          scriptPath,
          modulesRules: [
            { type: 'ESModule', include: ['**/*.js', '**/*.mjs'] },
            { type: 'CompiledWasm', include: ['**/*.wasm'] },
          ],
          compatibilityDate: '2026-04-01',
        });
        try {
          await mf.ready;
          const t1 = performance.now();
          const body = await (await mf.dispatchFetch('http://worker/')).text();
          const t2 = performance.now();
          await (await mf.dispatchFetch('http://worker/')).text();
          const t3 = performance.now();
          if (name !== 'empty' && body !== '2732 204') throw new Error(`${name}: the Worker answered ${body}`);
          (rows[name] ??= []).push({ startup: t1 - t0, first: t2 - t1, second: t3 - t2 });
        } finally {
          await mf.dispose();
        }
      }
    }
    const m = Object.fromEntries(Object.entries(rows).map(([k, xs]) => [k, Object.fromEntries(['startup', 'first', 'second'].map((f) => [f, median(xs.map((x) => x[f]))]))]));
    for (const k of Object.keys(m)) if (k !== 'empty') m[k].extra = m[k].first - m.empty.first;
    return m;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
