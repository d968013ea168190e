/**
 * The subscriber side of bench/realtime.ts, in its own process (forked): many raw WebSocket clients that join
 * exactly as realtime-js does (same frames), and stamp each delivery with the machine-wide monotonic clock so
 * the parent can compare against its own stamps. Controlled over IPC.
 */
import WebSocket from 'ws';

export interface JoinSpec {
  topic: string;
  payload: Record<string, unknown>;
  /** Floor mode: a bare server that only needs to know which distributor this socket follows. */
  hello?: string;
}

type Command =
  | { cmd: 'connect'; url: string; sockets: JoinSpec[]; mode: 'phoenix' | 'floor' }
  | { cmd: 'report' }
  | { cmd: 'reset' }
  | { cmd: 'close' };

interface Frame {
  status?: string;
  extension?: string;
  message?: string;
  data?: { record?: { seq?: number } };
  payload?: { n?: number };
}

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
const sockets: WebSocket[] = [];
/** message key → [count, first arrival, last arrival] */
let arrivals = new Map<number, [number, number, number]>();

function record(key: number) {
  const t = nowMs();
  const a = arrivals.get(key);
  if (!a) arrivals.set(key, [1, t, t]);
  else {
    a[0]++;
    if (t > a[2]) a[2] = t;
  }
}

/** The key of a delivery: a message's seq (postgres_changes, floor) or a broadcast's n. */
function onFrame(data: WebSocket.RawData) {
  const text = data.toString();
  if (text.charCodeAt(0) !== 91 /* [ */) {
    const floor = JSON.parse(text) as { seq?: number };
    if (typeof floor.seq === 'number') record(floor.seq);
    return;
  }
  const [, , , event, payload] = JSON.parse(text) as [unknown, unknown, string, string, Frame];
  if (event === 'postgres_changes') record(Number(payload.data?.record?.seq));
  else if (event === 'broadcast') record(Number(payload.payload?.n));
}

async function connect(url: string, specs: JoinSpec[], mode: 'phoenix' | 'floor') {
  for (let i = 0; i < specs.length; i += 100) {
    await Promise.all(
      specs.slice(i, i + 100).map(
        (spec) =>
          new Promise<void>((resolve, reject) => {
            const ws = new WebSocket(url, { perMessageDeflate: false });
            sockets.push(ws);
            ws.once('error', reject);
            ws.once('open', () => {
              if (mode === 'floor') {
                ws.send(spec.hello ?? '');
                ws.on('message', onFrame);
                return resolve();
              }
              const joinRef = '1';
              let joined = false;
              let subscribed = !((spec.payload.config as { postgres_changes?: unknown[] })?.postgres_changes?.length);
              ws.on('message', (data) => {
                if (joined && subscribed) return onFrame(data);
                const [, ref, , event, payload] = JSON.parse(data.toString()) as [unknown, string, string, string, Frame];
                if (event === 'phx_reply' && ref === joinRef) {
                  if (payload.status !== 'ok') return reject(new Error(`join failed: ${JSON.stringify(payload)}`));
                  joined = true;
                } else if (event === 'system' && payload.extension === 'postgres_changes') {
                  if (payload.status !== 'ok') return reject(new Error(`subscribe failed: ${payload.message}`));
                  subscribed = true;
                } else {
                  onFrame(data);
                }
                if (joined && subscribed) resolve();
              });
              ws.send(JSON.stringify([joinRef, joinRef, spec.topic, 'phx_join', spec.payload]));
            });
          }),
      ),
    );
  }
  // keep the sockets alive like realtime-js does
  setInterval(() => {
    for (const ws of sockets) if (ws.readyState === WebSocket.OPEN && mode === 'phoenix') ws.send('[null,"hb","phoenix","heartbeat",{}]');
  }, 25_000).unref();
}

process.on('message', async (m: Command) => {
  try {
    if (m.cmd === 'connect') {
      await connect(m.url, m.sockets, m.mode);
      process.send!({ ok: 'connected', count: sockets.length });
    } else if (m.cmd === 'report') {
      process.send!({ ok: 'report', arrivals: [...arrivals.entries()] });
    } else if (m.cmd === 'reset') {
      arrivals = new Map();
      process.send!({ ok: 'reset' });
    } else if (m.cmd === 'close') {
      for (const ws of sockets.splice(0)) ws.terminate();
      process.send!({ ok: 'closed' });
    }
  } catch (error) {
    process.send!({ error: (error as Error).message });
  }
});
process.send!({ ok: 'ready' });
