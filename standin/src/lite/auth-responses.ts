import { CORS_AUTH as CORS } from '../http.ts';

/** Auth answers in GoTrue's 2024-01-01 shape, which auth-js reads when the response carries the version header. */
const API_VERSION = '2024-01-01';

export function authJson(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'x-supabase-api-version': API_VERSION, ...CORS, ...headers },
  });
}

export function authError(status: number, code: string, message: string): Response {
  return authJson(status, { code, message }, { 'x-sb-error-code': code });
}

/**
 * Whether the caller asked for GoTrue's 2024-01-01 error shape (`X-Supabase-Api-Version`, as auth-js sends).
 * GoTrue's DetermineClosestAPIVersion: a date from 2024-01-01 on picks it; no header, a bad date or an earlier
 * one keeps the initial shape.
 */
export function wants20240101(request: Request): boolean {
  const version = request.headers.get('x-supabase-api-version')?.trim() ?? '';
  return /^\d{4}-\d{2}-\d{2}$/.test(version) && !Number.isNaN(Date.parse(version)) && version >= API_VERSION;
}

/**
 * An error as GoTrue's HandleResponseError writes it for this request: `{code, message}` (2024-01-01) or the
 * initial `{code: <status>, error_code, msg}`, which is also what lite answers.
 */
export function gotrueError(request: Request, status: number, code: string, message: string): Response {
  if (wants20240101(request)) return authError(status, code, message);
  return legacyJson(status, { code: status, error_code: code, msg: message }, code);
}

/** GoTrue's answer to a failure it did not expect (its message, in the shape the caller asked for). */
export function gotrueUnexpectedFailure(request: Request): Response {
  return gotrueError(request, 500, 'unexpected_failure', 'Unexpected failure, please check server logs for more information');
}

/**
 * An admin answer written in the 2024-01-01 shape, in the initial shape when the caller did not ask for 2024-01-01
 * (a raw HTTP client): `{code, message, …}` becomes `{code: <status>, error_code, msg, …}`.
 */
export async function inCallersShape(request: Request, response: Response): Promise<Response> {
  if (response.status < 400 || wants20240101(request) || !response.headers.has('x-supabase-api-version')) return response;
  const body = (await response.clone().json().catch(() => null)) as Record<string, unknown> | null;
  if (!body || typeof body.code !== 'string') return response;
  const { code, message, ...rest } = body;
  return legacyJson(response.status, { code: response.status, error_code: code, msg: message, ...rest }, code);
}

function legacyJson(status: number, body: Record<string, unknown>, errorCode: string): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...CORS, 'x-sb-error-code': errorCode },
  });
}
