/**
 * The thread's scrolling: pinned to the bottom while the reader is there, a "new messages" button instead of a
 * jump when they have scrolled up, and every conversation opening at its newest message. Rendered through
 * <InboxScreen> (which keys the thread per conversation, as the pages do) with a fake inbox context whose state
 * goes through the real reducer.
 *
 * jsdom has no layout, so the message scroller gets a small fake one: each list row is ROW px tall, the viewport
 * is VIEWPORT px, and scrollTop is clamped to [0, scrollHeight - clientHeight] as a browser clamps it.
 */
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { useMemo, useReducer, type ContextType, type Dispatch } from 'react';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { emptyInbox, inboxReducer, type InboxAction, type InboxState } from '@/lib/realtime/inbox-reducer';
import type { ContactRow, ConversationRow, InboxMessage, MessageRow } from '@/lib/realtime/types';
import type { RealtimeInbox } from '@/hooks/use-realtime-inbox';
import type { RealtimeTeam } from '@/hooks/use-realtime-team';
import { InboxContext } from './inbox-provider';
import { InboxScreen } from './inbox-screen';

vi.mock('next/navigation', () => ({
  useRouter: () => ({ push: vi.fn(), replace: vi.fn(), prefetch: vi.fn(), back: vi.fn(), forward: vi.fn(), refresh: vi.fn() }),
  usePathname: () => '/inbox',
}));

// ── fake layout ─────────────────────────────────────────────────────────────────────────────────────────

const ROW = 60;
const VIEWPORT = 400;
const isScroller = (el: Element) => el.getAttribute('aria-label') === 'Messages';
const scrollTops = new WeakMap<Element, number>();
const patched = ['scrollHeight', 'clientHeight', 'scrollTop'] as const;

beforeAll(() => {
  const original = Object.fromEntries(patched.map((p) => [p, Object.getOwnPropertyDescriptor(Element.prototype, p)!]));
  Object.defineProperties(HTMLElement.prototype, {
    scrollHeight: {
      configurable: true,
      get(this: HTMLElement) {
        return isScroller(this) ? this.querySelectorAll('li').length * ROW : original.scrollHeight!.get!.call(this);
      },
    },
    clientHeight: {
      configurable: true,
      get(this: HTMLElement) {
        return isScroller(this) ? VIEWPORT : original.clientHeight!.get!.call(this);
      },
    },
    scrollTop: {
      configurable: true,
      get(this: HTMLElement) {
        return isScroller(this) ? (scrollTops.get(this) ?? 0) : original.scrollTop!.get!.call(this);
      },
      set(this: HTMLElement, v: number) {
        if (!isScroller(this)) return original.scrollTop!.set!.call(this, v);
        scrollTops.set(this, Math.min(Math.max(0, v), Math.max(0, this.scrollHeight - this.clientHeight)));
      },
    },
  });
});
afterAll(() => {
  for (const p of patched) delete (HTMLElement.prototype as unknown as Record<string, unknown>)[p];
});
afterEach(cleanup);

/** The bottom of a scroller as the fake layout has it. */
const bottomOf = (el: HTMLElement) => el.scrollHeight - el.clientHeight;

/** The reader scrolls the message list to `top`. */
function scrollTo(el: HTMLElement, top: number) {
  el.scrollTop = top;
  fireEvent.scroll(el);
}

// ── fixtures ────────────────────────────────────────────────────────────────────────────────────────────

const ME = '00000000-0000-4000-8000-00000000000a';
const DIST = '00000000-0000-4000-8000-0000000000d1';
const T0 = Date.now() - 60 * 60_000; // an hour ago: the WhatsApp window is open

function contact(id: string, name: string): ContactRow {
  const at = new Date(T0).toISOString();
  return { id, distributor_id: DIST, display_name: name, profile_name: null, phone: null, wa_id: id, username: null, bsuid: null, parent_bsuid: null, notes: null, created_at: at, updated_at: at };
}

function conversation(id: string, contactId: string): ConversationRow {
  const at = new Date(T0).toISOString();
  return {
    id,
    distributor_id: DIST,
    contact_id: contactId,
    sender_id: 'e1',
    assignee_id: null,
    status: 'open',
    inbound_count: 0,
    last_inbound_at: at,
    last_message_at: at,
    last_message_direction: 'inbound',
    last_message_preview: null,
    last_message_seq: null,
    created_at: at,
    updated_at: at,
  };
}

let seq = 0;
function message(conversationId: string, body: string, over: Partial<MessageRow> = {}): MessageRow {
  seq += 1;
  const at = new Date(T0 + seq * 1000).toISOString();
  return {
    id: `00000000-0000-4000-9000-${String(seq).padStart(12, '0')}`,
    distributor_id: DIST,
    conversation_id: conversationId,
    direction: 'inbound',
    body,
    seq,
    status: 'received',
    sent_by: null,
    client_msg_id: null,
    content_sid: null,
    content_variables: null,
    error_code: null,
    error_message: null,
    media: [],
    message_type: null,
    metadata: {},
    twilio_sid: null,
    created_at: at,
    updated_at: at,
    status_updated_at: at,
    ...over,
  };
}
const messages = (conversationId: string, n: number) => Array.from({ length: n }, (_, i) => message(conversationId, `${conversationId} #${i + 1}`));

const A = '00000000-0000-4000-8000-0000000000a1';
const B = '00000000-0000-4000-8000-0000000000b1';
const C = '00000000-0000-4000-8000-0000000000c1';

/** Three conversations; A and B have their latest page loaded, C's messages are still to come. */
function initialState(): InboxState {
  let s = inboxReducer(emptyInbox, { type: 'contacts', rows: [contact('ca', 'Ana'), contact('cb', 'Bea'), contact('cc', 'Cruz')] });
  s = inboxReducer(s, { type: 'conversations', rows: [conversation(A, 'ca'), conversation(B, 'cb'), conversation(C, 'cc')] });
  s = inboxReducer(s, { type: 'history', conversationId: A, rows: messages(A, 12), complete: true });
  s = inboxReducer(s, { type: 'history', conversationId: B, rows: messages(B, 15), complete: true });
  return s;
}

// ── the fake inbox context ──────────────────────────────────────────────────────────────────────────────

type ContextValue = NonNullable<ContextType<typeof InboxContext>>;

function fakeActions(): RealtimeInbox['actions'] {
  return {
    loadConversation: vi.fn(async () => true),
    loadConversations: vi.fn(async () => undefined),
    loadThread: vi.fn(async () => {}),
    loadOlder: vi.fn(async () => {}),
    send: vi.fn(async () => {}),
    retry: vi.fn(async () => {}),
    markRead: vi.fn(async () => {}),
    assign: vi.fn(async () => {}),
    setStatus: vi.fn(async () => {}),
    updateContact: vi.fn(async () => {}),
    searchMessages: vi.fn(async () => new Set<string>()),
    catchUp: vi.fn(async () => {}),
    reconnect: vi.fn(),
  };
}

const team: RealtimeTeam = { joined: true, teammates: {}, typingIn: () => [], sendTyping: vi.fn(), stopTyping: vi.fn() };

/** The inbox screen over a reducer-held state; `harness.dispatch` plays the realtime feed. */
function setup(conversationId: string) {
  const actions = fakeActions();
  const harness: { dispatch: Dispatch<InboxAction> } = { dispatch: () => {} };
  function Harness({ open }: { open: string }) {
    const [state, dispatch] = useReducer(inboxReducer, undefined, initialState);
    harness.dispatch = dispatch;
    const value = useMemo<ContextValue>(
      () => ({
        viewer: { userId: ME, email: 'me@example.test', displayName: 'Me', role: 'agent', distributor: { id: DIST, name: 'Test Co', whatsappNumber: '+15550000000', channelKey: 'k' }, workspaces: [{ id: DIST, name: 'Test Co', role: 'agent' }] },
    access: { role: 'agent', name: 'Test Co', channelKey: 'k', removed: false },
        members: [{ userId: ME, displayName: 'Me', role: 'owner' }],
        templates: [],
        inbox: { state, status: 'live', readDiagnostics: vi.fn(), actions },
        team,
        selectedId: open,
        toasts: [],
        dismissToast: vi.fn(),
        sound: false,
        setSound: vi.fn(),
        notifications: 'default',
        enableNotifications: vi.fn(async () => {}),
      }),
      [state, open],
    );
    return (
      <InboxContext.Provider value={value}>
        <InboxScreen conversationId={open} />
      </InboxContext.Provider>
    );
  }
  const view = render(<Harness open={conversationId} />);
  return {
    actions,
    /** The page for another conversation (the layout, and so the inbox state, stays). */
    open: (id: string) => view.rerender(<Harness open={id} />),
    arrive: (...rows: MessageRow[]) => act(() => harness.dispatch({ type: 'messages', rows })),
    dispatch: (action: InboxAction) => act(() => harness.dispatch(action)),
  };
}

const thread = (name: string) => screen.getByRole('region', { name: `Conversation with ${name}` });
const scroller = (name: string) => within(thread(name)).getByLabelText('Messages');
const newMessagesButton = (name: string) => within(thread(name)).queryByRole('button', { name: /new messages?/ });

// ── tests ───────────────────────────────────────────────────────────────────────────────────────────────

describe('thread scrolling', () => {
  test('a conversation opens at its newest message', () => {
    setup(A);
    const el = scroller('Ana');
    expect(bottomOf(el)).toBeGreaterThan(0); // more messages than fit: there is somewhere to scroll
    expect(el.scrollTop).toBe(bottomOf(el));
    expect(newMessagesButton('Ana')).toBeNull();
  });

  test('at the bottom, a new message keeps the view pinned to the bottom', () => {
    const t = setup(A);
    const el = scroller('Ana');
    const before = bottomOf(el);
    t.arrive(message(A, 'are you there?'));
    expect(within(el).getByText('are you there?')).toBeTruthy();
    expect(bottomOf(el)).toBeGreaterThan(before);
    expect(el.scrollTop).toBe(bottomOf(el));
    expect(newMessagesButton('Ana')).toBeNull();
  });

  test('a little above the bottom (within the slack) still counts as the bottom', () => {
    const t = setup(A);
    const el = scroller('Ana');
    scrollTo(el, bottomOf(el) - 30);
    t.arrive(message(A, 'still here'));
    expect(el.scrollTop).toBe(bottomOf(el));
    expect(newMessagesButton('Ana')).toBeNull();
  });

  test('scrolled up, new messages leave the view where it is and a "new messages" button counts them', () => {
    const t = setup(A);
    const el = scroller('Ana');
    scrollTo(el, 100);
    t.arrive(message(A, 'first while away'));
    expect(el.scrollTop).toBe(100);
    expect(newMessagesButton('Ana')?.textContent).toMatch(/^1 new message\b/);
    t.arrive(message(A, 'second while away'), message(A, 'third while away'));
    expect(el.scrollTop).toBe(100);
    expect(newMessagesButton('Ana')?.textContent).toMatch(/^3 new messages\b/);
  });

  test('clicking "new messages" scrolls to the bottom and clears it; the view then follows new messages again', () => {
    const t = setup(A);
    const el = scroller('Ana');
    scrollTo(el, 0);
    t.arrive(message(A, 'while away'));
    fireEvent.click(newMessagesButton('Ana')!);
    expect(el.scrollTop).toBe(bottomOf(el));
    expect(newMessagesButton('Ana')).toBeNull();
    t.arrive(message(A, 'after catching up'));
    expect(el.scrollTop).toBe(bottomOf(el));
    expect(newMessagesButton('Ana')).toBeNull();
  });

  test('scrolling back down by hand clears "new messages" too', () => {
    const t = setup(A);
    const el = scroller('Ana');
    scrollTo(el, 0);
    t.arrive(message(A, 'while away'));
    expect(newMessagesButton('Ana')).not.toBeNull();
    scrollTo(el, bottomOf(el));
    expect(newMessagesButton('Ana')).toBeNull();
  });

  test('scrolled up, a reply I send scrolls to the bottom', () => {
    const t = setup(A);
    const el = scroller('Ana');
    scrollTo(el, 0);
    const mine: InboxMessage = { ...message(A, 'on my way', { direction: 'outbound', sent_by: ME, status: 'queued', client_msg_id: 'c1' }), id: 'local:c1', local: { state: 'sending' } };
    t.dispatch({ type: 'optimistic', message: mine });
    expect(el.scrollTop).toBe(bottomOf(el));
    expect(newMessagesButton('Ana')).toBeNull();
  });

  test('opening another conversation starts at its bottom, whatever the previous one was doing', () => {
    const t = setup(A);
    const a = scroller('Ana');
    scrollTo(a, 0);
    t.arrive(message(A, 'while away'));
    expect(newMessagesButton('Ana')).not.toBeNull();

    t.open(B); // already loaded
    expect(screen.queryByRole('region', { name: 'Conversation with Ana' })).toBeNull();
    const b = scroller('Bea');
    expect(bottomOf(b)).toBeGreaterThan(0);
    expect(b.scrollTop).toBe(bottomOf(b));
    expect(newMessagesButton('Bea')).toBeNull();
  });

  test('a conversation whose messages load after it opens lands at the bottom when they arrive', () => {
    const t = setup(A);
    scrollTo(scroller('Ana'), 0);
    t.open(C);
    expect(t.actions.loadThread).toHaveBeenCalledWith(C);
    expect(within(thread('Cruz')).getByText('Loading messages…')).toBeTruthy();
    t.dispatch({ type: 'history', conversationId: C, rows: messages(C, 20), complete: false });
    const el = scroller('Cruz');
    expect(bottomOf(el)).toBeGreaterThan(0);
    expect(el.scrollTop).toBe(bottomOf(el));
    expect(newMessagesButton('Cruz')).toBeNull();
  });
});
