// The inbox shows messages.error_message as stored, so every failure the server records with a code must carry text.
import { expect, test } from 'vitest';
import { twilioErrorText } from './error-codes';
import { parseStatusCallback } from './status-schema';

test('a Twilio code always yields text: ours for known codes, Twilio’s (or the bare code) otherwise', () => {
  expect(twilioErrorText(21610, 'raw')).toBe('The customer has blocked messages from this number (STOP).');
  expect(twilioErrorText(12345, 'Something odd')).toBe('Something odd (Twilio error 12345)');
  expect(twilioErrorText(12345)).toBe('Twilio error 12345.');
  expect(twilioErrorText(null, 'Could not reach Twilio.')).toBe('Could not reach Twilio.');
  expect(twilioErrorText(null)).toBeNull();
});

test('a status callback with an error code stores the readable text beside it', () => {
  const base = { MessageSid: 'SM' + '0'.repeat(32), AccountSid: 'AC' + '0'.repeat(32), MessageStatus: 'undelivered' };
  for (const [code, text] of [
    ['30003', 'The customer\u2019s phone is unreachable.'],
    ['99999', 'Twilio error 99999.'],
  ]) {
    const parsed = parseStatusCallback({ ...base, ErrorCode: code! });
    expect(parsed.ok && parsed.callback).toMatchObject({ error_code: Number(code), error_message: text });
  }
});
