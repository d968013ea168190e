/**
 * `/auth/v1/admin/users*`, which lite 0.10.0 lacks: the subset of GoTrue's admin API that supabase-js's
 * `auth.admin` uses for users (createUser, listUsers, getUserById, updateUserById, deleteUser).
 * Writes go straight into lite's `auth.users` / `auth.identities`; user JSON is lite's own (`GET /user` with a
 * short-lived token minted for that user), so admin answers and sign-in answers describe a user identically.
 * This module routes, authorises and decodes; the operations are admin-users.ts.
 */
import type { Database } from '../db/database.ts';
import { bearerToken } from '../http.ts';
import { verifyHS256 } from '../jwt.ts';
import { LOCAL_JWT_SECRET, LOCAL_SECRET_KEY } from '../keys.ts';
import { dbError } from '../rest/postgrest-errors.ts';
import { BadRequest, createUser, deleteUser, getUser, inviteUser, listUsers, updateUser, UUID, type Fetch, type InviteMailer, type UserAttributes } from './admin-users.ts';
import { readGoParams } from './auth-guard.ts';
import { authError } from './auth-responses.ts';
import { ADMIN_USER, ADMIN_USER_DELETE, INVITE, type GoParams } from './go-params.ts';

export function isAdminPath(pathname: string): boolean {
  return pathname === '/auth/v1/admin/users' || pathname.startsWith('/auth/v1/admin/users/') || pathname === '/auth/v1/invite';
}

/** Answers an `/auth/v1/admin/users…` or `/auth/v1/invite` request. `liteFetch` is lite's own handler, for the user JSON. */
export async function handleAdminRequest(request: Request, db: Database, liteFetch: Fetch, mailer: InviteMailer): Promise<Response> {
  const denied = await authorize(request);
  if (denied) return denied;
  const url = new URL(request.url);
  const id = url.pathname.slice('/auth/v1/admin/users/'.length) || null;
  try {
    if (url.pathname === '/auth/v1/invite') {
      if (request.method !== 'POST') return authError(405, 'method_not_allowed', `${request.method} is not supported here`);
      return await withBody(request, INVITE, (attrs) => inviteUser(attrs, url.searchParams.get('redirect_to'), db, mailer, liteFetch));
    }
    if (!id) {
      if (request.method === 'GET') return await listUsers(url, db, liteFetch);
      if (request.method === 'POST') return await withBody(request, ADMIN_USER, (attrs) => createUser(attrs, db, liteFetch));
    } else {
      if (!UUID.test(id)) return authError(404, 'user_not_found', 'User not found');
      if (request.method === 'GET') return await getUser(id, liteFetch);
      if (request.method === 'PUT') return await withBody(request, ADMIN_USER, (attrs) => updateUser(id, attrs, db, liteFetch));
      if (request.method === 'DELETE') return await withBody(request, ADMIN_USER_DELETE, (attrs) => deleteUser(id, attrs, db), true);
    }
    return authError(405, 'method_not_allowed', `${request.method} is not supported here`);
  } catch (error) {
    if (error instanceof BadRequest) return authError(400, error.code, error.message);
    // a value the column cannot hold (a role longer than varchar(255), …): the caller's, where GoTrue answers 500
    const db = dbError(error);
    if (db?.code.startsWith('22')) return authError(400, 'validation_failed', db.message);
    console.error('[standin] admin API failed:', error);
    return authError(500, 'unexpected_failure', 'Unexpected failure');
  }
}

/** GoTrue authorises admin calls by the bearer's role: service_role (or supabase_admin). */
async function authorize(request: Request): Promise<Response | null> {
  const bearer = bearerToken(request);
  const token = bearer && !bearer.startsWith('sb_') ? bearer : (request.headers.get('apikey') ?? bearer);
  if (!token) return authError(401, 'no_authorization', 'This endpoint requires a Bearer token');
  if (token === LOCAL_SECRET_KEY) return null;
  const verified = await verifyHS256(token, LOCAL_JWT_SECRET);
  if (verified.ok && (verified.claims.role === 'service_role' || verified.claims.role === 'supabase_admin')) return null;
  if (!verified.ok && !token.startsWith('sb_')) return authError(403, 'bad_jwt', 'invalid JWT: unable to parse or verify signature');
  return authError(403, 'not_admin', 'User not allowed');
}

/**
 * Runs `handle` on the body decoded as GoTrue decodes it (`readGoParams`: typed fields, 1 MB cap), or answers
 * GoTrue's 400/413 for a body it would refuse.
 */
async function withBody(
  request: Request,
  params: GoParams,
  handle: (attrs: UserAttributes) => Promise<Response>,
  allowEmpty = false,
): Promise<Response> {
  const attrs = await readGoParams(request, params, allowEmpty);
  return attrs instanceof Response ? attrs : handle(attrs as UserAttributes);
}

