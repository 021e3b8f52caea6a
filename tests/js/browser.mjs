// Headless Chromium (Debian's, driven by playwright-core): a page loads the package's
// browser entry and runs the suite. Console errors and page errors fail the run.
import { resolve } from 'node:path';
import { startStaticServer } from './static-server.mjs';
import { launchChromium } from './chromium.mjs';

const root = resolve(new URL('../..', import.meta.url).pathname);
const { server, url } = await startStaticServer(root);
const browser = await launchChromium();
let failed = 0;
try {
  const page = await browser.newPage();
  const problems = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.goto(`${url}/tests/js/browser.html`);
  await page.waitForFunction(() => window.__results, null, { timeout: 60_000 });
  const results = await page.evaluate(() => window.__results);
  for (const r of results) {
    console.log(`${r.ok ? 'ok' : 'not ok'} - chromium: ${r.name}${r.ok ? '' : `\n${r.error}`}`);
    if (!r.ok) failed++;
  }
  for (const p of problems) {
    console.log(`not ok - chromium: ${p}`);
    failed++;
  }
  console.log(`chromium: ${results.length - failed} passed, ${failed} failed`);
} finally {
  await browser.close();
  server.close();
}
process.exit(failed ? 1 : 0);
