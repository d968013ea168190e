/**
 * The only configuration the browser sees: where Supabase is and its publishable key. It is read at run time,
 * not inlined at build time, so one build runs against any Supabase (the stand-in on any port, a hosted
 * project): the server reads the environment, and the root layout hands the values to the browser
 * (components/public-env.tsx). No zod here: this module ships to the browser, and checking two strings does
 * not need a schema library in every page's JavaScript.
 */
export interface PublicEnv {
  NEXT_PUBLIC_SUPABASE_URL: string;
  NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY: string;
}


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
  cached ??= parsePublicEnv(process.env as Record<string, string | undefined>);
  return cached;
}

/** Checks the two public variables; one readable error names every missing or invalid one. */
export function parsePublicEnv(env: Record<string, string | undefined>): PublicEnv {
  const problems: string[] = [];
  const url = env.NEXT_PUBLIC_SUPABASE_URL;
  const key = env.NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY;
  if (!url) problems.push('  NEXT_PUBLIC_SUPABASE_URL: missing');
  else if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol))
    problems.push('  NEXT_PUBLIC_SUPABASE_URL: must be the Supabase API URL, e.g. http://127.0.0.1:54321');
  if (!key) problems.push('  NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY: missing');
  else if (key.length < 20) problems.push('  NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY: must be the publishable (or legacy anon) key');
  if (problems.length) throw new Error(`Invalid environment (see .env.example and the README's table):\n${problems.join('\n')}`);
  return { NEXT_PUBLIC_SUPABASE_URL: url!, NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY: key! };
}
