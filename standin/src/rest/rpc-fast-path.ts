/**
 * A fast path for the REST calls a backend makes most: `POST /rest/v1/rpc/<fn>` with the service role and named
 * arguments, to a plain function returning a scalar, json/jsonb or void (the Twilio webhooks' ingest RPCs). lite
 * spends ~5 ms and a dozen statements on each; here it is one round trip: the claims and request settings and the
 * call go to the database as one multi-statement query, which Postgres runs as a single transaction.
 *
 * Everything else (other roles, query parameters, Prefer/Accept variants, overloaded, set-returning or composite
 * functions) is left to lite: `handle()` answers null and the caller passes the request on. The answers follow
 * PostgREST: 200 with the JSON value, 204 for void, errors as `{code, details, hint, message}` with PostgREST's
 * status for the SQLSTATE (`postgrest-errors.ts`, shared with lite's path). The REST contract tests run through both paths.
 */
import { actAsSettings, rpcRequestSettings, setConfigLiterals } from '../db/act-as.ts';
import type { Database } from '../db/database.ts';
import { bearerToken, CORS_REST as CORS } from '../http.ts';
import { verifyHS256 } from '../jwt.ts';
import type { Claims } from '../keys.ts';
import { dbError, pgrstRaiseResponse, postgrestResponse, postgrestStatus } from './postgrest-errors.ts';

export interface FastPathKeys {
  jwtSecret: string;
  secretKey: string;
}

interface FunctionInfo {
  args: Array<{ name: string; type: string; hasDefault: boolean }>;
  returnsVoid: boolean;
}

const ACCEPTABLE_RETURN = /^(void|json|jsonb|text|uuid|boolean|integer|bigint|smallint|numeric|real|double precision|character varying|timestamp with time zone|date)$/;

export class RpcFastPath {
  #functions: Promise<Map<string, FunctionInfo>> | null = null;
  #unlisten: (() => Promise<void>) | null = null;

  constructor(
    private readonly db: Database,
    private readonly keys: FastPathKeys,
  ) {}

  async start(): Promise<void> {
    const forget = () => {
      this.#functions = null;
    };
    // DDL notified while the session was lost is unknown: forget the signatures when it is back
    this.#unlisten = await this.db.listen('standin_ddl', forget, { back: forget });
  }

  async stop(): Promise<void> {
    await this.#unlisten?.();
  }

  /** Forget cached function signatures (tests that create functions outside DDL notifications call this). */
  invalidate(): void {
    this.#functions = null;
  }

  /** Answers the request, or returns null when it is not one this path takes (lite then answers it). */
  async handle(request: Request): Promise<Response | null> {
    if (request.method !== 'POST') return null;
    const url = new URL(request.url);
    const match = /^\/rest\/v1\/rpc\/([A-Za-z_][A-Za-z0-9_]*)$/.exec(url.pathname);
    if (!match || url.search !== '') return null;
    const profile = request.headers.get('content-profile');
    if ((profile && profile !== 'public') || request.headers.get('prefer')) return null;
    const accept = request.headers.get('accept');
    if (accept && accept !== '*/*' && !accept.startsWith('application/json')) return null;
    if (!(request.headers.get('content-type') ?? '').toLowerCase().startsWith('application/json')) return null;
    const claims = await this.#serviceClaims(request);
    if (!claims) return null;
    const fn = (await this.#catalog()).get(match[1]!);
    if (!fn) return null;

    const text = await request.clone().text();
    let body: unknown;
    try {
      body = text.trim() === '' ? {} : JSON.parse(text);
    } catch {
      return null; // lite answers malformed JSON with its own PGRST102
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
    const given = body as Record<string, unknown>;
    const names = new Set(fn.args.map((a) => a.name));
    if (Object.keys(given).some((k) => !names.has(k))) return null;
    if (fn.args.some((a) => !a.hasDefault && !(a.name in given))) return null;
    // arrays and objects for non-JSON parameters (arrays, composites) are PostgREST's business: lite's
    if (fn.args.some((a) => a.name in given && typeof given[a.name] === 'object' && given[a.name] !== null && a.type !== 'json' && a.type !== 'jsonb')) return null;

    const argsSql = fn.args
      .filter((a) => a.name in given)
      .map((a) => `${quoteIdent(a.name)} => ${literal(given[a.name], a.type)}::${a.type}`)
      .join(', ');
    const headers = Object.fromEntries([...request.headers].map(([k, v]) => [k.toLowerCase(), v]));
    const preamble = setConfigLiterals([
      ...actAsSettings('service_role', claims),
      ...rpcRequestSettings({ method: 'POST', path: url.pathname.slice('/rest/v1'.length), headers }),
    ]);
    const call = fn.returnsVoid
      ? `SELECT public.${quoteIdent(match[1]!)}(${argsSql})`
      : `SELECT to_jsonb(public.${quoteIdent(match[1]!)}(${argsSql}))::text AS result`;
    try {
      const result = await this.db.simpleQuery(`SELECT ${preamble}; ${call};`);
      if (fn.returnsVoid) return new Response(null, { status: 204, headers: CORS });
      const value = (result.at(-1)?.[0] as { result: string | null } | undefined)?.result ?? 'null';
      return new Response(value, { status: 200, headers: { ...CORS, 'content-type': 'application/json; charset=utf-8', 'content-range': '*/*' } });
    } catch (error) {
      if (!dbError(error)) console.error('[standin] RPC fast path failed:', error);
      return postgrestError(error);
    }
  }

  /** The service role, as an `sb_secret_` key or a JWT whose role is service_role, in both headers. */
  async #serviceClaims(request: Request): Promise<Claims | null> {
    const apikey = request.headers.get('apikey');
    const bearer = bearerToken(request) ?? apikey;
    if (!apikey || !bearer) return null;
    const resolve = async (token: string): Promise<Claims | null> => {
      if (token === this.keys.secretKey) return { role: 'service_role' };
      const v = await verifyHS256(token, this.keys.jwtSecret);
      return v.ok && v.claims.role === 'service_role' ? v.claims : null;
    };
    const key = await resolve(apikey);
    if (!key) return null;
    return bearer === apikey || bearer.startsWith('sb_') ? key : resolve(bearer);
  }

  #catalog(): Promise<Map<string, FunctionInfo>> {
    this.#functions ??= this.db
      .query<{ name: string; args: unknown; overloads: number; returns: string; retset: boolean; prokind: string; variadic: boolean; out_args: boolean }>(
        `select p.proname as name, count(*) over (partition by p.proname)::int as overloads, p.prokind::text as prokind,
                format_type(p.prorettype, null) as returns, p.proretset as retset, p.provariadic <> 0 as variadic,
                coalesce(p.proargmodes::text[] && array['o','b','t'], false) as out_args,
                (select json_agg(json_build_object('name', a.name, 'type', format_type(a.type, null), 'default', a.ord > p.pronargs - p.pronargdefaults) order by a.ord)::text
                   from unnest(p.proargnames, p.proargtypes::oid[]) with ordinality as a(name, type, ord)) as args
           from pg_proc p
          -- volatile only: PostgREST runs stable/immutable functions read-only, which lite reproduces
          where p.pronamespace = 'public'::regnamespace and p.provolatile = 'v'`,
      )
      .then((rows) => {
        const map = new Map<string, FunctionInfo>();
        for (const r of rows) {
          if (r.overloads !== 1 || r.prokind !== 'f' || r.retset || r.variadic || r.out_args || !ACCEPTABLE_RETURN.test(r.returns)) continue;
          const raw = typeof r.args === 'string' ? (JSON.parse(r.args) as Array<{ name: string | null; type: string; default: boolean }>) : [];
          if (raw.some((a) => !a.name)) continue; // unnamed arguments: PostgREST's single-json-body convention, left to lite
          map.set(r.name, { args: raw.map((a) => ({ name: a.name!, type: a.type, hasDefault: a.default })), returnsVoid: r.returns === 'void' });
        }
        return map;
      });
    this.#functions.catch(() => {
      this.#functions = null;
    });
    return this.#functions;
  }
}


function quoteIdent(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

/** A string literal; standard_conforming_strings is on, so only the quote needs doubling. */
function quoteLiteral(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** A JSON argument as a literal of the parameter's type (json/jsonb get the JSON text, others their text form). */
function literal(value: unknown, type: string): string {
  if (value === null || value === undefined) return 'NULL';
  if (type === 'json' || type === 'jsonb') return quoteLiteral(JSON.stringify(value));
  return quoteLiteral(String(value));
}

/** A failed call, answered as PostgREST answers it for a request made as service_role. */
function postgrestError(error: unknown): Response {
  // errors without a SQLSTATE are the stand-in's own (a lost connection, a driver bug): generic, logged by the caller
  const db = dbError(error) ?? { code: 'XX000', message: 'Internal error', details: null, hint: null };
  if (db.code === 'PGRST') return pgrstRaiseResponse(db, CORS);
  return postgrestResponse(postgrestStatus(db.code, { message: db.message, role: 'service_role' }), db, CORS);
}
