/**
 * What the inbox does with each change its channel delivers: the reducer action it becomes, the diagnostics
 * it counts, and the two follow-ups the hook supplies (a live inbound message is announced; a changed
 * conversation may bring a contact the inbox does not know yet). Plain functions: the hook passes them to
 * openInboxChannel.
 *
 *   openInboxChannel(supabase, o, { ...inboxChangeHandlers({ dispatch, diagnostics, inbound, conversationChanged }), status, ready })
 */
import type { DiagnosticsRecorder } from '@/lib/realtime/diagnostics';
import type { InboxChannelHandlers } from '@/lib/realtime/inbox-channel';
import type { InboxAction } from '@/lib/realtime/inbox-reducer';
import type { ConversationRow, MessageRow } from '@/lib/realtime/types';

export interface InboxChangeSinks {
  dispatch(action: InboxAction): void;
  diagnostics: Pick<DiagnosticsRecorder, 'event' | 'latency'>;
  /** A new inbound message arrived live (toasts, sounds, notifications). */
  inbound(message: MessageRow): void;
  /** A conversation was inserted or updated. */
  conversationChanged(conversation: ConversationRow): void;
}

export type InboxChangeHandlers = Pick<InboxChannelHandlers, 'message' | 'conversation' | 'contact' | 'read'>;

export function inboxChangeHandlers({ dispatch, diagnostics, inbound, conversationChanged }: InboxChangeSinks): InboxChangeHandlers {
  return {
    message: (p) => {
      diagnostics.event();
      if (p.eventType === 'DELETE') {
        if (p.old.id) dispatch({ type: 'messageDeleted', id: p.old.id });
        return;
      }
      dispatch({ type: 'messages', rows: [p.new] });
      if (p.eventType === 'INSERT' && p.new.direction === 'inbound') {
        diagnostics.latency(p.new, 'realtime');
        inbound(p.new);
      }
    },
    conversation: (p) => {
      diagnostics.event();
      if (p.eventType === 'DELETE') return;
      dispatch({ type: 'conversations', rows: [p.new] });
      conversationChanged(p.new);
    },
    // the channel only asks for contact UPDATEs (new customers' contacts come with their conversations)
    contact: (p) => {
      diagnostics.event();
      if (p.eventType === 'UPDATE') dispatch({ type: 'contacts', rows: [p.new] });
    },
    read: (p) => {
      diagnostics.event();
      if (p.eventType !== 'DELETE') dispatch({ type: 'reads', rows: [p.new] });
    },
  };
}
