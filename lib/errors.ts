/** An error with a stable code that routes turn into `{ error: { code, message } }`; internals never leak. */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** Turns a supabase-js `{ error }` into an AppError, keeping PostgREST's code and hint for the logs. */
export function toAppError(error: { message: string; code?: string; hint?: string | null }, fallbackCode = 'database_error'): AppError {
  return new AppError(fallbackCode, error.message, 500, { dbCode: error.code, hint: error.hint ?? undefined });
}

export function toResponse(error: unknown): Response {
  if (error instanceof AppError && error.status < 500) {
    return Response.json({ error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } }, { status: error.status });
  }
  console.error(error);
  return Response.json({ error: { code: 'internal_error', message: 'Something went wrong on our side.' } }, { status: 500 });
}
