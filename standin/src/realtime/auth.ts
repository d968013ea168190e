/**
 * Tokens as Supabase Realtime judges them: the `apikey` on connect, then the channel's `access_token`
 * (falling back to the apikey when it is missing or an `sb_` key). Keys map to roles the way the gateway
 * maps them; JWTs must verify with the project secret and carry `role` and `exp`.
 */
import { verifyHS256 } from '../jwt.ts';
import type { Claims } from '../keys.ts';
import { CONNECT_ERROR, REASON } from '../protocol/constants.ts';

export interface KeyRing {
  jwtSecret: string;
  publishableKey: string;
  secretKey: string;
}

export type TokenCheck =
  | { ok: true; claims: Claims; token: string }
  | { ok: false; reason: string; connectError: { status: number; error: string }; systemMessage: string };

export async function checkToken(token: string | null | undefined, keys: KeyRing): Promise<TokenCheck> {
  if (!token) return fail(REASON.malformedJwt, CONNECT_ERROR.missingKey, 'The token provided is not a valid JWT');
  // sb_ keys are opaque: the gateway turns them into role-only claims (no expiry)
  if (token === keys.publishableKey) return { ok: true, token, claims: { role: 'anon' } };
  if (token === keys.secretKey) return { ok: true, token, claims: { role: 'service_role' } };
  if (token.startsWith('sb_')) return fail(REASON.malformedJwt, CONNECT_ERROR.malformed, 'The token provided is not a valid JWT');
  const v = await verifyHS256(token, keys.jwtSecret);
  if (!v.ok) {
    if (v.reason === 'expired') {
      const s = v.expiredForSeconds ?? 0;
      return fail(REASON.expired(s), CONNECT_ERROR.expired, `Token has expired ${s} seconds ago`);
    }
    if (v.reason === 'bad_signature') return fail(REASON.badSignature, CONNECT_ERROR.badSignature, 'Failed to validate JWT signature');
    return fail(REASON.malformedJwt, CONNECT_ERROR.malformed, 'The token provided is not a valid JWT');
  }
  if (typeof v.claims.role !== 'string' || typeof v.claims.exp !== 'number') {
    return fail(REASON.missingClaims, CONNECT_ERROR.missingClaims, 'Fields `role` and `exp` are required in JWT');
  }
  return { ok: true, token, claims: v.claims };
}

/** The token a channel authorises with: its own access_token, unless that is absent or an sb_ key. */
export function channelToken(accessToken: unknown, apikey: string): string {
  return typeof accessToken === 'string' && accessToken !== '' && !accessToken.startsWith('sb_') ? accessToken : apikey;
}

function fail(reason: string, connectError: { status: number; error: string }, systemMessage: string): TokenCheck {
  return { ok: false, reason, connectError, systemMessage };
}
