import type { MessageRow } from '@/types/rows';

// The row types are re-exported so the realtime modules (and inbox-queries.ts, which imports them from here) keep one import.
export type { ContactRow, ConversationRow, MessageRow, MessageStatus, ReadRow, TemplateRow } from '@/types/rows';

/** A message as the inbox holds it: a server row, or a reply not yet confirmed by the server. */
export type InboxMessage = MessageRow & {
  /** Set on optimistic rows until the server row with the same client_msg_id replaces them. */
  local?: { state: 'sending' | 'failed'; error?: string };
};
