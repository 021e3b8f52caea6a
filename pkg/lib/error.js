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

let ready = false;

/** @internal called by the entry points once the wasm module is instantiated. */
export function markReady() {
  ready = true;
}

/** @internal throws unless the module is initialised. */
export function assertReady() {
  if (!ready) {
    throw new LnSendpayError('ln-sendpay is not initialised: `await init()` first', -1, { error: 'NOT_INITIALISED' });
  }
}

/** @internal an error thrown by the bindings, as the API throws it. */
export function convertError(e) {
  // TypeError/RangeError (a wrong JS type or range) keep their class and carry code/data.
  if (e instanceof Error && e.name === 'LnSendpayError' && !(e instanceof LnSendpayError)) {
    return new LnSendpayError(e.message, e.code, e.data);
  }
  return e;
}

