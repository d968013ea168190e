/**
 * The stand-in's one HTTP server: `/rest/v1/*` and `/auth/v1/*` go to lite (with the admin routes in front),
 * `/realtime/v1/websocket` and `/realtime/v1/api/*` to the realtime module. The only file that touches
 * node:http and ws.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Realtime } from './realtime/index.ts';

export interface HttpHandlers {
  /** REST + Auth, fetch-style. */
  api(request: Request): Promise<Response>;
  realtime?: Realtime;
  health(): Record<string, unknown>;
}

export interface RunningServer {
  server: http.Server;
  port: number;
  close(): Promise<void>;
}

/** Frames above this close the socket (1009); broadcasts are limited to 3,000 KB anyway. */
const MAX_FRAME_BYTES = 8 * 1024 * 1024;

export async function listen(handlers: HttpHandlers, host: string, port: number): Promise<RunningServer> {
  const fetchListener = getRequestListener(async (request) => {
    const { pathname } = new URL(request.url);
    if (pathname.startsWith('/rest/v1') || pathname.startsWith('/auth/v1')) return handlers.api(request);
    if (pathname.startsWith('/realtime/v1/api/') && handlers.realtime) return handlers.realtime.handleApi(request);
    if (pathname === '/' || pathname === '/health') return Response.json(handlers.health());
    return Response.json({ message: 'no route matched', path: pathname }, { status: 404 });
  });
  const server = http.createServer((req, res) => {
    void fetchListener(req, res);
  });
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: MAX_FRAME_BYTES, clientTracking: true });

  server.on('upgrade', (req, socket: Socket, head) => {
    const url = new URL(req.url ?? '/', 'http://standin.local');
    if (url.pathname !== '/realtime/v1/websocket' || !handlers.realtime) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const result = handlers.realtime.connect(url, req.headers);
    if (!result.ok) {
      const body = JSON.stringify({ error: result.error });
      socket.end(
        `HTTP/1.1 ${result.status} ${http.STATUS_CODES[result.status] ?? ''}\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      const connection = result.open({
        send: (data, binary) => ws.send(data, { binary }),
        close: (code, reason) => ws.close(code, reason),
      });
      ws.on('message', (data, isBinary) => connection.onMessage(Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer), isBinary));
      ws.on('close', () => connection.onClose());
      ws.on('error', () => ws.terminate());
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of wss.clients) ws.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
