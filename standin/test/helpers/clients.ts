import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { inject } from 'vitest';
import { LOCAL_PUBLISHABLE_KEY, LOCAL_SECRET_KEY } from '../../src/keys.ts';

/** The password of the users in the contract fixture's seed (`fixtures/contract/supabase/seed.sql`). */
export const SEED_PASSWORD = 'fixture-password';

const noSession = { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false };

/** The stand-in this test run shares (booted by the project's global setup). */
export function standinUrl(): string {
  return inject('standinUrl');
}

/** A client as the browser's anonymous visitor would have it. */
export function anonClient(key = LOCAL_PUBLISHABLE_KEY, url = standinUrl()): SupabaseClient {
  return createClient(url, key, { auth: noSession });
}

/** The service role: bypasses RLS. Test setup only. */
export function serviceClient(key = LOCAL_SECRET_KEY, url = standinUrl()): SupabaseClient {
  return createClient(url, key, { auth: noSession });
}

/** A client signed in with email and password. */
export async function signedInClient(email: string, password = SEED_PASSWORD, url = standinUrl()): Promise<SupabaseClient> {
  const client = anonClient(LOCAL_PUBLISHABLE_KEY, url);
  const { error } = await client.auth.signInWithPassword({ email, password });
  if (error) throw new Error(`sign-in as ${email} failed: ${error.message}`);
  return client;
}

let counter = 0;
/** A unique address, so a test owns its data and never collides with another. */
export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter++}@example.test`;
}

/** A fresh confirmed user (created through the admin API), signed in. */
export async function createTestUser(prefix = 'user', url = standinUrl()): Promise<{ id: string; email: string; password: string; client: SupabaseClient }> {
  const email = uniqueEmail(prefix);
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  const { data, error } = await serviceClient(LOCAL_SECRET_KEY, url).auth.admin.createUser({ email, password, email_confirm: true });
  if (error || !data.user) throw new Error(`createUser failed: ${error?.message}`);
  return { id: data.user.id, email, password, client: await signedInClient(email, password, url) };
}
