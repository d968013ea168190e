// The failure path of sendReply with a database that refuses the write: the member still gets the Twilio error,
// and the lost write is logged (by id and codes, never the message text).
import { afterEach, expect, test, vi } from 'vitest';
import { AppError } from '@/lib/errors';

type Result = { data?: unknown; error?: { code?: string; message: string } | null };
/** A supabase-js stand-in: every builder call chains; awaiting the chain answers from `answer(table, calls)`. */
function fakeClient(answer: (table: string, calls: string[]) => Result) {
  return {
    from(table: string) {
      const calls: string[] = [];
      const builder: object = new Proxy(
        {},
        {
          get: (_, prop) =>
            prop === 'then'
              ? (ok: (r: Result) => unknown, fail: (e: unknown) => unknown) => Promise.resolve({ data: null, error: null, ...answer(table, calls) }).then(ok, fail)
              : () => (calls.push(String(prop)), builder),
        },
      );
      return builder;
    },
    rpc: async () => ({ data: null, error: null }),
  };
}

const row = { id: 'm1', status: 'queued', error_code: null, error_message: null, conversation_id: 'c1', sent_by: 'u1', client_msg_id: 'k1', body: 'hi' };
const conversation = { id: 'c1', distributor_id: 'd1', sender_id: 's1', last_inbound_at: new Date().toISOString(), contact: { wa_id: '+15550001' }, sender: { account_sid: 'AC1' } };
const user = fakeClient((table, calls) => {
  if (table === 'conversations') return { data: conversation };
  if (calls.includes('insert')) return { data: row };
  return { data: null }; // no earlier send with this client_msg_id
});
let updateError: Result['error'] = null;
const admin = fakeClient((_table, calls) => (calls.includes('update') ? { error: updateError } : { data: { ...row, status: 'failed', error_code: 21610 } }));

vi.mock('@/lib/supabase/admin', () => ({ createAdminClient: () => admin }));
vi.mock('@/lib/env', () => ({ serverEnv: () => ({ TWILIO_SEND_RATE_PER_SECOND: 100, PUBLIC_BASE_URL: 'https://switchboard.test' }) }));
vi.mock('@/lib/twilio/senders', () => ({
  senderCredentials: async () => ({ senderId: 's1', distributorId: 'd1', whatsappNumber: '+15550002', messagingServiceSid: null, accountSid: 'AC1', authToken: 't', apiKeySid: null, apiKeySecret: null }),
  twilioClientFor: () => ({ messages: { create: async () => Promise.reject(Object.assign(new Error('blocked'), { code: 21610 })) } }),
}));

const { sendReply } = await import('./messages');
const send = () => sendReply(user as never, 'u1', 'c1', { clientMsgId: 'k1', body: 'hi' }).then(() => null, (e: unknown) => e as AppError);

afterEach(() => {
  updateError = null;
  vi.restoreAllMocks();
});

test('Twilio refuses and the failure is stored: the member gets the error with the stored row', async () => {
  const log = vi.spyOn(console, 'error').mockImplementation(() => {});
  const error = await send();
  expect(error).toMatchObject({ code: 'twilio_error', status: 502, message: 'The customer has blocked messages from this number (STOP).' });
  expect(error?.details).toMatchObject({ twilioCode: 21610, message: { id: 'm1', status: 'failed', error_code: 21610 } });
  expect(log).not.toHaveBeenCalled();
});

test('Twilio refuses and marking the row failed fails too: same error for the member, a failed row to show, and a log line', async () => {
  updateError = { code: '57014', message: 'canceling statement due to statement timeout' };
  const log = vi.spyOn(console, 'error').mockImplementation(() => {});
  const error = await send();
  expect(error).toMatchObject({ code: 'twilio_error', status: 502, message: 'The customer has blocked messages from this number (STOP).' });
  expect(error?.details).toMatchObject({ message: { id: 'm1', status: 'failed', error_code: 21610, error_message: expect.stringMatching(/STOP/) } });
  expect(log).toHaveBeenCalledTimes(1);
  expect(log.mock.calls[0]![0]).toContain('marking the message failed');
  expect(log.mock.calls[0]![1]).toMatchObject({ messageId: 'm1', dbCode: '57014', twilioCode: 21610 });
  expect(JSON.stringify(log.mock.calls)).not.toMatch(/\+1555|"hi"/);
});
