/**
 * The composer at the edge of WhatsApp's 24-hour window: inside it a free-text reply, outside it only approved
 * templates, each asking for its placeholders before it can be sent. Rendered with a fake inbox context.
 */
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import type { ContextType } from 'react';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { emptyInbox } from '@/lib/realtime/inbox-reducer';
import type { ConversationRow, TemplateRow } from '@/lib/realtime/types';
import type { RealtimeInbox } from '@/hooks/use-realtime-inbox';
import type { RealtimeTeam } from '@/hooks/use-realtime-team';
import { Composer } from './composer';
import { InboxContext } from './inbox-provider';

afterEach(() => {
  cleanup();
  sessionStorage.clear();
});

const DIST = '00000000-0000-4000-8000-0000000000d1';
const HOUR = 60 * 60_000;

function conversation(lastInboundAt: string | null): ConversationRow {
  const at = new Date(Date.now() - 48 * HOUR).toISOString();
  return {
    id: '00000000-0000-4000-8000-0000000000a1',
    distributor_id: DIST,
    contact_id: '00000000-0000-4000-8000-0000000000c1',
    sender_id: '00000000-0000-4000-8000-0000000000e1',
    assignee_id: null,
    status: 'open',
    inbound_count: lastInboundAt ? 1 : 0,
    last_inbound_at: lastInboundAt,
    last_message_at: lastInboundAt,
    last_message_direction: lastInboundAt ? 'inbound' : null,
    last_message_preview: null,
    last_message_seq: null,
    created_at: at,
    updated_at: at,
  };
}
const hoursAgo = (h: number) => new Date(Date.now() - h * HOUR).toISOString();

function template(over: Partial<TemplateRow> & Pick<TemplateRow, 'id' | 'name' | 'body' | 'content_sid'>): TemplateRow {
  return {
    distributor_id: DIST, account_sid: null, language: 'en', variables: [], approved: true, approval_status: 'approved', category: null, rejection_reason: null,
    synced_at: null, created_at: new Date(0).toISOString(), ...over,
  };
}

const TEMPLATES: TemplateRow[] = [
  template({ id: 't-hello', name: 'hello', body: 'Hello! How can we help?', content_sid: 'HX00000000000000000000000000000001' }),
  template({
    id: 't-order',
    name: 'order_ready',
    body: 'Hi {{1}}, your order {{2}} is ready for pickup.',
    variables: ['Customer name', 'Order number'],
    content_sid: 'HX00000000000000000000000000000002',
  }),
  // {{3}} has no name in `variables`, and {{1}} appears twice (asked once)
  template({ id: 't-slot', name: 'delivery_slot', language: 'es', body: '{{1}}: entrega el {{2}} a las {{3}}. Gracias, {{1}}.', variables: ['Name', 'Day'], content_sid: 'HX00000000000000000000000000000003' }),
];

type ContextValue = NonNullable<ContextType<typeof InboxContext>>;

function setup(conv: ConversationRow, templates: TemplateRow[] = TEMPLATES) {
  const send = vi.fn<RealtimeInbox['actions']['send']>(async () => {});
  const actions = { send } as Partial<RealtimeInbox['actions']> as RealtimeInbox['actions']; // the composer only sends
  const team: RealtimeTeam = { joined: true, teammates: {}, typingIn: () => [], sendTyping: vi.fn(), stopTyping: vi.fn() };
  const value: ContextValue = {
    viewer: { userId: 'u-me', email: 'me@example.test', displayName: 'Me', role: 'agent', distributor: { id: DIST, name: 'Test Co', whatsappNumber: '+15550000000', channelKey: 'k' }, workspaces: [{ id: DIST, name: 'Test Co', role: 'agent' }] },
    access: { role: 'agent', name: 'Test Co', channelKey: 'k', removed: false },
    members: [],
    templates,
    inbox: { state: emptyInbox, status: 'live', readDiagnostics: vi.fn(), actions },
    team,
    selectedId: conv.id,
    toasts: [],
    dismissToast: vi.fn(),
    sound: false,
    setSound: vi.fn(),
    notifications: 'default',
    enableNotifications: vi.fn(async () => {}),
  };
  render(
    <InboxContext.Provider value={value}>
      <Composer conversation={conv} />
    </InboxContext.Provider>,
  );
  return { send, team };
}

const templateForm = () => screen.getByRole('form', { name: 'Send a template' });
const sendButton = () => within(templateForm()).getByRole('button', { name: 'Send template' }) as HTMLButtonElement;
const chooseTemplate = (label: string) => fireEvent.change(screen.getByLabelText('Template'), { target: { value: within(screen.getByLabelText('Template')).getByRole('option', { name: label }).getAttribute('value') } });
const type = (label: string, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });

describe('inside the 24-hour window', () => {
  test('a free-text reply is offered and sent as text', () => {
    const { send } = setup(conversation(hoursAgo(2)));
    expect(screen.queryByRole('form', { name: 'Send a template' })).toBeNull();
    expect(screen.getByText(/WhatsApp window closes in 22 h/)).toBeTruthy();
    fireEvent.change(screen.getByRole('textbox', { name: 'Reply' }), { target: { value: '  see you at 5  ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect(send).toHaveBeenCalledWith(conversation(null).id, { body: 'see you at 5' });
  });
});

describe('outside the 24-hour window', () => {
  test('free text is refused: no reply box, only approved templates', () => {
    setup(conversation(hoursAgo(25)));
    expect(screen.queryByRole('textbox', { name: 'Reply' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Send' })).toBeNull();
    expect(within(templateForm()).getByText(/24-hour WhatsApp window is closed/)).toBeTruthy();
    const options = within(screen.getByLabelText('Template')).getAllByRole('option');
    expect(options.map((o) => o.textContent)).toEqual(['hello (en)', 'order_ready (en)', 'delivery_slot (es)']);
  });

  test('a customer who never wrote gets templates too, with the reason', () => {
    setup(conversation(null));
    expect(screen.queryByRole('textbox', { name: 'Reply' })).toBeNull();
    expect(within(templateForm()).getByText(/has not written yet/)).toBeTruthy();
  });

  test('with no approved templates there is nothing to send', () => {
    setup(conversation(hoursAgo(30)), []);
    expect(within(templateForm()).getByText(/No approved templates yet/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Send template' })).toBeNull();
  });

  test('a template without placeholders asks for nothing and can be sent as it is', () => {
    const { send } = setup(conversation(hoursAgo(25)));
    expect(within(templateForm()).queryAllByRole('textbox')).toHaveLength(0);
    expect(screen.getByText('Hello! How can we help?')).toBeTruthy();
    expect(sendButton().disabled).toBe(false);
    fireEvent.click(sendButton());
    expect(send).toHaveBeenCalledWith(conversation(null).id, {
      template: { contentSid: 'HX00000000000000000000000000000001', variables: {}, preview: 'Hello! How can we help?' },
    });
  });

  test('choosing a template shows an input per placeholder, named by its variables', () => {
    setup(conversation(hoursAgo(25)));
    chooseTemplate('order_ready (en)');
    expect(within(templateForm()).getAllByRole('textbox')).toHaveLength(2);
    expect(screen.getByLabelText('Customer name')).toBeTruthy();
    expect(screen.getByLabelText('Order number')).toBeTruthy();

    chooseTemplate('delivery_slot (es)');
    // {{1}} twice is asked once; {{3}} has no name and says which placeholder it fills
    expect(within(templateForm()).getAllByRole('textbox')).toHaveLength(3);
    expect(screen.getByLabelText('Name')).toBeTruthy();
    expect(screen.getByLabelText('Day')).toBeTruthy();
    expect(screen.getByLabelText('Value {{3}}')).toBeTruthy();
    expect(screen.queryByLabelText('Customer name')).toBeNull();
  });

  test('send stays disabled until every variable has a value (blanks do not count)', () => {
    const { send } = setup(conversation(hoursAgo(25)));
    chooseTemplate('order_ready (en)');
    expect(sendButton().disabled).toBe(true);
    type('Customer name', 'Ana');
    expect(sendButton().disabled).toBe(true);
    type('Order number', '   ');
    expect(sendButton().disabled).toBe(true);
    type('Order number', 'A-17');
    expect(sendButton().disabled).toBe(false);
    type('Customer name', '');
    expect(sendButton().disabled).toBe(true);
    fireEvent.submit(templateForm()); // even submitted another way, an incomplete template is not sent
    expect(send).not.toHaveBeenCalled();
  });

  test('the preview fills placeholders as values are typed, leaving the rest visible', () => {
    setup(conversation(hoursAgo(25)));
    chooseTemplate('order_ready (en)');
    expect(screen.getByText('Hi {{1}}, your order {{2}} is ready for pickup.')).toBeTruthy();
    type('Customer name', 'Ana');
    expect(screen.getByText('Hi Ana, your order {{2}} is ready for pickup.')).toBeTruthy();
    type('Order number', ' A-17 ');
    expect(screen.getByText('Hi Ana, your order A-17 is ready for pickup.')).toBeTruthy();
  });

  test('sending calls send with the content SID, the trimmed variables and the filled preview, then clears the inputs', () => {
    const { send } = setup(conversation(hoursAgo(25)));
    chooseTemplate('delivery_slot (es)');
    type('Name', ' Ana ');
    type('Day', 'martes');
    type('Value {{3}}', '10:00');
    fireEvent.click(sendButton());
    expect(send).toHaveBeenCalledTimes(1);
    expect(send).toHaveBeenCalledWith(conversation(null).id, {
      template: {
        contentSid: 'HX00000000000000000000000000000003',
        variables: { '1': 'Ana', '2': 'martes', '3': '10:00' },
        preview: 'Ana: entrega el martes a las 10:00. Gracias, Ana.',
      },
    });
    expect((screen.getByLabelText('Name') as HTMLInputElement).value).toBe('');
    expect(sendButton().disabled).toBe(true);
  });

  test('switching templates drops the values typed for the previous one', () => {
    setup(conversation(hoursAgo(25)));
    chooseTemplate('order_ready (en)');
    type('Customer name', 'Ana');
    chooseTemplate('delivery_slot (es)');
    expect((screen.getByLabelText('Name') as HTMLInputElement).value).toBe('');
    chooseTemplate('order_ready (en)');
    expect((screen.getByLabelText('Customer name') as HTMLInputElement).value).toBe('');
  });
});
