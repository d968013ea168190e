/**
 * The start-up self-test of the lite behaviour the adapter depends on (see adapter.ts): runs against the live
 * app before the port opens and throws, naming the broken assumption, if @supabase/lite no longer behaves so.
 */
import type { Database } from '../db/database.ts';
import { LOCAL_PUBLISHABLE_KEY, LOCAL_SECRET_KEY } from '../keys.ts';
import { assertInternal, clearLiteSchemaCache, type LiteApp } from './adapter.ts';

/**
 * Start-up self-test of the lite behaviour the adapter depends on. Runs against the live app before the port
 * opens; throws with a message naming the broken assumption.
 */
export async function selfTest(app: LiteApp, db: Database): Promise<void> {
  const probe = '_standin_self_test';
  await db.execScript(
    // The project's own default privileges (`alter default privileges … grant … to anon, authenticated`, as
    // Supabase projects long had) grant the probe at creation: revoke them, so any grant seen after lite's
    // first request can only be lite's.
    `create table public.${probe} (id int primary key check (id > 0)); alter table public.${probe} enable row level security;
     revoke all on public.${probe} from anon, authenticated;
     grant insert on public.${probe} to service_role;`,
  );
  try {
    await clearLiteSchemaCache(app);
    const res = await app.fetch(
      new Request(`http://standin.local/rest/v1/${probe}?select=id`, {
        headers: { apikey: LOCAL_PUBLISHABLE_KEY, authorization: `Bearer ${LOCAL_PUBLISHABLE_KEY}`, 'accept-profile': 'public' },
      }),
    );
    const body = (await res.json().catch(() => null)) as { code?: string } | null;
    const [grants] = await db.query<{ granted: boolean }>(
      `select has_table_privilege('anon', 'public.${probe}', 'select') or has_table_privilege('authenticated', 'public.${probe}', 'select') as granted`,
    );
    assertInternal(!grants!.granted, 'no blanket GRANT at the first request (rlsState)');
    assertInternal(res.status === 401 && body?.code === '42501', `an ungranted table answers 401 42501 to anon (got ${res.status} ${body?.code})`);
    const check = await app.fetch(
      new Request(`http://standin.local/rest/v1/${probe}`, {
        method: 'POST',
        headers: { apikey: LOCAL_SECRET_KEY, authorization: `Bearer ${LOCAL_SECRET_KEY}`, 'content-type': 'application/json', 'content-profile': 'public' },
        body: '{"id":-1}',
      }),
    );
    const checkBody = (await check.json().catch(() => null)) as { code?: string } | null;
    assertInternal(
      check.status === 400 && checkBody?.code === '23514',
      `a CHECK violation answers 400 23514 (normalizeDbError → the PGRST raise protocol; got ${check.status} ${checkBody?.code})`,
    );
    const [helpers] = await db.query<{ ours: boolean }>(
      `select bool_and(prosrc like '%request.jwt.claims%') as ours from pg_proc
        where pronamespace = 'auth'::regnamespace and proname in ('uid', 'role', 'email', 'jwt')`,
    );
    assertInternal(helpers!.ours === true, 'auth.uid()/role()/email()/jwt() are the Supabase definitions from bootstrap.sql');
  } finally {
    await db.execScript(`drop table if exists public.${probe}`);
    await clearLiteSchemaCache(app);
  }
}
