/**
 * The stand-in's one HTTP server: `/rest/v1/*` and `/auth/v1/*` go to lite (with the admin routes in front),
 * `/realtime/v1/*` to the realtime module. The only file that touches node:http and ws.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { getRequestListener } from '@hono/node-server';

export interface HttpHandlers {
  /** REST + Auth, fetch-style. */
  api(request: Request): Promise<Response>;
  /** `/realtime/v1/websocket` upgrades; absent until the realtime module is mounted. */
  upgrade?(req: http.IncomingMessage, socket: Socket, head: Buffer): void;
  /** `/realtime/v1/api/*`, fetch-style. */
  realtimeApi?(request: Request): Promise<Response>;
  health(): Record<string, unknown>;
}

export interface RunningServer {
  server: http.Server;
  port: number;
  close(): Promise<void>;
}

export async function listen(handlers: HttpHandlers, host: string, port: number): Promise<RunningServer> {
  const fetchListener = getRequestListener(async (request) => {
    const { pathname } = new URL(request.url);
    if (pathname.startsWith('/rest/v1') || pathname.startsWith('/auth/v1')) return handlers.api(request);
    if (pathname.startsWith('/realtime/v1/api/') && handlers.realtimeApi) return handlers.realtimeApi(request);
    if (pathname === '/' || pathname === '/health') return Response.json(handlers.health());
    return Response.json({ message: 'no route matched', path: pathname }, { status: 404 });
  });
  const server = http.createServer((req, res) => {
    void fetchListener(req, res);
  });
  server.on('upgrade', (req, socket: Socket, head) => {
    const pathname = (req.url ?? '').split('?')[0];
    if (pathname === '/realtime/v1/websocket' && handlers.upgrade) return handlers.upgrade(req, socket, head);
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
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
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
