/**
 * Runs once when the Next.js server starts. supabase-js 2.119 refuses to construct a client on Node.js < 22
 * unless a global WebSocket exists (it builds its realtime client eagerly), so provide `ws` there.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs' && typeof globalThis.WebSocket === 'undefined') {
    const { WebSocket } = await import('ws');
    (globalThis as { WebSocket?: unknown }).WebSocket = WebSocket;
  }
}
