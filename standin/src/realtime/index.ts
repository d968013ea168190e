/**
 * The stand-in's Realtime server, speaking the protocol realtime-js 2.119 speaks (docs/architecture.md, "Realtime"):
 * Phoenix sockets with vsn 1.0.0 and 2.0.0, broadcast (JSON and binary), presence, postgres_changes with
 * filters and RLS, private channels authorised by RLS on realtime.messages, and the REST broadcast endpoints.
 * Transport-agnostic: server.ts hands it WebSockets through the `Transport` interface.
 */
import fs from 'node:fs';
import { fileURLToPath, URL as NodeURL } from 'node:url';
import { renderActAs } from '../db/act-as.ts';
import type { Database } from '../db/database.ts';
import { CONNECT_ERROR, LIMITS } from '../protocol/constants.ts';
import type { Vsn } from '../protocol/frames.ts';
import { checkToken, type KeyRing } from './auth.ts';
import type { Transport } from './channel.ts';
import { Hub, type RealtimeOptions } from './hub.ts';
import { handleRealtimeApi } from './rest.ts';
import { RealtimeSocket } from './socket.ts';

export type { Transport } from './channel.ts';

const REALTIME_SQL = renderActAs(fs.readFileSync(fileURLToPath(new NodeURL('../db/realtime.sql', import.meta.url)), 'utf8'), 2);
/** PGlite runs in this process and never loses its session: its capture keeps no change log (one write less per change). */
const withoutChangeLog = (sql: string) => sql.replace(/^\s*-- change-log: begin[\s\S]*?-- change-log: end\n/m, '');

export type ConnectResult =
  | { ok: true; vsn: Vsn; apikey: string; open(transport: Transport): { onMessage(data: Buffer | string, isBinary: boolean): void; onClose(): void } }
  | { ok: false; status: number; error: string };

export interface Realtime {
  /** Checks an upgrade request (`apikey`, `vsn`) before the WebSocket handshake completes. */
  connect(url: URL, headers: Record<string, string | string[] | undefined>): Promise<ConnectResult>;
  handleApi(request: Request): Promise<Response>;
  stats(): { sockets: number; groups: number; subscriptions: number; deliveries: number; rlsChecks: number; feed: { relistens: number; recovered: number; gaps: number } };
  close(): Promise<void>;
}

export async function createRealtime(db: Database, keys: KeyRing, options: Partial<RealtimeOptions> = {}): Promise<Realtime> {
  await db.execScript(db.kind === 'postgres' ? REALTIME_SQL : withoutChangeLog(REALTIME_SQL));
  const hub = new Hub(db, keys, {
    presenceCallsPerWindow: options.presenceCallsPerWindow ?? LIMITS.presenceCallsPerWindow,
    presenceWindowMs: options.presenceWindowMs ?? LIMITS.presenceWindowMs,
    joinErrorDelayMs: options.joinErrorDelayMs ?? 0,
    durability: options.durability,
    log: options.log ?? ((message, error) => console.error(`[standin] ${message}`, error ?? '')),
  });
  await hub.pg.start();
  const sockets = new Set<RealtimeSocket>();

  return {
    async connect(url, headers) {
      const vsnParam = url.searchParams.get('vsn') ?? '1.0.0';
      const vsn: Vsn | null = vsnParam.startsWith('2.') ? '2.0.0' : vsnParam.startsWith('1.') ? '1.0.0' : null;
      if (!vsn) return { ok: false, ...CONNECT_ERROR.badVsn };
      const header = headers['x-api-key'];
      const apikey = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('apikey');
      if (!apikey) return { ok: false, ...CONNECT_ERROR.missingKey };
      const checked = await checkToken(apikey, keys);
      if (!checked.ok) return { ok: false, ...checked.connectError };
      return {
        ok: true,
        vsn,
        apikey,
        open(transport) {
          const socket = new RealtimeSocket(hub, transport, vsn, apikey, checked.claims);
          sockets.add(socket);
          return {
            onMessage: (data, isBinary) => socket.onMessage(data, isBinary),
            onClose: () => {
              sockets.delete(socket);
              socket.onClose();
            },
          };
        },
      };
    },
    handleApi: (request) => handleRealtimeApi(request, hub),
    stats: () => ({ sockets: sockets.size, groups: hub.groups.size, subscriptions: hub.pg.subscriptionCount, deliveries: hub.pg.delivered, rlsChecks: hub.pg.rlsChecks, feed: hub.pg.durabilityStats }),
    async close() {
      for (const socket of [...sockets]) socket.close(1001, 'server shutting down');
      sockets.clear();
      await hub.pg.stop();
    },
  };
}
