import { z } from 'zod';

/**
 * The only configuration the browser sees: where Supabase is and its publishable key. It is read at run time,
 * not inlined at build time, so one build runs against any Supabase (the stand-in on any port, a hosted
 * project): the server reads the environment, and the root layout hands the values to the browser
 * (components/public-env.tsx).
 */
const schema = z.object({
  NEXT_PUBLIC_SUPABASE_URL: z.url({ message: 'must be the Supabase API URL, e.g. http://127.0.0.1:54321' }),
  NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY: z.string().min(20, 'must be the publishable (or legacy anon) key'),
});

export type PublicEnv = z.infer<typeof schema>;
export const PUBLIC_ENV_KEYS = Object.keys(schema.shape) as Array<keyof PublicEnv>;

declare global {
  interface Window {
    __SWITCHBOARD_PUBLIC_ENV__?: PublicEnv;
  }
}

let cached: PublicEnv | undefined;

export function publicEnv(): PublicEnv {
  if (typeof window !== 'undefined') {
    const injected = window.__SWITCHBOARD_PUBLIC_ENV__;
    if (!injected) throw new Error('Public configuration missing: the root layout must render <PublicEnvScript />.');
    return injected;
  }
  // read by name at run time: a literal process.env.NEXT_PUBLIC_* would be frozen into the build
  const env = process.env as Record<string, string | undefined>;
  cached ??= parseEnv(schema, Object.fromEntries(PUBLIC_ENV_KEYS.map((k) => [k, env[k]])));
  return cached;
}

/** Parses an environment object and throws one readable message naming every missing or invalid variable. */
export function parseEnv<T extends z.ZodType>(schema: T, values: Record<string, unknown>): z.infer<T> {
  const result = schema.safeParse(values);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `  ${i.path.join('.')}: ${values[String(i.path[0])] === undefined ? 'missing' : i.message}`);
  throw new Error(`Invalid environment (see .env.example and the README's table):\n${problems.join('\n')}`);
}
