import 'server-only';
import { z } from 'zod';
import { publicEnv, type PublicEnv } from './env.public';

const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

const schema = z.object({
  /** Service-role key (sb_secret_… or the legacy service_role JWT). Server only: bypasses RLS. */
  SUPABASE_SECRET_KEY: z.string().min(20, 'must be the secret (or legacy service_role) key'),
  /** The app's public origin as Twilio sees it; webhook signatures are computed over it. */
  PUBLIC_BASE_URL: z.url().default('http://127.0.0.1:3000'),
  /** Only for the local fake: where Twilio's REST API is (http://127.0.0.1:4010). Unset in production. */
  TWILIO_API_BASE_URL: optional(z.url()),
  /** Messages per second per sender number (Twilio's WhatsApp default is 10). */
  TWILIO_SEND_RATE_PER_SECOND: z.coerce.number().positive().max(1000).default(10),
  /** The bearer a cron must send to POST /api/twilio/reconcile; unset, the route does not exist. */
  RECONCILE_SECRET: optional(z.string().min(32, 'must be at least 32 characters')),
});

export type ServerEnv = PublicEnv & z.infer<typeof schema>;

let cached: ServerEnv | undefined;

/** The server's environment, parsed once on first use (not at import, so `next build` needs no secrets). */
export function serverEnv(): ServerEnv {
  cached ??= { ...publicEnv(), ...parseEnv(schema, process.env) };
  return cached;
}

/** Parses an environment object and throws one readable message naming every missing or invalid variable. */
export function parseEnv<T extends z.ZodType>(schema: T, values: Record<string, unknown>): z.infer<T> {
  const result = schema.safeParse(values);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `  ${i.path.join('.')}: ${values[String(i.path[0])] === undefined ? 'missing' : i.message}`);
  throw new Error(`Invalid environment (see .env.example and the README's table):\n${problems.join('\n')}`);
}
