// The workspace and sender server actions, called as Next calls them (the request's cookies through next/headers,
// redirect() as a thrown NEXT_REDIRECT): each refuses whoever the database says may not, whatever the form claims,
// and nothing is stored with our credentials for a caller who is not an admin of that workspace.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { startTwilioFake, type TwilioFake } from '../../tools/twilio-fake/index.ts';
import type { FakeAccount } from '../../tools/twilio-fake/types.ts';
import { createTestDistributor, randomNumber } from '../helpers/app.ts';
import { createTestUser, serviceClient } from '../helpers/clients.ts';
import { form, jar, redirectOf } from '../helpers/server-actions.ts';

vi.mock('next/headers', async () => (await import('../helpers/server-actions.ts')).nextHeaders);
vi.mock('next/cache', () => ({ revalidatePath: () => {} }));

const { signIn } = await import('../../lib/actions/auth.ts');
const ws = await import('../../lib/actions/workspace.ts');
const senders = await import('../../lib/actions/senders.ts');

type User = Awaited<ReturnType<typeof createTestUser>>;
/** The jar holds `user`'s session, signed in through the real action. */
async function as(user: { email: string; password: string }) {
  jar.clear();
  const { location } = await redirectOf(() => signIn({}, form({ email: user.email, password: user.password, next: '/inbox' })));
  expect(location).toBe('/inbox');
}

let fake: TwilioFake;
let account: FakeAccount;
let number: string;
beforeAll(async () => {
  fake = await startTwilioFake();
  process.env.TWILIO_API_BASE_URL = fake.url;
  number = randomNumber('+1666');
  account = fake.addAccount({ friendlyName: 'Strict Co', numbers: [number], templates: [{ friendlyName: 'order_ready', body: 'Your order {{1}} is ready', status: 'approved' }, { friendlyName: 'promo', body: 'Sale!', status: 'rejected', rejectionReason: 'promotional' }] });
});
afterAll(() => fake?.close());
beforeEach(() => jar.clear());

describe('workspaces and invitations', () => {
  // tests run in any order: each has a workspace of its own
  let owner: User;
  let workspaceId: string;
  beforeAll(async () => {
    const d = await createTestDistributor('Invite Co');
    owner = { id: d.member.id, email: d.member.email, password: d.member.password, client: d.member.client };
    workspaceId = d.id;
  });

  test('a signed-in user with no workspace creates one and owns it', async () => {
    const founder = await createTestUser('founder');
    await as(founder);
    const { location } = await redirectOf(() => ws.createWorkspace({}, form({ name: 'Founder Foods', display_name: 'Fran' })));
    const m = /^\/w\/([0-9a-f-]{36})\/settings\/senders\?welcome=1$/.exec(location ?? '');
    expect(m, String(location)).not.toBeNull();
    expect((await founder.client.rpc('workspace_role', { p_distributor_id: m![1]! })).data).toBe('owner');
  });

  test('an invitation works once, for the invited address only', async () => {
    const invitee = await createTestUser('invitee');
    const stranger = await createTestUser('stranger');
    await as(owner);
    const invited = await ws.inviteMember({}, form({ workspace_id: workspaceId, email: invitee.email, role: 'agent' }));
    expect(invited.error).toBeUndefined();
    const token = /\/invite\/([\w-]{43})$/.exec(invited.link ?? '')?.[1];
    expect(token, invited.link).toBeDefined();

    await as(stranger);
    const wrong = await redirectOf(() => ws.acceptInvitation({}, form({ token: token!, display_name: 'Eve' })));
    expect(wrong.result).toMatchObject({ error: 'This invitation is for another email address.' });
    // a stranger cannot invite into the workspace either
    expect(await ws.inviteMember({}, form({ workspace_id: workspaceId, email: stranger.email, role: 'admin' }))).toMatchObject({ error: 'Only admins can invite.' });

    await as(invitee);
    const joined = await redirectOf(() => ws.acceptInvitation({}, form({ token: token!, display_name: 'Ivy' })));
    expect(joined.location).toBe(`/w/${workspaceId}/inbox`);
    const again = await redirectOf(() => ws.acceptInvitation({}, form({ token: token!, display_name: 'Ivy' })));
    expect(again.result).toMatchObject({ error: 'This invitation has already been used.' });
    // an agent manages nobody
    expect(await ws.inviteMember({}, form({ workspace_id: workspaceId, email: 'x@example.test', role: 'agent' }))).toMatchObject({ error: 'Only admins can invite.' });
    expect(await ws.removeMember({}, form({ workspace_id: workspaceId, user_id: owner.id }))).toMatchObject({ error: 'Only admins can remove members.' });
  });

  test('a forged form cannot rename or delete another workspace', async () => {
    const other = await createTestDistributor('Not Yours');
    await as(owner);
    expect(await ws.renameWorkspace({}, form({ workspace_id: other.id, name: 'Mine now' }))).toMatchObject({ error: 'Only admins can rename the workspace.' });
    expect(await ws.deleteWorkspace({}, form({ workspace_id: other.id, confirm_name: 'Not Yours' }))).toMatchObject({ error: 'Only the owner can delete the workspace.' });
    expect((await serviceClient().from('distributors').select('name').eq('id', other.id).single()).data).toEqual({ name: 'Not Yours' });
  });
});

describe('senders', () => {
  let d: Awaited<ReturnType<typeof createTestDistributor>>;
  let owner: User;
  let agent: User;
  const senderForm = (over: Record<string, string> = {}) =>
    form({ workspace_id: d.id, label: 'Main line', whatsapp_number: number, account_sid: account.sid, auth_token: account.authToken, ...over });
  const sendersOf = async (id: string) => (await serviceClient().from('whatsapp_senders').select('id, whatsapp_number, account_sid').eq('distributor_id', id)).data!;

  beforeAll(async () => {
    d = await createTestDistributor('Sender Co');
    owner = { id: d.member.id, email: d.member.email, password: d.member.password, client: d.member.client };
    agent = await createTestUser('agent');
    await serviceClient().from('distributor_members').insert({ distributor_id: d.id, user_id: agent.id, role: 'agent', display_name: 'Agent' });
  });

  test('an agent, or an admin of another workspace, cannot add a sender', async () => {
    const fresh = randomNumber('+1666');
    fake.addNumber(account.sid, fresh);
    await as(agent);
    expect(await senders.saveSender({}, senderForm({ whatsapp_number: fresh }))).toMatchObject({ error: 'Only admins can manage WhatsApp senders.' });
    const stranger = await createTestDistributor('Stranger Co');
    await as({ email: stranger.member.email, password: stranger.member.password });
    expect(await senders.saveSender({}, senderForm({ whatsapp_number: fresh }))).toMatchObject({ error: 'Only admins can manage WhatsApp senders.' });
    expect((await sendersOf(d.id)).map((s) => s.whatsapp_number)).not.toContain(fresh);
  });

  test('only an admin of the sender\'s workspace can reconcile it with Twilio; nothing is swept for anyone else', async () => {
    // manual sweeps only: another file's cron sweep may sweep this sender too, meanwhile
    const sweepsOf = async () => (await serviceClient().from('twilio_sweeps').select('id').eq('sender_id', d.senderId).eq('reason', 'manual')).data!.length;
    const before = await sweepsOf();
    await as(agent);
    expect(await senders.reconcileSender({}, form({ workspace_id: d.id, sender_id: d.senderId }))).toMatchObject({ error: 'Only admins can reconcile WhatsApp senders.' });
    const stranger = await createTestDistributor('Sweep Stranger');
    await as({ email: stranger.member.email, password: stranger.member.password });
    // an admin of another workspace, naming this sender under their own workspace: not theirs
    expect(await senders.reconcileSender({}, form({ workspace_id: stranger.id, sender_id: d.senderId }))).toMatchObject({ error: 'This sender has no Twilio credentials yet: edit it and enter them.' });
    expect(await sweepsOf()).toBe(before);
    await as(owner);
    const done = await senders.reconcileSender({}, form({ workspace_id: d.id, sender_id: d.senderId }));
    expect(done.ok ?? done.error).toMatch(/^Reconciled: |^Twilio's log could not be read/);
    expect(await sweepsOf()).toBe(before + 1);
  });

  test('credentials Twilio refuses are not stored, and the answer says which part is wrong', async () => {
    await as(owner);
    const fresh = randomNumber('+1666');
    fake.addNumber(account.sid, fresh);
    const wrongToken = await senders.saveSender({}, senderForm({ whatsapp_number: fresh, auth_token: 'not-the-token' }));
    expect(wrongToken).toMatchObject({ field: 'auth_token' });
    expect(wrongToken.error).not.toContain('not-the-token');
    const notTheirs = await senders.saveSender({}, senderForm({ whatsapp_number: randomNumber('+1666') }));
    expect(notTheirs).toMatchObject({ field: 'number' });
    expect((await sendersOf(d.id)).map((s) => s.whatsapp_number)).not.toContain(fresh);
  });

  test("an admin adds a checked sender: its token is in Vault, members never see where, and the account's templates come with it", async () => {
    await as(owner);
    const saved = await senders.saveSender({}, senderForm());
    expect(saved.error).toBeUndefined();
    const row = (await sendersOf(d.id)).find((s) => s.whatsapp_number === number)!;
    expect(row.account_sid).toBe(account.sid);
    const creds = await serviceClient().rpc('whatsapp_sender_credentials', { p_sender_id: row.id });
    expect((creds.data as { auth_token: string }[])[0]!.auth_token).toBe(account.authToken);
    expect((await agent.client.from('whatsapp_senders').select('auth_token_secret_id').eq('id', row.id)).error?.code).toBe('42501');
    const templates = (await agent.client.from('message_templates').select('name, approval_status, approved').eq('distributor_id', d.id).eq('account_sid', account.sid).order('name')).data;
    expect(templates).toEqual([
      { name: 'order_ready', approval_status: 'approved', approved: true },
      { name: 'promo', approval_status: 'rejected', approved: false },
    ]);
    // the same number on the same account cannot be claimed by a second workspace
    const rival = await createTestDistributor('Rival Co');
    await as({ email: rival.member.email, password: rival.member.password });
    expect(await senders.saveSender({}, form({ workspace_id: rival.id, label: 'Mine', whatsapp_number: number, account_sid: account.sid, auth_token: account.authToken }))).toMatchObject({
      error: 'This number is already a sender (of this or another workspace) on that Twilio account.',
    });
    // nor re-checked or read through another workspace's form
    expect(await senders.recheckSender({}, form({ workspace_id: rival.id, sender_id: row.id }))).toMatchObject({ error: 'This sender has no Twilio credentials yet: edit it and enter them.' });
    expect(await senders.recheckSender({}, form({ workspace_id: d.id, sender_id: row.id }))).toMatchObject({ error: 'Only admins can check WhatsApp senders.' });
  });

  test('Check records a token that stopped working', async () => {
    await as(owner);
    const second = randomNumber('+1666');
    fake.addNumber(account.sid, second);
    expect((await senders.saveSender({}, senderForm({ label: 'Second line', whatsapp_number: second }))).error).toBeUndefined();
    const row = (await sendersOf(d.id)).find((s) => s.whatsapp_number === second)!;
    expect((await senders.recheckSender({}, form({ workspace_id: d.id, sender_id: row.id }))).ok).toMatch(/Connected/);
    const rotated = account.authToken;
    account.authToken = `rotated-${randomUUID()}`; // rotated in the Twilio console
    try {
      expect(await senders.recheckSender({}, form({ workspace_id: d.id, sender_id: row.id }))).toMatchObject({ field: 'auth_token' });
      const recorded = (await serviceClient().from('whatsapp_senders').select('check_ok, check_message').eq('id', row.id).single()).data!;
      expect(recorded.check_ok).toBe(false);
      expect(recorded.check_message).not.toContain(rotated);
    } finally {
      account.authToken = rotated;
    }
  });
});
