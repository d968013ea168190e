import type { SupabaseClient } from '@supabase/supabase-js';
import { signedInClient as signIn } from '../../standin/test/helpers/clients.ts';

// The stand-in's client helpers; the app's tests sign in as the demo users of supabase/seed.sql by default.
export { anonClient, createTestUser, serviceClient, standinUrl } from '../../standin/test/helpers/clients.ts';

export const DEMO_PASSWORD = 'password123';

/** A client signed in with email and password (the demo users' password by default). */
export function signedInClient(email: string, password = DEMO_PASSWORD): Promise<SupabaseClient> {
  return signIn(email, password);
}
