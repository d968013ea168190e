/**
 * HS256 JWTs, the only algorithm the stand-in issues or accepts (as `supabase start` did before ES256), on `jose`.
 * jose checks the signature (HMAC-SHA256 through WebCrypto, the key imported once per secret); the stand-in keeps
 * its own order of checks and failure kinds, because Realtime reports each with its own reason ("The token
 * provided is not a valid JWT", "Failed to validate JWT signature", "Token has expired"):
 *   1. not three parts, a header or claims set that is not a JSON object, or `alg` other than HS256 → malformed
 *      (judged before the signature, so a forgery with a garbage body is malformed, not bad_signature);
 *   2. the signature does not verify with the secret → bad_signature;
 *   3. `exp` present but not a finite number → malformed; `exp` at or before now → expired (and by how long).
 * Nothing else is judged here (`iat`, `nbf`, `aud`): those are the callers' (lite checks `iat` itself).
 */
import { createHmac } from 'node:crypto';
import { base64url, compactVerify, decodeJwt, decodeProtectedHeader, errors, SignJWT, type ProtectedHeaderParameters } from 'jose';
import type { Claims } from './keys.ts';

export type VerifyResult =
  | { ok: true; claims: Claims }
  | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' | 'missing_claims'; expiredForSeconds?: number };

const HEADER = { alg: 'HS256', typ: 'JWT' } as const satisfies ProtectedHeaderParameters;

/** One WebCrypto HMAC key per secret (there are one or two per process), imported on first use. */
const keys = new Map<string, Promise<CryptoKey>>();
const MAX_KEYS = 16;

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    if (keys.size >= MAX_KEYS) keys.delete(keys.keys().next().value!);
    key = crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    keys.set(secret, key);
    key.catch(() => keys.delete(secret));
  }
  return key;
}

/** Signs claims as an HS256 JWT (jose's SignJWT; the claims go in as given, nothing is added). */
export async function signJwt(claims: Claims, secret: string): Promise<string> {
  return new SignJWT(claims).setProtectedHeader(HEADER).sign(await hmacKey(secret));
}

/**
 * signJwt() for callers that need the token in an expression (test tables, fixtures, the bench): the same
 * bytes, synchronously. jose signs only asynchronously; the unit test pins that both produce the same token.
 */
export function signHS256(claims: Claims, secret: string): string {
  const input = `${base64url.encode(JSON.stringify(HEADER))}.${base64url.encode(JSON.stringify(claims))}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/**
 * Tokens whose header, claims and signature passed, by secret and token: the same token comes back on every
 * request of a client (the RPC fast path checks apikey and bearer each time, Realtime checks it at connect and
 * at each join), and a signature check through jose costs several times a cache lookup. Only the signature is
 * remembered: `exp` is judged against `now` on every call, so a cached token still expires. Least recently used
 * entries go first.
 */
const verified = new Map<string, Claims>();
const MAX_VERIFIED = 512;

/** Verifies an HS256 JWT and its `exp` (see the module comment for the order of checks). `now` in seconds. */
export async function verifyHS256(token: string, secret: string, now = Date.now() / 1000): Promise<VerifyResult> {
  if (typeof token !== 'string') return { ok: false, reason: 'malformed' };
  const cacheKey = `${secret}\u0000${token}`;
  const cached = verified.get(cacheKey);
  if (cached) {
    verified.delete(cacheKey);
    verified.set(cacheKey, cached);
    return judgeExpiry({ ...cached }, now);
  }
  if (token.split('.').length !== 3) return { ok: false, reason: 'malformed' };
  let claims: Claims;
  try {
    if (decodeProtectedHeader(token).alg !== 'HS256') return { ok: false, reason: 'malformed' };
    claims = decodeJwt(token) as Claims;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  try {
    await compactVerify(token, await hmacKey(secret), { algorithms: ['HS256'] });
  } catch (error) {
    return { ok: false, reason: signatureFailure(error) ? 'bad_signature' : 'malformed' };
  }
  const result = judgeExpiry(claims, now);
  if (result.ok || result.reason === 'expired') {
    if (verified.size >= MAX_VERIFIED) verified.delete(verified.keys().next().value!);
    verified.set(cacheKey, { ...claims });
  }
  return result;
}

function judgeExpiry(claims: Claims, now: number): VerifyResult {
  if (claims.exp !== undefined && (typeof claims.exp !== 'number' || !Number.isFinite(claims.exp))) return { ok: false, reason: 'malformed' };
  if (typeof claims.exp === 'number' && claims.exp <= now) {
    return { ok: false, reason: 'expired', expiredForSeconds: Math.max(0, Math.floor(now - claims.exp)) };
  }
  return { ok: true, claims };
}

/**
 * Whether jose refused the signature itself: it did not verify, or its segment is not base64url (a signature
 * that cannot be decoded cannot match either). Other refusals at this step (an unsupported `crit` header) are
 * the token's shape: malformed.
 */
function signatureFailure(error: unknown): boolean {
  if (error instanceof errors.JWSSignatureVerificationFailed) return true;
  return error instanceof errors.JWSInvalid && error.message === 'Failed to base64url decode the signature';
}
