// The demo page: the ln-sendpay package in the browser, talking to a node over CLNRest (by
// default the dev node that serves this page). Every onion is built here and every failure
// reply decoded here; the node only forwards. No framework: a little DOM, the package, and
// www/explain.js for the words.
import * as ln from './pkg/index.web.js';
import { explainFailure, failcodeBits, groupDigits, shortHex, onionLayout, CODES } from './explain.js';

const $ = (id) => document.getElementById(id);
const HOP_COLORS = ['--h0', '--h1', '--h2', '--h3', '--h4', '--h5'];
// One part: `maxparts: 1` (nodes with deprecated APIs off refuse `auto.no_mpp_support`).
const AUTO_LAYERS = ['auto.localchans', 'auto.sourcefree'];

/** `h('div', {class: 'x'}, 'text', child)`: an element. */
function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'style') el.style.cssText = v;
    else if (k.startsWith('data-') || k === 'class' || k === 'title' || k === 'role' || k === 'aria-label') el.setAttribute(k, v === true ? '' : String(v));
    else el[k] = v;
  }
  for (const c of children.flat(Infinity)) if (c !== undefined && c !== null && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

const state = {
  client: null,
  transport: null,
  info: null,
  alias: {},
  dev: false,
  invoice: null, // {destination, amountMsat: bigint, paymentHash, paymentSecret}
  routeText: '',
  route: null, // [{id, channel, direction?}] (strings only; amounts come from the library)
  built: null, // buildOnion's result for the current route
  sentOnion: null, // the onion of the last sendonion request, as sent
  layer: null,
  excluded: [],
  attempt: 0,
  busy: false,
  lastFailure: null,
  t0: 0,
};

const nameOf = (id) => state.alias[id] ?? shortHex(id, 4);
const hopColor = (i) => `var(${HOP_COLORS[i % HOP_COLORS.length]})`;
/** JSON with bigints as plain digits (exact), for showing and for the route editor. */
const exactJson = (v, indent = 2) => {
  const marks = [];
  const tag = `bigint-${Math.random().toString(36).slice(2)}-`;
  const text = JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `${tag}${marks.push(String(x)) - 1}` : x), indent);
  return text.replace(new RegExp(`"${tag}(\\d+)"`, 'g'), (_, i) => marks[Number(i)]);
};
const errText = (e) => (e instanceof ln.LnSendpayError ? `${e.message}${e.data?.field ? ` (field: ${e.data.field})` : ''} [${e.data?.error ?? e.code}]` : e && e.message ? e.message : typeof e === 'object' ? `${e.code ?? ''} ${e.message ?? JSON.stringify(e)}` : String(e));

/** Run an event handler: anything thrown is shown, never left uncaught. */
const guard = (fn) => async (...args) => {
  try {
    await fn(...args);
  } catch (e) {
    setStatus('failed', errText(e));
    timeline('✗', errText(e), 'bad');
  } finally {
    refreshButtons();
  }
};

// ─── the wire ───────────────────────────────────────────────────────────────────────────

/** clnrest, with every request in the RPC log (method, time, outcome). */
function loggedTransport(base) {
  return async (request, opts) => {
    const started = performance.now();
    const row = h('tr', {}, h('td', {}, request.method), h('td', { class: 'num' }, '…'), h('td', {}, 'pending'));
    $('rpc-log').prepend(row);
    if (request.method === 'sendonion') state.sentOnion = request.params.onion;
    state.lastNodeError = null;
    const done = (cls, text) => {
      row.children[1].textContent = `${Math.round(performance.now() - started)} ms`;
      row.children[2].textContent = text;
      row.children[2].className = cls;
    };
    try {
      const answer = await base(request, opts);
      done('ok', 'ok');
      return answer;
    } catch (e) {
      done('bad', e && Number.isInteger(e.code) ? `${e.code} ${e.message}` : errText(e));
      if (e && Number.isInteger(e.code)) state.lastNodeError = { method: request.method, code: e.code };
      throw e;
    }
  };
}

/** A method the client does not wrap (listnodes, askrene layers, the dev node's helpers). */
async function rpc(method, params = {}) {
  const answer = await state.transport({ method, params }, { timeoutMs: 30_000 });
  return typeof answer === 'string' ? JSON.parse(answer) : answer;
}

async function connect() {
  const url = $('node-url').value.trim() || location.origin;
  const rune = $('node-rune').value.trim();
  $('conn').dataset.state = 'connecting';
  $('conn').textContent = 'connecting…';
  state.transport = loggedTransport(ln.clnrest({ url, rune, timeoutMs: 90_000 }));
  state.client = new ln.Client({ transport: state.transport });
  // What WebLN apps on this page would pay through: the same client.
  window.webln = new ln.WebLNProvider({ client: state.client });
  let raw;
  try {
    raw = await rpc('getinfo');
    if (typeof raw.id !== 'string' || !Number.isInteger(raw.blockheight)) throw new Error('getinfo: no id or blockheight in the answer');
  } catch (e) {
    $('conn').dataset.state = 'bad';
    $('conn').textContent = `not connected: ${errText(e)}`;
    return;
  }
  state.info = { id: raw.id, blockheight: raw.blockheight };
  try {
    const { nodes } = await rpc('listnodes');
    state.alias = Object.fromEntries(nodes.filter((n) => n.alias).map((n) => [n.nodeid, n.alias]));
  } catch {
    state.alias = {};
  }
  state.dev = raw.version === 'ln-sendpay-devnode';
  $('conn').dataset.state = 'ok';
  $('conn').textContent = `${nameOf(state.info.id)} · ${raw.network ?? 'node'} · block ${state.info.blockheight}`;
  $('conn').title = state.info.id;
  $('dev-card').hidden = !state.dev;
  $('new-invoice').hidden = !state.dev;
  $('new-offer').hidden = !state.dev;
  $('payee').parentElement.hidden = !state.dev;
  if (state.dev) {
    const others = Object.entries(state.alias).filter(([id]) => id !== state.info.id);
    $('payee').replaceChildren(...others.map(([id, a]) => h('option', { value: a.toLowerCase(), selected: a === 'DAVE' }, a)));
    $('inject-node').replaceChildren(...others.map(([, a]) => h('option', { value: a.toLowerCase(), selected: a === 'CAROL' }, a)));
    const { kinds, failures } = await rpc('dev-failures');
    $('inject-kind').replaceChildren(...kinds.map((k) => h('option', { value: k }, k)));
    showArmed(failures);
    await newInvoice();
  }
}

// ─── 1. the invoice ─────────────────────────────────────────────────────────────────────

async function newInvoice() {
  const amount = ln.parseAmount($('amount').value.trim());
  const inv = await rpc('dev-invoice', { node: $('payee').value, amount_msat: `${amount}msat` });
  $('bolt11').value = inv.bolt11 ?? '';
  $('destination').value = inv.destination;
  $('payment-hash').value = inv.payment_hash;
  $('payment-secret').value = inv.payment_secret;
  resetPayment();
  readInvoice();
  timeline('•', `new invoice from ${nameOf(inv.destination)}: ${ln.formatAmount(amount, 'sat')}, hash ${shortHex(inv.payment_hash)}`);
}

/** The invoice fields, checked; an error names the field. */
function readInvoice() {
  const show = (msg) => {
    $('invoice-error').hidden = !msg;
    $('invoice-error').textContent = msg ?? '';
  };
  const hex = (id, bytes, field, optional = false) => {
    const v = $(id).value.trim().toLowerCase();
    if (optional && v === '') return undefined;
    if (!new RegExp(`^[0-9a-f]{${2 * bytes}}$`).test(v)) throw new Error(`${field}: expected ${bytes} bytes of hex`);
    return v;
  };
  try {
    const bolt11 = $('bolt11').value.trim() || undefined;
    $('invoice-summary').textContent = bolt11 ? describeInvoice(ln.decodeInvoice(bolt11)) : '';
    let amountMsat;
    try {
      amountMsat = ln.parseAmount($('amount').value.trim());
    } catch (e) {
      throw new Error(`amount: ${e.message}`);
    }
    state.invoice = { bolt11, amountMsat, destination: hex('destination', 33, 'destination'), paymentHash: hex('payment-hash', 32, 'payment_hash'), paymentSecret: hex('payment-secret', 32, 'payment_secret', true) };
    show(null);
  } catch (e) {
    state.invoice = null;
    show(e instanceof ln.LnSendpayError ? errText(e) : e.message);
  }
  refreshButtons();
  return state.invoice;
}

/** One line on a decoded invoice. */
function describeInvoice(d) {
  const amount = d.amountMsat === null ? 'any amount' : ln.formatAmount(d.amountMsat, 'sat');
  const left = d.expiresAt - Math.floor(Date.now() / 1000);
  const when = left > 0 ? `expires in ${Math.ceil(left / 60)} min` : 'EXPIRED';
  const what = d.description !== null ? `“${d.description}”` : `description hash ${shortHex(d.descriptionHash, 4)}`;
  return `${nameOf(d.payee)} asks ${amount} · ${what} · ${d.chain} · ${when} · signature ✓ (${d.payeeSource === 'n' ? 'against n' : 'key recovered'})`;
}

/** A pasted invoice fills the fields it carries. */
function onBolt11() {
  const text = $('bolt11').value.trim();
  if (text) {
    try {
      const d = ln.decodeInvoice(text);
      $('destination').value = d.payee;
      $('payment-hash').value = d.paymentHash;
      $('payment-secret').value = d.paymentSecret;
      if (d.amountMsat !== null) $('amount').value = `${d.amountMsat}msat`;
      resetPayment();
    } catch {
      // readInvoice shows the error, naming the field
    }
  }
  readInvoice();
  onRouteText();
}

function resetPayment() {
  state.layer = null;
  state.hintsFor = null;
  state.excluded = [];
  state.attempt = 0;
  state.lastFailure = null;
  state.sentOnion = null;
  $('failures').replaceChildren();
  $('timeline').replaceChildren();
  setRouteText('');
  setStatus('idle', '');
}

// ─── 2. the route ───────────────────────────────────────────────────────────────────────

/** This payment's askrene layer (created once). */
async function ensureLayer() {
  if (!state.layer) {
    const layer = `ln-sendpay-www-${state.invoice.paymentHash.slice(0, 16)}`;
    await rpc('askrene-create-layer', { layer }).catch((e) => {
      if (e.code === -32601) throw e; // no askrene: the caller falls back
    });
    state.layer = layer;
  }
  return state.layer;
}

/** An invoice's route hints become channels in the layer (as client.pay does). */
async function addHints(inv) {
  if (!inv.bolt11 || state.hintsFor === inv.paymentHash) return;
  state.hintsFor = inv.paymentHash;
  const d = ln.decodeInvoice(inv.bolt11);
  const hops = d.routeHints.flatMap((r) => r.map((h, i) => ({ h, to: r[i + 1]?.pubkey ?? d.payee })));
  if (!hops.length) return;
  const layer = await ensureLayer();
  for (const { h, to } of hops) {
    const dir = h.pubkey < to ? 0 : 1; // BOLT 7: by node id order
    // As xpay: room for the payment a hundred times over (not 21M BTC over a public channel).
    const capacity = 100n * (BigInt(inv.amountMsat ?? 0n) + 5000n);
    await rpc('askrene-create-channel', { layer, source: h.pubkey, destination: to, short_channel_id: h.shortChannelId, capacity_msat: `${capacity}msat` }).catch(() => {});
    await rpc('askrene-update-channel', { layer, short_channel_id_dir: `${h.shortChannelId}/${dir}`, enabled: true, fee_base_msat: `${h.feeBaseMsat}msat`, fee_proportional_millionths: h.feeProportionalMillionths, cltv_expiry_delta: h.cltvExpiryDelta }).catch(() => {});
    timeline('⊕', `route hint: ${nameOf(h.pubkey)} ─${h.shortChannelId}→ ${nameOf(to)} added to the layer`);
  }
}

async function findRoute() {
  const inv = readInvoice();
  if (!inv) return;
  try {
    await addHints(inv);
  } catch (e) {
    if (e.code !== -32601) throw e;
  }
  const maxfee = inv.amountMsat / 200n > 5000n ? inv.amountMsat / 200n : 5000n; // Core Lightning's pay: 0.5%, at least 5 sat
  let route;
  try {
    const layers = [...AUTO_LAYERS, ...(state.layer ? [state.layer] : [])];
    const { routes } = await state.client.getroutes({ source: state.info.id, destination: inv.destination, amountMsat: inv.amountMsat, maxfeeMsat: maxfee, layers, finalCltv: 18, maxparts: 1 });
    route = routes[0]?.route;
  } catch (e) {
    if (e.code !== -32601) throw e;
    // An older node without askrene: getroute, with the exclusions as its `exclude`.
    ({ route } = await state.client.getroute({ destination: inv.destination, amountMsat: inv.amountMsat, exclude: state.excluded }));
  }
  if (!route || route.length === 0) throw new Error('the node found no route');
  setRouteText(routeJson(route));
  const fee = route[0].amountMsat - route[route.length - 1].amountMsat;
  timeline('→', `route: ${[nameOf(state.info.id), ...route.map((x) => nameOf(x.id))].join(' → ')} (fee ${groupDigits(fee)} msat)`);
}

/** getroute's JSON, amounts as exact digits. */
function routeJson(route) {
  return exactJson(route.map((x) => ({ id: x.id, channel: x.channel, direction: x.direction, amount_msat: x.amountMsat, delay: x.delay, style: 'tlv' })));
}

function setRouteText(text) {
  $('route-json').value = text;
  onRouteText();
}

/** The route as text: the library parses it (exactly) and builds the onion for the picture. */
function onRouteText() {
  state.routeText = $('route-json').value;
  const show = (msg) => {
    $('route-error').hidden = !msg;
    $('route-error').textContent = msg ?? '';
  };
  state.built = null;
  state.route = null;
  if (!state.routeText.trim()) {
    show(null);
    renderRoute();
    renderOnion();
    refreshButtons();
    return;
  }
  try {
    const inv = state.invoice ?? readInvoice();
    if (!inv) throw new Error('fill in the invoice first');
    state.built = ln.buildOnion({ route: state.routeText, paymentHash: inv.paymentHash, paymentSecret: inv.paymentSecret, amountMsat: inv.amountMsat, blockHeight: state.info.blockheight });
    const parsed = JSON.parse(state.routeText);
    const hops = Array.isArray(parsed) ? parsed : parsed.route;
    state.route = hops.map((x) => ({ id: x.id, channel: String(x.channel) }));
    show(null);
  } catch (e) {
    state.built = null;
    show(errText(e));
  }
  renderRoute();
  renderOnion();
  refreshButtons();
}

/**
 * The route as node chips and channel arrows; `erring` (a failure's `where`) highlights the
 * hop that failed and the channel it blamed.
 */
function routeDiagram(route, built, erring) {
  const parts = [];
  const us = h('div', { class: 'node us', style: '--hop:#9ca3af', 'data-node': state.info.id }, h('span', { class: 'name' }, nameOf(state.info.id)), h('span', { class: 'sub' }, 'us'));
  if (erring && erring.index === 0) us.classList.add('erring');
  parts.push(us);
  route.forEach((hop, i) => {
    // What crosses channel i: the first hop's amount, then what hop i-1 forwards.
    const carried = built ? (i === 0 ? built.firstHop.amountMsat : built.hops[i - 1].amountMsat) : undefined;
    const link = h('div', { class: 'link', 'data-channel': hop.channel }, h('span', { class: 'scid' }, hop.channel), h('span', { class: 'arrow' }), h('span', { class: 'amt' }, carried === undefined ? '' : `${groupDigits(carried)} msat`));
    const last = i === route.length - 1;
    // An intermediate hop keeps what it receives minus what it forwards.
    const fee = built && !last ? carried - built.hops[i].amountMsat : undefined;
    const node = h('div', { class: 'node', style: `--hop:${hopColor(i)}`, 'data-node': hop.id }, h('span', { class: 'name' }, nameOf(hop.id)), h('span', { class: 'sub' }, last ? 'payee' : fee !== undefined ? `fee ${groupDigits(fee)}` : ''));
    if (erring) {
      if (erring.channel && erring.channel === hop.channel) link.classList.add('erring');
      if (erring.index === i + 1) node.classList.add('erring');
    }
    parts.push(link, node);
  });
  return parts;
}

function renderRoute() {
  const el = $('route-diagram');
  if (!state.route) {
    el.replaceChildren(h('p', { class: 'muted' }, state.routeText.trim() ? 'The route does not parse (see below).' : 'Find a route, or paste one into the editor.'));
    $('route-summary').textContent = '';
    return;
  }
  el.replaceChildren(...routeDiagram(state.route, state.built, null));
  const b = state.built;
  const fee = b.firstHop.amountMsat - b.hops[b.hops.length - 1].amountMsat;
  $('route-summary').textContent = `${state.route.length} hop${state.route.length > 1 ? 's' : ''} · fee ${groupDigits(fee)} msat · first HTLC expires at block ${b.firstHop.delay + state.info.blockheight + 1}`;
}

// ─── 3. the onion ───────────────────────────────────────────────────────────────────────

function renderOnion() {
  const el = $('onion');
  const b = state.built;
  if (!b) {
    el.replaceChildren(h('p', { class: 'muted' }, 'No route yet.'));
    return;
  }
  const onion = state.sentOnion && state.sentOnion.length === b.onion.length && state.sentFor === state.routeText ? state.sentOnion : b.onion;
  const sent = onion !== b.onion;
  const layout = onionLayout(b.hops.map((x) => x.payloadLength));
  const pct = (n) => `${((100 * n) / layout.size).toFixed(3)}%`;
  const label = (i) => nameOf(b.hops[i].nodeId);

  const packet = h(
    'div',
    { class: 'packet', 'aria-label': 'onion packet' },
    h('div', { class: 'ver', title: 'version 0' }, `v${onion.slice(0, 2)}`),
    h('div', { class: 'eph', title: `ephemeral key ${onion.slice(2, 68)}` }, `key ${onion.slice(2, 12)}…`),
    h('div', { class: 'ri' }, `routing info · ${layout.size} bytes`),
    h('div', { class: 'hmac', title: `HMAC ${onion.slice(-64)}` }, `hmac ${onion.slice(-8)}`),
  );

  const views = onionViews(layout, label);

  const legend = h(
    'div',
    { class: 'legend' },
    h('span', {}, h('i', { style: `background:${hopColor(0)}` }), 'a hop’s frame: payload + 32-byte HMAC (outlined: the hop reading it)'),
    h('span', {}, h('i', { class: 'pad' }), `padding: ${layout.padding} bytes`),
    h('span', {}, h('i', { class: 'fill' }), `filler: ${layout.filler} bytes, computed so the last hop’s HMAC checks`),
    h('span', {}, 'widths ∝ bytes (small bands widened to stay readable)'),
  );

  const rows = b.hops.map((x, i) =>
    h(
      'tr',
      {},
      h('td', {}, h('span', { class: 'swatch', style: `--hop:${hopColor(i)}` }), label(i)),
      h('td', { class: 'num' }, `${x.payloadLength} + 32`),
      h('td', { class: 'num' }, groupDigits(x.amountMsat)),
      h('td', { class: 'num' }, x.cltv),
      h('td', {}, i < b.hops.length - 1 ? h('code', {}, `→ ${state.route[i + 1].channel}`) : state.invoice?.paymentSecret ? h('code', {}, `secret ${shortHex(state.invoice.paymentSecret, 4)}`) : 'final'),
    ),
  );
  const table = h('table', { class: 'payloads' }, h('thead', {}, h('tr', {}, h('th', {}, 'hop'), h('th', {}, 'bytes'), h('th', {}, 'amt_to_forward'), h('th', {}, 'outgoing_cltv'), h('th', {}, 'next'))), h('tbody', {}, rows));

  el.replaceChildren(
    h('p', { class: 'muted' }, sent ? 'The onion as sent (sendonion): ' : 'The onion for this route (a preview; Send builds it again with a new session key): ', h('code', {}, `${onion.length / 2} bytes`), ` · ${layout.used} of ${layout.size} routing bytes used`),
    packet,
    views,
    legend,
    table,
  );
}

/** What each hop of an onion sees: its frame, the frames still encrypted to the hops after
 *  it, the padding and what the hops before shifted in. `label(i)` names hop i. */
function onionViews(layout, label) {
  const pct = (n) => `${((100 * n) / layout.size).toFixed(3)}%`;
  const views = h('div', { class: 'views' });
  layout.views.forEach((v, k) => {
    const who = h('div', { class: 'who' }, k === 0 ? 'as sent → ' : 'then → ', h('b', {}, label(k)));
    const bar = h('div', { class: 'bar', 'data-hop': k });
    v.frames.forEach(({ hop, bytes }) => {
      const own = hop === k;
      bar.append(h('div', { class: `frame${own ? ' own' : ''}`, style: `flex:0 0 ${pct(bytes)};min-width:62px;--hop:${hopColor(hop)}`, title: `${label(hop)}: payload ${bytes - 32} bytes + 32-byte HMAC${own ? ' (readable by this hop)' : ' (encrypted to this hop)'}`, 'data-bytes': bytes }, `${label(hop)} ${bytes}`));
    });
    bar.append(h('div', { class: 'pad', style: `flex:1 1 ${pct(v.padding)}`, title: `padding: ${v.padding} random bytes from the session key`, 'data-bytes': v.padding }, `padding ${v.padding}`));
    if (v.shiftedIn) bar.append(h('div', { class: 'fill', style: `flex:0 0 ${pct(v.shiftedIn)};min-width:62px`, title: `${v.shiftedIn} bytes shifted in by the hops before; at the last hop, the filler`, 'data-bytes': v.shiftedIn }, k === layout.views.length - 1 ? `filler ${v.shiftedIn}` : `${v.shiftedIn}`));
    views.append(who, bar);
  });
  return views;
}

/** The paid offer attempt's onion: the route's hops by name, then the blinded hops (▣) by
 *  their blinded ids, as the payment's own onion picture draws hops. */
function drawOfferOnion(layers) {
  const label = (i) => (layers[i].blinded ? `▣ ${shortHex(layers[i].nodeId, 3)}` : nameOf(layers[i].nodeId));
  const layout = onionLayout(layers.map((l) => l.payloadLength));
  const blinded = layers.filter((l) => l.blinded).length;
  $('offer-onion').replaceChildren(
    h('p', { class: 'muted' }, `The paid attempt's onion: ${layers.length - blinded} hops by name (the last, the introduction node, finds the path key in its payload), then ${blinded} blinded (▣, encrypted to blinded ids; each decrypts its orders from the path's data)`),
    onionViews(layout, label),
  );
  $('offer-onion').hidden = false;
}

// ─── 4. sending ─────────────────────────────────────────────────────────────────────────

function setStatus(s, text) {
  $('status').dataset.state = s;
  $('status').textContent = s;
  $('status-text').textContent = text ?? '';
}

function timeline(icon, text, cls = '') {
  const t = state.t0 ? `${Math.round(performance.now() - state.t0)} ms` : '';
  $('timeline').append(h('li', {}, h('span', { class: 't' }, t), h('span', { class: cls }, icon), h('span', { class: cls }, text)));
  $('timeline').lastChild.scrollIntoView?.({ block: 'nearest' });
}

function refreshButtons() {
  const ready = !state.busy && state.info;
  $('send').disabled = !(ready && state.built);
  $('find-route').disabled = !(ready && state.invoice);
  $('autopay').disabled = !(ready && state.invoice);
  $('new-invoice').disabled = !ready;
  $('new-offer').disabled = !(ready && state.dev);
  $('retry').disabled = !(ready && state.lastFailure && retryable(state.lastFailure));
  $('retry').title = state.lastFailure && !retryable(state.lastFailure) ? 'A permanent failure at the destination: another route will not help' : '';
}

const retryable = (f) => f.code === 204 || f.code === 202;

async function send() {
  const inv = readInvoice();
  if (!inv || !state.built) return;
  state.busy = true;
  state.lastFailure = null;
  state.attempt += 1;
  if (!state.t0) state.t0 = performance.now();
  refreshButtons();
  const n = state.attempt;
  const route = state.route;
  const routeText = state.routeText;
  const built = state.built;
  try {
    setStatus('sending', `attempt ${n}: sendonion`);
    timeline('↗', `attempt ${n}: sendonion through ${route.map((x) => nameOf(x.id)).join(' → ')}`);
    // With a bolt11, the library checks the route and the fields against it before sending.
    const p = await state.client.sendonion({ route: routeText, bolt11: inv.bolt11, paymentHash: inv.paymentHash, paymentSecret: inv.paymentSecret, amountMsat: inv.amountMsat, blockHeight: state.info.blockheight, label: `ln-sendpay www #${n}` });
    state.sentFor = routeText;
    renderOnion();
    setStatus('pending', `attempt ${n}: the HTLC is on its way (waitsendpay)`);
    timeline('…', `${p.status}: waiting for the result`);
    const done = await state.client.waitsendpay({ paymentHash: inv.paymentHash, timeout: 60 });
    await succeeded(done.paymentPreimage, n, route, built);
  } catch (e) {
    const routing = e instanceof ln.LnSendpayError && (e.data?.failcode !== undefined || e.code === 202);
    if (!routing) throw e;
    failed(e.data, n, route, built);
  } finally {
    state.busy = false;
    await refreshArmed();
  }
}

async function succeeded(preimage, n, route, built) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', Uint8Array.from(preimage.match(/../g), (b) => parseInt(b, 16))));
  const ok = Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('') === state.invoice.paymentHash;
  setStatus('complete', `paid on attempt ${n}`);
  timeline('✓', `complete: preimage ${shortHex(preimage)}; sha256(preimage) ${ok ? '= payment_hash' : '≠ payment_hash!'}`, ok ? 'ok' : 'bad');
  const card = h(
    'article',
    { class: 'card success', id: 'success' },
    h('h3', {}, `Paid · attempt ${n}`),
    h('div', { class: 'route' }, route ? routeDiagram(route, built, null) : []),
    h('dl', { class: 'kv' }, h('dt', {}, 'payment_preimage'), h('dd', { 'data-preimage': preimage }, preimage), h('dt', {}, 'sha256(preimage)'), h('dd', { class: ok ? 'ok' : 'bad' }, ok ? '= payment_hash ✓' : '≠ payment_hash ✗')),
  );
  $('failures').prepend(card);
}

/** A routing failure: its card (what, where, the object), the route with the erring hop lit. */
function failed(f, n, route, built) {
  state.lastFailure = f;
  const x = explainFailure(f, nameOf);
  const nodeSaid202 = state.lastNodeError?.code === 202 && f.code !== 202 ? state.lastNodeError : null;
  setStatus('failed', `attempt ${n}: ${f.failcodename ?? f.error ?? f.code}`);
  timeline('✗', `attempt ${n} failed: ${x.headline}`, 'bad');
  const shown = {};
  for (const k of ['code', 'erringIndex', 'erringNode', 'erringChannel', 'erringDirection', 'failcode', 'failcodename', 'channelUpdate', 'channelUpdateVerified', 'unparseable', 'onionreply']) if (f[k] !== undefined) shown[k] = f[k];
  const kv = Object.entries(shown).map(([k, v]) => [h('dt', {}, k), h('dd', {}, k === 'erringNode' ? `${nameOf(v)} ${v}` : k === 'failcode' ? `${v} (${failcodeBits(v)})` : k === 'channelUpdate' || k === 'onionreply' ? shortHex(v, 16) : String(v))]);
  const object = { ...f };
  delete object.attempts;
  const card = h(
    'article',
    { class: 'card failure', 'data-attempt': n, 'data-failcode': f.failcode ?? '' },
    h('h3', {}, x.headline),
    h('div', { class: 'muted' }, `attempt ${n} · ${f.code} ${f.error ?? ''} — ${CODES[f.code] ?? ''}`),
    h('p', { class: 'what' }, x.detail),
    nodeSaid202 ? h('p', { class: 'muted', 'data-decoded-here': '' }, `The node answered ${nodeSaid202.method} with 202 and the raw onion reply: the shared secrets never left this page, so it could not read it. Decoded here: ${f.code}.`) : null,
    h('div', { class: 'route' }, route ? routeDiagram(route, built, x.where) : []),
    h('dl', { class: 'kv' }, kv),
    h('details', {}, h('summary', { class: 'muted' }, 'the routing failure object'), h('pre', {}, exactJson(object))),
    retryable(f) ? h('p', { class: 'muted' }, f.erringChannel && f.erringChannel !== '0:0:0' ? `Retry leaves ${f.erringChannel}/${f.erringDirection ?? '?'} out (an askrene layer) and asks for another route.` : 'Retry asks for another route.') : h('p', { class: 'muted' }, 'A permanent failure at the destination: no route will fix it.'),
  );
  $('failures').prepend(card);
}

async function retry() {
  const f = state.lastFailure;
  if (!f) return;
  state.busy = true;
  refreshButtons();
  try {
    if (f.erringChannel && f.erringChannel !== '0:0:0' && f.erringDirection !== undefined) {
      const dir = `${f.erringChannel}/${f.erringDirection}`;
      state.excluded.push(dir);
      try {
        await ensureLayer();
        await rpc('askrene-update-channel', { layer: state.layer, short_channel_id_dir: dir, enabled: false });
        timeline('⊘', `${dir} left out of the next routes (askrene layer ${state.layer})`);
      } catch (e) {
        if (e.code !== -32601) throw e;
        timeline('⊘', `${dir} excluded (getroute)`);
      }
    }
    await findRoute();
  } finally {
    state.busy = false;
  }
  await send();
}

/** The payment's parts as client.pay reports them: one row each (partid, amount, route,
 *  status). Shown once a payment goes in more than one part. */
function drawPart(e, status, detail = '') {
  if (e.partid === undefined || e.attempt === undefined) return;
  let li = $('parts').querySelector(`[data-attempt="${e.attempt}"]`);
  if (!li) {
    const via = (e.route ?? []).map((x) => nameOf(x.id)).join(' → ');
    li = h('li', { 'data-attempt': String(e.attempt), 'data-partid': String(e.partid) },
      h('span', { class: 'part-id' }, e.partid === 0 ? 'whole' : `part ${e.partid}`),
      h('span', { class: 'part-amount' }, `${groupDigits(e.amountMsat / 1000n)} sat`),
      h('span', { class: 'part-route' }, via),
      h('span', { class: 'part-status' }));
    $('parts').append(li);
  }
  li.dataset.status = status;
  li.querySelector('.part-status').textContent = detail ? `${status}: ${detail}` : status;
  if ($('parts').children.length > 1 || e.partid !== 0) $('parts').hidden = false;
}

/** client.pay: the library's own loop, step by step on the timeline. */
async function autopay() {
  const inv = readInvoice();
  if (!inv) return;
  state.busy = true;
  state.t0 = performance.now();
  refreshButtons();
  let route;
  let built;
  $('parts').replaceChildren();
  $('parts').hidden = true;
  const parts = new Map(); // attempt → its send event
  try {
    setStatus('sending', 'client.pay');
    timeline('▶', `client.pay${inv.bolt11 ? ' with the bolt11' : ''}: getroutes → onion built here → sendonion → waitsendpay, retrying around failures`);
    const fields = inv.bolt11 ? { bolt11: inv.bolt11 } : { destination: inv.destination, amountMsat: inv.amountMsat, paymentHash: inv.paymentHash, paymentSecret: inv.paymentSecret };
    const out = await state.client.pay(
      { ...fields, label: 'ln-sendpay www (client.pay)' },
      {
        onProgress(e) {
          if (e.stage === 'send' && e.route) {
            route = e.route.map((x) => ({ id: x.id, channel: x.channel }));
            // The route editor shows a route for the whole payment; a part is drawn in the list.
            if (!e.partid) {
              setRouteText(routeJson(e.route));
              built = state.built;
              state.sentFor = state.routeText;
            }
            parts.set(e.attempt, e);
            drawPart(e, 'in flight');
            setStatus('pending', `attempt ${e.attempt}`);
            const part = e.partid ? `, part ${e.partid} (${groupDigits(e.amountMsat / 1000n)} sat)` : '';
            timeline('↗', `attempt ${e.attempt}${part}: sendonion through ${route.map((x) => nameOf(x.id)).join(' → ')}`);
          } else if (e.stage === 'attempt_failed') {
            const sent = parts.get(e.attempt);
            if (sent) drawPart(sent, 'failed', `${e.failure?.failcodename ?? e.failure?.error ?? ''} at ${e.failure?.erringChannel ?? '?'}`);
            failed(e.failure, e.attempt, route, built);
          } else if (e.stage === 'reserve') {
            timeline('·', `${e.method}: part ${e.partid}'s amounts held on its channels while other parts are routed`);
          } else if (e.stage === 'layer' || e.stage === 'find_route' || e.stage === 'getinfo') {
            const p = e.params ?? {};
            const change = p.enabled === false ? 'disabled' : p.htlc_maximum_msat ? `fees ${p.fee_base_msat} + ${p.fee_proportional_millionths} ppm, at most ${p.htlc_maximum_msat}` : 'updated';
            timeline('·', `${e.method}${p.short_channel_id_dir ? ` ${p.short_channel_id_dir} ${change}` : ''}`);
          } else if (e.stage === 'transport_failed') {
            timeline('✗', `transport: ${errText(e.error)}`, 'bad');
          }
        },
      },
    );
    state.lastFailure = null;
    for (const a of out.attempts) if (a.status === 'complete' && parts.has(a.number)) drawPart(parts.get(a.number), 'complete');
    if (out.parts > 1) timeline('✓', `paid in ${out.parts} parts, ${groupDigits(out.feeMsat)} msat in fees`, 'ok');
    if (out.fromStore) timeline('✓', 'already paid (from the attempt store): nothing sent', 'ok');
    await succeeded(out.paymentPreimage, out.attempts.length || state.attempt, route, built);
  } catch (e) {
    if (!(e instanceof ln.LnSendpayError)) throw e;
    setStatus('failed', `${e.code} ${e.data?.error}: ${e.message}`);
    timeline('✗', `client.pay gave up: ${e.message}`, 'bad');
    state.lastFailure = null;
  } finally {
    state.busy = false;
    await refreshArmed();
  }
}

// ─── offers (BOLT 12) ───────────────────────────────────────────────────────────────────

async function newOffer() {
  const amount = ln.parseAmount($('amount').value.trim());
  const o = await rpc('dev-offer', { node: $('payee').value, amount_msat: `${amount}msat`, description: 'a test offer' });
  $('offer').value = o.bolt12;
  readOffer(true);
  timeline('•', `new offer from ${nameOf(ln.decodeBolt12(o.bolt12).offerIssuerId)}: ${ln.formatAmount(amount, 'sat')}`);
}

/** The offer in the box, decoded here: its summary, or what is wrong with it. */
function readOffer(fresh = false) {
  const text = $('offer').value.trim();
  if (fresh) {
    $('offer-paths').replaceChildren();
    $('offer-paths').hidden = true;
  }
  let o = null;
  try {
    o = text ? ln.decodeBolt12(text) : null;
    if (o && o.type !== 'offer') throw new Error(`a BOLT 12 ${o.type.replace('_', ' ')}, not an offer`);
    $('offer-summary').textContent = o ? `${nameOf(o.offerIssuerId ?? '')} offers ${o.offerAmount === undefined ? 'any amount' : ln.formatAmount(o.offerAmount, 'sat')} · “${o.offerDescription ?? ''}”` : '';
    $('offer-summary').className = 'muted';
  } catch (e) {
    $('offer-summary').textContent = errText(e);
    $('offer-summary').className = 'error';
    o = null;
  }
  $('pay-offer').disabled = !(o && state.info && !state.busy);
  return o;
}

/** One line per blinded path: the introduction node by name, then its blinded hops. */
function drawPaths(inv) {
  $('offer-paths').replaceChildren(
    ...inv.invoicePaths.map((p, i) => {
      const pay = inv.invoiceBlindedpay[i];
      return h('li', { 'data-path': String(i), 'data-intro': p.firstNodeId ?? '' },
        h('span', { class: 'part-id' }, `path ${i + 1}`),
        h('span', { class: 'part-route' }, [nameOf(p.firstNodeId ?? '?'), ...p.hops.slice(1).map((x) => `▣ ${shortHex(x.blindedNodeId, 3)}`)].join(' → ')),
        h('span', { class: 'part-amount' }, `fee ${pay.feeBaseMsat} + ${pay.feeProportionalMillionths} ppm, Δ${pay.cltvExpiryDelta}`),
        h('span', { class: 'part-status' }));
    }),
  );
  $('offer-paths').hidden = false;
}

function markPath(intro, status, detail = '') {
  const li = [...$('offer-paths').children].find((x) => x.dataset.intro === intro && x.dataset.status !== 'failed');
  if (!li) return;
  li.dataset.status = status;
  li.querySelector('.part-status').textContent = detail ? `${status} · ${detail}` : status;
}

async function payOffer() {
  const offer = $('offer').value.trim();
  if (!readOffer(true)) return;
  state.busy = true;
  state.t0 = performance.now();
  refreshButtons();
  $('pay-offer').disabled = true;
  try {
    setStatus('sending', 'fetchinvoice');
    timeline('▶', 'client.pay({ offer }): the node fetches the invoice (checked here), then the payment goes through a blinded path');
    let inv;
    const layers = new Map(); // attempt → its onion's layers
    $('offer-onion').hidden = true;
    const out = await state.client.pay({ offer, label: 'ln-sendpay www (offer)' }, {
      onProgress(e) {
        if (e.stage === 'invoice') {
          inv = e.invoice;
          timeline('✓', `invoice for ${ln.formatAmount(inv.invoiceAmount, 'sat')} from ${nameOf(inv.invoiceNodeId)}, signature ${inv.signatureVerified ? 'verified ✓' : '✗'}; ${inv.invoicePaths.length} blinded paths`, 'ok');
          drawPaths(inv);
        } else if (e.stage === 'send' && e.route) {
          layers.set(e.attempt, e.onionLayers);
          const intro = e.route.at(-1).id;
          markPath(intro, 'in flight');
          setStatus('pending', `attempt ${e.attempt}`);
          timeline('↗', `attempt ${e.attempt}: ${e.route.map((x) => nameOf(x.id)).join(' → ')}, then blinded inside the path`);
        } else if (e.stage === 'attempt_failed') {
          const f = e.failure ?? {};
          const li = $('offer-paths').querySelector('[data-status="in flight"]');
          if (li) markPath(li.dataset.intro, 'failed', `${f.failcodename ?? f.error ?? ''} from ${nameOf(f.erringNode ?? li.dataset.intro)}`);
          timeline('✗', `${f.failcodename ?? f.error}: the introduction node answered for its path; the next path is tried`, 'bad');
        }
      },
    });
    const li = $('offer-paths').querySelector('[data-status="in flight"]');
    if (li) markPath(li.dataset.intro, 'complete');
    const paid = out.attempts.find((a) => a.status === 'complete');
    if (paid && layers.get(paid.number)) drawOfferOnion(layers.get(paid.number));
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', Uint8Array.from(out.paymentPreimage.match(/../g), (b) => parseInt(b, 16))));
    const ok = Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('') === inv.invoicePaymentHash;
    setStatus('complete', `offer paid on attempt ${out.attempts.length}`);
    timeline('✓', `offer paid: preimage ${shortHex(out.paymentPreimage)}; sha256(preimage) ${ok ? '= the invoice’s payment_hash' : '≠ payment_hash!'}`, ok ? 'ok' : 'bad');
  } catch (e) {
    if (!(e instanceof ln.LnSendpayError)) throw e;
    setStatus('failed', `${e.code} ${e.data?.error}: ${e.message}`);
    timeline('✗', `the offer was not paid: ${errText(e)}`, 'bad');
  } finally {
    state.busy = false;
    readOffer();
    await refreshArmed();
  }
}

async function refreshArmed() {
  if (state.dev) showArmed((await rpc('dev-failures')).failures);
}

function showArmed(failures) {
  $('inject-state').textContent = failures.length ? `armed: ${failures.map((f) => `${f.node} ${f.kind}${f.channel ? ` on ${f.channel}` : ''} ×${f.left}`).join(', ')}` : '';
}

async function inject() {
  const out = await rpc('dev-fail', { node: $('inject-node').value, kind: $('inject-kind').value });
  showArmed(out.failures);
  timeline('⚙', `dev node: ${$('inject-node').value} will fail with ${$('inject-kind').value}`);
}

// ─── start ──────────────────────────────────────────────────────────────────────────────

$('node-url').value = new URLSearchParams(location.search).get('node') ?? location.origin;
$('node-rune').value = new URLSearchParams(location.search).get('rune') ?? 'dev-rune';
$('conn-form').addEventListener('submit', (e) => {
  e.preventDefault();
  guard(connect)();
});
$('new-invoice').addEventListener('click', guard(newInvoice));
$('find-route').addEventListener('click', guard(findRoute));
$('send').addEventListener('click', guard(send));
$('retry').addEventListener('click', guard(retry));
$('autopay').addEventListener('click', guard(autopay));
$('new-offer').addEventListener('click', guard(newOffer));
$('pay-offer').addEventListener('click', guard(payOffer));
$('offer').addEventListener('input', () => readOffer(true));
$('inject').addEventListener('click', guard(inject));
let typing;
$('route-json').addEventListener('input', () => {
  clearTimeout(typing);
  typing = setTimeout(onRouteText, 200);
});
$('bolt11').addEventListener('change', onBolt11);
$('bolt11').addEventListener('paste', () => setTimeout(onBolt11, 0));
for (const id of ['amount', 'destination', 'payment-hash', 'payment-secret']) {
  $(id).addEventListener('change', () => {
    readInvoice();
    onRouteText();
  });
}

await ln.init();
$('version').textContent = `ln-sendpay ${ln.version()}`;
await guard(connect)();
document.body.dataset.ready = 'true';
