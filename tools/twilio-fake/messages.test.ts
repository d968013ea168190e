import { describe, expect, test } from 'vitest';
import { callbackParams } from './callbacks.ts';
import { createMessage, messageResource } from './messages.ts';
import { DEFAULT_CONFIG, FakeState } from './state.ts';
import { DEMO_ACCOUNT_SID } from './webhooks.ts';

const form = (fields: Record<string, string>) => new URLSearchParams(fields);
const valid = { To: 'whatsapp:+15551234567', From: 'whatsapp:+15557654321', Body: 'hi' };

describe('createMessage', () => {
  test('a valid send is recorded as queued, an SM without media and an MM with it', () => {
    const sent = createMessage(form({ ...valid, StatusCallback: 'http://app/status' }), DEMO_ACCOUNT_SID, DEFAULT_CONFIG);
    expect(sent).toMatchObject({ ok: true, failure: undefined, message: { status: 'queued', body: 'hi', status_callback: 'http://app/status', callbacks: [] } });
    if (sent.ok) expect(sent.message.sid).toMatch(/^SM[0-9a-f]{32}$/);
    const media = createMessage(form({ To: valid.To, From: valid.From, MediaUrl: 'https://x/a.png' }), DEMO_ACCOUNT_SID, DEFAULT_CONFIG);
    if (media.ok) expect(messageResource(media.message)).toMatchObject({ sid: expect.stringMatching(/^MM/), num_media: '1', body: '' });
    else expect.fail('a media-only send is valid');
  });

  test("Twilio's 400 codes, and a configured failure at create", () => {
    const code = (fields: Record<string, string>, config = DEFAULT_CONFIG) => {
      const r = createMessage(form(fields), DEMO_ACCOUNT_SID, config);
      return r.ok ? null : r.code;
    };
    expect(code({ From: valid.From, Body: 'x' })).toBe(21604);
    expect(code({ To: valid.To, Body: 'x' })).toBe(21603);
    expect(code({ ...valid, To: '+15551234567' })).toBe(21211);
    expect(code({ To: valid.To, From: valid.From })).toBe(21602);
    expect(code({ ...valid, ContentSid: 'HXnope' })).toBe(21655);
    expect(code(valid, { ...DEFAULT_CONFIG, failures: { '*': { code: 63016, stage: 'create' } } })).toBe(63016);
    const later = createMessage(form(valid), DEMO_ACCOUNT_SID, { ...DEFAULT_CONFIG, failures: { [valid.To]: { code: 63016, stage: 'callback' } } });
    expect(later).toMatchObject({ ok: true, failure: { code: 63016, stage: 'callback' } });
  });
});

test('callback parameters carry the event type and the error code as Twilio posts them', () => {
  const sent = createMessage(form(valid), DEMO_ACCOUNT_SID, DEFAULT_CONFIG);
  if (!sent.ok) return expect.fail('valid send');
  expect(callbackParams(DEMO_ACCOUNT_SID, sent.message, 'read', null)).toMatchObject({ MessageStatus: 'read', EventType: 'READ', ChannelToAddress: '+15551234567' });
  expect(callbackParams(DEMO_ACCOUNT_SID, sent.message, 'undelivered', 63016)).toMatchObject({ EventType: 'UNDELIVERED', ErrorCode: '63016' });
});

test('FakeState: reset empties the same arrays and restores the configured defaults', () => {
  const state = new FakeState({ apiDelayMs: 7 });
  const { messages, requests } = state;
  state.configure({ outOfOrder: true, apiDelayMs: 0 });
  state.recordRequest({ method: 'GET', path: '/', authorized: false });
  state.reset();
  expect(state.messages).toBe(messages);
  expect(state.requests).toBe(requests);
  expect(requests).toEqual([]);
  expect(state.config).toEqual({ ...DEFAULT_CONFIG, apiDelayMs: 7 });
});
