/**
 * `/auth/v1` bodies as GoTrue reads them, before lite sees them. GoTrue decodes each body with Go's
 * `json.Unmarshal` into a typed struct (`retrieveRequestParams`), so a caller's malformed shape is a 400
 * `bad_json` and every field the handler reads has its type. lite reads the parsed JSON as it comes: `null`,
 * `{"email": 1}` or `{"email": {"$ne": 1}}` reach `.toLowerCase()` and answer 500. Here:
 *   - a body over GoTrue's 1 MB cap is 413 `request_entity_too_large`, unread past the cap;
 *   - a body that is not JSON goes to lite as it came (lite answers GoTrue's `bad_json` for those);
 *   - JSON goes through `decodeGoParams()` (go-params.ts: Go's rules for the route's struct) and lite gets the
 *     decoded struct, re-serialised: known fields only, each of its Go type, `null`s dropped as Go leaves them unset;
 *   - `/logout` loses its body (GoTrue never reads it; lite would, and fail on `null`), and its `?scope=` is
 *     checked as GoTrue checks it.
 * Requests lite refuses before reading the body (no or bad API key, no or bad token on the user routes) pass
 * untouched, so they are refused in the order GoTrue refuses them.
 */
import { bearerToken, readBodyCapped } from '../http.ts';
import { verifyHS256 } from '../jwt.ts';
import { LOCAL_JWT_SECRET } from '../keys.ts';
import { apiKeyResolver } from './adapter.ts';
import { gotrueError, gotrueUnexpectedFailure } from './auth-responses.ts';
import {
  decodeGoParams,
  goSyntaxError,
  MAGIC_LINK,
  OTP,
  PASSWORD_GRANT,
  PKCE_GRANT,
  RECOVER,
  REFRESH_TOKEN_GRANT,
  RESEND,
  SIGNUP,
  USER_UPDATE,
  VERIFY,
  type GoParams,
} from './go-params.ts';

/** GoTrue's `limitRequestBody(1 << 20)` on every route. */
export const MAX_AUTH_BODY_BYTES = 1 << 20;

/** The grant types lite implements, by `?grant_type=`. */
const GRANTS: Readonly<Record<string, GoParams>> = { password: PASSWORD_GRANT, refresh_token: REFRESH_TOKEN_GRANT, pkce: PKCE_GRANT };
/** Routes behind GoTrue's requireAuthentication: the token is checked before the body is read. */
const USER_ROUTES = new Set(['/user', '/logout', '/reauthenticate']);

type Route = { kind: 'params'; params: GoParams } | { kind: 'ignore-body' } | { kind: 'refuse'; response: Response } | { kind: 'pass' };

function routeOf(request: Request, path: string, url: URL): Route {
  const method = request.method;
  if (method === 'POST' && path === '/token') {
    const grant = GRANTS[url.searchParams.get('grant_type') ?? ''];
    // GoTrue picks the grant before reading the body; lite knows no other grant (id_token, web3 are GoTrue's)
    return grant
      ? { kind: 'params', params: grant }
      : { kind: 'refuse', response: gotrueError(request, 400, 'invalid_credentials', 'unsupported_grant_type') };
  }
  if (method === 'POST' && path === '/logout') return { kind: 'ignore-body' };
  if (method === 'PUT' && path === '/user') return { kind: 'params', params: USER_UPDATE };
  if (method === 'POST') {
    const p = { '/signup': SIGNUP, '/otp': OTP, '/magiclink': MAGIC_LINK, '/verify': VERIFY, '/recover': RECOVER, '/resend': RESEND }[path];
    if (p) return { kind: 'params', params: p };
  }
  return { kind: 'pass' };
}

/**
 * What an `/auth/v1` request lite serves becomes before lite: a refusal, or the request with its body checked
 * and decoded. (The admin routes are the stand-in's own and decode with `readGoParams()`.)
 */
export async function checkAuthRequest(request: Request): Promise<Request | Response> {
  const url = new URL(request.url);
  const path = url.pathname.slice('/auth/v1'.length);
  if (request.method === 'OPTIONS') return request;
  if (!(await hasValidApiKey(request))) return request; // lite answers "No API key found" / "Invalid API key"
  if (USER_ROUTES.has(path)) {
    const refusal = await checkUserToken(request);
    if (refusal === 'lite-refuses') return request;
    if (refusal) return refusal;
  }
  if (request.method === 'GET' || request.method === 'HEAD') {
    const liteType = path === '/verify' ? LITE_VERIFY_TYPE[url.searchParams.get('type') ?? ''] : undefined;
    if (!liteType) return request;
    url.searchParams.set('type', liteType);
    return new Request(url, { method: request.method, headers: request.headers, signal: request.signal });
  }
  const route = routeOf(request, path, url);
  if (route.kind === 'refuse') return route.response;
  if (route.kind === 'ignore-body') {
    await request.body?.cancel();
    const scope = url.searchParams.get('scope') ?? '';
    if (!['', 'global', 'local', 'others'].includes(scope)) {
      return gotrueError(request, 400, 'validation_failed', `Unsupported logout scope ${JSON.stringify(scope)}`);
    }
    return rebuild(request, null);
  }
  const body = await readBodyCapped(request, MAX_AUTH_BODY_BYTES);
  if (body === null) return tooLarge(request);
  if (route.kind === 'pass') return rebuild(request, body);
  const decoded = decodeGoParams(new TextDecoder().decode(body), route.params);
  if (decoded.kind === 'not-json') return rebuild(request, body); // lite words Go's syntax errors
  if (decoded.kind === 'error') return gotrueError(request, 400, 'bad_json', `Could not parse request body as JSON: ${decoded.message}`);
  const refused = refuseUnstorable(request, decoded.value, route.params);
  if (refused) return refused;
  if (route.params === VERIFY) {
    const liteType = LITE_VERIFY_TYPE[String(decoded.value.type ?? '')];
    if (liteType) decoded.value.type = liteType;
  }
  return rebuild(request, JSON.stringify(decoded.value));
}

/**
 * A body read for the stand-in's own admin routes with GoTrue's rules: the decoded struct, or GoTrue's answer
 * (413, 400 bad_json). `allowEmpty` is adminUserDelete's "only parse a non-empty body".
 */
export async function readGoParams(request: Request, p: GoParams, allowEmpty = false): Promise<Record<string, unknown> | Response> {
  const body = await readBodyCapped(request, MAX_AUTH_BODY_BYTES);
  if (body === null) return tooLarge(request);
  const text = new TextDecoder().decode(body);
  if (allowEmpty && text === '') return {};
  const decoded = decodeGoParams(text, p);
  if (decoded.kind === 'value') return refuseUnstorable(request, decoded.value, p) ?? decoded.value;
  const message = decoded.kind === 'error' ? decoded.message : goSyntaxError(text);
  return gotrueError(request, 400, 'bad_json', `Could not parse request body as JSON: ${message}`);
}

/**
 * Verification types GoTrue takes and lite does not, as the lite type that checks the same token: `invite`
 * (the invitation mail's token, in `confirmation_token`) and `email` (GoTrue's one type for an emailed sign-up or
 * magic-link token: confirmation or recovery token, which is what lite's `magiclink` looks at).
 */
const LITE_VERIFY_TYPE: Readonly<Record<string, string>> = { invite: 'signup', email: 'magiclink' };

/** GoTrue's validateEmail limit (bytes). */
const MAX_EMAIL_BYTES = 255;

/**
 * Well-typed values the database cannot take, refused as GoTrue refuses them (or, where GoTrue itself fails with
 * a 500 on the database error, as the caller's fault): an email over 255 bytes ("An email address is too long",
 * GoTrue's validateEmail; auth.users.email is varchar(255)), and a NUL character anywhere, which neither text
 * nor jsonb can hold. On the password grant any of it just means no such user.
 */
function refuseUnstorable(request: Request, value: Record<string, unknown>, p: GoParams): Response | null {
  const signIn = p === PASSWORD_GRANT;
  for (const [field, v] of Object.entries(value)) {
    const nul = containsNul(v);
    if (signIn && (nul || (field === 'email' && Buffer.byteLength(v as string) > MAX_EMAIL_BYTES))) {
      return gotrueError(request, 400, 'invalid_credentials', 'Invalid login credentials');
    }
    if (field === 'email' && typeof v === 'string') {
      if (Buffer.byteLength(v) > MAX_EMAIL_BYTES) return gotrueError(request, 400, 'validation_failed', 'An email address is too long');
      if (nul) return gotrueError(request, 400, 'validation_failed', 'Unable to validate email address: invalid format');
    }
    if (nul) return gotrueError(request, 400, 'validation_failed', `${field} cannot contain a NUL character (\\u0000)`);
  }
  return null;
}

/** Whether a JSON value holds U+0000 in any string, key or value, at any depth. */
function containsNul(v: unknown): boolean {
  if (typeof v === 'string') return v.includes('\u0000');
  if (Array.isArray(v)) return v.some(containsNul);
  if (typeof v === 'object' && v !== null) return Object.entries(v).some(([k, x]) => k.includes('\u0000') || containsNul(x));
  return false;
}

function tooLarge(request: Request): Response {
  return gotrueError(request, 413, 'request_entity_too_large', `Request body too large (max ${MAX_AUTH_BODY_BYTES} bytes)`);
}

/** The same request with another body (the length header recomputed from it). */
function rebuild(request: Request, body: Uint8Array<ArrayBuffer> | string | null): Request {
  const headers = new Headers(request.headers);
  headers.delete('content-length');
  return new Request(request.url, { method: request.method, headers, body, signal: request.signal });
}

async function hasValidApiKey(request: Request): Promise<boolean> {
  const key = request.headers.get('apikey') ?? new URL(request.url).searchParams.get('apikey');
  return key !== null && (await apiKeyResolver(key)) !== null;
}

/**
 * On the routes behind requireAuthentication GoTrue checks the token before the body. lite checks it too, but a
 * well-formed token signed with another algorithm (`alg: none`, HS512, RS256) escapes its checks as a 401
 * "requires a valid Bearer token"; GoTrue refuses it as any unverifiable token: 403 bad_jwt. Any other bad or
 * missing token: 'lite-refuses' (the request goes to lite untouched, which answers as GoTrue does).
 */
async function checkUserToken(request: Request): Promise<Response | 'lite-refuses' | null> {
  const token = bearerToken(request, 'gotrue');
  if (!token || token.startsWith('sb_')) return 'lite-refuses';
  const verified = await verifyHS256(token, LOCAL_JWT_SECRET);
  if (verified.ok) return null;
  const alg = headerAlg(token);
  if (alg !== null && alg !== 'HS256') {
    return gotrueError(request, 403, 'bad_jwt', `invalid JWT: unable to parse or verify signature, token signature is invalid: signing method ${alg} is invalid`);
  }
  return 'lite-refuses';
}

/** The `alg` of a three-part token's header, or null if the header is not JSON with a string `alg`. */
function headerAlg(token: string): string | null {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => p === '')) return null;
  try {
    const header: unknown = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8'));
    const alg = (header as { alg?: unknown } | null)?.alg;
    return typeof alg === 'string' ? alg : null;
  } catch {
    return null;
  }
}

/**
 * lite's answer as GoTrue would give it: its 500 `{"error":"server_error"}` (and Hono's plain-text 500) become
 * GoTrue's `unexpected_failure`, without detail. Other answers pass untouched, unread.
 */
export async function finishAuthResponse(request: Request, response: Response): Promise<Response> {
  if (response.status < 500) return response;
  const body = (await response.clone().json().catch(() => null)) as Record<string, unknown> | null;
  if (body && typeof body.error_code === 'string') return response; // already GoTrue's shape (a deliberate 5xx)
  if (body && typeof body.code === 'string' && response.headers.has('x-supabase-api-version')) return response;
  await response.body?.cancel();
  return gotrueUnexpectedFailure(request);
}
