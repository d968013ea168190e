/**
 * Realtime's REST surface: `POST /realtime/v1/api/broadcast` (a batch, what `send()` falls back to when the
 * channel is not joined) and `POST /realtime/v1/api/broadcast/:topic/events/:event` (what `httpSend()` uses).
 * Both answer 202; private topics need RLS write permission on realtime.messages (the batch endpoint drops
 * unauthorised messages silently, the per-event one answers 403), as on Supabase. Browsers call these
 * cross-origin, so CORS is permissive.
 */
import { LIMITS, TOPIC_PREFIX } from '../protocol/constants.ts';
import { checkToken } from './auth.ts';
import { channelAccess } from './authorization.ts';
import { groupKeyOf } from './channel.ts';
import type { Hub } from './hub.ts';

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, OPTIONS',
  'access-control-allow-headers': 'apikey, authorization, content-type, x-client-info, accept, accept-profile, content-profile, prefer',
  'access-control-max-age': '86400',
};

function json(status: number, body?: unknown): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { ...CORS, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
  });
}

export async function handleRealtimeApi(request: Request, hub: Hub): Promise<Response> {
  if (request.method === 'OPTIONS') return new Response(null, { status: 204, headers: { ...CORS, 'access-control-allow-headers': request.headers.get('access-control-request-headers') ?? CORS['access-control-allow-headers'] } });
  const url = new URL(request.url);
  const batch = url.pathname === '/realtime/v1/api/broadcast';
  const perEvent = /^\/realtime\/v1\/api\/broadcast\/([^/]+)\/events\/([^/]+)$/.exec(url.pathname);
  if (!batch && !perEvent) return json(404, { message: 'Not Found' });
  if (request.method !== 'POST') return json(405, { message: 'Method Not Allowed' });

  const bearer = /^Bearer\s+(.+)$/i.exec(request.headers.get('authorization') ?? '')?.[1];
  const auth = checkToken(bearer ?? request.headers.get('apikey') ?? url.searchParams.get('apikey'), hub.keys);
  if (!auth.ok) return json(401, { message: 'Unauthorized' });

  const body = new Uint8Array(await request.arrayBuffer());
  if (body.byteLength > LIMITS.maxPayloadBytes) return json(413, { message: 'Payload Too Large' });

  if (perEvent) {
    const topic = decodeURIComponent(perEvent[1]!);
    const event = decodeURIComponent(perEvent[2]!);
    const isPrivate = url.searchParams.get('private') === 'true';
    const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    let payload: { encoding: 'json'; json: unknown } | { encoding: 'raw'; bytes: Uint8Array };
    if (type === 'application/json') {
      try {
        payload = { encoding: 'json', json: JSON.parse(new TextDecoder().decode(body) || '{}') };
      } catch {
        return json(400, { error: 'Invalid JSON body' });
      }
    } else if (type === 'application/octet-stream') {
      payload = { encoding: 'raw', bytes: body };
    } else {
      return json(415, { error: 'Unsupported Media Type. Use application/json or application/octet-stream' });
    }
    if (isPrivate && !(await channelAccess(hub.db, topic, auth.claims, ['broadcast'], 'write')).has('broadcast')) {
      return json(403, { message: 'Unauthorized' });
    }
    hub.groups.broadcast(groupKeyOf(topic, isPrivate), TOPIC_PREFIX + topic, { form: 'binary', event, payload, meta: null });
    return json(202);
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(body));
  } catch {
    return json(422, { errors: { body: ['is not valid JSON'] } });
  }
  const messages = (parsed as { messages?: unknown })?.messages;
  if (!Array.isArray(messages)) return json(422, { errors: { messages: ["can't be blank"] } });
  const problems: Record<string, string[]> = {};
  messages.forEach((m, i) => {
    if (typeof m !== 'object' || m === null) problems[`messages[${i}]`] = ['must be an object'];
    else if (typeof (m as { topic?: unknown }).topic !== 'string' || !(m as { topic: string }).topic) problems[`messages[${i}].topic`] = ["can't be blank"];
    else if (typeof (m as { event?: unknown }).event !== 'string' || !(m as { event: string }).event) problems[`messages[${i}].event`] = ["can't be blank"];
  });
  if (Object.keys(problems).length > 0) return json(422, { errors: problems });

  const writable = new Map<string, boolean>();
  for (const m of messages as Array<{ topic: string; event: string; payload?: unknown; private?: unknown; id?: unknown }>) {
    const isPrivate = m.private === true || m.private === 'true';
    if (isPrivate) {
      let ok = writable.get(m.topic);
      if (ok === undefined) {
        ok = (await channelAccess(hub.db, m.topic, auth.claims, ['broadcast'], 'write')).has('broadcast');
        writable.set(m.topic, ok);
      }
      if (!ok) continue; // unauthorised private messages are dropped, and the answer is still 202
    }
    const payload: Record<string, unknown> = { type: 'broadcast', event: m.event, payload: m.payload ?? {} };
    if (typeof m.id === 'string' || typeof m.id === 'number') payload.meta = { id: m.id };
    hub.groups.broadcast(groupKeyOf(m.topic, isPrivate), TOPIC_PREFIX + m.topic, { form: 'json', payload });
  }
  return json(202);
}
