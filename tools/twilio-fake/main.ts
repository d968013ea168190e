/**
 * `node --import tsx tools/twilio-fake/main.ts [--port 4010]` — the Twilio fake on its own (npm run dev starts it).
 * Credentials: TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN (defaults: the demo ones). Switches at runtime:
 *   curl -XPOST localhost:4010/__fake/config -d '{"outOfOrder":true}'
 *   curl -XPOST localhost:4010/__fake/config -d '{"failures":{"*":{"code":63016,"stage":"callback"}}}'
 */
import { startTwilioFake } from './index.ts';

const argv = process.argv.slice(2);
const port = Number(argv[argv.indexOf('--port') + 1] ?? 4010) || 4010;
const fake = await startTwilioFake({
  port,
  accountSid: process.env.TWILIO_ACCOUNT_SID || undefined,
  authToken: process.env.TWILIO_AUTH_TOKEN || undefined,
  log: (line) => console.log(line),
});
console.log(`Twilio fake on ${fake.url} (account ${fake.accountSid})`);
const stop = async () => {
  await fake.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
