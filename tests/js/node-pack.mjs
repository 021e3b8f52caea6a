// Pack pkg/ with npm, install the tarball into a fresh temporary project, check what the
// tarball holds, run the suite there with Node's test runner, and run the packaged CLI.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, copyFileSync, rmSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(new URL('../..', import.meta.url).pathname);
const shared = resolve(root, '..', 'shared');
const dir = mkdtempSync(join(tmpdir(), 'ln-sendpay-node-'));

/** The docs and the templates the README links to, as the tarball must hold them. */
function shipped() {
  const docs = readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`);
  const templates = ['node-pay', 'vite-wallet', 'worker'].flatMap((t) =>
    readdirSync(join(root, 'examples', t), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join('examples', t, e.parentPath.slice(join(root, 'examples', t).length), e.name).replace(/\/\//g, '/')),
  );
  return [...docs, 'examples/README.md', ...templates];
}

try {
  const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: join(root, 'pkg'), encoding: 'utf8' }));
  const files = packed[0].files.map((f) => f.path).sort();
  const expected = ['LICENSE-APACHE', 'LICENSE-MIT', 'README.md', 'bin/ln-sendpay.js', 'full/ln_sendpay_full.js', 'full/ln_sendpay_full_bg.wasm', 'hop.d.ts', 'hop.node.js', 'hop.web.js', 'hop.workerd.js', 'index.d.ts', 'index.node.js', 'index.web.js', 'index.workerd.js', 'lib/api.js', 'lib/bind.js', 'lib/boot-node.js', 'lib/boot-web.js', 'lib/client.js', 'lib/error.js', 'lib/hop-api.js', 'lib/input.js', 'lib/onion-api.js', 'lib/store.js', 'lib/transport.js', 'lib/warm.js', 'lib/webln.js', 'ln_sendpay.js', 'ln_sendpay_bg.wasm', 'onion.d.ts', 'onion.node.js', 'onion.web.js', 'onion.workerd.js', 'onion/ln_sendpay_onion.js', 'onion/ln_sendpay_onion_bg.wasm', 'package.json', 'wasm-module.d.ts', ...shipped()].sort();
  if (JSON.stringify(files) !== JSON.stringify(expected)) {
    console.error(`npm pack holds ${JSON.stringify(files)}, expected ${JSON.stringify(expected)}`);
    process.exit(1);
  }
  console.log(`npm pack: ${files.length} files, ${packed[0].size} bytes packed`);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'fresh-project', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', join(dir, packed[0].filename)], { cwd: dir, stdio: 'inherit' });
  copyFileSync(join(root, 'tests/js/suite.mjs'), join(dir, 'suite.mjs'));
  copyFileSync(join(root, 'tests/js/node.test.mjs'), join(dir, 'node.test.mjs'));
  copyFileSync(join(root, 'tests/js/transport.test.mjs'), join(dir, 'transport.test.mjs'));
  copyFileSync(join(root, 'tests/js/client.test.mjs'), join(dir, 'client.test.mjs'));
  copyFileSync(join(root, 'tests/js/wallet.test.mjs'), join(dir, 'wallet.test.mjs'));
  copyFileSync(join(root, 'tests/js/offers.test.mjs'), join(dir, 'offers.test.mjs'));
  const t = spawnSync(process.execPath, ['--test', 'node.test.mjs', 'transport.test.mjs', 'client.test.mjs', 'wallet.test.mjs', 'offers.test.mjs'], { cwd: dir, stdio: 'inherit', env: { ...process.env, LN_SENDPAY_SHARED: shared, LN_SENDPAY_ROOT: root } });
  if (t.status !== 0) process.exit(t.status ?? 1);

  // The packaged CLI (npx ln-sendpay) gives the Rust CLI's answers.
  // What `npx ln-sendpay` runs: the installed bin (called directly, so npm's own warnings
  // stay out of the stderr being compared).
  const npx = (args, input) => spawnSync(join(dir, 'node_modules/.bin/ln-sendpay'), args, { cwd: dir, input, encoding: 'utf8' });
  const rt = npx(['onion', 'runtest', join(shared, 'vectors/bolt04/onion-test.json')]);
  if (rt.status !== 0 || !JSON.parse(rt.stdout).ok) {
    console.error('npx ln-sendpay onion runtest failed', rt.stdout, rt.stderr);
    process.exit(1);
  }
  const rust = join(root, 'target/debug/ln-sendpay');
  const req = readFileSync(join(root, 'tests/js/cli-request.json'), 'utf8');
  for (const args of [['route', 'payloads'], ['onion', 'build'], ['amount', '0.00000001btc'], ['amount', '1.5']]) {
    const a = npx(args, req);
    const b = spawnSync(rust, args, { input: req, encoding: 'utf8' });
    if (a.status !== b.status || a.stdout !== b.stdout || a.stderr !== b.stderr) {
      console.error(`npx ln-sendpay ${args.join(' ')} differs from the Rust CLI`, { wasm: a, rust: b });
      process.exit(1);
    }
  }
  const paste = JSON.stringify({ payment_string: 'bitcoin:bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq?amount=0.001&label=Caf%C3%A9' });
  for (const input of [paste, paste.replace('0.001', '1e3')]) {
    const a = npx(['paystring', 'parse'], input);
    const b = spawnSync(rust, ['paystring', 'parse'], { input, encoding: 'utf8' });
    if (a.status !== b.status || a.stdout !== b.stdout || a.stderr !== b.stderr) {
      console.error('npx ln-sendpay paystring parse differs from the Rust CLI', { wasm: a, rust: b });
      process.exit(1);
    }
  }
  console.log('cli: npx ln-sendpay (wasm) and the Rust CLI agree; onion runtest passes');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
