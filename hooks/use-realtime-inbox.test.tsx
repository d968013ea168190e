import { randomUUID } from 'node:crypto';
import { StrictMode, type ReactNode } from 'react';
import { act, renderHook, waitFor } from '@testing-library/react';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { afterAll, describe, expect, test } from 'vitest';
import { serviceClient } from '../tests/helpers/clients.ts';
import { createTestDistributor, randomNumber } from '../tests/helpers/app.ts';
import { startStandinProcess, type StandinProcess } from '../tests/helpers/own-standin.ts';
import { LOCAL_PUBLISHABLE_KEY, LOCAL_SECRET_KEY } from '../standin/src/keys.ts';
import { selectThread } from '../lib/realtime/inbox-reducer.ts';
import type { BrowserClient } from '../lib/supabase/client.ts';
import { useRealtimeInbox } from './use-realtime-inbox.ts';

/** An inbound message through the same RPC the webhook uses. */
async function inbound(svc: SupabaseClient, to: string, from: string, body: string) {
  const { data, error } = await svc.rpc('ingest_inbound_message', {
    p: { message_sid: `SM${randomUUID().replace(/-/g, '')}`, to: `whatsapp:${to}`, from: `whatsapp:${from}`, body },
  });
  if (error) throw new Error(error.message);
  return data as { message_id: string; conversation_id: string };
}

const clients: SupabaseClient[] = [];
afterAll(async () => {
  for (const c of clients) {
    await c.removeAllChannels();
    c.realtime.disconnect();
  }
});

describe('live', () => {
  test('an inbound message appears once, in its conversation, with the conversation moved up', async () => {
    const d = await createTestDistributor('Hook Co');
    clients.push(d.member.client);
    const supabase = d.member.client as unknown as BrowserClient;
    const { result } = renderHook(() => useRealtimeInbox({ supabase, distributorId: d.id, userId: d.member.id }));
    await waitFor(() => expect(result.current.status).toBe('live'), { timeout: 15_000 });
    const customer = randomNumber('+1555');
    const first = await inbound(serviceClient(), d.number, customer, 'hola');
    const second = await inbound(serviceClient(), d.number, customer, '¿tienen stock?');
    await waitFor(() => expect(selectThread(result.current.state, first.conversation_id).map((m) => m.body)).toEqual(['hola', '¿tienen stock?']));
    expect(result.current.state.conversations[first.conversation_id]).toMatchObject({ inbound_count: 2, last_message_preview: '¿tienen stock?' });
    await waitFor(() => expect(result.current.state.contacts[result.current.state.conversations[first.conversation_id]!.contact_id]).toMatchObject({ phone: customer }));
    expect(second.conversation_id).toBe(first.conversation_id);
    await act(() => result.current.actions.markRead(first.conversation_id));
    expect(result.current.state.reads[first.conversation_id]).toMatchObject({ read_inbound_count: 2 });
  });

  test('under StrictMode (mount, unmount, mount) there is one live channel and each message arrives once', async () => {
    const d = await createTestDistributor('Strict Co');
    clients.push(d.member.client);
    const supabase = d.member.client as unknown as BrowserClient;
    const wrapper = ({ children }: { children: ReactNode }) => <StrictMode>{children}</StrictMode>;
    const { result } = renderHook(() => useRealtimeInbox({ supabase, distributorId: d.id, userId: d.member.id }), { wrapper });
    await waitFor(() => expect(result.current.status).toBe('live'), { timeout: 15_000 });
    const inboxChannels = () => supabase.getChannels().filter((c) => c.topic.startsWith(`realtime:inbox:${d.id}`));
    await waitFor(() => expect(inboxChannels()).toHaveLength(1));
    const { conversation_id } = await inbound(serviceClient(), d.number, randomNumber('+1555'), 'once');
    await waitFor(() => expect(selectThread(result.current.state, conversation_id)).toHaveLength(1));
    expect(result.current.readDiagnostics().events).toBeGreaterThanOrEqual(2); // the message and its conversation
  });
});

describe('the status says what can arrive', () => {
  test('offline as soon as the browser is, though the channel still looks joined; catches up when it is back', async () => {
    const d = await createTestDistributor('Offline Co');
    clients.push(d.member.client);
    const supabase = d.member.client as unknown as BrowserClient;
    const { result } = renderHook(() => useRealtimeInbox({ supabase, distributorId: d.id, userId: d.member.id }));
    await waitFor(() => expect(result.current.status).toBe('live'), { timeout: 15_000 });
    const onLine = Object.getOwnPropertyDescriptor(Navigator.prototype, 'onLine');
    try {
      Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => false });
      act(() => void window.dispatchEvent(new Event('offline')));
      expect(result.current.status).toBe('offline');
      expect(supabase.getChannels().some((c) => c.topic.startsWith(`realtime:inbox:${d.id}`) && c.state === 'joined')).toBe(true);
    } finally {
      delete (navigator as { onLine?: boolean }).onLine;
      if (onLine) Object.defineProperty(Navigator.prototype, 'onLine', onLine);
    }
    act(() => void window.dispatchEvent(new Event('online')));
    await waitFor(() => expect(result.current.status).toBe('live'));
  });
});

describe('gaps', () => {
  let own: StandinProcess | undefined;
  afterAll(async () => {
    await own?.destroy();
  });

  /** A member of a distributor on the test's own stand-in, signed in with a client of their own. */
  async function setup(standinUrl: string, label: string) {
    const svc = createClient(standinUrl, LOCAL_SECRET_KEY, { auth: { persistSession: false } });
    const number = randomNumber('+1888');
    const email = `${label.toLowerCase().replace(/\W+/g, "-")}-${randomUUID()}@example.test`;
    const { data: user, error: userError } = await svc.auth.admin.createUser({ email, password: 'pass1234', email_confirm: true });
    const { data: dist, error: distError } = await svc.from('distributors').insert({ name: label }).select('id').single();
    if (userError || distError) throw new Error(`setup: ${userError?.message ?? distError?.message}`);
    await svc.from('distributor_members').insert({ distributor_id: dist!.id, user_id: user.user!.id, display_name: label });
    await svc.from('whatsapp_senders').insert({ distributor_id: dist!.id, label, whatsapp_number: number });
    const member = createClient(standinUrl, LOCAL_PUBLISHABLE_KEY, { auth: { persistSession: false } });
    await member.auth.signInWithPassword({ email, password: 'pass1234' });
    clients.push(member, svc);
    return { svc, member, number, distributorId: dist!.id as string, userId: user.user!.id };
  }

  test('a stand-in restart mid-burst: after catch-up every message is there exactly once', async () => {
    own ??= await startStandinProcess(); // one per describe, whichever test runs first (tests are shuffled)
    const s = await setup(own.url, 'Burst Co');
    const { result } = renderHook(() =>
      useRealtimeInbox({ supabase: s.member as unknown as BrowserClient, distributorId: s.distributorId, userId: s.userId, graceMs: 500, pollIntervalMs: 300 }),
    );
    await waitFor(() => expect(result.current.status).toBe('live'), { timeout: 15_000 });
    const customer = randomNumber('+1555');
    const insert = (i: number) => inbound(s.svc, s.number, customer, `burst ${i}`);
    for (let i = 0; i < 30; i++) await insert(i);
    await own.restart(); // the socket drops; writes continue on the restarted stand-in
    for (let i = 30; i < 60; i++) await insert(i);
    await waitFor(
      () => {
        const conversation = Object.values(result.current.state.conversations)[0];
        expect(conversation).toBeDefined();
        expect(selectThread(result.current.state, conversation!.id)).toHaveLength(60);
      },
      { timeout: 30_000 },
    );
    const thread = selectThread(result.current.state, Object.values(result.current.state.conversations)[0]!.id);
    expect(thread.map((m) => m.body)).toEqual(Array.from({ length: 60 }, (_, i) => `burst ${i}`));
    expect(new Set(thread.map((m) => m.id)).size).toBe(60);
    await waitFor(() => expect(result.current.status).toBe('live'), { timeout: 30_000 });
    expect(result.current.readDiagnostics().catchUps.some((c) => c.reason === 'subscribed' && !c.error)).toBe(true);
  }, 90_000);

  test('polling starts only after the channel has been down past the grace period, and stops when it is back', async () => {
    own ??= await startStandinProcess();
    const s = await setup(own.url, 'Poll Co');
    const statuses: string[] = [];
    let renders = 0;
    const { result } = renderHook(() => {
      renders++;
      const inbox = useRealtimeInbox({ supabase: s.member as unknown as BrowserClient, distributorId: s.distributorId, userId: s.userId, graceMs: 800, pollIntervalMs: 250 });
      if (statuses.at(-1) !== inbox.status) statuses.push(inbox.status);
      return inbox;
    });
    await waitFor(() => expect(result.current.status).toBe('live'), { timeout: 15_000 });
    const polls = () => result.current.readDiagnostics().polls;
    expect(polls()).toBe(0);

    await own.stop();
    await waitFor(() => expect(result.current.status).toBe('reconnecting'));
    expect(polls()).toBe(0); // within the grace period: no polling yet
    await waitFor(() => expect(result.current.status).toBe('polling'), { timeout: 5_000 });
    await waitFor(() => expect(polls()).toBeGreaterThanOrEqual(2));
    // while down, the hook renders for what changes (polls, reconnect attempts), not on a clock
    const rendersWhileDown = renders;
    await new Promise((r) => setTimeout(r, 1_000));
    expect(renders - rendersWhileDown).toBeLessThan(30);

    await own.restart();
    await waitFor(() => expect(result.current.status).toBe('live'), { timeout: 30_000 });
    const atLive = polls();
    // live again: over ten poll intervals, not one poll
    await new Promise((r) => setTimeout(r, 2_500));
    expect(polls()).toBe(atLive);
    expect(statuses).toEqual(['connecting', 'live', 'reconnecting', 'polling', 'live']);
  }, 90_000);
});
