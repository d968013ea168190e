import { z } from 'zod';

/**
 * The only environment the browser bundle sees. Next.js inlines `process.env.NEXT_PUBLIC_*` at build time,
 * and only when written out literally, so each variable is spelled in full below.
 */
const schema = z.object({
  NEXT_PUBLIC_SUPABASE_URL: z.url({ message: 'must be the Supabase API URL, e.g. http://127.0.0.1:54321' }),
  NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY: z.string().min(20, 'must be the publishable (or legacy anon) key'),
});

export type PublicEnv = z.infer<typeof schema>;

let cached: PublicEnv | undefined;

export function publicEnv(): PublicEnv {
  cached ??= parseEnv(schema, {
    NEXT_PUBLIC_SUPABASE_URL: process.env.NEXT_PUBLIC_SUPABASE_URL,
    NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY: process.env.NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY,
  });
  return cached;
}

/** Parses an environment object and throws one readable message naming every missing or invalid variable. */
export function parseEnv<T extends z.ZodType>(schema: T, values: Record<string, unknown>): z.infer<T> {
  const result = schema.safeParse(values);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `  ${i.path.join('.')}: ${values[String(i.path[0])] === undefined ? 'missing' : i.message}`);
  throw new Error(`Invalid environment (see .env.example and the README's table):\n${problems.join('\n')}`);
}
