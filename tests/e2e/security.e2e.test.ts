/**
 * The production build's answers as a browser gets them: security headers on pages and API routes, a
 * Content-Security-Policy with a fresh nonce under which the whole inbox still works (no violation, no console
 * error), session cookie flags, and clean 404 pages for deep links and junk URLs.
 */
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { LOCAL_JWT_SECRET, LOCAL_SECRET_KEY } from '../../standin/src/keys.ts';
import { DEMO_AUTH_TOKEN } from '../../tools/twilio-fake/webhooks.ts';
import { randomNumber } from '../helpers/app.ts';
import { ACME, DEMO_USERS } from '../helpers/demo.ts';
import { launchChromium, screenshot, signIn, startStack, type Session, type Stack } from './stack.ts';
import * as screen from './screen.ts';

let stack: Stack;
let browser: Browser;
let ana: Session;

/** Records every CSP violation the page reports, from the first script on. */
const RECORD_VIOLATIONS = () => {
  const seen: string[] = [];
  (window as unknown as { __violations: string[] }).__violations = seen;
  document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.effectiveDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
};
const violations = (s: Session) => s.page.evaluate(() => (window as unknown as { __violations?: string[] }).__violations ?? ['recorder missing']);

beforeAll(async () => {
  stack = await startStack();
  browser = await launchChromium();
  ana = await signIn(browser, stack.appUrl, DEMO_USERS.ana.email);
  await ana.context.addInitScript(RECORD_VIOLATIONS);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const directives = (csp: string) => new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));

function expectStaticHeaders(headers: Record<string, string>) {
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
  expect(headers['x-frame-options']).toBe('DENY');
  expect(headers['x-powered-by']).toBeUndefined();
}

/** The page's policy, checked directive by directive; returns its nonce. */
function expectPagePolicy(headers: Record<string, string>): string {
  const csp = directives(headers['content-security-policy'] ?? '');
  const script = csp.get('script-src') ?? [];
  const nonce = script.find((v) => v.startsWith("'nonce-"))?.slice(7, -1);
  expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
  expect(script).toEqual(["'self'", `'nonce-${nonce}'`, "'strict-dynamic'"]); // no 'unsafe-inline', no 'unsafe-eval' in production
  const supabase = new URL(stack.standin.url);
  expect(csp.get('connect-src')).toEqual(["'self'", supabase.origin, `ws://${supabase.host}`]);
  expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
  expect(csp.get('object-src')).toEqual(["'none'"]);
  expect(csp.get('base-uri')).toEqual(["'none'"]);
  expect(csp.get('form-action')).toEqual(["'self'"]);
  return nonce!;
}

function expectNoTrace(body: string) {
  for (const secret of [LOCAL_SECRET_KEY, LOCAL_JWT_SECRET, DEMO_AUTH_TOKEN]) expect(body.includes(secret)).toBe(false);
  expect(body).not.toMatch(/\n\s+at\s+\S+\s+\(|node_modules|\/work\/|webpack-internal|Public configuration missing|Invalid environment/);
}

describe('security headers', () => {
  test('the login page: a per-request nonce on the policy, on Next\'s scripts and on our configuration script', async () => {
    const [first, second] = await Promise.all([fetch(`${stack.appUrl}/login`), fetch(`${stack.appUrl}/login`)]);
    const html = await first.text();
    await second.arrayBuffer();
    const headers = Object.fromEntries(first.headers);
    expect(first.status).toBe(200);
    expectStaticHeaders(headers);
    const nonce = expectPagePolicy(headers);
    expect(expectPagePolicy(Object.fromEntries(second.headers))).not.toBe(nonce);
    expect(html).toContain(`<script nonce="${nonce}">window.__SWITCHBOARD_PUBLIC_ENV__=`);
    // every inline or external script of the document carries it
    const scripts = [...html.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(1);
    for (const attributes of scripts) expect(attributes).toContain(`nonce="${nonce}"`);
  });

  test('the inbox, its redirects and the API carry them too', async () => {
    const inbox = await ana.context.request.get(`/w/${ACME.id}/inbox`, { maxRedirects: 0 });
    expect(inbox.status()).toBe(200);
    expectStaticHeaders(inbox.headers());
    expectPagePolicy(inbox.headers());
    const toLogin = await fetch(`${stack.appUrl}/inbox`, { redirect: 'manual' });
    expect(toLogin.status).toBe(307);
    expectStaticHeaders(Object.fromEntries(toLogin.headers));
    for (const [path, init, status] of [
      ['/api/health', {}, 200],
      ['/api/conversations/not-a-uuid/messages', { method: 'POST', body: '{' }, 404],
      ['/api/media/not-a-uuid/0', {}, 404],
    ] as const) {
      const res = await fetch(`${stack.appUrl}${path}`, init);
      expect(res.status, path).toBe(status);
      expectStaticHeaders(Object.fromEntries(res.headers));
      expectNoTrace(await res.text());
    }
  });

  test('the session cookie is Path=/ and SameSite=Lax (Secure needs https: this stack is plain http on loopback)', async () => {
    const auth = (await ana.context.cookies()).filter((c) => c.name.includes('auth-token'));
    expect(auth.length).toBeGreaterThan(0);
    for (const c of auth) expect(c).toMatchObject({ path: '/', sameSite: 'Lax', secure: false });
  });
});

describe('the inbox under the policy', () => {
  test('signs in, goes live, receives, replies and reads with no CSP violation or console error', async () => {
    expect(ana.errors).toEqual([]); // sign-in and the first load, before the recorder existed
    await ana.page.reload();
    await screen.live(ana.page).waitFor({ timeout: 30_000 });
    const body = `CSP check ${Date.now().toString(36)}${randomInt(0, 1e6).toString(36)}`;
    expect(await stack.inbound({ to: ACME.number, from: randomNumber('+1555'), body })).toBe(200);
    await screen.conversationLink(ana.page, body).click();
    await screen.message(ana.page, body).waitFor();
    const reply = `Reply under CSP ${randomInt(0, 1e6)}`;
    await screen.replyBox(ana.page).fill(reply);
    await ana.page.keyboard.press('Enter');
    await screen.messageIn(ana.page, reply, 'read').waitFor();
    await ana.page.goto(`/w/${ACME.id}/inbox/diagnostics`);
    await screen.diagnosticsFact(ana.page, 'Connection').filter({ hasText: 'live' }).waitFor();
    await screenshot(ana.page, 'csp-inbox');
    expect(await violations(ana)).toEqual([]);
    expect(ana.errors).toEqual([]);
  });
});

describe('not found', () => {
  test('a signed-in deep link to /inbox/not-a-uuid is a clean 404 page', async () => {
    const page = await ana.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // the document's own 404 is logged as a failed load; anything else is an error
    page.on('console', (m) => m.type() === 'error' && !/status of 404/.test(m.text()) && errors.push(m.text()));
    try {
      const res = await page.goto('/inbox/not-a-uuid');
      expect(res?.status()).toBe(404);
      await page.getByRole('heading', { name: 'Page not found' }).waitFor();
      await page.getByRole('link', { name: 'Go to the inbox' }).waitFor();
      expectNoTrace(await page.content());
      expectPagePolicy(await res!.allHeaders());
      await screenshot(page, 'not-found');
      expect(await violations({ ...ana, page })).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  test('junk paths are a 404 with no trace, signed in or not', async () => {
    // no route at all: the not-found page itself, rendered on the server
    const unmatched = ['/nope', '/inbox/not-a-uuid/deeper', '/inbox/%E0%A4%A', '/%E0%A4%A', '/login/nope', '/.env', '/_next/../../etc/passwd'];
    // the conversation route with something that is not a conversation id
    const notConversations = ['/inbox/%00', '/inbox/..%2f..%2fetc%2fpasswd', `/inbox/${'a'.repeat(3000)}`, '/inbox/00000000-0000-0000-0000-00000000000g'];
    const api = ['/api/nope', '/api/media/x/y/z', '/api/media/00000000-0000-4000-8000-000000000000/x'];
    const junk = [...unmatched, ...notConversations, ...api];
    for (const path of junk) {
      const res = await ana.context.request.get(path, { maxRedirects: 0 });
      const body = await res.text();
      expect([path, res.status()]).toEqual([path, 404]);
      expectStaticHeaders(res.headers());
      expectNoTrace(body);
      if (!api.includes(path)) expectPagePolicy(res.headers());
      if (unmatched.includes(path)) expect(body).toContain('>Page not found</h1>');
    }
    // without a session a page path asks for sign-in first; an API path answers for itself
    for (const path of junk) {
      const res = await fetch(`${stack.appUrl}${path}`, { redirect: 'manual' });
      const body = await res.text();
      expect([path, res.status]).toEqual([path, api.includes(path) || path.startsWith('/login') ? 404 : 307]);
      expectNoTrace(body);
    }
  });
});
