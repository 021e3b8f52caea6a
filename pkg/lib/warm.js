// warmUp(): the onion path run a few times on fixed, public data, so that V8 has compiled
// it (lazily, with Liftoff) and tiered its hot functions up (TurboFan), and k256 has built its
// basepoint table, before a call whose latency matters. A cold first call costs ~10x a warm
// one (docs/bench.md, "Cold start"); a Worker's first request pays it inside its CPU budget,
// so the workerd entries warm up at module scope, where Cloudflare bills startup, not requests.
//
// The data is BOLT #4's test vectors (lightning/bolts, bolt04/onion-test.json and
// onion-error-test.json, commit a3772650, CC BY 4.0): the session key and the five hop keys
// and payloads of the onion vector, and the failure reply of the error vector, which uses the same keys,
// so each round checks itself: the onion's shared secrets are the error vector's, and the
// reply decodes to hop 4's WIRE_TEMPORARY_NODE_FAILURE.
import { LnSendpayError } from './error.js';
import { options } from './input.js';

const SESSION_KEY = '41'.repeat(32);
const ASSOCIATED_DATA = '42'.repeat(32);
const HOPS = [
  { pubkey: '02eec7245d6b7d2ccb30380bfbe2a3648cd7a942653f5aa340edcea1f283686619', payload: '1202023a98040205dc06080000000000000001' },
  { pubkey: '0324653eac434488002cc06bbfb7f10fe18991e35f9fe4302dbea6d2353dc0ab1c', payload: '52020236b00402057806080000000000000002fd02013c0102030405060708090a0b0c0d0e0f0102030405060708090a0b0c0d0e0f0102030405060708090a0b0c0d0e0f0102030405060708090a0b0c0d0e0f' },
  { pubkey: '027f31ebc5462c1fdce1b737ecff52d37d75dea43ce11c74d25aa297165faa2007', payload: '12020230d4040204e206080000000000000003' },
  { pubkey: '032c0b7cf95324a07d05398b240174dc0c2be444d96b159aa6c7f7b1e668680991', payload: '1202022710040203e806080000000000000004' },
  { pubkey: '02edabbd16b41c8371b92ef2f04c1185b4f03b6dcd52ba9b78d9d7c89c8f221145', payload: 'fd011002022710040203e8082224a33562c54507a9334e79f0dc4f17d407e6d7c61f0e2f3d0d38599502f617042710fd012de02a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a' },
];
/** The same five nodes as a route (getroute's form), for buildOnion and a named failure. */
const ROUTE = HOPS.map(({ pubkey }, i) => ({ id: pubkey, channel: `${800000 + i}x${i + 1}x0`, amount_msat: `${1005000 - 1000 * i}msat`, delay: 9 + 40 * (4 - i) }));
const SECRETS = [
  '53eb63ea8a3fec3b3cd433b85cd62a4b145e1dda09391b348c4e1cd36a03ea66',
  'a6519e98832a0b179f62123b3567c106db99ee37bef036e783263602f3488fae',
  '3a6b412548762f0dbccce5c7ae7bb8147d1caf9b5471c34120b30bc9c04891cc',
  '21e13c2d7cfe7e18836df50872466117a295783ab8aab0e7ecc8c725503ad02d',
  'b5756b9b542727dbafc6765a49488b023a725d631af688fc031217e90770c328',
];
const REPLY =
  '9c5add3963fc7f6ed7f148623c84134b5647e1306419dbe2174e523fa9e2fbed3a06a19f899145610741c83ad40b7712aefaddec8c6baf7325d92ea4ca4d1df8bce517f7e54554608bf2bd8071a4f52a7a2f7ffbb1413edad81eeea5785aa9d990f2865dc23b4bc3c301a94eec4eabebca66be5cf638f693ec256aec514620cc28ee4a94bd9565bc4d4962b9d3641d4278fb319ed2b84de5b665f307a2db0f7fbb757366067d88c50f7e829138fde4f78d39b5b5802f1b92a8a820865af5cc79f9f30bc3f461c66af95d13e5e1f0381c184572a91dee1c849048a647a1158cf884064deddbf1b0b88dfe2f791428d0ba0f6fb2f04e14081f69165ae66d9297c118f0907705c9c4954a199bae0bb96fad763d690e7daa6cfda59ba7f2c8d11448b604d12d';

const now = () => (globalThis.performance ? performance.now() : Date.now());

let primedWith;

/** Two rounds of the 2-hop onion (one left the first onion ~2.6x a warm one, two ~1.8x). */
const PRIME_ROUNDS = 2;

/**
 * The Node entries' import-time priming (and the browser entries', in a task of their own once
 * init() has resolved): a 2-hop onion on the vector's session key and first two hops (its
 * shared secrets are the vector's first two), built twice, so V8 has compiled the onion path
 * (lazily, with Liftoff: two hops reach the blinding of the next hop's key, which one hop
 * skips), started tiering its hot functions up, and k256 has built its basepoint table before
 * the app's first onion. Measured (docs/bench.md, 41 processes, two interleaved runs): the
 * first 5-hop onion after import 1.8x a warm one with two rounds, 2.6x with one, for ~2 ms
 * more import (~21 ms with one); 12x unprimed. Not done for the hop module (tests, the CLI) nor
 * in the workerd entries (they run warmUp() at start-up).
 */
export function prime(createOnion) {
  const t0 = now();
  for (let round = 0; round < PRIME_ROUNDS; round++) {
    const made = createOnion({ sessionKey: SESSION_KEY, associatedData: ASSOCIATED_DATA, hops: HOPS.slice(0, 2) });
    if (made.sharedSecrets.join() !== SECRETS.slice(0, 2).join()) {
      throw new LnSendpayError('ln-sendpay: priming at import: the BOLT #4 vector did not come out right: this build is broken', -1, { error: 'WARMUP_MISMATCH' });
    }
  }
  primedWith = { rounds: PRIME_ROUNDS, ms: now() - t0 };
  return primedWith;
}

/** What the priming did (`undefined` before it ran, or where it is not done); for tests and the bench. */
export function primed() {
  return primedWith;
}

/** warmUp() over an entry's own functions (each module is warmed apart). */
export function warmer({ createOnion, buildOnion, decodeFailure }) {
  let done;
  return function warmUp(opts) {
    const { rounds = 3, again = false } = options(opts, ['rounds', 'again'], 'warmUp');
    if (!Number.isInteger(rounds) || rounds < 1 || rounds > 100) {
      const e = new RangeError(`warmUp.rounds: an integer from 1 to 100, not ${String(rounds)}`);
      Object.assign(e, { code: -32602, data: { error: 'PARAM_RANGE', field: 'warmUp.rounds' } });
      throw e;
    }
    if (done && !again) return { ...done, already: true };
    const t0 = now();
    for (let i = 0; i < rounds; i++) {
      // createOnion (hops and payloads), buildOnion (a route, as apps pass it), decodeFailure
      // (with and without the route): the shared secrets of both onions are the vector's.
      const made = createOnion({ sessionKey: SESSION_KEY, associatedData: ASSOCIATED_DATA, hops: HOPS });
      const built = buildOnion({ route: ROUTE, paymentHash: ASSOCIATED_DATA, paymentSecret: ASSOCIATED_DATA, blockHeight: 900000, sessionKey: SESSION_KEY });
      const f = decodeFailure({ reply: REPLY, sharedSecrets: made.sharedSecrets, route: ROUTE });
      const g = decodeFailure({ reply: REPLY, sharedSecrets: built.sharedSecrets });
      const ok = made.sharedSecrets.join() === SECRETS.join() && built.sharedSecrets.join() === SECRETS.join() && built.onion.length === 2732;
      if (!ok || f.erringNode !== HOPS[4].pubkey || f.code !== 204 || g.originIndex !== 4) {
        throw new LnSendpayError('ln-sendpay: warmUp: the BOLT #4 vectors did not come out right: this build is broken', -1, { error: 'WARMUP_MISMATCH' });
      }
    }
    done = { rounds, ms: now() - t0 };
    return { ...done, already: false };
  };
}
