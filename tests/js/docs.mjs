// Every code sample in README.md and docs/*.md is either cut from a file that a test runs
// (marked `<!-- from examples/… -->` on the line before it: its lines, trimmed, appear in that
// order, consecutively, in the file) or, for JavaScript, run here in Node against the
// package (imports of 'ln-sendpay' pointed at pkg/; `console.assert` throws). A sample that
// is neither fails. Shell and config samples are not run; the rune line the README shows is
// the one docs/clnrest-in-a-page.md shows (which tests/js/examples.mjs uses).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(new URL('../..', import.meta.url).pathname);
const entry = pathToFileURL(join(root, 'pkg/index.node.js')).href;
const files = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const CODE = new Set(['js', 'mjs', 'javascript', 'ts', 'typescript', 'rust', 'rs']);
const dir = mkdtempSync(join(tmpdir(), 'ln-sendpay-docs-'));
const results = [];

function check(name, fn) {
  try {
    fn();
    results.push(true);
    console.log(`ok - docs: ${name}`);
  } catch (e) {
    results.push(false);
    console.log(`not ok - docs: ${name}\n${e.message}`);
  }
}

/** The fenced blocks of a markdown text: {lang, code, line, marker}. */
function blocks(text) {
  const out = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const start = i;
    let end = i + 1;
    while (end < lines.length && lines[end] !== '```') end++;
    let before = start - 1;
    while (before >= 0 && lines[before].trim() === '') before--;
    const marker = before >= 0 ? /^<!-- from (\S+) -->$/.exec(lines[before].trim())?.[1] : undefined;
    out.push({ lang: open[1], code: lines.slice(start + 1, end).join('\n'), line: start + 1, marker });
    i = end;
  }
  return out;
}

const trimmed = (text) => text.split('\n').map((l) => l.trim()).filter((l) => l !== '');

try {
  let checked = 0;
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8');
    for (const b of blocks(text)) {
      const where = `${file}:${b.line}`;
      if (b.marker) {
        checked++;
        check(`${where} is cut from ${b.marker}`, () => {
          const source = trimmed(readFileSync(join(root, b.marker), 'utf8'));
          const want = trimmed(b.code);
          const at = source.findIndex((_, i) => want.every((l, k) => source[i + k] === l));
          if (want.length === 0 || at < 0) {
            const missing = want.find((l) => !source.includes(l));
            throw new Error(`not in ${b.marker}${missing ? `: ${missing}` : ' in this order'}`);
          }
        });
      } else if (['js', 'mjs', 'javascript'].includes(b.lang)) {
        checked++;
        check(`${where} runs`, () => {
          const script = join(dir, `sample-${checked}.mjs`);
          const code = b.code.replace(/from 'ln-sendpay'/g, `from '${entry}'`);
          writeFileSync(script, `console.assert = (ok, ...m) => { if (!ok) throw new Error('assertion failed: ' + m.join(' ')); };\n${code}\n`);
          const r = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 60_000 });
          if (r.status !== 0) throw new Error(`exit ${r.status}\n${r.stdout}${r.stderr}`);
        });
      } else if (CODE.has(b.lang)) {
        checked++;
        check(`${where}`, () => {
          throw new Error(`a ${b.lang} sample neither cut from a tested file (<!-- from … -->) nor run`);
        });
      }
    }
  }
  check('the README and docs/clnrest-in-a-page.md show the same scoped rune', () => {
    const rune = (f) => /lightning-cli createrune restrictions='.*'/.exec(readFileSync(join(root, f), 'utf8'))?.[0];
    const a = rune('README.md');
    if (!a || a !== rune('docs/clnrest-in-a-page.md')) throw new Error(`README: ${a}`);
  });
  check('the dev node docs scope the same methods', () => {
    const methods = JSON.parse(/createrune restrictions='(.*)'/.exec(readFileSync(join(root, 'docs/clnrest-in-a-page.md'), 'utf8'))[1])[0].map((m) => m.slice('method='.length));
    for (const f of ['docs/dev-node.md', 'examples/README.md']) {
      const scoped = /--scoped-rune wallet:(\S+)/.exec(readFileSync(join(root, f), 'utf8'))?.[1];
      if (scoped !== methods.join(',')) throw new Error(`${f}: ${scoped}`);
    }
  });
  if (checked < 10) throw new Error(`only ${checked} samples found: is the parser right?`);
} catch (e) {
  results.push(false);
  console.log(`not ok - docs: setup\n${e.stack ?? e}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const failed = results.filter((ok) => !ok).length;
console.log(`docs: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
