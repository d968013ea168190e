import 'server-only';
import { createAdminClient } from '@/lib/supabase/admin';
import { toAppError } from '@/lib/errors';
import type { StatusCallback } from '@/lib/twilio/status-schema';
import type { Json } from '@/types/database';

/** Appends a status callback to the log and moves the message's status up if it advances it. */
export async function applyStatusCallback(callback: StatusCallback & { sender_id: string }): Promise<{ status: 'applied' | 'kept' | 'pending' | 'unknown_sender' }> {
  const { data, error } = await createAdminClient().rpc('apply_status_callback', { p: callback as unknown as Json });
  if (error) throw toAppError(error, 'status_callback_failed');
  return data as unknown as { status: 'applied' | 'kept' | 'pending' | 'unknown_sender' };
}
