/**
 * The stand-in's one HTTP server: `/rest/v1/*` and `/auth/v1/*` go to lite (with the admin routes in front),
 * `/mail…` to the auth mail outbox,
 * `/realtime/v1/websocket` and `/realtime/v1/api/*` to the realtime module. The only file that touches
 * node:http and ws.
 *
 * One process serves every client, so nothing one connection sends may throw out of its handler: malformed
 * HTTP is answered 400 and that socket closed; an upgrade that cannot be handled is refused; a WebSocket
 * frame whose handling fails closes that WebSocket only.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { getRequestListener } from '@hono/node-server';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Realtime } from './realtime/index.ts';

export interface HttpHandlers {
  /** REST + Auth, fetch-style. */
  api(request: Request): Promise<Response>;
  realtime?: Realtime;
  /** The auth mail outbox (`/mail…`); `remoteAddress` is the caller's socket address. */
  mail?(request: Request, remoteAddress: string | undefined): Response;
  health(): Record<string, unknown>;
  /** Where failures no client may see are reported (console.error when absent). */
  log?: (message: string, error: unknown) => void;
}

export interface RunningServer {
  server: http.Server;
  port: number;
  close(): Promise<void>;
}

/** Frames above this close the socket (1009); broadcasts are limited to 3,000 KB anyway. */
const MAX_FRAME_BYTES = 8 * 1024 * 1024;
/** On close, requests still being handled get this long to finish before the database goes away under them. */
const DRAIN_MS = 2000;

export async function listen(handlers: HttpHandlers, host: string, port: number): Promise<RunningServer> {
  const fetchListener = getRequestListener(async (request, env) => {
    const { pathname } = new URL(request.url);
    if (pathname.startsWith('/rest/v1') || pathname.startsWith('/auth/v1')) return handlers.api(request);
    if ((pathname === '/mail' || pathname.startsWith('/mail/')) && handlers.mail) return handlers.mail(request, env.incoming?.socket.remoteAddress);
    if (pathname.startsWith('/realtime/v1/api/') && handlers.realtime) return handlers.realtime.handleApi(request);
    if (pathname === '/' || pathname === '/health') return Response.json(handlers.health());
    return Response.json({ message: 'no route matched', path: pathname }, { status: 404 });
  });
  const inflight = new Set<Promise<void>>();
  const server = http.createServer((req, res) => {
    const handled = fetchListener(req, res).catch((error: unknown) => {
      // the listener answers its own errors; this is the last line, so a failure here never ends the process
      logFailure('an HTTP request failed', error);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' }).end('{"message":"Internal Server Error"}');
      else res.destroy();
    });
    inflight.add(handled);
    void handled.finally(() => inflight.delete(handled));
  });
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: MAX_FRAME_BYTES, clientTracking: true });

  // Malformed HTTP (a bad request line, bad headers, a header block too large): 400, then close that socket.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code !== 'ECONNRESET' && socket.writable && !(socket as Socket).writableEnded) {
      const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
      socket.end(httpError(status, { error: http.STATUS_CODES[status] ?? 'Bad Request' }));
    } else {
      socket.destroy();
    }
  });

  server.on('upgrade', (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => socket.destroy()); // a peer that resets mid-handshake is its own problem
    handleUpgrade(req, socket, head).catch((error: unknown) => {
      logFailure('a WebSocket upgrade failed', error);
      refuse(socket, 500, { error: 'Internal Server Error' });
    });
  });

  async function handleUpgrade(req: http.IncomingMessage, socket: Socket, head: Buffer): Promise<void> {
    const url = requestTarget(req.url);
    if (!url) return refuse(socket, 400, { error: 'Bad Request: malformed request target' });
    if (url.pathname !== '/realtime/v1/websocket' || !handlers.realtime) return refuse(socket, 404);
    const result = await handlers.realtime.connect(url, req.headers);
    if (socket.destroyed) return; // the peer went away while its key was checked
    if (!result.ok) return refuse(socket, result.status, { error: result.error });
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      let connection: ReturnType<typeof result.open>;
      try {
        connection = result.open({
          send: (data, binary) => ws.send(data, { binary }),
          close: (code, reason) => ws.close(code, reason),
        });
      } catch (error) {
        logFailure('a WebSocket could not be opened', error);
        ws.close(1011, 'internal error');
        return;
      }
      ws.on('message', (data, isBinary) => {
        try {
          connection.onMessage(Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer), isBinary);
        } catch (error) {
          logFailure('a WebSocket frame could not be handled', error);
          ws.close(1011, 'internal error');
        }
      });
      ws.on('close', () => {
        try {
          connection.onClose();
        } catch (error) {
          logFailure('a WebSocket close could not be handled', error);
        }
      });
      // ws reports protocol violations (bad opcodes, a frame over maxPayload) here, having already started the
      // close with their code (1002, 1009): terminating now could cut that close frame off (the peer sees 1006)
      ws.on('error', () => {});
    });
  }

  function logFailure(what: string, error: unknown): void {
    (handlers.log ?? ((m: string, e: unknown) => console.error(`[standin] ${m}`, e)))(what, error);
  }

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
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      // the handlers of cut connections still run: let them finish before the caller closes the database
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled([...inflight]), new Promise((r) => (timer = setTimeout(r, DRAIN_MS)))]);
      clearTimeout(timer);
    },
  };
}

/**
 * The URL of a request target, or null when it is none: origin-form (`/path?query`) and absolute-form
 * (`http://host/path`, which RFC 9112 requires servers to accept) are parsed; anything else, or anything that
 * does not parse (`http://[`), is refused rather than thrown.
 */
export function requestTarget(target: string | undefined): URL | null {
  if (!target) return null;
  if (!target.startsWith('/') && !/^https?:\/\//i.test(target)) return null;
  if (target.startsWith('//')) return null; // not origin-form: a scheme-relative URL would name another host
  return URL.canParse(target, 'http://standin.local') ? new URL(target, 'http://standin.local') : null;
}

function httpError(status: number, body?: Record<string, unknown>): string {
  const text = body ? JSON.stringify(body) : '';
  return (
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}\r\nConnection: close\r\n` +
    (body ? 'Content-Type: application/json\r\n' : '') +
    `Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`
  );
}

/** Answers an upgrade request with an HTTP error and closes the socket. */
function refuse(socket: Socket, status: number, body?: Record<string, unknown>): void {
  if (socket.writable) socket.end(httpError(status, body));
  else socket.destroy();
}
