/**
 * What every API of the stand-in answers alike, in one place: CORS as Supabase's gateway sends it (any origin;
 * each API exposes its own headers), the preflight, and the bearer token of a request.
 */

/** Headers PostgREST's answers expose to browsers. */
export const CORS_REST = { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'Content-Range, Content-Location, Preference-Applied' } as const;
/** Headers GoTrue's answers expose to browsers. */
export const CORS_AUTH = { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'X-Total-Count, Link, X-Supabase-Api-Version' } as const;
/** Realtime's REST endpoints. */
export const CORS_REALTIME = { 'access-control-allow-origin': '*' } as const;

const DEFAULT_ALLOWED_HEADERS = 'authorization, apikey, content-type, x-client-info, prefer, range, accept, accept-profile, content-profile';

/** CORS preflight, as Supabase's gateway answers it: any origin, the asked-for headers, cached for a day. */
export function preflight(request: Request, methods = 'GET, POST, PATCH, PUT, DELETE, OPTIONS, HEAD'): Response {
  return new Response(null, {
    status: 204,
    headers: {
      'access-control-allow-origin': '*',
      'access-control-allow-methods': methods,
      'access-control-allow-headers': request.headers.get('access-control-request-headers') ?? DEFAULT_ALLOWED_HEADERS,
      'access-control-expose-headers': CORS_REST['access-control-expose-headers'],
      'access-control-max-age': '86400',
    },
  });
}

/**
 * The token of `Authorization: Bearer <token>`, or undefined. The APIs read it differently, and so do we:
 * PostgREST and Realtime take the scheme in any case (`bearer x`), GoTrue only as `Bearer ` with one space.
 */
export function bearerToken(request: Request, flavour: 'postgrest' | 'gotrue' = 'postgrest'): string | undefined {
  const header = request.headers.get('authorization') ?? '';
  const match = flavour === 'gotrue' ? /^Bearer (\S+)$/.exec(header) : /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}

/**
 * The body, or null once it passes `limit` bytes: read no further, so a client cannot make us buffer more. A
 * declared Content-Length over the limit is refused unread (one under it is not trusted: the count is ours).
 */
export async function readBodyCapped(request: Request, limit: number): Promise<Uint8Array<ArrayBuffer> | null> {
  if (Number(request.headers.get('content-length') ?? 0) > limit) {
    await request.body?.cancel().catch(() => {});
    return null;
  }
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}
