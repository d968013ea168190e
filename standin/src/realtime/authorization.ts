/**
 * Private-channel authorisation through RLS on realtime.messages, as Supabase Realtime does it: read is checked
 * at join (and on every token change), write lazily on the first broadcast or track.
 */
import type { Database } from '../db/database.ts';
import type { Claims } from '../keys.ts';

export type Extension = 'broadcast' | 'presence';

export async function channelAccess(
  db: Database,
  subTopic: string,
  claims: Claims,
  extensions: readonly Extension[],
  mode: 'read' | 'write',
): Promise<Set<Extension>> {
  const role = typeof claims.role === 'string' ? claims.role : 'anon';
  const [row] = await db.query<{ granted: string[] | null }>(
    'select standin_realtime.channel_access($1, $2, $3, $4::text[], $5) as granted',
    [subTopic, role, JSON.stringify(claims), extensions, mode === 'write'],
  );
  return new Set((row?.granted ?? []) as Extension[]);
}
