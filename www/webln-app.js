// @ts-check
// A Lightning web app written only against WebLN (@webbtc/webln-types): it never imports
// ln-sendpay. Whatever wallet put `window.webln` there pays; on this page it is ln-sendpay's
// WebLNProvider (www/webln.html). tsc checks this file against the WebLN types (make test).

/** @typedef {import('@webbtc/webln-types').WebLNProvider} WebLN */

const $ = (/** @type {string} */ id) => /** @type {HTMLInputElement} */ (document.getElementById(id));

/** @param {string} line @param {string} [kind] */
function say(line, kind = 'ok') {
  const li = document.createElement('li');
  li.dataset.kind = kind;
  li.textContent = line;
  $('out').append(li);
}

/** @returns {Promise<WebLN>} */
async function provider() {
  /** @type {{ webln?: WebLN }} */
  const w = /** @type {any} */ (window);
  if (!w.webln) await new Promise((resolve) => window.addEventListener('webln:ready', resolve, { once: true }));
  if (!w.webln) throw new Error('no WebLN provider');
  return w.webln;
}

/** A WebLN error as the app shows it: its name, and a routing failure where there is one. */
function failure(/** @type {any} */ e) {
  const where = e?.data?.failcodename ? ` (${e.data.failcodename} at ${e.data.erringChannel ?? e.data.erringNode ?? 'the destination'})` : '';
  return `${e?.name ?? 'Error'}: ${e?.message ?? e}${where}`;
}

const webln = await provider();
await webln.enable();
const info = await webln.getInfo();
$('info').textContent = `wallet: ${info.node.alias} (${info.node.pubkey.slice(0, 12)}…) · ${info.methods.includes('keysend') ? 'keysend ✓' : 'no keysend'}`;
document.body.dataset.weblnReady = 'true';

$('pay-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  try {
    const { preimage } = await webln.sendPayment($('invoice').value);
    say(`paid: preimage ${preimage}`);
  } catch (e) {
    say(failure(e), 'error');
  }
});

$('keysend-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  if (!webln.keysend) return say('this wallet has no keysend', 'error');
  try {
    // 7629169: podcasting 2.0's record (JSON text), odd so a payee that does not know it
    // still accepts it (an unknown even type is refused, BOLT 1).
    const record = JSON.stringify({ action: 'boost', message: $('note').value });
    const { preimage } = await webln.keysend({ destination: $('dest').value, amount: $('sats').value, customRecords: { 7629169: record } });
    say(`keysend sent: preimage ${preimage}`);
  } catch (e) {
    say(failure(e), 'error');
  }
});
