/**
 * The fake's HTTP plumbing: one request as the routes see it, JSON answers and errors shaped like Twilio's,
 * and a capped body reader (credentials are auth.ts's).
 */
import type http from 'node:http';

/** One request, its body read, and where to answer it. */
export interface Exchange {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  url: URL;
  body: Buffer;
}

export function sendJson(res: http.ServerResponse, status: number, json: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(json));
}

/** An error as Twilio's REST API answers one. */
export function sendError(res: http.ServerResponse, status: number, code: number, message: string): void {
  sendJson(res, status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });
}

export function sendNotFound(ex: Exchange): void {
  sendError(ex.res, 404, 20404, `The requested resource ${ex.url.pathname} was not found`);
}

export function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 1024 * 1024) req.destroy(new Error('body too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
