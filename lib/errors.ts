/**
 * An error with a stable code that routes turn into `{ error: { code, message } }`. Errors we throw on purpose
 * are shown to the caller; errors wrapped from the database or a third party (`expose: false`) are logged and
 * answered with a generic 500, so no internals or secrets leak.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly details?: Record<string, unknown>,
    readonly expose = true,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** Turns a supabase-js `{ error }` into an AppError, keeping PostgREST's code and hint for the logs. */
export function toAppError(error: { message: string; code?: string; hint?: string | null }, code = 'database_error'): AppError {
  // text the database cannot store (a NUL, an unpaired surrogate) is the caller's input, not our failure
  if (error.code === '22021' || error.code === '22P05') return new AppError('invalid_text', 'The text contains a character that cannot be stored.', 400);
  return new AppError(code, error.message, 500, { dbCode: error.code, hint: error.hint ?? undefined }, false);
}

export function toResponse(error: unknown): Response {
  if (error instanceof AppError && error.expose) {
    const body = { error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } };
    return Response.json(body, { status: error.status });
  }
  console.error('[api] unexpected error:', error);
  return Response.json({ error: { code: 'internal_error', message: 'Something went wrong on our side. Please try again.' } }, { status: 500 });
}

/**
 * A Twilio webhook's answer to an error. Twilio keeps no queue: a 4xx it never retries, a 5xx only with connection
 * overrides (`#rp=5xx`) or once at the fallback URL. So what the caller got wrong keeps its 4xx, and anything else
 * (the database or Supabase unreachable, a failed write) is a 503 with Retry-After, never a bare 500 and never a
 * 200: the message is not stored, Twilio should try again, and reconciliation (lib/twilio/reconcile.ts) fetches
 * it from Twilio's log if every try fails. `onUnstored` is told, to start that at once.
 */
export function webhookErrorResponse(error: unknown, onUnstored?: () => void): Response {
  if (error instanceof AppError && error.expose && error.status < 500) return toResponse(error);
  console.error('[twilio] webhook not stored, answered 503 so Twilio retries:', error);
  onUnstored?.();
  return Response.json(
    { error: { code: 'temporarily_unavailable', message: 'The webhook could not be stored right now. Please retry.' } },
    { status: 503, headers: { 'retry-after': '5' } },
  );
}
