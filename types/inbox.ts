/** Shapes the inbox UI renders; lib/data produces them on the server, hooks keep them live in the browser. */
export interface ConversationSummary {
  id: string;
  status: 'open' | 'closed';
  contact: { id: string; name: string; waId: string; phone: string | null };
  assignee: { userId: string; displayName: string } | null;
  lastMessageAt: string | null;
  lastMessagePreview: string | null;
  lastMessageDirection: 'inbound' | 'outbound' | null;
  lastInboundAt: string | null;
  unread: number;
}
