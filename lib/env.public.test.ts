import { describe, expect, test } from 'vitest';
import { parsePublicEnv } from './env.public';

describe('parsePublicEnv', () => {
  test('accepts the local defaults', () => {
    const env = { NEXT_PUBLIC_SUPABASE_URL: 'http://127.0.0.1:54321', NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY: 'sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH' };
    expect(parsePublicEnv(env)).toEqual(env);
  });

  test('names every missing or invalid variable in one error', () => {
    expect(() => parsePublicEnv({})).toThrow(/NEXT_PUBLIC_SUPABASE_URL: missing[\s\S]*NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY: missing/);
    expect(() => parsePublicEnv({ NEXT_PUBLIC_SUPABASE_URL: 'localhost:54321', NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY: 'short' })).toThrow(
      /must be the Supabase API URL[\s\S]*must be the publishable/,
    );
    expect(() => parsePublicEnv({ NEXT_PUBLIC_SUPABASE_URL: 'ftp://x.test', NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY: 'x'.repeat(30) })).toThrow(/API URL/);
  });
});
