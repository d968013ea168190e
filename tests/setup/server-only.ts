// Tests run server modules directly; `server-only` only matters to the Next.js bundler.
export {};
