import type { Database } from '@/types/database';

type Tables = Database['public']['Tables'];
export type MessageRow = Tables['messages']['Row'];
export type ConversationRow = Tables['conversations']['Row'];
export type ContactRow = Tables['contacts']['Row'];
export type ReadRow = Tables['conversation_reads']['Row'];
export type TemplateRow = Tables['message_templates']['Row'];
export type MessageStatus = Database['public']['Enums']['message_status'];

/** A message as the inbox holds it: a server row, or a reply not yet confirmed by the server. */
export type InboxMessage = MessageRow & {
  /** Set on optimistic rows until the server row with the same client_msg_id replaces them. */
  local?: { state: 'sending' | 'failed'; error?: string };
};
