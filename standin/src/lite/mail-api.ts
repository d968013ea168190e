/**
 * The outbox of auth mail (mailer.ts), where `supabase start` has Mailpit:
 *   GET /mail/v1/messages[?to=<address>]  newest first: id, to, subject, kind, sentAt   (secret key)
 *   GET /mail/v1/messages/<id>            one mail with its html and text              (secret key)
 *   GET /mail                             the same as a page, for a developer's browser (loopback callers only)
 * A mail holds a sign-in link, so reading one is the secret key's business: the JSON routes want it as `apikey`
 * or bearer; the page answers only a caller on this machine and cannot be framed or read cross-origin.
 */
import { bearerToken } from '../http.ts';
import { LOCAL_SECRET_KEY, LOCAL_SERVICE_ROLE_JWT } from '../keys.ts';
import type { Mail, Mailer } from './mailer.ts';

export function isMailPath(pathname: string): boolean {
  return pathname === '/mail' || pathname === '/mail/v1/messages' || pathname.startsWith('/mail/v1/messages/');
}

export function handleMailRequest(request: Request, mailer: Mailer, remoteAddress: string | undefined): Response {
  const url = new URL(request.url);
  if (request.method !== 'GET') return json(405, { message: 'Only GET is served here' }, { allow: 'GET' });
  if (url.pathname === '/mail') {
    if (!isLoopback(remoteAddress)) return json(403, { message: 'The mail page answers this machine only' });
    return page(mailer.list(url.searchParams.get('to') ?? undefined), url.searchParams.get('id'), mailer);
  }
  const key = request.headers.get('apikey') ?? bearerToken(request);
  if (key !== LOCAL_SECRET_KEY && key !== LOCAL_SERVICE_ROLE_JWT) return json(401, { message: 'The secret key is required' });
  const id = url.pathname.slice('/mail/v1/messages/'.length);
  if (!id) {
    const to = url.searchParams.get('to') ?? undefined;
    return json(200, { messages: mailer.list(to).map(({ id, to, subject, kind, sentAt }) => ({ id, to, subject, kind, sentAt })) });
  }
  const mail = mailer.get(id);
  return mail ? json(200, mail) : json(404, { message: 'No such mail' });
}

function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

const HEADERS = {
  'x-frame-options': 'DENY',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...HEADERS, ...headers } });
}

function page(mails: Mail[], openId: string | null, mailer: Mailer): Response {
  const open = openId ? mailer.get(openId) : mails[0];
  const rows = mails
    .map((m) => `<li${m.id === open?.id ? ' class="open"' : ''}><a href="/mail?id=${m.id}">${esc(m.subject)}</a><br><small>${esc(m.to)} · ${esc(m.sentAt)}</small></li>`)
    .join('');
  // the mail itself in a sandboxed frame (no scripts), so its HTML cannot act on this page
  const body = open ? `<iframe sandbox="allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation" srcdoc="${esc(open.html)}"></iframe>` : '<p>No mail yet.</p>';
  const html = `<!doctype html><meta charset="utf-8"><title>Stand-in mail</title>
<style>body{font:14px system-ui,sans-serif;margin:0;display:flex;height:100vh}ul{list-style:none;margin:0;padding:0;width:22rem;overflow:auto;border-right:1px solid #ddd}
li{padding:.6rem .8rem;border-bottom:1px solid #eee}li.open{background:#eef4ff}iframe{flex:1;border:0}p{padding:1rem}</style>
<ul>${rows}</ul>${body}`;
  return new Response(html, {
    status: 200,
    headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-src 'self'", ...HEADERS },
  });
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
