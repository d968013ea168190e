// Environment for app modules (route handlers, lib/data) under test: the run's stand-in, the demo Twilio account.
// Each test file that sends starts its own Twilio fake and sets TWILIO_API_BASE_URL before the first send.
import { inject } from 'vitest';
import { LOCAL_PUBLISHABLE_KEY, LOCAL_SECRET_KEY } from '../../standin/src/keys.ts';
import { DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN } from '../../tools/twilio-fake/webhooks.ts';

process.env.NEXT_PUBLIC_SUPABASE_URL = inject('standinUrl');
process.env.NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY = LOCAL_PUBLISHABLE_KEY;
process.env.SUPABASE_SECRET_KEY = LOCAL_SECRET_KEY;
process.env.PUBLIC_BASE_URL = 'https://switchboard.test';
process.env.TWILIO_ACCOUNT_SID = DEMO_ACCOUNT_SID;
process.env.TWILIO_AUTH_TOKEN = DEMO_AUTH_TOKEN;
