/**
 * The admin API's user operations (admin-api.ts routes and authorises them): rows written straight into lite's
 * `auth.users` / `auth.identities`, answered with lite's own user JSON.
 */
import { createHash, randomInt } from 'node:crypto';
import type { Database } from '../db/database.ts';
import { signJwt } from '../jwt.ts';
import { LOCAL_JWT_SECRET, LOCAL_SECRET_KEY } from '../keys.ts';
import { authError, authJson } from './auth-responses.ts';

/** lite's own request handler (for the user JSON). */
export type Fetch = (request: Request) => Promise<Response>;

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MIN_PASSWORD = 6;

/** The fields of GoTrue's AdminUserParams / adminUserDeleteParams the operations read (decoded by go-params.ts). */
export interface UserAttributes {
  id?: unknown;
  email?: unknown;
  password?: unknown;
  email_confirm?: unknown;
  user_metadata?: unknown;
  app_metadata?: unknown;
  role?: unknown;
  ban_duration?: unknown;
  should_soft_delete?: unknown;
}

export async function createUser(attrs: UserAttributes, db: Database, liteFetch: Fetch): Promise<Response> {
  const email = typeof attrs.email === 'string' ? attrs.email.trim().toLowerCase() : undefined;
  if (!email) return authError(400, 'validation_failed', 'An email address is required');
  if (!EMAIL.test(email)) return authError(400, 'validation_failed', 'Unable to validate email address: invalid format');
  const password = optionalString(attrs.password, 'password');
  if (password !== undefined && password.length < MIN_PASSWORD) return weakPassword();
  if (attrs.id !== undefined && (typeof attrs.id !== 'string' || !UUID.test(attrs.id))) {
    return authError(400, 'validation_failed', 'id must be a UUID');
  }
  const existing = await db.query('select 1 from auth.users where lower(email) = $1', [email]);
  if (existing.length > 0) return authError(422, 'email_exists', 'A user with this email address has already been registered');

  const [user] = await db.transaction(async (q) => {
    const rows = await q<{ id: string }>(
      `insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
         raw_app_meta_data, raw_user_meta_data, created_at, updated_at,
         confirmation_token, recovery_token, email_change_token_new, email_change, is_sso_user, is_anonymous)
       values ('00000000-0000-0000-0000-000000000000', coalesce($1::uuid, gen_random_uuid()), 'authenticated',
         coalesce($2, 'authenticated'), $3,
         case when $4::text is null then null else extensions.crypt($4, extensions.gen_salt('bf', 10)) end,
         case when $5 then now() end,
         jsonb_build_object('provider', 'email', 'providers', jsonb_build_array('email')) || $6::text::jsonb,
         $7::text::jsonb, now(), now(), '', '', '', '', false, false)
       returning id`,
      [attrs.id ?? null, optionalString(attrs.role, 'role') ?? null, email, password ?? null, attrs.email_confirm === true,
        JSON.stringify(objectOr(attrs.app_metadata, 'app_metadata')), JSON.stringify(objectOr(attrs.user_metadata, 'user_metadata'))],
    );
    const id = rows[0]!.id;
    await q(
      `insert into auth.identities (id, provider, provider_id, user_id, identity_data, created_at, updated_at)
       values (gen_random_uuid(), 'email', $1::text, $1::text::uuid,
         jsonb_build_object('sub', $1::text, 'email', $2::text, 'email_verified', $3::boolean, 'phone_verified', false),
         now(), now())`,
      [id, email, attrs.email_confirm === true],
    );
    return rows;
  });
  return userResponse(user!.id, liteFetch);
}

/** What `inviteUser` needs of the mailer (mailer.ts). */
export interface InviteMailer {
  sendInvite(to: string, tokenHash: string, otp: string, meta: { redirectTo?: string; data?: unknown }): Promise<void>;
}

/**
 * GoTrue's `POST /invite` (supabase-js `auth.admin.inviteUserByEmail`): an account for the address with no
 * password, unconfirmed, `invited_at` set, and the invitation mail with a one-time token (`type=invite`). An
 * address that already has a confirmed account is 422 `email_exists`; one invited before and not yet confirmed
 * is invited again (a fresh token; the old one stops working).
 */
export async function inviteUser(attrs: UserAttributes, redirectTo: string | null, db: Database, mailer: InviteMailer, liteFetch: Fetch): Promise<Response> {
  const email = typeof attrs.email === 'string' ? attrs.email.trim().toLowerCase() : undefined;
  if (!email) return authError(400, 'validation_failed', 'An email address is required');
  if (!EMAIL.test(email)) return authError(400, 'validation_failed', 'Unable to validate email address: invalid format');
  const data = objectOr((attrs as { data?: unknown }).data, 'data');
  // GoTrue: crypto.GenerateOtp, then GenerateTokenHash = hex(sha224(email + otp))
  const otp = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const tokenHash = createHash('sha224').update(email + otp).digest('hex');
  const outcome = await db.transaction(async (q) => {
    const existing = await q<{ id: string; confirmed: boolean }>(
      'select id, email_confirmed_at is not null as confirmed from auth.users where lower(email) = $1 for update',
      [email],
    );
    if (existing[0]?.confirmed) return 'exists' as const;
    if (existing[0]) {
      await q(
        `update auth.users set confirmation_token = $2, confirmation_sent_at = now(), invited_at = now(),
           raw_user_meta_data = coalesce(raw_user_meta_data, '{}'::jsonb) || $3::text::jsonb, updated_at = now()
         where id = $1`,
        [existing[0].id, tokenHash, JSON.stringify(data)],
      );
      return existing[0].id;
    }
    const rows = await q<{ id: string }>(
      `insert into auth.users (instance_id, id, aud, role, email, encrypted_password, invited_at,
         confirmation_token, confirmation_sent_at, raw_app_meta_data, raw_user_meta_data, created_at, updated_at,
         recovery_token, email_change_token_new, email_change, is_sso_user, is_anonymous)
       values ('00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated', $1, '', now(),
         $2, now(), jsonb_build_object('provider', 'email', 'providers', jsonb_build_array('email')), $3::text::jsonb, now(), now(),
         '', '', '', false, false)
       returning id`,
      [email, tokenHash, JSON.stringify(data)],
    );
    const id = rows[0]!.id;
    await q(
      `insert into auth.identities (id, provider, provider_id, user_id, identity_data, created_at, updated_at)
       values (gen_random_uuid(), 'email', $1::text, $1::text::uuid,
         jsonb_build_object('sub', $1::text, 'email', $2::text, 'email_verified', false, 'phone_verified', false), now(), now())`,
      [id, email],
    );
    return id;
  });
  if (outcome === 'exists') return authError(422, 'email_exists', 'A user with this email address has already been registered');
  await mailer.sendInvite(email, tokenHash, otp, { redirectTo: redirectTo ?? undefined, data });
  const user = await fetchUser(outcome, liteFetch);
  if (!user) return authError(404, 'user_not_found', 'User not found');
  // lite's user JSON has no invited_at; GoTrue's does
  const [row] = await db.query<{ invited_at: string }>(`select to_char(invited_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as invited_at from auth.users where id = $1`, [outcome]);
  return authJson(200, { ...user, invited_at: row?.invited_at });
}

export async function listUsers(url: URL, db: Database, liteFetch: Fetch): Promise<Response> {
  const page = positiveInt(url.searchParams.get('page'), 1);
  const perPage = Math.min(positiveInt(url.searchParams.get('per_page'), 50), 1000);
  const [{ total }] = (await db.query<{ total: number }>('select count(*)::int as total from auth.users')) as [{ total: number }];
  const ids = await db.query<{ id: string }>(
    'select id from auth.users order by created_at desc, id limit $1 offset $2',
    [perPage, (page - 1) * perPage],
  );
  const users = [];
  for (const { id } of ids) users.push(await fetchUser(id, liteFetch));
  const lastPage = Math.max(1, Math.ceil(total / perPage));
  const link = (p: number, rel: string) => `<${url.origin}${url.pathname}?page=${p}&per_page=${perPage}>; rel="${rel}"`;
  const links = [...(page < lastPage ? [link(page + 1, 'next')] : []), link(lastPage, 'last')];
  return authJson(200, { users: users.filter(Boolean), aud: 'authenticated' }, { 'x-total-count': String(total), link: links.join(', ') });
}

export async function getUser(id: string, liteFetch: Fetch): Promise<Response> {
  return userResponse(id, liteFetch);
}

export async function updateUser(id: string, attrs: UserAttributes, db: Database, liteFetch: Fetch): Promise<Response> {
  const email = attrs.email === undefined ? undefined : optionalString(attrs.email, 'email')?.trim().toLowerCase();
  if (email !== undefined && !EMAIL.test(email)) return authError(400, 'validation_failed', 'Unable to validate email address: invalid format');
  const password = optionalString(attrs.password, 'password');
  if (password !== undefined && password.length < MIN_PASSWORD) return weakPassword();
  const banUntil = attrs.ban_duration === undefined ? undefined : banDuration(attrs.ban_duration);
  if (email) {
    const taken = await db.query('select 1 from auth.users where lower(email) = $1 and id <> $2', [email, id]);
    if (taken.length > 0) return authError(422, 'email_exists', 'A user with this email address has already been registered');
  }
  const updated = await db.query(
    `update auth.users set
       email = coalesce($2, email),
       encrypted_password = case when $3::text is null then encrypted_password else extensions.crypt($3, extensions.gen_salt('bf', 10)) end,
       email_confirmed_at = case when $4 then coalesce(email_confirmed_at, now()) else email_confirmed_at end,
       raw_user_meta_data = coalesce(raw_user_meta_data, '{}'::jsonb) || $5::text::jsonb,
       raw_app_meta_data = coalesce(raw_app_meta_data, '{}'::jsonb) || $6::text::jsonb,
       role = coalesce($7, role),
       banned_until = case when $8 then $9::timestamptz else banned_until end,
       updated_at = now()
     where id = $1 returning id`,
    [id, email ?? null, password ?? null, attrs.email_confirm === true,
      JSON.stringify(objectOr(attrs.user_metadata, 'user_metadata')), JSON.stringify(objectOr(attrs.app_metadata, 'app_metadata')),
      optionalString(attrs.role, 'role') ?? null, banUntil !== undefined, banUntil ?? null],
  );
  if (updated.length === 0) return authError(404, 'user_not_found', 'User not found');
  if (email) await db.query(`update auth.identities set identity_data = identity_data || jsonb_build_object('email', $2::text) where user_id = $1 and provider = 'email'`, [id, email]);
  return userResponse(id, liteFetch);
}

export async function deleteUser(id: string, body: UserAttributes, db: Database): Promise<Response> {
  const deleted = await db.transaction(async (q) => {
    await q('delete from auth.refresh_tokens where user_id = $1', [id]);
    await q('delete from auth.sessions where user_id = $1', [id]);
    if (body.should_soft_delete === true) {
      // GoTrue's soft delete keeps the row (for foreign keys) but makes the account unusable.
      await q('delete from auth.identities where user_id = $1', [id]);
      return q(`update auth.users set deleted_at = now(), encrypted_password = null, email = null, phone = null,
                  raw_user_meta_data = '{}', updated_at = now() where id = $1 returning id`, [id]);
    }
    await q('delete from auth.identities where user_id = $1', [id]);
    return q('delete from auth.users where id = $1 returning id', [id]);
  });
  if (deleted.length === 0) return authError(404, 'user_not_found', 'User not found');
  return authJson(200, {});
}

async function userResponse(id: string, liteFetch: Fetch): Promise<Response> {
  const user = await fetchUser(id, liteFetch);
  return user ? authJson(200, user) : authError(404, 'user_not_found', 'User not found');
}

/** lite's JSON for one user, through its own `GET /user` with a one-minute token for that user. */
async function fetchUser(id: string, liteFetch: Fetch): Promise<Record<string, unknown> | null> {
  const now = Math.floor(Date.now() / 1000);
  const token = await signJwt({ sub: id, role: 'authenticated', aud: 'authenticated', iat: now, exp: now + 60 }, LOCAL_JWT_SECRET);
  const res = await liteFetch(
    new Request('http://standin.local/auth/v1/user', { headers: { apikey: LOCAL_SECRET_KEY, authorization: `Bearer ${token}` } }),
  );
  if (res.status !== 200) return null;
  return (await res.json()) as Record<string, unknown>;
}

/** A field of the wrong type: answered 400 with its code by handleAdminRequest(). */
export class BadRequest extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

function optionalString(v: unknown, name: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new BadRequest('validation_failed', `${name} must be a string`);
  return v;
}

function objectOr(v: unknown, name: string): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new BadRequest('validation_failed', `${name} must be an object`);
  return v as Record<string, unknown>;
}

function positiveInt(v: string | null, fallback: number): number {
  const n = Number(v);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/** GoTrue takes Go durations ("24h", "30m", "1h30m") or "none". */
function banDuration(v: unknown): string | null {
  if (v === 'none') return null;
  const m = typeof v === 'string' ? /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(v) : null;
  if (!m || v === '') throw new BadRequest('validation_failed', 'ban_duration must be a duration like "24h" or "none"');
  const seconds = Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
  return new Date(Date.now() + seconds * 1000).toISOString();
}

function weakPassword(): Response {
  return authJson(
    422,
    { code: 'weak_password', message: `Password should be at least ${MIN_PASSWORD} characters.`, weak_password: { reasons: ['length'] } },
    { 'x-sb-error-code': 'weak_password' },
  );
}
