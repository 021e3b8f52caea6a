#!/usr/bin/env python3
"""`make demo` (for now): build an onion for a 3-hop route through the ln-sendpay CLI,
then peel it at every hop with the hops' (demo) keys, printing what each hop sees."""
import json
import subprocess
import sys

CLI = sys.argv[1] if len(sys.argv) > 1 else "target/release/ln-sendpay"

# Demo node keys 0x11.., 0x22.., 0x33.. and their public keys.
KEYS = ["11" * 32, "22" * 32, "33" * 32]
PUBS = [
    "034f355bdcb7cc0af728ef3cceb9615d90684bb5b2ca5f859ab0f0b704075871aa",
    "02466d7fcae563e5cb09a0d1870bb580344804617879a14949cf22285f1bae3f27",
    "023c72addb4fdf09af94f0c94d7fe92a386a7e70cf8a1d85916386bb2535c7b1b1",
]


def cli(*args, stdin=None):
    r = subprocess.run([CLI, *args], input=stdin, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"ln-sendpay {' '.join(args)} failed: {r.stderr.strip()}")
    return json.loads(r.stdout)


route = [
    {"id": PUBS[0], "channel": "800000x1x0", "direction": 1, "amount_msat": "100.200sat", "delay": 64, "style": "tlv"},
    {"id": PUBS[1], "channel": "800001x7x1", "direction": 0, "amount_msat": 100_100, "delay": 52, "style": "tlv"},
    {"id": PUBS[2], "channel": "800002x3x0", "direction": 1, "amount_msat": "100000msat", "delay": 18, "style": "tlv"},
]
request = {
    "route": route,
    "payment_hash": "7279b503a14344267e464829da26fcafa4e5a89c6d625a22b9345a874bdfbbf9",
    "payment_secret": "21f8a38be36697218d2db22cbbca621d96ffc0a63f3585860351b1d905f72cc2",
    "msatoshi": "100sat",
    "block_height": 870000,
}

print("1. A route, as getroute returns it (amounts in the man page's grammar):")
for i, h in enumerate(route):
    print(f"   hop {i}: {h['id'][:16]}… via {h['channel']:<12} receives {h['amount_msat']!s:>12}, delay {h['delay']}")
print(f"   msatoshi {request['msatoshi']}: the final amount must lie in [msatoshi, 2×msatoshi]")

payloads = cli("route", "payloads", stdin=json.dumps(request))
print("\n2. `ln-sendpay route payloads`: one TLV payload per hop (with its length prefix)")
for i, h in enumerate(payloads["hops"]):
    print(f"   hop {i}: {len(h['payload']) // 2:>3} bytes  {h['payload'][:60]}…")
fh = payloads["first_hop"]
print(f"   first HTLC: {fh['amount_msat']} msat to {fh['id'][:16]}… over {fh['channel']}, delay {fh['delay']}")

built = cli("onion", "generate", stdin=json.dumps({"session_key": "41" * 32, **payloads}))
onion = built["onion"]
print(f"\n3. `ln-sendpay onion generate`: a {len(onion) // 2}-byte onion, {len(built['shared_secrets'])} shared secrets kept for failure replies")
print(f"   {onion[:72]}…")

print("\n4. `ln-sendpay onion decode` at each hop, with that hop's private key:")
for i, key in enumerate(KEYS):
    d = cli("onion", "decode", stdin=json.dumps({"onion": onion, "associated_data": request["payment_hash"], "privkey": key}))
    f = d["fields"]
    if d["next_onion"] is None:
        print(f"   hop {i} is the destination: receives {f['amt_to_forward']} msat, cltv {f['outgoing_cltv_value']}, "
              f"payment_secret {f['payment_secret'][:8]}…, total {f['total_msat']} msat")
    else:
        print(f"   hop {i} forwards {f['amt_to_forward']} msat over {f['short_channel_id']} with cltv {f['outgoing_cltv_value']}")
        onion = d["next_onion"]
print("\nEvery hop read exactly its own payload; only the last saw the all-zero HMAC that marks the destination.")

# 5. Hop 1 cannot forward (its next peer is gone): it answers with a failure reply that every
#    hop wraps on the way back; the sender alone can read it, with the shared secrets.
wrapped = cli("failure", "wrap", stdin=json.dumps({
    "shared_secrets": built["shared_secrets"], "erring_index": 1, "failure_message": "400a"}))
print(f"\n5. `ln-sendpay failure wrap`: hop 1 fails with 400a; the reply reaches us as {len(wrapped['reply']) // 2} opaque bytes")
f = cli("failure", "decode", stdin=json.dumps({
    "reply": wrapped["reply"], "shared_secrets": built["shared_secrets"], "route": route}))
print("   `ln-sendpay failure decode` → the routing failure object:")
for k in ["code", "erring_index", "erring_node", "erring_channel", "erring_direction", "failcode", "failcodename"]:
    print(f"     {k:<17} {f[k]}")
print(f"   {f['code']} = try another route: node {f['erring_index']} of the route (0 is us) could not forward over {f['erring_channel']}.")
