// Static files for the dev node's page and the tests' server: one reader, correct MIME types
// (application/wasm for streaming compile), nothing outside its base directory.
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.wasm': 'application/wasm', '.png': 'image/png', '.svg': 'image/svg+xml', '.ts': 'text/plain' };

/** `{body, type}` of the file at `rel` under `base` (`flat`: no subdirectories), or null. */
export async function staticFile(base, rel, flat = false) {
  const file = normalize(join(base, rel || 'index.html'));
  if (!file.startsWith(base) || (flat && file.slice(base.length).includes('/'))) return null;
  try {
    return { body: await readFile(file), type: TYPES[extname(file)] ?? 'application/octet-stream' };
  } catch {
    return null;
  }
}
