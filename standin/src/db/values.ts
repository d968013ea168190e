/**
 * Text → JSON value conversions so REST responses carry values the way PostgREST (Postgres `to_json`) does:
 * `timestamptz` as `2026-11-21T21:03:46.617+00:00`, `timestamp` as `2026-11-21T21:03:46.617`, `numeric` as a
 * JSON number. lite passes the driver's text through, which is what supabase-js users would otherwise see.
 */
const TIMESTAMP = /^(\d{4,}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?)(?:([+-]\d\d)(?::?(\d\d))?(?::?(\d\d))?)?$/;

export function isoTimestamp(text: string): string {
  const m = TIMESTAMP.exec(text);
  if (!m) return text; // infinity, -infinity, BC dates: as Postgres prints them
  const [, date, time, offH, offM, offS] = m;
  if (offH === undefined) return `${date}T${time}`;
  return `${date}T${time}${offH}:${offM ?? '00'}${offS ? `:${offS}` : ''}`;
}

export function numericValue(text: string): number | string {
  const n = Number(text);
  return Number.isFinite(n) ? n : text; // NaN and ±Infinity stay strings, as to_json prints them
}

export const OID = { bool: 16, bytea: 17, int8: 20, text: 25, json: 114, bpchar: 1042, varchar: 1043, numeric: 1700, timestamp: 1114, timestamptz: 1184, jsonb: 3802 } as const;

/** PGlite `parsers` (by type oid). */
export const pgliteParsers = {
  [OID.timestamptz]: isoTimestamp,
  [OID.timestamp]: isoTimestamp,
  [OID.numeric]: numericValue,
  // bytea as to_json prints it (`\x` and hex), not the driver's Uint8Array (which JSON-encodes to {"0":…})
  [OID.bytea]: (v: string) => v,
};

/**
 * postgres.js `types` with the same behaviour. json/jsonb also pass strings through: lite hands RPC arguments
 * over already serialised, and its own serializer would encode them a second time (a jsonb *string* holding
 * the JSON, instead of the object PostgREST passes). A JSON object or array sent for a text column is stored as
 * its JSON text, as PostgREST stores it (postgres.js would store "[object Object]"), and a string for a boolean
 * is PostgreSQL's to read.
 */
export const postgresTypes = {
  text: { to: OID.text, from: [OID.text, OID.varchar, OID.bpchar], serialize: serializeText, parse: (v: string) => v },
  // postgres.js sends anything but `true` as false; a string goes to PostgreSQL, which reads 'yes' and refuses 'perhaps' (22P02)
  boolean: { to: OID.bool, from: [OID.bool], serialize: serializeBoolean, parse: (v: string) => v === 't' },
  json: { to: OID.json, from: [OID.json], serialize: serializeJson, parse: (v: string) => JSON.parse(v) as unknown },
  jsonb: { to: OID.jsonb, from: [OID.jsonb], serialize: serializeJson, parse: (v: string) => JSON.parse(v) as unknown },
  timestamptz: { to: OID.timestamptz, from: [OID.timestamptz], serialize: serializeTime, parse: isoTimestamp },
  timestamp: { to: OID.timestamp, from: [OID.timestamp], serialize: serializeTime, parse: isoTimestamp },
  numeric: { to: OID.numeric, from: [OID.numeric], serialize: (v: unknown) => String(v), parse: numericValue },
  bytea: { to: OID.bytea, from: [OID.bytea], serialize: (v: unknown) => (v instanceof Uint8Array ? `\\x${Buffer.from(v).toString('hex')}` : String(v)), parse: (v: string) => v },
};

function serializeJson(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export function serializeText(v: unknown): string {
  return typeof v === 'object' && v !== null && !(v instanceof Date) && !(v instanceof Uint8Array) ? JSON.stringify(v) : String(v);
}

export function serializeBoolean(v: unknown): string {
  return typeof v === 'boolean' ? (v ? 't' : 'f') : String(v);
}

function serializeTime(v: unknown): string {
  return v instanceof Date ? v.toISOString() : String(v);
}
