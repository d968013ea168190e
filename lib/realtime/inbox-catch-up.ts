/**
 * One catch-up of the inbox after a gap (a join, a poll, a tab coming back): read everything that may have
 * changed since the cursor (inbox-queries.ts readCatchUp), feed it to the reducer, fetch the contacts of new
 * customers, and record how it went. Never throws: a failed catch-up is a diagnostics entry, and the next
 * poll or join tries again.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Database } from '@/types/database';
import { catchUpWindow } from '@/lib/realtime/cursor';
import type { DiagnosticsRecorder } from '@/lib/realtime/diagnostics';
import { readCatchUp, type CatchUp } from '@/lib/realtime/inbox-queries';
import type { InboxAction, InboxState } from '@/lib/realtime/inbox-reducer';
import type { ConversationRow } from '@/lib/realtime/types';

export interface CatchUpDeps {
  supabase: SupabaseClient<Database>;
  distributorId: string;
  userId: string;
  /** The newest change the inbox has seen; the catch-up reads from it, with overlap. */
  cursor: InboxState['cursor'];
  dispatch(action: InboxAction): void;
  diagnostics: Pick<DiagnosticsRecorder, 'latency' | 'catchUp'>;
  /** Loads the contacts of these conversations that the inbox does not hold yet. */
  fetchContacts(conversations: ConversationRow[]): Promise<void>;
}

export async function catchUpInbox(deps: CatchUpDeps, reason: string): Promise<void> {
  const { supabase, distributorId, userId, dispatch, diagnostics } = deps;
  const started = performance.now();
  let rows = 0;
  try {
    const result = await readCatchUp(supabase, distributorId, userId, catchUpWindow(deps.cursor));
    rows = result.messages.rows.length + result.conversations.rows.length;
    for (const action of catchUpActions(result)) dispatch(action);
    for (const m of result.messages.rows) diagnostics.latency(m, 'catch-up');
    await deps.fetchContacts(result.conversations.rows);
    diagnostics.catchUp({ reason, rows, ms: Math.round(performance.now() - started) });
  } catch (error) {
    diagnostics.catchUp({ reason, rows, ms: Math.round(performance.now() - started), error: (error as Error).message });
  }
}

/** The reducer actions a catch-up's rows become, in the order they are applied. */
export function catchUpActions({ messages, conversations, reads, contacts }: CatchUp): InboxAction[] {
  return [
    { type: 'contacts', rows: contacts },
    { type: 'conversations', rows: conversations.rows },
    { type: 'messages', rows: messages.rows },
    // more changed than a catch-up reads (a long night offline): loaded threads fetch again when opened
    ...(!messages.complete || !conversations.complete ? [{ type: 'historyReset' } as const] : []),
    { type: 'reads', rows: reads },
  ];
}
