/**
 * The fixed local keys the Supabase CLI prints (`supabase status`), in both forms. They are public and
 * identical on every machine, so one `.env.development` works against the stand-in and against `supabase start`.
 * Never use them anywhere but on a developer's own machine.
 */
export const LOCAL_JWT_SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long';

export const LOCAL_PUBLISHABLE_KEY = 'sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH';
export const LOCAL_SECRET_KEY = 'sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz';

/** Legacy HS256 keys: `{"iss":"supabase-demo","role":"anon"|"service_role","exp":1983812996}`. */
export const LOCAL_ANON_JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0';
export const LOCAL_SERVICE_ROLE_JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0.EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU';

/**
 * The stand-in's local Vault root key (`vault.secrets` is encrypted under keys derived from it). Hosted Supabase keeps
 * each project's root key outside the database; here it comes from `STANDIN_VAULT_KEY` (option `vaultKey`), and
 * this public default serves every developer's machine. Never use it anywhere else.
 */
export const LOCAL_VAULT_ROOT_KEY = 'standin-local-vault-root-key-for-development-only';

export type Claims = Record<string, unknown> & { role?: string; sub?: string; exp?: number };
