import 'server-only';

/**
 * The sentence to show for a refusal from one of our database functions. They raise with messages written for
 * people (`only admins can invite`, `this invitation has expired`) and PostgREST-friendly codes: 42501 (not allowed),
 * PT404 (not found, or not yours to see), 22023 (a bad argument), 23505 (a duplicate), 23503 (still in use).
 * Anything else is not ours to explain: a generic sentence, and the details go to the log.
 */
const OURS = new Set(['42501', 'PT404', '22023', '23505', '23503', '23514', 'P0001']);

export function dbErrorText(error: { code?: string; message: string }): string {
  if (error.code && OURS.has(error.code) && /^[\w\s'’,.;:()-]{3,200}$/.test(error.message) && !/permission denied|violates|relation|column/i.test(error.message)) {
    return error.message.charAt(0).toUpperCase() + error.message.slice(1) + (/[.!?]$/.test(error.message) ? '' : '.');
  }
  if (error.code === '42501') return 'You are not allowed to do that in this workspace.';
  if (error.code === 'PT404') return 'That no longer exists.';
  console.error('[action] unexpected database error:', error.code, error.message);
  return 'Something went wrong on our side. Please try again.';
}
