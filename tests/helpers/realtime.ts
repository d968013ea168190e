// The stand-in's realtime test helpers (subscribe, wait for frames, raw Phoenix sockets), shared with the app's tests.
export * from '../../standin/test/helpers/realtime.ts';
