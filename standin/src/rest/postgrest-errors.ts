/**
 * How PostgREST answers a database error: the HTTP status for the SQLSTATE (`mapSQLtoHTTP` in PostgREST's
 * `src/library/PostgREST/Error.hs`, v12–v14, and the "HTTP Status Codes" table of its errors page) and the body
 * `{code, details, hint, message}`. Both REST paths use it: lite's (through `normalizeDbError`, see
 * `lite/adapter.ts`) and the RPC fast path.
 */

/** The request a rule may look at: PostgREST's 42501 depends on whether the caller was anonymous. */
export interface ErrorContext {
  message: string;
  /** The database role the request ran as (`anon`, `authenticated`, `service_role`, …). */
  role: string;
}

type Rule = number | ((error: ErrorContext) => number);

/** Exact SQLSTATEs; these win over their class below (25006 over 25*, 53400 over 53*, P0001 over P0*, …). */
const BY_CODE: Readonly<Record<string, Rule>> = {
  '23503': 409, // foreign_key_violation
  '23505': 409, // unique_violation
  '25006': 405, // read_only_sql_transaction (a write in a GET or a stable function)
  // cardinality_violation: a client error only when pg-safeupdate refuses an unfiltered UPDATE/DELETE
  '21000': (e) => (e.message.endsWith('requires a WHERE clause') ? 400 : 500),
  // invalid_parameter_value: the JWT names a role that does not exist (PostgREST issue 3601)
  '22023': (e) => (e.message.startsWith('role') && e.message.endsWith('does not exist') ? 401 : 400),
  '53400': 500, // configuration_limit_exceeded
  '57P01': 503, // admin_shutdown
  P0001: 400, // raise exception without an errcode
  '42883': (e) => (e.message.startsWith('function xmlagg(') ? 406 : 404), // undefined_function
  '42P01': 404, // undefined_table
  '42P17': 500, // infinite_recursion (e.g. an RLS policy that selects its own table)
  '42501': (e) => (e.role === 'anon' ? 401 : 403), // insufficient_privilege
};

/** SQLSTATE classes (the first two characters). */
const BY_CLASS: Readonly<Record<string, number>> = {
  '08': 503, // connection exception
  '09': 500, // triggered action exception
  '0L': 403, // invalid grantor
  '0P': 403, // invalid role specification
  '25': 500, // invalid transaction state
  '28': 403, // invalid authorization specification
  '2D': 500, // invalid transaction termination
  '38': 500, // external routine exception
  '39': 500, // external routine invocation exception
  '3B': 500, // savepoint exception
  '40': 500, // transaction rollback
  '53': 503, // insufficient resources
  '54': 500, // program limit exceeded
  '55': 500, // object not in prerequisite state
  '57': 500, // operator intervention
  '58': 500, // system error
  F0: 500, // configuration file error
  HV: 500, // foreign data wrapper error
  P0: 500, // PL/pgSQL error
  XX: 500, // internal error
};

/**
 * PostgREST's status for a SQLSTATE. `PTnnn` (from `raise … using errcode = 'PTnnn'`) is status nnn; PostgREST
 * takes any number there, but a Fetch Response only carries 200–599, so anything else is 500 (PostgREST's answer
 * for a PT code that is not a number). Everything not in the table is a client error: 400.
 */
export function postgrestStatus(code: string, error: ErrorContext): number {
  const rule = BY_CODE[code];
  if (rule !== undefined) return typeof rule === 'number' ? rule : rule(error);
  const custom = /^PT(\d+)$/.exec(code);
  if (custom) {
    const status = Number(custom[1]);
    return status >= 200 && status <= 599 ? status : 500;
  }
  if (code.startsWith('PT')) return 500;
  return BY_CLASS[code.slice(0, 2)] ?? 400;
}

export interface DbError {
  code: string;
  message: string;
  details: string | null;
  hint: string | null;
}

/**
 * The SQLSTATE, message, detail and hint of an error PGlite or postgres.js raised, or null when it is not a
 * database error (no five-character SQLSTATE).
 */
export function dbError(error: unknown): DbError | null {
  if (typeof error !== 'object' || error === null) return null;
  const e = error as { code?: unknown; message?: unknown; detail?: unknown; hint?: unknown };
  if (typeof e.code !== 'string' || !/^[0-9A-Z]{5}$/.test(e.code)) return null;
  return {
    code: e.code,
    message: typeof e.message === 'string' ? e.message : '',
    details: typeof e.detail === 'string' && e.detail !== '' ? e.detail : null,
    hint: typeof e.hint === 'string' && e.hint !== '' ? e.hint : null,
  };
}

export const JSON_UTF8 = 'application/json; charset=utf-8';

/** PostgREST's error body, keys in its order. */
export function postgrestBody(error: DbError): string {
  return JSON.stringify({ code: error.code, details: error.details, hint: error.hint, message: error.message });
}

export function postgrestResponse(status: number, error: DbError, headers: Record<string, string> = {}): Response {
  return new Response(postgrestBody(error), { status, headers: { ...headers, 'content-type': JSON_UTF8 } });
}

/**
 * `raise sqlstate 'PGRST' using message = '{"code":…,"message":…}', detail = '{"status":…,"headers":{…}}'`:
 * PostgREST's way for a function to choose the whole error answer. Malformed JSON in either part is PostgREST's
 * PGRST121 (500).
 */
export function pgrstRaiseResponse(error: DbError, headers: Record<string, string> = {}): Response {
  const invalid = (details: string, hint: string) =>
    postgrestResponse(500, { code: 'PGRST121', message: `Could not parse JSON in the "RAISE SQLSTATE 'PGRST'" error`, details, hint }, headers);
  const body = parseObject(error.message);
  if (!body || typeof body.code !== 'string' || typeof body.message !== 'string') {
    return invalid(`Invalid JSON value for MESSAGE: '${error.message}'`, "MESSAGE must be a JSON object with obligatory keys: 'code', 'message' and optional keys: 'details', 'hint'.");
  }
  const answer = parseObject(error.details ?? '');
  const status = answer?.status;
  const extra = answer?.headers;
  if (typeof status !== 'number' || !Number.isInteger(status) || typeof extra !== 'object' || extra === null || Array.isArray(extra)) {
    return invalid(
      error.details ? `Invalid JSON value for DETAIL: '${error.details}'` : 'DETAIL is missing in the RAISE statement',
      "DETAIL must be a JSON object with obligatory keys: 'status', 'headers' and optional key: 'status_text'.",
    );
  }
  const custom = Object.fromEntries(Object.entries(extra).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  const text = postgrestBody({ code: body.code, message: body.message, details: asText(body.details), hint: asText(body.hint) });
  const chosen = status >= 200 && status <= 599 ? status : 500;
  try {
    return new Response(text, { status: chosen, headers: { ...headers, 'content-type': JSON_UTF8, ...custom } });
  } catch {
    // a header name or value HTTP cannot carry: the answer without the function's headers
    return new Response(text, { status: chosen, headers: { ...headers, 'content-type': JSON_UTF8 } });
  }
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function asText(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}
