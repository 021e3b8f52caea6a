// Transports and stores (Node, against the packed tarball, beside node.test.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import * as ln from 'ln-sendpay';

const RUNE = 'good-rune';
const BIG = '{"created_index":9,"groupid":8645223729089888574,"status":"pending"}';

function fakeClnrest() {
  const seen = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, rune: req.headers.rune, body });
      if (req.method !== 'POST') return res.writeHead(405).end('{"code":-32601,"message":"use POST"}');
      if (!req.headers.rune) return res.writeHead(403).end('{"code":1501,"message":"Not authorized: Missing rune"}');
      if (req.headers.rune !== RUNE) return res.writeHead(401).end('{"code":1501,"message":"Not authorized: Not derived from master"}');
      const method = req.url.replace('/v1/', '');
      if (method === 'sendpay') return res.writeHead(201, { 'content-type': 'application/json' }).end(BIG);
      if (method === 'waitsendpay') return res.writeHead(500).end('{"code":204,"message":"failed: WIRE_TEMPORARY_CHANNEL_FAILURE (reply from remote)","data":{"erring_index":1,"amount_msat":18446744073709551615}}');
      if (method === 'html') return res.writeHead(502, { 'content-type': 'text/html' }).end('<html><body>Bad Gateway</body></html>');
      if (method === 'hang') return; // never answers
      res.writeHead(404).end('not found');
    });
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok({ server, seen, url: `http://127.0.0.1:${server.address().port}` })));
}

test('clnrest: 201 resolves with the exact text; the body is the params JSON; the rune travels', async () => {
  const { server, seen, url } = await fakeClnrest();
  try {
    const t = ln.clnrest({ url: url + '/', rune: RUNE });
    const text = await t({ method: 'sendpay', params: { a: 1 }, paramsJson: '{"a":1}' }, {});
    assert.equal(text, BIG); // 8645223729089888574 intact: no JSON.parse on the way
    assert.deepEqual(seen[0], { method: 'POST', url: '/v1/sendpay', rune: RUNE, body: '{"a":1}' });
  } finally {
    server.close();
  }
});

test('clnrest: 500 rejects with the node error and its raw text; 401/403 are 1501', async () => {
  const { server, url } = await fakeClnrest();
  try {
    await assert.rejects(ln.clnrest({ url, rune: RUNE })({ method: 'waitsendpay', params: {} }, {}), (e) => {
      assert.equal(e.code, 204);
      assert.match(e.raw, /18446744073709551615/);
      return true;
    });
    for (const rune of ['bad', '']) {
      const t = rune ? ln.clnrest({ url, rune }) : ln.clnrest({ url, rune: 'x', fetch: (u, o) => fetch(u, { ...o, headers: {} }) });
      await assert.rejects(t({ method: 'sendpay', params: {} }, {}), (e) => e.code === 1501);
    }
  } finally {
    server.close();
  }
});

test('clnrest: an HTML page, a hang, an abort and a closed port are transport errors', async () => {
  const { server, url } = await fakeClnrest();
  try {
    const t = ln.clnrest({ url, rune: RUNE, timeoutMs: 300 });
    const isTransport = (kind) => (e) => e instanceof ln.LnSendpayError && e.code === ln.TRANSPORT_ERROR && e.data.error === kind;
    await assert.rejects(t({ method: 'html', params: {} }, {}), isTransport('TRANSPORT_HTTP_STATUS'));
    await assert.rejects(t({ method: 'hang', params: {} }, {}), isTransport('TRANSPORT_TIMEOUT'));
    const ctrl = new AbortController();
    const p = t({ method: 'hang', params: {} }, { signal: ctrl.signal, timeoutMs: 10_000 });
    setTimeout(() => ctrl.abort(), 50);
    await assert.rejects(p, isTransport('TRANSPORT_ABORTED'));
    const closed = ln.clnrest({ url: 'http://127.0.0.1:9', rune: RUNE });
    await assert.rejects(closed({ method: 'getinfo', params: {} }, {}), isTransport('TRANSPORT_NETWORK'));
  } finally {
    server.close();
  }
});

test('commando: params must survive JSON.stringify; node errors pass through; hangs time out', async () => {
  const calls = [];
  const fake = {
    commando: async (args) => {
      calls.push(JSON.parse(JSON.stringify(args)));
      if (args.method === 'fail') throw { code: 205, message: 'Could not find a route', data: null };
      if (args.method === 'hang') return new Promise(() => {});
      return { ok: true };
    },
  };
  const t = ln.commando(fake, { rune: RUNE, timeoutMs: 200 });
  assert.deepEqual(await t({ method: 'getinfo', params: { amount_msat: '1000msat' } }, {}), { ok: true });
  assert.deepEqual(calls[0], { method: 'getinfo', params: { amount_msat: '1000msat' }, rune: RUNE });
  await assert.rejects(t({ method: 'x', params: { amount_msat: 1000n } }, {}), TypeError);
  await assert.rejects(t({ method: 'fail', params: {} }, {}), (e) => e.code === 205 && !(e instanceof Error));
  await assert.rejects(t({ method: 'hang', params: {} }, {}), (e) => e.data.error === 'TRANSPORT_TIMEOUT');
});

test('stores: memory and key-value keep records as JSON; export and import round-trip', async () => {
  const kvMap = new Map();
  const kv = { get: async (k) => kvMap.get(k) ?? null, put: async (k, v) => void kvMap.set(k, v) };
  for (const store of [new ln.MemoryStore(), new ln.KeyValueStore(kv)]) {
    const rec = { paymentHash: 'AB'.repeat(32), partid: 0, amountMsat: '18446744073709551615', status: 'unknown', createdAt: 1, updatedAt: 1, sharedSecrets: ['00'.repeat(32)] };
    const key = ln.attemptKey(rec.paymentHash, 0);
    assert.equal(key, `${'ab'.repeat(32)}/0`);
    await store.put(key, rec);
    rec.status = 'mutated after put';
    assert.equal((await store.get(key)).status, 'unknown', 'the store keeps a copy');
    await store.put(key, { ...(await store.get(key)), status: 'failed' });
    assert.equal((await store.list()).length, 1);
    const text = await ln.exportAttempts(store);
    const fresh = new ln.MemoryStore();
    assert.equal(await ln.importAttempts(fresh, text), 1);
    assert.deepEqual(await fresh.get(key), await store.get(key));
    await assert.rejects(ln.importAttempts(fresh, '{"version":2}'), TypeError);
  }
});

test('KeyedLock: the same call joins, another for the same key is refused', async () => {
  const lock = new ln.KeyedLock();
  let runs = 0;
  const slow = () => new Promise((r) => setTimeout(() => r(++runs), 30));
  const [a, b] = await Promise.all([lock.run('h', 'f1', slow, () => new Error('x')), lock.run('h', 'f1', slow, () => new Error('x'))]);
  assert.deepEqual([a, b, runs], [1, 1, 1]);
  const first = lock.run('h', 'f1', slow, () => new Error('x'));
  await assert.rejects(lock.run('h', 'f2', slow, (cur) => new Error(`busy with ${cur}`)), /busy with f1/);
  await first;
  assert.equal(await lock.run('h', 'f2', slow, () => new Error('x')), 3);
});
