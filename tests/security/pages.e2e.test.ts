// Pages × roles on the production build: who gets the page, who is sent to /login, who is asked to create a workspace;
// every answer carries the security headers; odd URLs get a clean 404 page with no trace, path or key.
import { createClient } from '@supabase/supabase-js';
import type { APIResponse, Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { LOCAL_JWT_SECRET, LOCAL_SECRET_KEY } from '../../standin/src/keys.ts';
import { DEMO_AUTH_TOKEN } from '../../tools/twilio-fake/webhooks.ts';
import { ACME, BOLT, DEMO_CONVERSATIONS, DEMO_USERS } from '../helpers/demo.ts';
import { launchChromium, PASSWORD, startStack, type Stack } from '../e2e/stack.ts';
import { submitSignIn } from '../e2e/screen.ts';
import { PAGES } from './expectations.app.ts';

type PageRole = 'anon' | 'memberA' | 'memberB' | 'outsider';
let stack: Stack;
let browser: Browser;
const contexts = {} as Record<PageRole, BrowserContext>;

async function signedInContext(email: string, password: string): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: stack.appUrl });
  const page = await context.newPage();
  await page.goto('/login');
  await submitSignIn(page, email, password);
  await page.waitForURL((url) => /^\/(inbox|w\/)/.test(url.pathname));
  await page.close();
  return context;
}

beforeAll(async () => {
  stack = await startStack();
  browser = await launchChromium();
  const admin = createClient(stack.standin.url, LOCAL_SECRET_KEY, { auth: { persistSession: false, autoRefreshToken: false } });
  const outsiderEmail = `outsider-${Date.now()}@example.test`;
  const { error } = await admin.auth.admin.createUser({ email: outsiderEmail, password: PASSWORD, email_confirm: true });
  if (error) throw new Error(error.message);
  contexts.anon = await browser.newContext({ baseURL: stack.appUrl });
  [contexts.memberA, contexts.memberB, contexts.outsider] = await Promise.all([
    signedInContext(DEMO_USERS.ana.email, PASSWORD),
    signedInContext(DEMO_USERS.cara.email, PASSWORD),
    signedInContext(outsiderEmail, PASSWORD),
  ]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

function assertSecurityHeaders(res: APIResponse, html: boolean) {
  const h = res.headers();
  expect(h['x-content-type-options']).toBe('nosniff');
  expect(h['referrer-policy']).toMatch(/^(strict-origin-when-cross-origin|same-origin|no-referrer)$/);
  expect(h['x-powered-by']).toBeUndefined();
  if (html) {
    const csp = h['content-security-policy'] ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/script-src[^;]*'nonce-[A-Za-z0-9+/=_-]{16,}'/);
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'(?![^;]*'nonce-)/);
    expect(csp).toContain("object-src 'none'");
  }
}

function assertNothingLeaks(body: string) {
  for (const secret of [LOCAL_SECRET_KEY, LOCAL_JWT_SECRET, DEMO_AUTH_TOKEN]) expect(body.includes(secret)).toBe(false);
  expect(body).not.toMatch(/\n\s+at\s+\S+\s+\(|node_modules|\/work\/|webpack-internal/);
}

const cases = Object.entries(PAGES).flatMap(([pattern, rule]) => (['anon', 'memberA', 'memberB', 'outsider'] as const).map((role) => ({ pattern, rule, role })));

describe('pages', () => {
  test.each(cases)('$pattern as $role', async ({ rule, role }) => {
    const url = rule.url({ workspace: ACME.id, conversation: DEMO_CONVERSATIONS.acmeLucia });
    const res = await contexts[role].request.get(url, { maxRedirects: 0 });
    const body = await res.text();
    const expected = rule.expect[role];
    const location = res.headers()['location'] ?? '';
    switch (expected) {
      case 'login':
        expect(res.status()).toBe(307);
        expect(new URL(location, stack.appUrl).pathname).toBe('/login');
        break;
      case 'to-inbox':
        expect(res.status()).toBe(307);
        expect(new URL(location, stack.appUrl).pathname).toBe('/inbox');
        break;
      case 'no-team':
        expect(res.status()).toBe(200);
        expect(body).toContain('Create your workspace');
        break;
      case 'to-workspace': {
        expect(res.status()).toBe(307);
        const own = role === 'memberA' ? ACME.id : BOLT.id;
        expect(new URL(location, stack.appUrl).pathname.startsWith(`/w/${own}/inbox`)).toBe(true);
        break;
      }
      case 'not-found':
        expect(res.status()).toBe(404);
        break;
      case 'ok':
        expect([200, 307]).toContain(res.status()); // `/` sends members on to /inbox
        if (res.status() === 307) expect(new URL(location, stack.appUrl).pathname).toBe('/inbox');
        break;
      default:
        throw new Error(`unknown expectation ${String(expected)}`);
    }
    // a member of another distributor gets the page, never the other distributor's data
    if (role === 'memberB') expect(body).not.toMatch(/Lucía|Acme Distribution/);
    assertSecurityHeaders(res, res.status() === 200);
    assertNothingLeaks(body);
  });
});

describe('odd URLs', () => {
  const odd = ['/inbox/not-a-uuid', '/inbox/%00', '/inbox/..%2f..%2fetc', '/definitely-not-a-page', '/inbox/00000000-0000-0000-0000-00000000000g', `/inbox/${'a'.repeat(3000)}`];
  test.each(odd)('%s answers a clean 404 page', async (url) => {
    for (const role of ['memberA', 'anon'] as const) {
      const res = await contexts[role].request.get(url, { maxRedirects: 0 });
      const body = await res.text();
      if (role === 'anon' && res.status() === 307) continue; // sent to sign in first
      expect({ url, role, status: res.status() }).toEqual({ url, role, status: 404 });
      assertNothingLeaks(body);
      assertSecurityHeaders(res, true);
    }
  });

  test('the 404 page renders in the browser without errors', async () => {
    const page = await contexts.memberA.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && !/404/.test(m.text()) && errors.push(m.text()));
    const res = await page.goto('/inbox/not-a-uuid');
    expect(res?.status()).toBe(404);
    await page.getByRole('heading', { name: /not found/i }).waitFor();
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('API answers', () => {
  test('carry nosniff and a referrer policy, and never a 5xx for junk', async () => {
    const res = await contexts.anon.request.post('/api/conversations/not-a-uuid/messages', { data: '{', headers: { 'content-type': 'application/json' }, maxRedirects: 0 });
    expect(res.status()).toBe(404);
    assertSecurityHeaders(res, false);
    assertNothingLeaks(await res.text());
  });
});
