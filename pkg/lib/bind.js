// The exports over one wasm module's bindings: no protocol logic here, only error mapping
// and a clear error before that module is initialised (browser entries).
import { assertReady, convertError } from './error.js';
import { snapshot } from './input.js';
import { warmer } from './warm.js';

/** A wrapper for the bindings of `module`: initialised first; every argument a safe copy (input.js). */
export function binder(module) {
  return (fn) =>
    (...args) => {
      assertReady(module);
      const safe = args.map(snapshot);
      try {
        return fn(...safe);
      } catch (e) {
        throw convertError(e, safe[0]);
      }
    };
}

/** The functions every module has (the onion module is only these), wrapped; and warmUp over them. */
export function onionApi(raw, wrap) {
  const api = {
    parseAmount: wrap(raw.parseAmount),
    formatAmount: wrap(raw.formatAmount),
    buildOnion: wrap(raw.buildOnion),
    createOnion: wrap(raw.createOnion),
    routePayloads: wrap(raw.routePayloads),
    decodeFailure: wrap(raw.decodeFailure),
    decodeChannelUpdate: wrap(raw.decodeChannelUpdate),
    parseShortChannelId: wrap(raw.parseShortChannelId),
    version: wrap(raw.version),
  };
  api.warmUp = warmer(api);
  return api;
}
