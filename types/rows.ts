/**
 * Row types of the tables the app reads, named once. They are derived from the generated types/database.ts
 * (which `npm run gen:types` overwrites, so nothing hand-written goes there) and live in types/ so that types/
 * never has to import lib/.
 */
import type { Database } from '@/types/database';

type Tables = Database['public']['Tables'];
export type MessageRow = Tables['messages']['Row'];
export type ConversationRow = Tables['conversations']['Row'];
export type ContactRow = Tables['contacts']['Row'];
export type ReadRow = Tables['conversation_reads']['Row'];
export type TemplateRow = Tables['message_templates']['Row'];
export type MessageStatus = Database['public']['Enums']['message_status'];
