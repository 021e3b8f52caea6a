// TypeScript, strict, under every module resolution a project uses (bundler, node16,
// nodenext): the package's types resolve through its `exports`, the .wasm subpath included.
import { init, buildOnion, decodeInvoice, LnSendpayError, type BuildOnionResult, type Invoice } from 'ln-sendpay';
import wasm from 'ln-sendpay/ln_sendpay_bg.wasm';

export async function run(): Promise<number> {
  await init(wasm);
  const o: BuildOnionResult = buildOnion({ route: [], paymentHash: '00'.repeat(32), blockHeight: 1 });
  const inv: Invoice = decodeInvoice('lnbc1', { now: 1 });
  const expired: boolean = inv.expired;
  try {
    buildOnion({ route: [], paymentHash: '', blockHeight: 1 });
  } catch (e) {
    if (e instanceof LnSendpayError && e.code === -32602) return e.data.error.length;
  }
  return o.onion.length + (expired ? 1 : 0);
}

// The other entries and their modules' subpaths resolve too, with the same types.
import * as onion from 'ln-sendpay/onion';
import onionWasm from 'ln-sendpay/onion/ln_sendpay_onion_bg.wasm';
import { peelOnion, type PeelResult } from 'ln-sendpay/hop';

export async function runOnion(): Promise<number> {
  await onion.init(onionWasm);
  const o: BuildOnionResult = onion.buildOnion({ route: [], paymentHash: '00'.repeat(32), blockHeight: 1 });
  const w: onion.WarmUpResult = onion.warmUp();
  const p: PeelResult = peelOnion({ onion: o.onion, associatedData: '00'.repeat(32), privkey: '41'.repeat(32) });
  return o.onion.length + w.rounds + p.payload.length;
}
