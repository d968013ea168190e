import 'server-only';
import { createAdminClient } from '@/lib/supabase/admin';
import { toAppError } from '@/lib/errors';
import type { InboundMessage } from '@/lib/twilio/inbound-schema';
import type { Json } from '@/types/database';

export interface IngestResult {
  status: 'created' | 'duplicate' | 'unknown_recipient';
  message_id?: string;
  conversation_id?: string;
  distributor_id?: string;
}

/** Writes an inbound message (and its contact and conversation) in one transaction, once per MessageSid. */
export async function ingestInboundMessage(message: InboundMessage & { sender_id: string }): Promise<IngestResult> {
  const { data, error } = await createAdminClient().rpc('ingest_inbound_message', { p: message as unknown as Json });
  if (error) throw toAppError(error, 'ingest_failed');
  return data as unknown as IngestResult;
}
