import type { ContactRow, ConversationRow, ReadRow, TemplateRow } from '@/types/rows';

export type MemberRole = 'owner' | 'admin' | 'agent';

export interface TeamMember {
  userId: string;
  displayName: string;
  role: MemberRole;
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
  role: MemberRole;
  distributor: { id: string; name: string; whatsappNumber: string; channelKey: string };
  /** Every workspace the member belongs to (the switcher). */
  workspaces: { id: string; name: string; role: MemberRole }[];
}
