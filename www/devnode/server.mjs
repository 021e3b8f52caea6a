// The dev node over HTTP, as Core Lightning's REST plugin (clnrest) answers: `POST
// /v1/{method}` with a `Rune` header and the params as the JSON body; 201 with the result,
// 500 with `{code, message, data}`, 401/403 with code 1501 for rune problems.
//
//   node www/devnode/server.mjs [--port 9736] [--rune dev-rune] [--delay-ms 300] [--fail node:kind[:channel][:times]]
import { createServer } from 'node:http';
import { createNetwork, defaultNetwork, RpcError } from './network.mjs';

/** Start the dev node; resolves `{url, rune, network, close()}`. */
export async function startDevNode(ln, { port = 0, host = '127.0.0.1', rune = 'dev-rune', config = defaultNetwork() } = {}) {
  const network = createNetwork(ln, config);
  const server = createServer((req, res) => {
    const send = (status, body) => {
      res.writeHead(status, { 'content-type': 'application/json', 'access-control-allow-origin': '*', 'access-control-allow-headers': 'rune, content-type' });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    if (req.method === 'OPTIONS') return send(204, '');
    const m = /^\/v1\/([a-z0-9-]+)$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !m) return send(404, { code: -32601, message: `Unknown path ${req.method} ${req.url}` });
    if (!req.headers.rune) return send(403, { code: 1501, message: 'Not authorized: Missing rune' });
    if (req.headers.rune !== rune) return send(401, { code: 1501, message: 'Not authorized: Not derived from master' });
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
  await new Promise((ok) => server.listen(port, host, ok));
  const url = `http://${host}:${server.address().port}`;
  return { url, rune, network, server, close: () => new Promise((ok) => server.close(ok)) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const ln = await import('../../pkg/index.node.js');
  const arg = (name, dflt) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : dflt;
  };
  const config = defaultNetwork();
  config.delayMs = Number(arg('--delay-ms', 300));
  for (let i = 0; i < process.argv.length; i++) {
    if (process.argv[i] !== '--fail') continue;
    const [node, kind, channel, times] = process.argv[i + 1].split(':');
    config.failures.push({ node, kind, channel: channel || undefined, times: times ? Number(times) : undefined });
  }
  const dev = await startDevNode(ln, { port: Number(arg('--port', 9736)), rune: arg('--rune', 'dev-rune'), config });
  console.log(`dev node (CLNRest) at ${dev.url}, rune "${dev.rune}"; our node ${dev.network.nodes[config.us]}`);
  for (const [name, id] of Object.entries(dev.network.nodes)) console.log(`  ${name.padEnd(6)} ${id}`);
}
