import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Claims } from './keys.ts';

export type VerifyResult =
  | { ok: true; claims: Claims }
  | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' | 'missing_claims'; expiredForSeconds?: number };

const b64url = (input: Buffer | string) => Buffer.from(input).toString('base64url');

/** Signs claims as an HS256 JWT, the only algorithm the stand-in issues (as `supabase start` did before ES256). */
export function signHS256(claims: Claims, secret: string): string {
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify(claims));
  const sig = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

/**
 * Verifies an HS256 JWT and its `exp`. Distinguishes the failure kinds because Realtime reports each with its
 * own reason ("The token provided is not a valid JWT", "Failed to validate JWT signature", "Token has expired").
 */
export function verifyHS256(token: string, secret: string, now = Date.now() / 1000): VerifyResult {
  const parts = typeof token === 'string' ? token.split('.') : [];
  if (parts.length !== 3) return { ok: false, reason: 'malformed' };
  const [head, body, sig] = parts as [string, string, string];
  let header: unknown;
  let claims: unknown;
  try {
    header = JSON.parse(Buffer.from(head, 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (!isObject(header) || !isObject(claims) || header.alg !== 'HS256') return { ok: false, reason: 'malformed' };
  const expected = createHmac('sha256', secret).update(`${head}.${body}`).digest();
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad_signature' };
  const c = claims as Claims;
  if (c.exp !== undefined && (typeof c.exp !== 'number' || !Number.isFinite(c.exp))) return { ok: false, reason: 'malformed' };
  if (typeof c.exp === 'number' && c.exp <= now) {
    return { ok: false, reason: 'expired', expiredForSeconds: Math.max(0, Math.floor(now - c.exp)) };
  }
  return { ok: true, claims: c };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
