/**
 * The last line under the REST and Auth handlers: whatever a request makes them throw or reject with, the
 * process keeps serving, and the caller gets a 500 in the API's own error shape with no detail. The error, with
 * its stack, goes to the stand-in's log only (no stack, file path or message leaves the process).
 */
import { restInternalError } from '../rest/rest-guard.ts';
import { gotrueUnexpectedFailure } from './auth-responses.ts';

export type Handler = (request: Request) => Promise<Response>;

export function neverThrows(handler: Handler, log: (message: string, error: unknown) => void = defaultLog): Handler {
  return async (request) => {
    try {
      return await handler(request);
    } catch (error) {
      const { pathname } = new URL(request.url);
      log(`[standin] ${request.method} ${pathname} failed:`, error);
      return pathname.startsWith('/auth/v1') ? gotrueUnexpectedFailure(request) : restInternalError();
    }
  };
}

function defaultLog(message: string, error: unknown): void {
  console.error(message, error);
}
