// A distributor adopts Switchboard from nothing, in Chromium: the founder signs up, creates a workspace, connects a
// WhatsApp sender on their own Twilio account (the fake), invites a teammate, who opens the mailed invitation in a
// second browser, chooses a password and accepts; a customer writes and both see it live; then the teammate is removed and their screen says so at once.
import { randomInt } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FakeAccount } from '../../tools/twilio-fake/types.ts';
import { linksOf, mailsTo } from '../../standin/test/helpers/mail.ts';
import { randomNumber } from '../helpers/app.ts';
import { launchChromium, screenshot, startStack, type Stack } from './stack.ts';
import * as screen from './screen.ts';

let stack: Stack;
let browser: Browser;
let account: FakeAccount;
let number: string;
const contexts: BrowserContext[] = [];
beforeAll(async () => {
  stack = await startStack();
  browser = await launchChromium();
  number = randomNumber('+1555');
  account = stack.fake.addAccount({ friendlyName: 'Fresh Foods Twilio', numbers: [number], templates: [{ friendlyName: 'order_ready', body: 'Your order {{1}} is ready', status: 'approved' }] });
}, 180_000);
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await stack?.stop();
});

async function page(viewport = { width: 1280, height: 800 }): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ baseURL: stack.appUrl, viewport });
  contexts.push(context);
  const p = await context.newPage();
  const errors: string[] = [];
  p.on('pageerror', (e) => errors.push(e.message));
  // hydration mismatches and failed loads show up here; a 401 from Auth while signed out is the page asking, not an error
  p.on('console', (m) => m.type() === 'error' && !/status of 40[14]/.test(m.text()) && errors.push(`console: ${m.text()}`));
  return { page: p, errors };
}

async function signUp(p: Page, email: string) {
  await p.getByLabel('Email').fill(email);
  await p.getByLabel(/^Password/).fill('a-long-password');
  await p.getByRole('button', { name: 'Create account' }).click();
}

describe('from sign-up to a team inbox', () => {
  test('sign up, create a workspace, add a sender, invite, accept, receive, remove', async () => {
    const tag = randomInt(0, 1e9);
    const founderEmail = `founder-${tag}@fresh.test`;
    const teammateEmail = `teammate-${tag}@fresh.test`;

    // the founder signs up and lands on "Create your workspace"
    const founder = await page();
    await founder.page.goto('/signup');
    await signUp(founder.page, founderEmail);
    await founder.page.getByRole('heading', { name: 'Create your workspace' }).waitFor();
    await founder.page.getByLabel('Workspace name').fill('Fresh Foods');
    await founder.page.getByLabel(/^Your name/).fill('Fiona');
    await founder.page.getByRole('button', { name: 'Create workspace' }).click();

    // straight to the senders page, with the URLs to paste into Twilio
    await founder.page.getByRole('heading', { name: 'WhatsApp senders' }).waitFor();
    const workspaceId = /^\/w\/([0-9a-f-]{36})\/settings\/senders/.exec(new URL(founder.page.url()).pathname)![1]!;
    await founder.page.getByText(`${stack.appUrl}/api/twilio/inbound`).waitFor();
    await founder.page.getByText(`${stack.appUrl}/api/twilio/status`).waitFor();

    // a wrong token is caught before anything is saved; the right one is checked and saved
    const add = founder.page.getByRole('form', { name: 'Add a sender' });
    await add.getByLabel(/^WhatsApp number/).fill(number);
    await add.getByLabel('Twilio Account SID').fill(account.sid);
    await add.getByLabel(/^Auth Token/).fill('not-the-token');
    await add.getByRole('button', { name: 'Check and add sender' }).click();
    await add.getByRole('alert').filter({ hasText: /did not accept/ }).waitFor();
    await add.getByLabel(/^Auth Token/).fill(account.authToken);
    await add.getByRole('button', { name: 'Check and add sender' }).click();
    await founder.page.getByRole('list', { name: 'Senders' }).getByText(`WhatsApp ${number}`).waitFor();
    await screenshot(founder.page, 'workspace-senders');

    // its templates came from Twilio
    await founder.page.getByRole('link', { name: 'Templates' }).click();
    await founder.page.getByRole('list', { name: 'Templates' }).getByText('order_ready').waitFor();

    // the founder invites a teammate and copies the link
    await founder.page.getByRole('link', { name: 'Team' }).click();
    const invite = founder.page.getByRole('form', { name: 'Invite a teammate' });
    await invite.getByLabel('Email').fill(teammateEmail);
    await invite.getByRole('button', { name: 'Create invitation' }).click();
    const link = await invite.getByLabel('Invitation link').inputValue();
    expect(link).toMatch(new RegExp(`^${stack.appUrl}/invite/[\\w-]{43}$`));
    await founder.page.getByRole('list', { name: 'Open invitations' }).getByText(teammateEmail).waitFor();

    // Supabase Auth mailed the teammate an invitation: its link (the project's template) opens in another browser,
    // signs them in with a click, they choose a password, see what the invitation is for, and accept
    await invite.getByText(`Supabase Auth mailed an invitation to ${teammateEmail}`).waitFor();
    const [mail] = await mailsTo(teammateEmail, stack.standin.url);
    const mailed = linksOf(mail!).find((u) => u.pathname === '/auth/confirm');
    expect(mailed?.origin).toBe(stack.appUrl);
    expect(new URL(mailed!.searchParams.get('next')!).toString()).toBe(link);
    const teammate = await page({ width: 390, height: 844 });
    await teammate.page.goto(mailed!.toString());
    await teammate.page.getByText('You were invited to Switchboard').waitFor();
    await teammate.page.getByRole('button', { name: 'Continue' }).click();
    await teammate.page.waitForURL((u) => u.pathname === '/account/password');
    await teammate.page.getByLabel(/^New password/).fill('a-long-password');
    await teammate.page.getByLabel('The same again').fill('a-long-password');
    await teammate.page.getByRole('button', { name: 'Save and continue' }).click();
    await teammate.page.waitForURL((u) => u.pathname.startsWith('/invite/'));
    await teammate.page.getByText(`to join Fresh Foods as an agent`).waitFor();
    await teammate.page.getByRole('form', { name: 'Accept the invitation' }).getByLabel(/^Your name/).fill('Theo');
    await teammate.page.getByRole('button', { name: 'Accept and open the inbox' }).click();
    await teammate.page.waitForURL((u) => u.pathname === `/w/${workspaceId}/inbox`);
    await screen.live(teammate.page).waitFor({ timeout: 30_000 });

    // the founder opens the inbox too; a customer writes to the new sender, signed with that account's token
    await founder.page.goto(`/w/${workspaceId}/inbox`);
    await screen.live(founder.page).waitFor({ timeout: 30_000 });
    const body = `Hello Fresh Foods ${tag}`;
    expect(await stack.inbound({ to: number, from: randomNumber('+1555'), body, profileName: 'Carmen', account })).toBe(200);
    await screen.conversationLink(founder.page, body).waitFor();
    await screen.conversationLink(teammate.page, body).waitFor();
    // signed with another account's token (the demo one), the same message is refused
    expect(await stack.inbound({ to: number, from: randomNumber('+1555'), body: 'forged' })).toBe(403);

    // the founder removes the teammate: the teammate's screen says so at once and shows nothing more
    await founder.page.goto(`/w/${workspaceId}/settings/members`);
    founder.page.once('dialog', (d) => void d.accept());
    await founder.page.getByRole('button', { name: 'Remove Theo' }).click();
    await founder.page.getByRole('list', { name: 'Members' }).getByRole('listitem', { name: 'Theo' }).waitFor({ state: 'detached' });
    await teammate.page.getByRole('heading', { name: 'You no longer have access to Fresh Foods' }).waitFor();
    expect(await screen.conversationList(teammate.page).count()).toBe(0);
    await screenshot(teammate.page, 'workspace-removed');
    // and a reload shows nothing of it either: with no workspace left, they are offered to create one
    await teammate.page.goto(`/w/${workspaceId}/inbox`);
    await teammate.page.getByRole('heading', { name: 'Create your workspace' }).waitFor();
    expect(new URL(teammate.page.url()).pathname).toBe('/inbox');

    expect(founder.errors).toEqual([]);
    expect(teammate.errors).toEqual([]);
  });
});
