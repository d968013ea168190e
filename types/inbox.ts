import type { ContactRow, ConversationRow, ReadRow, TemplateRow } from '@/types/rows';

export interface TeamMember {
  userId: string;
  displayName: string;
  role: 'owner' | 'agent';
}

/** What the server hands the inbox on first render. */
export interface InboxBootstrap {
  snapshot: { conversations: ConversationRow[]; contacts: ContactRow[]; reads: ReadRow[] };
  members: TeamMember[];
  templates: TemplateRow[];
}

export interface InboxViewer {
  userId: string;
  email: string;
  displayName: string;
  distributor: { id: string; name: string; whatsappNumber: string };
}
