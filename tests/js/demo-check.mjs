// `make demo`'s script, run as a user runs it: the story it prints must be the one that
// happened (first route fails at bob, the failure decoded, a retry through carol, paid), and
// a failure it cannot route around must end it with the man page's code and a non-zero exit.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const demo = fileURLToPath(new URL('../../www/demo.mjs', import.meta.url));
const run = (...args) => spawnSync(process.execPath, [demo, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
let failed = 0;
function check(name, fn) {
  try {
    fn();
    console.log(`ok - demo: ${name}`);
  } catch (e) {
    failed++;
    console.log(`not ok - demo: ${name}\n${e.stack}`);
  }
}

const ok = run();
check('the default run: fails at bob, retries through carol and erin, paid', () => {
  assert.equal(ok.status, 0, ok.stderr);
  const out = ok.stdout;
  assert.match(out, /DAVE asks for 100000sat \(100,000,000 msat\) on regtest/);
  assert.match(out, /signature checked against n \(DAVE\)/);
  assert.match(out, /2 · client\.pay\(\{ bolt11 \}\)/);
  assert.match(out, /attempt 1 +ALICE ─103x1x0→ BOB ─105x1x0→ DAVE/);
  assert.match(out, /✗ 204 PAY_TRY_OTHER_ROUTE: WIRE_TEMPORARY_CHANNEL_FAILURE \(0x1007 UPDATE\) at BOB, channel 105x1x0/);
  assert.match(out, /erringIndex +1\n/);
  assert.match(out, /erringNode +02466d7fcae563e5cb09a0d1870bb580344804617879a14949cf22285f1bae3f27 +BOB/);
  assert.match(out, /channelUpdateVerified +true/);
  // bob's temporary_channel_failure carries channeld's update: used, and the channel capped.
  assert.match(out, /askrene-update-channel 105x1x0\/0 fees 500msat \+ 10 ppm, at most 99999999msat/);
  assert.match(out, /attempt 2 +ALICE ─104x1x0→ CAROL ─107x1x0→ ERIN ─108x1x0→ DAVE/);
  assert.match(out, /sha256\(preimage\) = payment_hash ✓ +2 attempts/);
  assert.match(out, /listsendpays: #1 failed, #2 complete/);
  assert.match(out, /· bob: not enough balance on 105x1x0\n/);
  assert.match(out, /· dave: paid, preimage released/);
  // Then a keysend: bob fails again (21 sat over his 20 sat), routed around, dave checks the preimage.
  assert.match(out, /5 · client\.keysend/);
  assert.match(out, /✗ 204 PAY_TRY_OTHER_ROUTE: WIRE_TEMPORARY_CHANNEL_FAILURE \(0x1007 UPDATE\) at BOB, channel 105x1x0[^\n]*\n[\s\S]*sha256\(preimage\) = payment_hash ✓ +2 attempts; the node never saw/);
  assert.match(out, /DAVE received 21sat and record 34349343: “thanks for the coffee”/);
  assert.match(out, /· dave: keysend of 21000 msat received, preimage checked/);
});

const perm = run('--fail', 'dave:incorrect_or_unknown_payment_details');
check('a permanent failure at the destination: 203, no more attempts, exit 1', () => {
  assert.equal(perm.status, 1);
  assert.match(perm.stdout, /✗ 203 PAY_DESTINATION_PERM_FAIL: WIRE_INCORRECT_OR_UNKNOWN_PAYMENT_DETAILS \(0x400f PERM\) at the destination \(DAVE\)/);
  assert.match(perm.stdout, /erringChannel +0:0:0/);
  assert.match(perm.stdout, /payment failed: 203 PAY_DESTINATION_PERM_FAIL/);
  assert.doesNotMatch(perm.stdout, /attempt 3/);
});

const mpp = run('--mpp');
check('--mpp: grace\u2019s invoice in parts; the part through bob fails and is routed again; all settle, proven', () => {
  assert.equal(mpp.status, 0, mpp.stderr);
  const out = mpp.stdout;
  assert.match(out, /GRACE asks for 500000sat/);
  assert.match(out, /getroutes for 500000000msat\n/);
  const group = /attempt 1 +part 1 \(300,000 sat of 500,000, group (\d+)\) +ALICE ─103x1x0→ BOB ─110x1x0→ GRACE/.exec(out)?.[1];
  assert.ok(group, out);
  assert.match(out, new RegExp(`attempt 2 +part 2 \\(200,000 sat of 500,000, group ${group}\\) +ALICE ─104x1x0→ CAROL ─111x1x0→ GRACE`));
  assert.match(out, /askrene-reserve +part 2: 104x1x0\/1 111x1x0\/0 held for it/);
  assert.match(out, /✗ 204 PAY_TRY_OTHER_ROUTE: WIRE_TEMPORARY_CHANNEL_FAILURE \(0x1007 UPDATE\) at BOB, channel 110x1x0/);
  assert.match(out, /getroutes for 300000000msat\n/);
  assert.match(out, new RegExp(`attempt 3 +part 3 \\(300,000 sat of 500,000, group ${group}\\) +ALICE ─104x1x0→ CAROL ─107x1x0→ ERIN ─112x1x0→ GRACE`));
  assert.match(out, /sha256\(preimage\) = payment_hash ✓ +3 attempts/);
  assert.match(out, /in 2 parts, [\d,]+ msat in fees/);
  assert.match(out, /listsendpays: #1 part 1 failed, #2 part 2 complete, #3 part 3 complete/);
  assert.match(out, /· grace: all 2 parts in: paid, preimage released/);
});

const bad = run('--fail', 'bob:nonsense');
check('a bad --fail: a usage error, exit 2', () => {
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--fail bob:nonsense: expected node:kind/);
});
console.log(`demo: ${4 - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
