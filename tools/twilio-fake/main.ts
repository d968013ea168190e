/**
 * `node --import tsx tools/twilio-fake/main.ts [--port 4010]` — the Twilio fake on its own (npm run dev starts it).
 * The default account: TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN (defaults: the demo ones), with the demo numbers,
 * API key, Messaging Service and templates (demo.ts). Switches and more accounts at runtime (controls.ts):
 *   curl -XPOST localhost:4010/__fake/config -d '{"outOfOrder":true}'
 *   curl -XPOST localhost:4010/__fake/config -d '{"failures":{"*":{"code":63016,"stage":"callback"}}}'
 *   curl -XPOST localhost:4010/__fake/accounts -d '{"friendlyName":"Acme","apiKeys":[{}],"numbers":["+442071838750"]}'
 *   curl localhost:4010/__fake/accounts
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
console.log(`Twilio fake on ${fake.url} (account ${fake.accountSid}; more at POST ${fake.url}/__fake/accounts)`);
const stop = async () => {
  await fake.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
