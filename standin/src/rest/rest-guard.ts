/**
 * `/rest/v1` as PostgREST answers it where lite does not: the requests lite mishandles, refused before it sees
 * them, and its generic failures, after (lite's "SUP" 500 carries the text of whatever it caught).
 */
import { bracketPastDepth, MAX_JSON_DEPTH } from './json-depth.ts';
import { JSON_UTF8, postgrestBody, type DbError } from './postgrest-errors.ts';

import { CORS_REST as CORS } from '../http.ts';

/** The methods PostgREST serves; any other is its PGRST117 (lite would serve PROPFIND as a GET). */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PATCH', 'PUT', 'DELETE', 'OPTIONS']);

/**
 * What a REST request becomes before lite: a refusal, or the request (its Authorization header normalised, its
 * body, when JSON, checked for depth). Refused here as PostgREST refuses them:
 *   - an unsupported method: 405 PGRST117;
 *   - a path with a broken percent-escape (lite's decodeURIComponent throws: a 500): 404 PGRST125;
 *   - a bearer JWT lite would take for no token at all (see jwtShapeProblem): 401 PGRST301;
 *   - a JSON body nested past MAX_JSON_DEPTH (lite's recursion would overflow: a 500): 400 PGRST102.
 */
export async function checkRestRequest(request: Request): Promise<Response | Request> {
  if (!METHODS.has(request.method)) return refusal(405, 'PGRST117', `Unsupported HTTP method: ${request.method}`);
  if (!decodes(new URL(request.url).pathname)) return refusal(404, 'PGRST125', 'Invalid path specified in request URL');
  let checked = request;
  const authorization = request.headers.get('authorization');
  const bearer = authorization === null ? null : bearerToken(authorization);
  if (authorization !== null && bearer !== null) {
    // lite uses the API key's own claims when the bearer is a `sb_` key or the same JWT as the key
    if (!bearer.startsWith('sb_') && bearer !== request.headers.get('apikey')) {
      const problem = jwtShapeProblem(bearer);
      if (problem) return jwtRefusal(problem);
    }
    checked = withBearer(request, authorization, bearer);
  }
  return checkJsonDepth(checked);
}

function decodes(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

function refusal(status: number, code: string, message: string, details: string | null = null): Response {
  return new Response(postgrestBody({ code, details, hint: null, message }), { status, headers: { ...CORS, 'content-type': JSON_UTF8 } });
}

/** The request with its JSON body read and checked for depth (and given back to it), or PGRST102. */
async function checkJsonDepth(request: Request): Promise<Response | Request> {
  if (!request.body || !(request.headers.get('content-type') ?? 'application/json').toLowerCase().includes('json')) return request;
  // a body shorter than the limit cannot nest past it: the common case (webhook RPCs) is not read twice
  const length = request.headers.get('content-length');
  if (length !== null && Number(length) <= MAX_JSON_DEPTH) return request;
  const body = await request.arrayBuffer();
  if (bracketPastDepth(new TextDecoder().decode(body))) {
    return refusal(400, 'PGRST102', 'Empty or invalid json', `JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
  }
  const headers = new Headers(request.headers);
  headers.delete('content-length');
  return new Request(request.url, { method: request.method, headers, body, signal: request.signal });
}

/**
 * The token of `Bearer <token>`, the scheme in any case and any whitespace after it (wai's extractBearerAuth,
 * which PostgREST uses), or null for another scheme.
 */
function bearerToken(authorization: string): string | null {
  const match = /^(\S*)\s*([\s\S]*)$/.exec(authorization);
  if (!match || match[1]!.toLowerCase() !== 'bearer') return null;
  return match[2]!.trimStart();
}

/**
 * lite reads only `Bearer <token>`, exactly so; with `bearer <token>` it would serve a signed-in user's request
 * as anonymous, which PostgREST does not.
 */
function withBearer(request: Request, authorization: string, token: string): Request {
  if (authorization === `Bearer ${token}`) return request;
  const headers = new Headers(request.headers);
  headers.set('authorization', `Bearer ${token}`);
  return new Request(request, { headers });
}

/**
 * The JWTs lite mistakes for no token at all (it serves them as anonymous): empty, not three parts, or an empty
 * part (`header.payload.` with `alg: none`). PostgREST refuses each with PGRST301. Signatures, expiry and
 * algorithms of well-formed tokens are lite's to check, and it answers them as PostgREST does.
 */
function jwtShapeProblem(token: string): Omit<DbError, 'code' | 'hint'> | null {
  if (token === '') return { message: 'Empty JWT is sent in Authorization header', details: null };
  const parts = token.split('.');
  if (parts.length !== 3) return { message: `Expected 3 parts in JWT; got ${parts.length}`, details: null };
  if (parts.some((p) => p === '')) return { message: 'No suitable key or wrong key type', details: 'None of the keys was able to decode the JWT' };
  return null;
}

function jwtRefusal(problem: Omit<DbError, 'code' | 'hint'>): Response {
  return new Response(postgrestBody({ code: 'PGRST301', hint: null, ...problem }), {
    status: 401,
    headers: { ...CORS, 'content-type': JSON_UTF8, 'www-authenticate': invalidToken(problem.message) },
  });
}

/** PostgREST's challenge on a refused JWT (Error.hs `invalidTokenHeader`). */
function invalidToken(message: string): string {
  return `Bearer error="invalid_token", error_description=${JSON.stringify(message)}`;
}

/** A failure the stand-in did not expect, without its text (which is in the log). */
export function restInternalError(): Response {
  const error = { code: 'XX000', details: null, hint: null, message: 'Internal error in the stand-in; its log has the details' };
  return new Response(postgrestBody(error), { status: 500, headers: { ...CORS, 'content-type': JSON_UTF8 } });
}

/**
 * lite's answer as PostgREST would give it: its "SUP" 500 (the text of an error it did not expect, such as a
 * TypeError) and Hono's plain-text 500 become the generic error; a refused JWT carries PostgREST's
 * `WWW-Authenticate`. Other answers pass untouched, unread.
 */
export async function finishRestResponse(response: Response): Promise<Response> {
  if (response.status >= 500) {
    const body = await errorBody(response);
    if (!body || body.code === 'SUP') {
      await response.body?.cancel();
      return restInternalError();
    }
    return response;
  }
  if (response.status === 401 && !response.headers.has('www-authenticate')) {
    const body = await errorBody(response);
    if (body?.code === 'PGRST301' || body?.code === 'PGRST303') return withHeader(response, 'www-authenticate', invalidToken(String(body.message)));
    if (body?.code === 'PGRST302') return withHeader(response, 'www-authenticate', 'Bearer');
  }
  return response;
}

/** The JSON error body of a response (read from a clone), or null when it has none. */
async function errorBody(response: Response): Promise<Record<string, unknown> | null> {
  if (!(response.headers.get('content-type') ?? '').includes('json')) return null;
  try {
    const value: unknown = await response.clone().json();
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function withHeader(response: Response, name: string, value: string): Response {
  const headers = new Headers(response.headers);
  headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
