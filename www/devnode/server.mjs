// The dev node over HTTP, as Core Lightning's REST plugin (clnrest) answers: `POST
// /v1/{method}` with a `Rune` header and the params as the JSON body; 201 with the result,
// 500 with `{code, message, data}`, 401/403 with code 1501 for rune problems. `GET` serves
// the demo page (www/) at `/` and the npm package (pkg/) at `/pkg/`, so the page talks to
// the node from the same origin.
//
// Two of clnrest's gates, emulated (not Core Lightning's code): `scopedRunes` maps a rune to
// the methods it permits, as a rune made by `createrune restrictions='[["method=a","method=b"]]'`
// does (another method: 401, code 1502, "Not permitted: …", as CLN's clnrest tests show); and
// `corsOrigins`, as `clnrest-cors-origins` (default `*`; else only a listed Origin is echoed in
// `access-control-allow-origin`, so a browser on another origin cannot read the answer).
//
//   node www/devnode/server.mjs [--port 9736] [--rune dev-rune] [--delay-ms 300] [--mpp-timeout-ms 60000] [--fail node:kind[:channel][:times]]
//        [--cors-origin https://wallet.example]… [--scoped-rune rune:method,method,…]…
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createNetwork, defaultNetwork, RpcError, FAILURE_KINDS } from './network.mjs';
import { staticFile } from './static.mjs';

const WWW = fileURLToPath(new URL('..', import.meta.url));
const PKG = fileURLToPath(new URL('../../pkg/', import.meta.url));

/** Start the dev node; resolves `{url, rune, network, close()}`. */
export async function startDevNode({ port = 0, host = '127.0.0.1', rune = 'dev-rune', scopedRunes = {}, corsOrigins = ['*'], config = defaultNetwork() } = {}) {
  const network = createNetwork(config);
  const server = createServer(async (req, res) => {
    const origin = req.headers.origin;
    const cors = corsOrigins.includes('*')
      ? { 'access-control-allow-origin': '*' }
      : origin && corsOrigins.includes(origin) ? { 'access-control-allow-origin': origin, vary: 'origin' } : { vary: 'origin' };
    const send = (status, body) => {
      res.writeHead(status, { 'content-type': 'application/json', ...cors, 'access-control-allow-headers': 'rune, content-type', 'access-control-allow-methods': 'POST, OPTIONS' });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    if (req.method === 'OPTIONS') return send(204, '');
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (req.method === 'GET' || req.method === 'HEAD') {
      const f = path.startsWith('/pkg/') ? await staticFile(PKG, path.slice(5)) : await staticFile(WWW, path.slice(1), true);
      if (!f) return send(404, { code: -32601, message: `Not found: ${path}` });
      res.writeHead(200, { 'content-type': f.type, 'cache-control': 'no-store' });
      return res.end(req.method === 'HEAD' ? undefined : f.body);
    }
    const m = /^\/v1\/([a-z0-9-]+)$/.exec(path);
    if (req.method !== 'POST' || !m) return send(404, { code: -32601, message: `Unknown path ${req.method} ${req.url}` });
    if (!req.headers.rune) return send(403, { code: 1501, message: 'Not authorized: Missing rune' });
    const scope = Object.hasOwn(scopedRunes, req.headers.rune) ? scopedRunes[req.headers.rune] : undefined;
    if (req.headers.rune !== rune && !scope) return send(401, { code: 1501, message: 'Not authorized: Not derived from master' });
    if (scope && !scope.includes(m[1])) return send(401, { code: 1502, message: `Not permitted: method is not equal to ${scope.at(-1)}` });
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', async () => {
      let params;
      try {
        params = body.trim() ? JSON.parse(body) : {};
      } catch {
        return send(500, { code: -32700, message: 'Parse error' });
      }
      try {
        send(201, await network.call(m[1], params));
      } catch (e) {
        if (e instanceof RpcError) return send(500, { code: e.code, message: e.message, ...(e.data === undefined ? {} : { data: e.data }) });
        send(500, { code: -1, message: String(e && e.message ? e.message : e) });
      }
    });
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, ok);
  });
  const url = `http://${host}:${server.address().port}`;
  return { url, rune, network, server, close: () =>
      new Promise((ok) => {
        server.close(ok);
        server.closeAllConnections(); // keep-alive sockets (fetch keeps them) would hold it open
      }),
  };
}

/** `--fail node:kind[:channel][:times]` → a failure for the network's config. */
export function parseFailure(spec) {
  const [node, kind, channel, times] = String(spec).split(':');
  if (!node || !FAILURE_KINDS.includes(kind)) throw new Error(`--fail ${spec}: expected node:kind[:channel][:times], kind one of ${FAILURE_KINDS.join(', ')}`);
  if (times !== undefined && !/^[1-9]\d*$/.test(times)) throw new Error(`--fail ${spec}: times must be a positive integer`);
  return { node, kind, channel: channel || undefined, times: times ? Number(times) : undefined };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name, dflt) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : dflt;
  };
  const config = defaultNetwork();
  config.delayMs = Number(arg('--delay-ms', 300));
  config.mppTimeoutMs = Number(arg('--mpp-timeout-ms', 60_000));
  try {
    for (let i = 0; i < process.argv.length; i++) if (process.argv[i] === '--fail') config.failures.push(parseFailure(process.argv[i + 1]));
  } catch (e) {
    console.error(e.message);
    process.exit(2);
  }
  const corsOrigins = [];
  const scopedRunes = {};
  for (let i = 0; i < process.argv.length; i++) {
    if (process.argv[i] === '--cors-origin') corsOrigins.push(process.argv[i + 1]);
    if (process.argv[i] === '--scoped-rune') {
      const [r, methods = ''] = String(process.argv[i + 1]).split(':');
      scopedRunes[r] = methods.split(',').filter(Boolean);
    }
  }
  const dev = await startDevNode({ port: Number(arg('--port', 9736)), rune: arg('--rune', 'dev-rune'), scopedRunes, corsOrigins: corsOrigins.length ? corsOrigins : ['*'], config });
  console.log(`dev node (CLNRest) at ${dev.url}, rune "${dev.rune}"; our node ${dev.network.nodes[config.us]}`);
  for (const [name, id] of Object.entries(dev.network.nodes)) console.log(`  ${name.padEnd(6)} ${id}`);
  console.log(`the demo page: ${dev.url}/  (Ctrl-C to stop)`);
}
