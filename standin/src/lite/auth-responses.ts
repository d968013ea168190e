/** Auth answers in GoTrue's 2024-01-01 shape, which auth-js reads when the response carries the version header. */
const API_VERSION = '2024-01-01';

export function authJson(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      'content-type': 'application/json',
      'x-supabase-api-version': API_VERSION,
      'access-control-allow-origin': '*',
      'access-control-expose-headers': 'X-Total-Count, Link, X-Supabase-Api-Version',
      ...headers,
    },
  });
}

export function authError(status: number, code: string, message: string): Response {
  return authJson(status, { code, message }, { 'x-sb-error-code': code });
}
