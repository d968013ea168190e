'use strict';
// No-op Sentry: nothing leaves the machine. Every export lite's code could touch is a harmless function.
const noop = () => undefined;
const scope = { setTag: noop, setExtra: noop, setContext: noop, setUser: noop, setLevel: noop };
module.exports = new Proxy(
  { init: noop, captureException: noop, captureMessage: noop, flush: async () => true, close: async () => true,
    withScope: (fn) => fn(scope), getCurrentScope: () => scope, setTag: noop, setUser: noop, setContext: noop,
    addBreadcrumb: noop, startSpan: (_o, fn) => fn({ end: noop, setAttribute: noop }), isInitialized: () => false },
  { get: (t, k) => (k in t ? t[k] : noop) },
);
