// A wallet page: the node finds routes and forwards the HTLC; the onion is built in this page
// and failure replies are decoded here. Attempts are kept in IndexedDB, so a reload mid-payment
// settles what was sent before anything new goes out.
import { init, Client, clnrest, IndexedDBStore } from 'ln-sendpay';

const $ = (id) => document.getElementById(id);
const status = (state, text) => Object.assign($('status'), { textContent: text }).setAttribute('data-state', state);
const log = (line) => ($('log').textContent += `${line}\n`);

await init(); // fetches the .wasm Vite copied beside the bundle, once

$('pay').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('go').disabled = true;
  $('log').textContent = '';
  status('paying', 'Paying…');
  const client = new Client({
    transport: clnrest({ url: $('node').value.trim(), rune: $('rune').value.trim(), timeoutMs: 30_000 }),
    store: new IndexedDBStore(),
  });
  try {
    const paid = await client.pay({ bolt11: $('invoice').value, maxAttempts: 5 }, {
      onProgress: (e) => {
        if (e.stage === 'send') log(`attempt ${e.attempt}: via ${e.route.map((h) => h.channel).join(' → ')}`);
        if (e.stage === 'attempt_failed') log(`attempt ${e.attempt}: ${e.failure?.failcodename ?? 'failed'} at ${e.failure?.erringChannel ?? '?'}`);
      },
    });
    status('paid', `Paid: fee ${paid.feeMsat} msat, preimage ${paid.paymentPreimage}`);
  } catch (e) {
    // Every library error has a stable `data.error`; from a page on another origin, a node
    // whose clnrest-cors-origins does not list this page is a TRANSPORT_NETWORK saying so.
    status('failed', `Not paid: ${e.data?.error ?? e.name}: ${e.message}`);
  } finally {
    $('go').disabled = false;
  }
});
