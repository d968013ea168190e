/**
 * Realtime's REST surface: `POST /realtime/v1/api/broadcast` (a batch, what `send()` falls back to when the
 * channel is not joined) and `POST /realtime/v1/api/broadcast/:topic/events/:event` (what `httpSend()` uses).
 * Both answer 202; private topics need RLS write permission on realtime.messages (the batch endpoint drops
 * unauthorised messages silently, the per-event one answers 403), as on Supabase. Browsers call these
 * cross-origin, so CORS is permissive.
 *
 * Whatever the body, the answer is a 4xx with a JSON reason, never a 5xx: a body that is not JSON (or nests
 * too deeply) is 400 `{"message"}`, as the real server's parser answers; one that is JSON of the wrong shape is
 * 422 `{"errors"}`, its changeset errors; one over the payload limit is 413, read no further than the limit. A
 * batch is validated whole before anything is sent, so a bad message costs the others nothing.
 */
import { bearerToken, CORS_REALTIME, preflight, readBodyCapped } from '../http.ts';
import { LIMITS, TOPIC_PREFIX } from '../protocol/constants.ts';
import { checkToken } from './auth.ts';
import { channelAccess } from './authorization.ts';
import { groupKeyOf } from './channel.ts';
import type { Hub } from './hub.ts';
import { parseJson } from './serializer.ts';

const CORS = CORS_REALTIME;

/** Messages one batch may carry: the real server refuses a batch above the tenant's events per second (100). */
export const MAX_BATCH_MESSAGES = 100;

function json(status: number, body?: unknown): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { ...CORS, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
  });
}

const badRequest = (message: string) => json(400, { message: `Bad Request: ${message}` });
const tooLarge = () => json(413, { message: 'Payload Too Large' });

export async function handleRealtimeApi(request: Request, hub: Hub): Promise<Response> {
  if (request.method === 'OPTIONS') return preflight(request, 'POST, OPTIONS');
  const url = new URL(request.url);
  const batch = url.pathname === '/realtime/v1/api/broadcast';
  const perEvent = /^\/realtime\/v1\/api\/broadcast\/([^/]+)\/events\/([^/]+)$/.exec(url.pathname);
  if (!batch && !perEvent) return json(404, { message: 'Not Found' });
  if (request.method !== 'POST') return json(405, { message: 'Method Not Allowed' });

  const bearer = bearerToken(request);
  const auth = await checkToken(bearer ?? request.headers.get('apikey') ?? url.searchParams.get('apikey'), hub.keys);
  if (!auth.ok) return json(401, { message: 'Unauthorized' });

  const body = await readBodyCapped(request, LIMITS.maxPayloadBytes).catch(() => undefined);
  if (body === undefined) return badRequest('the body could not be read');
  if (body === null) return tooLarge();

  if (perEvent) {
    const topic = decodePathSegment(perEvent[1]!);
    const event = decodePathSegment(perEvent[2]!);
    if (topic === null || event === null) return badRequest('the topic or event in the path is not valid percent-encoding');
    const isPrivate = url.searchParams.get('private') === 'true';
    const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    let payload: { encoding: 'json'; json: unknown } | { encoding: 'raw'; bytes: Uint8Array };
    if (type === 'application/json') {
      const parsed = parseJson(new TextDecoder().decode(body) || '{}');
      if (parsed === undefined) return badRequest('the body is not valid JSON');
      payload = { encoding: 'json', json: parsed };
    } else if (type === 'application/octet-stream') {
      payload = { encoding: 'raw', bytes: body };
    } else {
      return json(415, { message: 'Unsupported Media Type. Use application/json or application/octet-stream' });
    }
    if (isPrivate && !(await channelAccess(hub.db, topic, auth.claims, ['broadcast'], 'write')).has('broadcast')) {
      return json(403, { message: 'Unauthorized' });
    }
    hub.groups.broadcast(groupKeyOf(topic, isPrivate), TOPIC_PREFIX + topic, { form: 'binary', event, payload, meta: null });
    return json(202);
  }

  const parsed = parseJson(new TextDecoder().decode(body));
  if (parsed === undefined) return badRequest('the body is not valid JSON');
  const checked = validateBatch(parsed);
  if (!checked.ok) return checked.response;

  const writable = new Map<string, boolean>();
  for (const m of checked.messages) {
    if (m.private) {
      let ok = writable.get(m.topic);
      if (ok === undefined) {
        ok = (await channelAccess(hub.db, m.topic, auth.claims, ['broadcast'], 'write')).has('broadcast');
        writable.set(m.topic, ok);
      }
      if (!ok) continue; // unauthorised private messages are dropped, and the answer is still 202
    }
    const payload: Record<string, unknown> = { type: 'broadcast', event: m.event, payload: m.payload };
    if (m.id !== undefined) payload.meta = { id: m.id };
    hub.groups.broadcast(groupKeyOf(m.topic, m.private), TOPIC_PREFIX + m.topic, { form: 'json', payload });
  }
  return json(202);
}

interface BatchMessage {
  topic: string;
  event: string;
  payload: Record<string, unknown>;
  private: boolean;
  id?: string | number;
}

/** The batch's changeset, as the real server casts it: `{messages: [{topic, event, payload, private?}]}`. */
function validateBatch(body: unknown): { ok: true; messages: BatchMessage[] } | { ok: false; response: Response } {
  const invalid = (errors: Record<string, string[]>) => ({ ok: false as const, response: json(422, { errors }) });
  const messages = isObject(body) ? body.messages : undefined;
  if (messages === undefined || messages === null) return invalid({ messages: ["can't be blank"] });
  if (!Array.isArray(messages)) return invalid({ messages: ['is invalid'] });
  if (messages.length > MAX_BATCH_MESSAGES) {
    return { ok: false, response: json(429, { message: 'Too many messages to broadcast, please reduce the batch size' }) };
  }
  const problems: Record<string, string[]> = {};
  const out: BatchMessage[] = [];
  messages.forEach((m: unknown, i) => {
    const at = (field: string, problem: string) => (problems[`messages[${i}]${field}`] ??= []).push(problem);
    if (!isObject(m)) return at('', 'is invalid');
    const text = (field: 'topic' | 'event') => {
      const v = m[field];
      if (v === undefined || v === null || v === '') at(`.${field}`, "can't be blank");
      else if (typeof v !== 'string') at(`.${field}`, 'is invalid');
      return typeof v === 'string' ? v : '';
    };
    const topic = text('topic');
    const event = text('event');
    if (m.payload !== undefined && m.payload !== null && !isObject(m.payload)) at('.payload', 'is invalid');
    const priv = m.private;
    if (priv !== undefined && priv !== null && typeof priv !== 'boolean' && priv !== 'true' && priv !== 'false') at('.private', 'is invalid');
    const id = typeof m.id === 'string' || typeof m.id === 'number' ? m.id : undefined;
    out.push({ topic, event, payload: isObject(m.payload) ? m.payload : {}, private: priv === true || priv === 'true', ...(id === undefined ? {} : { id }) });
  });
  if (Object.keys(problems).length > 0) return invalid(problems);
  return { ok: true, messages: out };
}

function decodePathSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null; // `%E0%A4%A` and other malformed escapes
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
