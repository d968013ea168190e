// supabase-js 2.119 needs a global WebSocket, which Node 20 lacks (Node 22+ has one).
import { WebSocket } from 'ws';

if (typeof globalThis.WebSocket === 'undefined') {
  (globalThis as { WebSocket?: unknown }).WebSocket = WebSocket;
}
