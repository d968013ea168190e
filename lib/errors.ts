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
