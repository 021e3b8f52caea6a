// The library's error class, its readiness flag and the mapping of errors thrown by the
// bindings: imported by every other module here (so nothing imports api.js back).
/** Every error the library throws for a bad input or a failed operation. */
export class LnSendpayError extends Error {
  constructor(message, code, data) {
    super(message);
    this.name = 'LnSendpayError';
    /** Core Lightning's JSON-RPC code where one exists (-32602 invalid params, -1), else ours. */
    this.code = code;
    /** `{ error: stable string code, field?: the offending parameter }`. */
    this.data = data;
  }
}

/** The wasm modules instantiated so far: 'main', 'onion', 'full' (one per entry family). */
const ready = new Set();

/** @internal called by an entry point once its wasm module is instantiated. */
export function markReady(module) {
  ready.add(module);
}

const ENTRY = { main: "'ln-sendpay'", onion: "'ln-sendpay/onion'", full: "'ln-sendpay/hop'" };

/** @internal throws unless `module` is initialised. */
export function assertReady(module) {
  if (!ready.has(module)) {
    const entry = ENTRY[module] ?? `'${module}'`;
    throw new LnSendpayError(
      `ln-sendpay is not initialised: in browsers, \`await init()\` (from ${entry}) first. Node and Workers need no init(): their entries ` +
        "(the package's `node` and `workerd` export conditions) start it on import; if you see this there, the bundler " +
        `picked the browser entry or dropped that start-up: import ${entry.slice(0, -1)}/node' or ${entry.slice(0, -1)}/workerd' instead.`,
      -1,
      { error: 'NOT_INITIALISED' },
    );
  }
}

/** @internal an error thrown by the bindings, as the API throws it: `data.field` (and the
 *  message's leading path) in the spelling of `input`, the caller's own value, and so is every
 *  parameter the message names in backticks (`` `maxfeeMsat` ``) unless `nodeText` (a message
 *  that is the node's own words, kept as the node wrote it). */
export function convertError(e, input, nodeText = false) {
  // TypeError/RangeError (a wrong JS type or range) keep their class and carry code/data.
  if (e instanceof Error && e.name === 'LnSendpayError' && !(e instanceof LnSendpayError)) {
    e = new LnSendpayError(e.message, e.code, e.data);
  }
  if (!(e instanceof Error) || input === null || typeof input !== 'object') return e;
  const field = e.data?.field;
  if (typeof field === 'string') {
    const spelled = respell(field, input);
    if (spelled !== field) {
      e.data.field = spelled;
      if (e.message.startsWith(`${field}: `)) e.message = spelled + e.message.slice(field.length);
    }
  }
  if (!nodeText) e.message = e.message.replace(/`([a-z][A-Za-z0-9]*(?:_[a-z0-9]+)*)`/g, (_, name) => `\`${respell(name, input)}\``);
  return e;
}

const snake = (k) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const camel = (k) => k.replace(/_([a-z])/g, (_, c) => c.toUpperCase());

/** A field path (camelCase as the bindings write it, or the core's snake_case) in the keys the
 *  caller wrote (`route[0].amount_msat` if that is what the object holds), else camelCase. */
function respell(path, input) {
  let node = input;
  return path.replace(/([^.[\]]+)|\[(\d+)\]/g, (seg, key, index) => {
    if (typeof node === 'string') node = jsonOrNothing(node); // a route given as JSON text
    if (index !== undefined) {
      node = Array.isArray(node) ? node[Number(index)] : undefined;
      return seg;
    }
    const own = node !== null && typeof node === 'object' && !Array.isArray(node) ? Object.keys(node).find((k) => snake(k) === snake(key)) : undefined;
    node = own === undefined ? undefined : node[own];
    return own ?? camel(seg);
  });
}

function jsonOrNothing(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
