/**
 * What the diagnostics page shows about one inbox: the channel's state changes, events received, catch-ups
 * run, polls, and webhook-to-screen latencies. Counters kept outside React state (recording one must not
 * re-render the inbox), each list capped so a tab left open for days stays small.
 */
import type { MessageRow } from '@/lib/realtime/types';

export interface InboxDiagnostics {
  channelStates: Array<{ status: string; at: number; error?: string }>;
  lastEventAt: number | null;
  events: number;
  catchUps: Array<{ reason: string; at: number; rows: number; ms: number; error?: string }>;
  polls: number;
  /** Webhook-to-screen: the message row's created_at (database clock) to its arrival here. */
  latencies: Array<{ messageId: string; ms: number; via: 'realtime' | 'catch-up' }>;
}

function cap<T>(list: T[], max: number, keep: number) {
  if (list.length > max) list.splice(0, list.length - keep);
}

export class DiagnosticsRecorder {
  readonly data: InboxDiagnostics = { channelStates: [], lastEventAt: null, events: 0, catchUps: [], polls: 0, latencies: [] };
  /** Messages written before this moment are history, not latency. */
  constructor(private readonly since = Date.now()) {}

  channel(status: string, error?: string) {
    this.data.channelStates.push({ status, at: Date.now(), error });
    cap(this.data.channelStates, 100, 50);
  }

  event() {
    this.data.events++;
    this.data.lastEventAt = Date.now();
  }

  poll() {
    this.data.polls++;
  }

  catchUp(entry: { reason: string; rows: number; ms: number; error?: string }) {
    this.data.catchUps.push({ ...entry, at: Date.now() });
    cap(this.data.catchUps, 200, 100);
  }

  latency(row: MessageRow, via: 'realtime' | 'catch-up') {
    const d = this.data;
    if (row.direction !== 'inbound' || d.latencies.some((l) => l.messageId === row.id)) return;
    // catch-up also brings what was written before this page opened: that is history, not latency
    if (via === 'catch-up' && Date.parse(row.created_at) < this.since) return;
    d.latencies.push({ messageId: row.id, ms: Date.now() - Date.parse(row.created_at), via });
    cap(d.latencies, 500, 500);
  }
}
