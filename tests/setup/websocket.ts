// supabase-js 2.119 needs a global WebSocket, which Node 20 lacks: the stand-in's setup file provides it.
import '../../standin/test/setup/websocket.ts';
