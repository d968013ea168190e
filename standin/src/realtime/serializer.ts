/**
 * Phoenix serializers as realtime-js 2.119 speaks them: vsn 2.0.0 text frames are
 * `[join_ref, ref, topic, event, payload]`, vsn 1.0.0 frames are objects; vsn 2.0.0 also carries broadcasts
 * as binary frames (kind 3 from the client, kind 4 to it). Decoding never throws: malformed input is null.
 * JSON nested deeper than LIMITS.maxJsonDepth is malformed too: JSON.parse accepts any depth, but
 * JSON.stringify recurses, and every frame we decode is re-encoded for someone.
 */
import {
  BINARY_ENCODING_JSON,
  BINARY_ENCODING_RAW,
  BINARY_USER_BROADCAST,
  BINARY_USER_BROADCAST_PUSH,
  LIMITS,
} from '../protocol/constants.ts';
import type { BinaryBroadcastPush, Inbound, Message, Vsn } from '../protocol/frames.ts';

const decoder = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/**
 * JSON.parse, or undefined when the text is not JSON or nests deeper than the limit. Depth is counted on the
 * text (brackets outside strings) before parsing, in one linear pass.
 */
export function parseJson(text: string, maxDepth: number = LIMITS.maxJsonDepth): unknown {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > maxDepth) return undefined;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function decodeText(text: string, vsn: Vsn): Inbound | null {
  const raw = parseJson(text);
  if (raw === undefined) return null;
  let join_ref: unknown, ref: unknown, topic: unknown, event: unknown, payload: unknown;
  if (vsn === '2.0.0') {
    if (!Array.isArray(raw) || raw.length !== 5) return null;
    [join_ref, ref, topic, event, payload] = raw;
  } else {
    if (!isObject(raw)) return null;
    ({ join_ref, ref, topic, event, payload } = raw);
  }
  if (!isRef(join_ref) || !isRef(ref) || typeof topic !== 'string' || typeof event !== 'string') return null;
  if (payload === undefined) payload = {};
  if (!isObject(payload)) return null;
  return { kind: 'message', join_ref: join_ref ?? null, ref: ref ?? null, topic, event, payload };
}

/** Decodes a kind-3 "user broadcast push". Any other kind, or a truncated frame, is null. */
export function decodeBinary(data: Uint8Array): BinaryBroadcastPush | null {
  if (data.byteLength < 7 || data[0] !== BINARY_USER_BROADCAST_PUSH) return null;
  const lengths = [data[1]!, data[2]!, data[3]!, data[4]!, data[5]!];
  const encoding = data[6]!;
  let offset = 7;
  const strings: string[] = [];
  try {
    for (const len of lengths) {
      if (offset + len > data.byteLength) return null;
      strings.push(decoder.decode(data.subarray(offset, offset + len)));
      offset += len;
    }
  } catch {
    return null;
  }
  const [joinRef, ref, topic, event, metadataText] = strings as [string, string, string, string, string];
  let metadata: Record<string, unknown> | null = null;
  if (metadataText) {
    const parsed = parseJson(metadataText);
    if (!isObject(parsed)) return null;
    metadata = parsed;
  }
  const body = data.subarray(offset);
  let payload: BinaryBroadcastPush['payload'];
  if (encoding === BINARY_ENCODING_JSON) {
    let text: string;
    try {
      text = decoder.decode(body);
    } catch {
      return null; // not UTF-8
    }
    const json = parseJson(text);
    if (json === undefined) return null;
    payload = { encoding: 'json', json };
  } else if (encoding === BINARY_ENCODING_RAW) {
    payload = { encoding: 'raw', bytes: body };
  } else {
    return null;
  }
  return { kind: 'binary-broadcast', join_ref: joinRef || null, ref: ref || null, topic, event, metadata, payload };
}

export function encodeText(message: Message, vsn: Vsn): string {
  if (vsn === '2.0.0') return JSON.stringify([message.join_ref, message.ref, message.topic, message.event, message.payload]);
  // vsn 1.0.0 drops undefined keys; null join_ref/ref are sent as null
  return JSON.stringify({ topic: message.topic, event: message.event, payload: message.payload, ref: message.ref, join_ref: message.join_ref });
}

/**
 * Kind 4 "user broadcast": `[4, len(topic), len(event), len(meta), encoding, topic, event, meta, payload]`.
 * Returns null when a field is longer than 255 bytes (the format cannot carry it; send JSON instead).
 */
export function encodeUserBroadcast(
  topic: string,
  event: string,
  payload: { encoding: 'json'; json: unknown } | { encoding: 'raw'; bytes: Uint8Array },
  meta: Record<string, unknown> | null,
): Buffer | null {
  const t = encoder.encode(topic);
  const e = encoder.encode(event);
  const m = meta ? encoder.encode(JSON.stringify(meta)) : new Uint8Array(0);
  if (t.byteLength > 255 || e.byteLength > 255 || m.byteLength > 255) return null;
  const body = payload.encoding === 'json' ? encoder.encode(JSON.stringify(payload.json ?? {})) : payload.bytes;
  const out = Buffer.allocUnsafe(5 + t.byteLength + e.byteLength + m.byteLength + body.byteLength);
  out[0] = BINARY_USER_BROADCAST;
  out[1] = t.byteLength;
  out[2] = e.byteLength;
  out[3] = m.byteLength;
  out[4] = payload.encoding === 'json' ? BINARY_ENCODING_JSON : BINARY_ENCODING_RAW;
  let o = 5;
  for (const part of [t, e, m, body]) {
    out.set(part, o);
    o += part.byteLength;
  }
  return out;
}

function isRef(v: unknown): v is string | null | undefined {
  return v === null || v === undefined || typeof v === 'string';
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
