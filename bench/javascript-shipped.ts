/**
 * The JavaScript a page ships, as the inbox benchmark (inbox-browser.ts) reports it: every script a clean
 * load of the page fetches, raw and gzip -9, and /inbox's beside /login's as the framework's floor.
 */
import zlib from 'node:zlib';
import type { Browser } from 'playwright-core';
import { DEMO_USERS } from '../tests/helpers/demo.ts';
import { signIn, type Stack } from '../tests/e2e/stack.ts';

/** Every script a page loads (a clean load, after signing in), raw and gzip -9. */
async function scriptsOf(browser: Browser, stack: Stack, pagePath: string, signedIn: boolean) {
  const session = signedIn ? await signIn(browser, stack.appUrl, DEMO_USERS.ana.email, '/inbox') : null;
  const context = session?.context ?? (await browser.newContext({ baseURL: stack.appUrl }));
  const page = session?.page ?? (await context.newPage());
  const scripts = new Map<string, Buffer>();
  page.on('response', async (res) => {
    if (res.request().resourceType() !== 'script') return;
    try {
      scripts.set(res.url(), await res.body());
    } catch {
      /* redirected or aborted */
    }
  });
  await page.goto(pagePath, { waitUntil: 'networkidle' });
  await context.close();
  const files = [...scripts].map(([url, body]) => ({ file: new URL(url).pathname, raw: body.length, gzip: zlib.gzipSync(body, { level: 9 }).length }));
  files.sort((a, b) => b.gzip - a.gzip);
  const kb = (n: number) => Math.round((n / 1024) * 10) / 10;
  return { scripts: files.length, rawKb: kb(files.reduce((n, f) => n + f.raw, 0)), gzipKb: kb(files.reduce((n, f) => n + f.gzip, 0)), files: files.map((f) => ({ ...f, raw: kb(f.raw), gzip: kb(f.gzip) })) };
}

/** /inbox's JavaScript, beside /login's (React and Next alone, no Supabase client) as the framework's floor. */
export async function javascriptShipped(browser: Browser, stack: Stack) {
  const inbox = await scriptsOf(browser, stack, '/inbox', true);
  const login = await scriptsOf(browser, stack, '/login', false);
  const shared = new Set(login.files.map((f) => f.file));
  return {
    inbox,
    loginPageFloor: { scripts: login.scripts, gzipKb: login.gzipKb },
    onlyOnInboxGzipKb: Math.round(inbox.files.filter((f) => !shared.has(f.file)).reduce((n, f) => n + f.gzip, 0) * 10) / 10,
  };
}
