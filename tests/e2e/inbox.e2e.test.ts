/**
 * The dashboard end to end: `next start`, the stand-in, the Twilio fake, and Debian's Chromium with three
 * staff in their own browser contexts: ana and ben (Acme) and cara (Bolt). One stack for the file; each test
 * makes its own customers so they do not depend on one another.
 */
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { randomNumber } from '../helpers/app.ts';
import { ACME, BOLT, DEMO_CONVERSATIONS, DEMO_USERS } from '../helpers/demo.ts';
import { launchChromium, screenshot, signIn, startStack, type Session, type Stack } from './stack.ts';
import * as screen from './screen.ts';

let stack: Stack;
let browser: Browser;
let ana: Session;
let ben: Session;
let cara: Session;

const customer = () => randomNumber('+1555');
const tag = () => `t${Date.now().toString(36)}${randomInt(0, 1e6).toString(36)}`;

beforeAll(async () => {
  stack = await startStack();
  browser = await launchChromium();
  [ana, ben, cara] = await Promise.all([
    signIn(browser, stack.appUrl, DEMO_USERS.ana.email),
    signIn(browser, stack.appUrl, DEMO_USERS.ben.email),
    signIn(browser, stack.appUrl, DEMO_USERS.cara.email),
  ]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** Opens the conversation whose list entry shows `text` (a number or a preview). */
async function openConversation(page: Page, text: string) {
  const link = screen.conversationLink(page, text).first();
  const id = (await link.getAttribute('href'))!.split('/').at(-1)!;
  await link.click();
  // the thread of *this* conversation, not the one that was open before
  await screen.threadOf(page, id).waitFor();
}

/**
 * A customer writes to Acme: resolves once the conversation is listed for each of `seenBy`, after opening it
 * for each of `openFor`. Returns the customer's number.
 */
async function customerWrites(body: string, seenBy: Session[], openFor: Session[] = [], from = customer()): Promise<string> {
  expect(await stack.inbound({ to: ACME.number, from, body })).toBe(200);
  await Promise.all(seenBy.map((s) => screen.conversationLink(s.page, body).waitFor()));
  for (const s of openFor) await openConversation(s.page, body);
  return from;
}

// one stack, one order: the last test checks the pages the others used
describe('dashboard', { shuffle: false }, () => {
describe('inbox', () => {
  test('a customer message reaches ana and ben live, and never cara', async () => {
    const from = customer();
    const body = `Hola, ¿tienen stock? ${tag()}`;
    expect(await stack.inbound({ to: ACME.number, from, body, profileName: 'Lucía E2E' })).toBe(200);
    await Promise.all([ana, ben].map((s) => screen.conversationLink(s.page, body).waitFor()));
    // it arrived as a new, unread conversation at the top of the list
    for (const s of [ana, ben]) {
      const first = screen.conversationEntries(s.page).first();
      await expect(first.textContent()).resolves.toContain(body);
      await expect(screen.unreadBadge(first).getAttribute('aria-label')).resolves.toBe('1 unread');
    }
    // cara's stream is past that moment once a later Bolt message reaches her; the Acme one must not be there
    const barrier = `Bolt barrier ${tag()}`;
    expect(await stack.inbound({ to: BOLT.number, from: customer(), body: barrier })).toBe(200);
    await screen.conversationLink(cara.page, barrier).waitFor();
    expect(await cara.page.content()).not.toContain(body);
    await screenshot(ana.page, 'ana-inbox-new-message');
    await screenshot(cara.page, 'cara-inbox');
  });

  test('ben sees ana online and typing; opening a conversation clears its unread count for ana only', async () => {
    const body = `Typing test ${tag()}`;
    await customerWrites(body, [ana, ben], [ana]);

    await screen.teammateOnline(ben.page, 'Ana Alvarez').waitFor();
    // ana read it: her badge goes, ben's stays (read state is per member) until he opens it too
    await screen.unreadBadge(screen.currentConversation(ana.page)).waitFor({ state: 'detached' });
    expect(await screen.unreadBadge(screen.conversationLink(ben.page, body)).getAttribute('aria-label')).toBe('1 unread');
    await openConversation(ben.page, body);
    await screen.unreadBadge(screen.currentConversation(ben.page)).waitFor({ state: 'detached' });

    await screen.replyBox(ana.page).pressSequentially('Un momento', { delay: 20 });
    await screen.typingLine(ben.page, 'Ana Alvarez is typing').waitFor();
    await screen.currentConversation(ben.page).getByText('Ana Alvarez typing').waitFor();
    await screenshot(ben.page, 'ben-sees-ana-typing');
    // clearing the draft says "stopped" at once
    await screen.replyBox(ana.page).fill('');
    await screen.typingLine(ben.page, /typing/).waitFor({ state: 'detached' });
    // ben sees that ana is looking at the same conversation
    await screen.thread(ben.page).getByText('Ana Alvarez viewing now').waitFor();
  });

  test('ana replies; her message is reconciled with its row and the ticks advance to read, for ben too', async () => {
    const body = `Reply test ${tag()}`;
    await customerWrites(body, [ana, ben], [ana, ben]);
    stack.fake.configure({
      lifecycle: [
        { status: 'queued', afterMs: 10 },
        { status: 'sent', afterMs: 400 },
        { status: 'delivered', afterMs: 900 },
        { status: 'read', afterMs: 1400 },
      ],
    });
    const reply = `Sí, tenemos stock ${tag()}`;
    // record every status ana's screen shows for the reply, from the optimistic bubble on
    await ana.page.evaluate((text) => {
      const seen: string[] = [];
      (window as unknown as { __ticks: string[] }).__ticks = seen;
      const record = () => {
        const el = [...document.querySelectorAll<HTMLElement>('[data-message-id], [data-client-msg-id]')].find((m) => m.textContent?.includes(text));
        const s = el?.dataset.status;
        if (s && seen.at(-1) !== s) seen.push(s);
      };
      new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
    }, reply);
    await screen.replyBox(ana.page).fill(reply);
    await ana.page.keyboard.press('Enter');
    const sent = screen.message(ana.page, reply);
    await screen.messageIn(ana.page, reply, 'read').waitFor();
    await screen.messageIn(ben.page, reply, 'read').waitFor();
    const ticks = await ana.page.evaluate(() => (window as unknown as { __ticks: string[] }).__ticks);
    const order = ['sending', 'queued', 'sent', 'delivered', 'read'];
    expect(ticks.at(-1)).toBe('read');
    expect(ticks.map((t) => order.indexOf(t))).toEqual([...ticks.map((t) => order.indexOf(t))].sort((a, b) => a - b)); // never backwards
    expect(ticks.length).toBeGreaterThanOrEqual(3); // the steps are 500 ms apart: the screen shows them
    expect(await sent.count()).toBe(1); // the optimistic bubble became the row, not a second copy
    await screenshot(ana.page, 'ana-reply-read');
    stack.fake.reset();
  });

  test('a reply Twilio fails shows the reason; Retry sends it again', async () => {
    const body = `Failure test ${tag()}`;
    await customerWrites(body, [ana], [ana]);
    stack.fake.configure({ failures: { '*': { code: 30003, stage: 'callback', status: 'undelivered' } } });
    const reply = `Will fail ${tag()}`;
    await screen.replyBox(ana.page).fill(reply);
    await ana.page.keyboard.press('Enter');
    const failed = screen.messageIn(ana.page, reply, 'failed');
    await failed.waitFor();
    await failed.getByText('The customer’s phone is unreachable.').waitFor();
    await screenshot(ana.page, 'ana-failed-reply');

    stack.fake.reset();
    await failed.getByRole('button', { name: 'Retry' }).click();
    await screen.messageIn(ana.page, reply, 'read').waitFor();
    // the failed one stays (it was sent and failed), the retry is a second message that got through
    expect(await screen.message(ana.page, reply).count()).toBe(2);
  });

  test("a contact renamed by ana is renamed on ben's screen; Alt+↓ moves to the next conversation", async () => {
    const body = `Contact test ${tag()}`;
    await customerWrites(body, [ana, ben], [ana]);
    await ana.page.getByRole('button', { name: 'Contact' }).click();
    const name = `Ferretería ${tag()}`;
    await ana.page.getByLabel('Name').fill(name);
    await ana.page.getByLabel('Notes').fill('Pays on Fridays');
    await ana.page.getByRole('button', { name: 'Save' }).click();
    await screen.contactPanel(ana.page).getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await screen.conversationLink(ben.page, name).waitFor();
    await ana.page.keyboard.press('Escape');
    await screen.contactPanel(ana.page).waitFor({ state: 'detached' });

    const before = new URL(ana.page.url()).pathname;
    await ana.page.locator('body').press('Alt+ArrowDown');
    await ana.page.waitForURL((url) => url.pathname !== before && /^\/w\/[^/]+\/inbox\/[0-9a-f-]{36}$/.test(url.pathname));
  });

  test('while live, the dashboard makes no polling requests', async () => {
    const page = ana.page;
    await screen.live(page).waitFor();
    const reads: string[] = [];
    const onRequest = (r: { url(): string; method(): string }) => {
      const url = new URL(r.url());
      if (r.method() === 'GET' && url.pathname.startsWith('/rest/v1/')) reads.push(url.pathname);
    };
    page.on('request', onRequest);
    // an absence can only be observed over a window: 10 s is two poll intervals past the grace period
    await page.waitForTimeout(10_000);
    page.off('request', onRequest);
    expect(await screen.live(page).count()).toBe(1);
    expect(reads).toEqual([]);
  });

  test('the stand-in restarts during a burst: both screens end with every message exactly once', async () => {
    const run = tag();
    const from = await customerWrites(`Burst ${run} #0.`, [ana, ben], [ana, ben]);

    // the connection indicator's history, to show the screens really lost the stand-in
    for (const s of [ana, ben])
      await screen.connection(s.page).evaluate((el: HTMLElement) => {
        const seen: string[] = [];
        (window as unknown as { __connection: string[] }).__connection = seen;
        new MutationObserver(() => seen.at(-1) !== el.dataset.status && seen.push(el.dataset.status!)).observe(el, { attributes: true, attributeFilter: ['data-status'] });
      });

    const total = 40;
    let restarted: Promise<void> | null = null;
    const statuses: Record<number, number[]> = {};
    // Twilio's retry for a webhook that failed: the same MessageSid again, until it is taken
    const deliver = async (i: number) => {
      const params = { to: ACME.number, from, body: `Burst ${run} #${i}.` };
      for (let attempt = 0; attempt < 60; attempt++) {
        const status = await stack.inbound(params).catch(() => 0);
        (statuses[i] ??= []).push(status);
        if (status === 200) return;
        await new Promise((r) => setTimeout(r, 250));
      }
      throw new Error(`message ${i} was never accepted: ${statuses[i]}`);
    };
    const sends: Array<Promise<void>> = [];
    for (let i = 1; i < total; i++) {
      sends.push(deliver(i));
      if (i === 15) restarted = stack.standin.restart();
      await new Promise((r) => setTimeout(r, 50));
    }
    await Promise.all([...sends, restarted]);

    for (const s of [ana, ben]) {
      const burst = screen.message(s.page, `Burst ${run} #`);
      await burst.nth(total - 1).waitFor({ timeout: 60_000 });
      await screen.live(s.page).waitFor({ timeout: 60_000 });
      const shown = (await burst.allTextContents()).map((t) => Number(new RegExp(`Burst ${run} #(\\d+)\\.`).exec(t)?.[1]));
      // every message of the burst, each exactly once (in arrival order, which retries may shuffle)
      expect([...shown].sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, i) => i));
      const ids = await screen.messages(s.page).evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.messageId));
      expect(new Set(ids).size).toBe(ids.length);
      const connection = await s.page.evaluate(() => (window as unknown as { __connection: string[] }).__connection);
      expect(connection).toContain('reconnecting');
      expect(connection.at(-1)).toBe('live');
    }
    await screenshot(ana.page, 'ana-after-restart-burst');
  }, 180_000);
});

describe('navigation', () => {
  test('a deep link survives login, and sign-out ends the session', async () => {
    const s = await signIn(browser, stack.appUrl, DEMO_USERS.ben.email, `/inbox/${DEMO_CONVERSATIONS.acmeLucia}`);
    try {
      // the old link lands in the conversation's own workspace, which the URL names
      expect(new URL(s.page.url()).pathname).toBe(`/w/${ACME.id}/inbox/${DEMO_CONVERSATIONS.acmeLucia}`);
      await screen.threadTitle(s.page).filter({ hasText: 'Lucía' }).waitFor();
      await screen.messages(s.page).first().waitFor();
      await screenshot(s.page, 'ben-deep-link');

      // another team's conversation is simply not there
      await s.page.goto(`/w/${ACME.id}/inbox/${DEMO_CONVERSATIONS.boltPriya}`);
      await s.page.getByText('does not exist or belongs to another team').waitFor();

      await screen.accountMenu(s.page).click();
      await s.page.getByRole('button', { name: 'Sign out' }).click();
      await s.page.waitForURL(/\/login/);
      await s.page.goto('/inbox');
      await s.page.waitForURL(/\/login\?next=%2Finbox/);
    } finally {
      await s.context.close();
    }
  });

  test('on a phone-sized screen the list and the thread take turns', async () => {
    const s = await signIn(browser, stack.appUrl, DEMO_USERS.ana.email, '/inbox', { width: 390, height: 844 });
    try {
      await screen.conversationList(s.page).getByRole('link').first().click();
      await screen.threadTitle(s.page).waitFor();
      expect(await screen.listPanel(s.page).isVisible()).toBe(false);
      await screenshot(s.page, 'phone-thread');
      await s.page.getByRole('link', { name: 'Back to conversations' }).click();
      await screen.listPanel(s.page).waitFor({ state: 'visible' });
    } finally {
      await s.context.close();
    }
  });

  test('the diagnostics page shows the live channel, the catch-ups it ran, and no polls', async () => {
    const s = await signIn(browser, stack.appUrl, DEMO_USERS.ana.email);
    try {
      await screen.accountMenu(s.page).click();
      await s.page.getByRole('link', { name: 'Diagnostics' }).click(); // client-side: the same live inbox
      await screen.diagnosticsFact(s.page, 'Connection').filter({ hasText: 'live' }).waitFor();
      await expect.poll(() => screen.diagnosticsFact(s.page, 'Catch-ups run').textContent()).toMatch(/^[1-9]\d*$/);
      expect(await screen.diagnosticsFact(s.page, 'Polls made').textContent()).toBe('0');
      await screenshot(s.page, 'diagnostics');
    } finally {
      await s.context.close();
    }
  });

  test('no page threw or logged an error (beyond the connection refusals while the stand-in restarted)', () => {
    const restartNoise = /ERR_CONNECTION_REFUSED|ERR_CONNECTION_RESET|ERR_EMPTY_RESPONSE|Failed to load resource: the server responded with a status of 50[23]/;
    for (const s of [ana, ben, cara]) expect(s.errors.filter((e) => !restartNoise.test(e))).toEqual([]);
  });
});
});
