import type { SupabaseClient } from '@supabase/supabase-js';
import { expect, test } from 'vitest';
import { DiagnosticsRecorder } from './diagnostics';
import { catchUpActions, catchUpInbox } from './inbox-catch-up';
import type { CatchUp } from './inbox-queries';
import type { InboxAction } from './inbox-reducer';
import type { Database } from '@/types/database';

const result = (complete: { messages: boolean; conversations: boolean }): CatchUp => ({
  messages: { rows: [], complete: complete.messages },
  conversations: { rows: [], complete: complete.conversations },
  reads: [],
  contacts: [],
});

test('a catch-up applies contacts, conversations, messages, then reads; a capped one also resets loaded history', () => {
  expect(catchUpActions(result({ messages: true, conversations: true })).map((a) => a.type)).toEqual(['contacts', 'conversations', 'messages', 'reads']);
  expect(catchUpActions(result({ messages: false, conversations: true })).map((a) => a.type)).toEqual(['contacts', 'conversations', 'messages', 'historyReset', 'reads']);
  expect(catchUpActions(result({ messages: true, conversations: false })).map((a) => a.type)).toContain('historyReset');
});

test('a failed catch-up never throws: it dispatches nothing and is recorded with its reason and error', async () => {
  // every query builds as usual and fails when awaited, as PostgREST's builder does on a lost connection
  const failing: object = new Proxy(() => {}, {
    get: (_, key) => (key === 'then' ? (_ok: unknown, fail: (e: Error) => void) => fail(new Error('network down')) : () => failing),
  });
  const down = { from: () => failing } as unknown as SupabaseClient<Database>;
  const actions: InboxAction[] = [];
  const diagnostics = new DiagnosticsRecorder();
  const deps = { supabase: down, distributorId: 'd1', userId: 'u1', cursor: { seq: 0, updatedAt: null }, dispatch: (a: InboxAction) => actions.push(a), diagnostics, fetchContacts: async () => {} };
  await expect(catchUpInbox(deps, 'poll')).resolves.toBeUndefined();
  expect(actions).toEqual([]);
  expect(diagnostics.data.catchUps).toEqual([expect.objectContaining({ reason: 'poll', rows: 0, error: 'network down' })]);
});
