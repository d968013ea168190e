/**
 * The whole product on this machine, as the e2e tests and the browser benchmark use it: the stand-in (child
 * process, PGlite in a folder, demo seed), the Twilio fake, and `next start` on the .next-e2e build, plus
 * Debian's Chromium driven by playwright-core. Everything on free ports; nothing downloaded.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { LOCAL_PUBLISHABLE_KEY, LOCAL_SECRET_KEY } from '../../standin/src/keys.ts';
import { startTwilioFake, type TwilioFake } from '../../tools/twilio-fake/index.ts';
import { DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN, inboundParams, signature } from '../../tools/twilio-fake/webhooks.ts';
import { startStandinProcess, type StandinProcess } from '../helpers/own-standin.ts';
import { freePort } from '../helpers/postgres-cluster.ts';
import { live, submitSignIn } from './screen.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
export const DIST_DIR = '.next-e2e';
export const PASSWORD = 'password123';
export const ARTIFACTS = path.join(ROOT, 'test-results', 'e2e');

export interface Stack {
  appUrl: string;
  standin: StandinProcess;
  fake: TwilioFake;
  /** The Next.js server: stop it (webhooks then fail, as when a host is down) and start it again on the same port. */
  app: { stop(): Promise<void>; start(): Promise<void>; readonly running: boolean; /** its last 20 KB of output */ output(): string };
  /** Posts a signed inbound WhatsApp webhook, as Twilio would; resolves with the app's answer status. */
  inbound(o: { to: string; from: string; body: string; profileName?: string; account?: { sid: string; authToken: string } }): Promise<number>;
  stop(): Promise<void>;
}

/**
 * `db`: the stand-in's `--db` (a PostgreSQL URL, or `memory`); default PGlite in a folder of its own, so restarts keep data.
 * `env`: more environment for the app (RECONCILE_MINUTES, …).
 */
export async function startStack(options: { db?: string; env?: Record<string, string> } = {}): Promise<Stack> {
  if (!fs.existsSync(path.join(ROOT, DIST_DIR, 'BUILD_ID'))) throw new Error(`no build in ${DIST_DIR}: run through the e2e project (its global setup builds)`);
  const port = await freePort();
  const appUrl = `http://127.0.0.1:${port}`;
  const standin = await startStandinProcess({ seed: true, log: process.env.E2E_STANDIN_LOG === '1', db: options.db, siteUrl: appUrl });
  const fake = await startTwilioFake({ accountSid: DEMO_ACCOUNT_SID, authToken: DEMO_AUTH_TOKEN });
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    NEXT_DIST_DIR: DIST_DIR,
    NEXT_PUBLIC_SUPABASE_URL: standin.url,
    NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY: LOCAL_PUBLISHABLE_KEY,
    SUPABASE_SECRET_KEY: LOCAL_SECRET_KEY,
    PUBLIC_BASE_URL: appUrl,
    TWILIO_ACCOUNT_SID: DEMO_ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: DEMO_AUTH_TOKEN,
    TWILIO_API_BASE_URL: fake.url,
    ...options.env,
  };
  let output = '';
  let app: ChildProcess | null = null;
  const startApp = async () => {
    const child = spawn(process.execPath, [path.join(ROOT, 'node_modules/next/dist/bin/next'), 'start', '-H', '127.0.0.1', '-p', String(port)], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    app = child;
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    await waitForOk(`${appUrl}/api/health`, 60_000, () => (child.exitCode !== null ? `next start exited:\n${output}` : null));
  };
  const stopApp = async () => {
    const child = app;
    app = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  await startApp();

  const inboundUrl = `${appUrl}/api/twilio/inbound`;
  return {
    appUrl,
    standin,
    fake,
    app: {
      stop: stopApp,
      start: startApp,
      get running() {
        return app !== null;
      },
      output: () => output,
    },
    async inbound(o) {
      const params = inboundParams({ to: o.to, from: o.from, body: o.body, profileName: o.profileName, accountSid: o.account?.sid });
      const res = await fetch(inboundUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature(o.account?.authToken ?? DEMO_AUTH_TOKEN, inboundUrl, params) },
        body: new URLSearchParams(params).toString(),
      });
      await res.arrayBuffer();
      return res.status;
    },
    async stop() {
      await stopApp();
      await fake.close();
      await standin.destroy();
    },
  };
}

async function waitForOk(url: string, timeoutMs: number, failed: () => string | null) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const why = failed();
    if (why) throw new Error(why);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

export interface Session {
  context: BrowserContext;
  page: Page;
  /** Browser errors seen by this page (console errors and uncaught exceptions). */
  errors: string[];
}

/** A fresh browser context signed in through the login form, on the inbox (or `path`) with the channel live. */
export async function signIn(browser: Browser, appUrl: string, email: string, path = '/inbox', viewport = { width: 1280, height: 800 }): Promise<Session> {
  const context = await browser.newContext({ viewport, baseURL: appUrl });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()}`));
  await page.goto(path);
  await page.waitForURL(/\/login/);
  await submitSignIn(page, email, PASSWORD);
  await page.waitForURL((url) => /^\/w\/[^/]+\/inbox/.test(url.pathname));
  await live(page).waitFor({ timeout: 30_000 });
  return { context, page, errors };
}

export async function screenshot(page: Page, name: string) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: false });
}
