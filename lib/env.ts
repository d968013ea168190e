import 'server-only';
import { z } from 'zod';
import { parseEnv, publicEnv, type PublicEnv } from './env.public';

const schema = z.object({
  /** Service-role key (sb_secret_… or the legacy service_role JWT). Server only: bypasses RLS. */
  SUPABASE_SECRET_KEY: z.string().min(20, 'must be the secret (or legacy service_role) key'),
  /** The app's public origin as Twilio sees it; webhook signatures are computed over it. */
  PUBLIC_BASE_URL: z.url().default('http://127.0.0.1:3000'),
});

export type ServerEnv = PublicEnv & z.infer<typeof schema>;

let cached: ServerEnv | undefined;

/** The server's environment, parsed once on first use (not at import, so `next build` needs no secrets). */
export function serverEnv(): ServerEnv {
  cached ??= { ...publicEnv(), ...parseEnv(schema, process.env) };
  return cached;
}
