// Invitations by mail, through the real server actions and Supabase Auth's mail (the stand-in's outbox): a new
// address gets Auth's invitation, is signed in by its link, chooses a password and joins; an existing account gets
// a sign-in link to the invitation; a link works once, leads only into this app, and nobody but an admin of the
// workspace can make us send mail.
import { afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { linksOf, mailsTo, type OutboxMail } from '../../standin/test/helpers/mail.ts';
import { createTestDistributor } from '../helpers/app.ts';
import { anonClient, createTestUser, serviceClient } from '../helpers/clients.ts';
import { form, jar, redirectOf } from '../helpers/server-actions.ts';

vi.mock('next/headers', async () => (await import('../helpers/server-actions.ts')).nextHeaders);
vi.mock('next/cache', () => ({ revalidatePath: () => {} }));

const auth = await import('../../lib/actions/auth.ts');
const ws = await import('../../lib/actions/workspace.ts');

let counter = 0;
const freshEmail = (p: string) => `${p}-${process.pid}-${Date.now().toString(36)}-${counter++}@example.test`;

async function as(user: { email: string; password: string }) {
  jar.clear();
  const { location } = await redirectOf(() => auth.signIn({}, form({ email: user.email, password: user.password, next: '/inbox' })));
  expect(location).toBe('/inbox');
}

/** The /auth/confirm link of the newest mail to `to`, as the template writes it. */
async function confirmLinkTo(to: string): Promise<{ mail: OutboxMail; tokenHash: string; type: string; next: string }> {
  const [mail] = await mailsTo(to);
  expect(mail, `no mail to ${to}`).toBeDefined();
  const link = linksOf(mail!).find((u) => u.pathname === '/auth/confirm');
  expect(link, mail!.html).toBeDefined();
  return { mail: mail!, tokenHash: link!.searchParams.get('token_hash')!, type: link!.searchParams.get('type')!, next: link!.searchParams.get('next')! };
}

let workspaceId: string;
let owner: { email: string; password: string };
beforeAll(async () => {
  const d = await createTestDistributor('Mail Co');
  workspaceId = d.id;
  owner = { email: d.member.email, password: d.member.password };
});
afterEach(() => jar.clear());

describe('an invitation to an address with no account', () => {
  test('is mailed; its link signs the invitee in, they choose a password, and join', async () => {
    const email = freshEmail('newcomer');
    await as(owner);
    const invited = await ws.inviteMember({}, form({ workspace_id: workspaceId, email, role: 'agent' }));
    expect(invited).toMatchObject({ ok: `Invitation mailed to ${email}.`, mail: { mailed: true, kind: 'invite' } });
    const token = /\/invite\/([\w-]+)$/.exec(invited.link!)![1]!;

    const { mail, tokenHash, type, next } = await confirmLinkTo(email);
    expect(mail.subject).toBe('You are invited to a team inbox on Switchboard');
    expect(type).toBe('invite');
    expect(next).toBe(`https://switchboard.test/invite/${token}`);

    jar.clear(); // the invitee's own browser
    const confirmed = await redirectOf(() => auth.confirmLink({}, form({ token_hash: tokenHash, type, next })));
    expect(confirmed.location).toBe(`/account/password?next=${encodeURIComponent(`/invite/${token}`)}`);
    expect(jar.size).toBeGreaterThan(0);

    expect(await auth.setPassword({}, form({ password: 'new-pass-1', confirm: 'new-pass-2', next: `/invite/${token}` }))).toEqual({ error: 'The two passwords differ.' });
    const saved = await redirectOf(() => auth.setPassword({}, form({ password: 'new-pass-1', confirm: 'new-pass-1', next: `/invite/${token}` })));
    expect(saved.location).toBe(`/invite/${token}`);
    const joined = await redirectOf(() => ws.acceptInvitation({}, form({ token, display_name: 'Nia' })));
    expect(joined.location).toBe(`/w/${workspaceId}/inbox`);

    // the password is theirs from now on
    const signIn = await anonClient().auth.signInWithPassword({ email, password: 'new-pass-1' });
    expect(signIn.error).toBeNull();
    // and the mailed link is spent
    jar.clear();
    expect(await auth.confirmLink({}, form({ token_hash: tokenHash, type, next }))).toEqual({ error: 'This link has expired or was used already. Ask for a new one.' });
    expect(jar.size).toBe(0);
  });
});

describe('an invitation to an address that has an account', () => {
  test('is mailed as a sign-in link that leads to the invitation, and creates no second account', async () => {
    const member = await createTestUser('existing');
    await as(owner);
    const invited = await ws.inviteMember({}, form({ workspace_id: workspaceId, email: member.email, role: 'admin' }));
    expect(invited).toMatchObject({ mail: { mailed: true, kind: 'sign-in link' } });
    const token = /\/invite\/([\w-]+)$/.exec(invited.link!)![1]!;

    const { mail, tokenHash, type, next } = await confirmLinkTo(member.email);
    expect(mail.subject).toBe('Your Switchboard sign-in link');
    expect(type).toBe('email');
    jar.clear();
    const confirmed = await redirectOf(() => auth.confirmLink({}, form({ token_hash: tokenHash, type, next })));
    expect(confirmed.location).toBe(`/invite/${token}`);
    const joined = await redirectOf(() => ws.acceptInvitation({}, form({ token, display_name: 'Eli' })));
    expect(joined.location).toBe(`/w/${workspaceId}/inbox`);
    const { data } = await serviceClient().from('distributor_members').select('role').eq('distributor_id', workspaceId).eq('user_id', member.id).single();
    expect(data).toEqual({ role: 'admin' });
  });
});

describe('mailed links', () => {
  test('lead only into this app, whatever their `next` says', async () => {
    const member = await createTestUser('redirect');
    for (const next of ['https://evil.example/steal', '//evil.example/x', 'javascript:alert(1)', '/\\evil.example']) {
      await anonClient().auth.signInWithOtp({ email: member.email, options: { shouldCreateUser: false } });
      const { tokenHash } = await confirmLinkTo(member.email);
      jar.clear();
      const confirmed = await redirectOf(() => auth.confirmLink({}, form({ token_hash: tokenHash, type: 'email', next })));
      expect(confirmed.location, next).toBe('/inbox');
    }
  });

  test('a malformed or unknown link is refused with a message and no session', async () => {
    for (const fields of [
      { token_hash: '', type: 'email' },
      { token_hash: 'a'.repeat(56), type: 'bogus' },
      { token_hash: "x' or 1=1 --", type: 'email' },
      { token_hash: 'f'.repeat(56), type: 'invite' },
    ]) {
      jar.clear();
      const { result, location } = await redirectOf(() => auth.confirmLink({}, form({ ...fields, next: '/inbox' })));
      expect(location, JSON.stringify(fields)).toBeNull();
      expect(result?.error, JSON.stringify(fields)).toMatch(/incomplete|expired/);
      expect(jar.size).toBe(0);
    }
  });

  test('setting a password needs a session', async () => {
    jar.clear();
    const { location } = await redirectOf(() => auth.setPassword({}, form({ password: 'whatever-1', confirm: 'whatever-1', next: '/inbox' })));
    expect(location).toBe('/login');
  });
});

describe('a forgotten password', () => {
  test('is reset through a mailed link; an unknown address gets the same answer and no mail', async () => {
    const member = await createTestUser('forgetful');
    const asked = await auth.requestPasswordReset({}, form({ email: member.email }));
    expect(asked.ok).toMatch(/^If an account has the address/);
    const unknown = freshEmail('nobody');
    expect((await auth.requestPasswordReset({}, form({ email: unknown }))).ok).toBe(asked.ok!.replace(member.email, unknown));
    expect(await mailsTo(unknown)).toHaveLength(0);

    const { mail, tokenHash, type, next } = await confirmLinkTo(member.email);
    expect(mail.subject).toBe('Choose a new Switchboard password');
    expect(type).toBe('recovery');
    jar.clear();
    const confirmed = await redirectOf(() => auth.confirmLink({}, form({ token_hash: tokenHash, type, next })));
    expect(confirmed.location).toBe(`/account/password?next=${encodeURIComponent('/inbox')}`);
    const saved = await redirectOf(() => auth.setPassword({}, form({ password: 'brand-new-1', confirm: 'brand-new-1', next: '/inbox' })));
    expect(saved.location).toBe('/inbox');
    expect((await anonClient().auth.signInWithPassword({ email: member.email, password: 'brand-new-1' })).error).toBeNull();
    expect((await anonClient().auth.signInWithPassword({ email: member.email, password: member.password })).error).not.toBeNull();
  });
});

describe('who can make us send mail', () => {
  test('an agent of the workspace, or an admin of another, cannot: nothing is mailed', async () => {
    const agent = await createTestUser('agent');
    await serviceClient().from('distributor_members').insert({ distributor_id: workspaceId, user_id: agent.id, role: 'agent', display_name: 'Agent' });
    const other = await createTestDistributor('Other Co');
    const target = freshEmail('target');
    for (const who of [agent, { email: other.member.email, password: other.member.password }]) {
      await as(who);
      expect(await ws.inviteMember({}, form({ workspace_id: workspaceId, email: target, role: 'agent' }))).toMatchObject({ error: 'Only admins can invite.' });
    }
    expect(await mailsTo(target)).toHaveLength(0);
  });
});
