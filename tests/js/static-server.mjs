// A static file server on 127.0.0.1 for the browser tests and the bench: the repo at /,
// ../shared at /shared/ (files read by the dev node's reader, with its MIME types).
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { staticFile } from '../../www/devnode/static.mjs';

export function startStaticServer(root) {
  const shared = resolve(root, '..', 'shared');
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const [base, rel] = path.startsWith('/shared/') ? [shared, path.slice('/shared/'.length)] : [root, path.slice(1)];
    const f = await staticFile(base, rel);
    if (!f) return res.writeHead(404).end('not found');
    res.writeHead(200, { 'content-type': f.type, 'cache-control': 'no-store' }).end(f.body);
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok({ server, url: `http://127.0.0.1:${server.address().port}` })));
}
