import { randomUUID } from 'node:crypto';
import { expect, test } from 'vitest';
import { retryInput, type SendInput } from '@/lib/realtime/replies';
import type { InboxMessage } from '@/lib/realtime/types';
import { parseReplyRequest } from './schema';
import { fromReplyRequest, toReplyRequest, type ReplyInput } from './wire';

const SID = 'HX' + 'ab12'.repeat(8);

/** Inputs the inbox can send: the composer trims text and fills every placeholder before it sends. */
const inputs: SendInput[] = [
  { body: 'Hello' },
  { body: 'Line one\nline two, ünïcødé and emoji 🚚' },
  { body: 'x'.repeat(4096) },
  { template: { contentSid: SID, variables: {}, preview: 'Your order is on its way.' } },
  { template: { contentSid: SID, variables: { '1': 'Ana', '2': '42' }, preview: 'Hi Ana, order 42' } },
  { template: { contentSid: SID, variables: Object.fromEntries(Array.from({ length: 99 }, (_, i) => [String(i + 1), 'v'.repeat(1024)])), preview: '…' } },
];

/** What the server should see: the same content without the browser-only preview. */
const content = (input: SendInput): ReplyInput =>
  'body' in input ? { body: input.body } : { template: { contentSid: input.template.contentSid, variables: input.template.variables } };

test.each(inputs.map((input) => [Object.keys(input)[0], input] as const))('a %s reply built for the wire passes the route schema and arrives unchanged', (_kind, input) => {
  const clientMsgId = randomUUID();
  const wire = JSON.parse(JSON.stringify(toReplyRequest(clientMsgId, input)));
  const parsed = parseReplyRequest(wire);
  expect(parsed).toEqual({ ok: true, request: { clientMsgId, ...content(input) } });
});

test('the preview stays in the browser', () => {
  const input: SendInput = { template: { contentSid: SID, variables: { '1': 'Ana' }, preview: 'Hi Ana' } };
  const wire = toReplyRequest(randomUUID(), input);
  expect(JSON.stringify(wire)).not.toContain('preview');
});

test('a retry of a failed message builds a request the schema accepts', () => {
  const failed = (over: Partial<InboxMessage>) => ({ body: 'Hi Ana', content_sid: null, content_variables: null, ...over }) as InboxMessage;
  for (const message of [failed({}), failed({ content_sid: SID, content_variables: { '1': 'Ana' } }), failed({ content_sid: SID })]) {
    expect(parseReplyRequest(toReplyRequest(randomUUID(), retryInput(message))).ok).toBe(true);
  }
});

test('the schema still refuses what the builder never produces', () => {
  const id = randomUUID();
  for (const bad of [
    {},
    { client_msg_id: 'nope', body: 'hi' },
    { client_msg_id: id, body: '   ' },
    { client_msg_id: id, body: 'hi', template: { content_sid: SID, variables: {} } },
    { client_msg_id: id, template: { content_sid: 'HX1', variables: {} } },
    { client_msg_id: id, template: { content_sid: SID, variables: { name: 'Ana' } } },
    { client_msg_id: id, body: 'hi', extra: true },
    { client_msg_id: id, body: 'a\u0000b' },
    { client_msg_id: id, body: 'lone \ud800 surrogate' },
    { client_msg_id: id, template: { content_sid: SID, variables: { '1': '\udc00' } } },
  ]) {
    expect(parseReplyRequest(bad).ok).toBe(false);
  }
  expect(parseReplyRequest({ client_msg_id: id, body: 'emoji 💬 and ñ' }).ok).toBe(true);
  expect(parseReplyRequest({ client_msg_id: id })).toEqual({ ok: false, issues: ['body: Send either body or template, not both.'] });
});

test('fromReplyRequest inverts toReplyRequest', () => {
  const clientMsgId = randomUUID();
  for (const input of inputs) expect(fromReplyRequest(toReplyRequest(clientMsgId, input))).toEqual({ clientMsgId, ...content(input) });
});
