import type { RealtimeChannel, SupabaseClient } from '@supabase/supabase-js';
import { WebSocket } from 'ws';

/** Subscribes and resolves on SUBSCRIBED; rejects on CHANNEL_ERROR / TIMED_OUT with the server's reason. */
export function subscribed(channel: RealtimeChannel, timeoutMs = 15_000): Promise<RealtimeChannel> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no SUBSCRIBED for ${channel.topic} within ${timeoutMs} ms`)), timeoutMs);
    channel.subscribe((status, err) => {
      if (status === 'SUBSCRIBED') {
        clearTimeout(timer);
        resolve(channel);
      } else if (status === 'CHANNEL_ERROR' || status === 'TIMED_OUT') {
        clearTimeout(timer);
        reject(err ?? new Error(status));
      }
    });
  });
}

/** Collects values and lets a test wait until a condition over them holds. */
export class Inbox<T> {
  readonly items: T[] = [];
  #waiters: Array<() => void> = [];
  push = (item: T) => {
    this.items.push(item);
    for (const w of this.#waiters.splice(0)) w();
  };
  async until(predicate: (items: T[]) => boolean, timeoutMs = 10_000, what = 'condition'): Promise<T[]> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.items)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.items).slice(0, 2000)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.items;
  }
}

export async function cleanup(...clients: SupabaseClient[]): Promise<void> {
  await Promise.all(clients.map((c) => c.removeAllChannels()));
  for (const c of clients) c.realtime.disconnect();
}

/** A bare WebSocket speaking the Phoenix protocol, to assert exact frames. */
export class RawSocket {
  /** Frames before this index were received before the last send(); next() looks from here. */
  #mark = 0;
  readonly frames = new Inbox<{ text?: string; binary?: Buffer; parsed?: unknown }>();
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      if (isBinary) this.frames.push({ binary: buf });
      else {
        const text = buf.toString('utf8');
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        this.frames.push({ text, parsed });
      }
    });
  }

  static open(url: string, apikey: string, vsn = '2.0.0'): Promise<RawSocket> {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/realtime/v1/websocket?apikey=${encodeURIComponent(apikey)}&vsn=${vsn}`);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new RawSocket(ws)));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c));
        res.on('end', () => reject(Object.assign(new Error(`HTTP ${res.statusCode}: ${body}`), { status: res.statusCode, body })));
      });
    });
  }

  send(frame: unknown): void {
    this.#mark = this.frames.items.length;
    this.ws.send(typeof frame === 'string' || Buffer.isBuffer(frame) ? frame : JSON.stringify(frame));
  }

  /** Waits for a parsed text frame matching the predicate and returns it. */
  async next(predicate: (frame: unknown) => boolean, what = 'a frame', timeoutMs = 5000): Promise<unknown> {
    const start = this.#mark;
    let found: unknown;
    await this.frames.until((items) => {
      const hit = items.slice(start).find((f) => f.parsed !== undefined && predicate(f.parsed));
      if (hit) found = hit.parsed;
      return hit !== undefined;
    }, timeoutMs, what);
    return found;
  }

  close(): void {
    this.ws.close();
  }
}
