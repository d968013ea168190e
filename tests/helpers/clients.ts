import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { inject } from 'vitest';
import { LOCAL_PUBLISHABLE_KEY, LOCAL_SECRET_KEY } from '../../standin/src/keys.ts';

export const DEMO_PASSWORD = 'password123';

const noSession = { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false };

export function standinUrl(): string {
  return inject('standinUrl');
}

/** A client as the browser's anonymous visitor would have it. */
export function anonClient(key = LOCAL_PUBLISHABLE_KEY): SupabaseClient {
  return createClient(standinUrl(), key, { auth: noSession });
}

/** The service role: bypasses RLS. Test setup only. */
export function serviceClient(key = LOCAL_SECRET_KEY): SupabaseClient {
  return createClient(standinUrl(), key, { auth: noSession });
}

/** A client signed in with email and password (the demo users' password by default). */
export async function signedInClient(email: string, password = DEMO_PASSWORD): Promise<SupabaseClient> {
  const client = anonClient();
  const { error } = await client.auth.signInWithPassword({ email, password });
  if (error) throw new Error(`sign-in as ${email} failed: ${error.message}`);
  return client;
}

let counter = 0;
/** A fresh confirmed user, so a test owns its data and never collides with another. */
export async function createTestUser(prefix = 'user'): Promise<{ id: string; email: string; password: string; client: SupabaseClient }> {
  const email = `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter++}@example.test`;
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  const { data, error } = await serviceClient().auth.admin.createUser({ email, password, email_confirm: true });
  if (error || !data.user) throw new Error(`createUser failed: ${error?.message}`);
  return { id: data.user.id, email, password, client: await signedInClient(email, password) };
}
