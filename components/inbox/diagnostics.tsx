'use client';

import Link from 'next/link';
import { useEffect, useState } from 'react';
import type { InboxDiagnostics } from '@/hooks/use-realtime-inbox';
import { useInbox } from './inbox-provider';
import { inboxPath } from '@/lib/paths';
import { utcStamp } from '@/lib/format-time';

export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const ago = (at: number | null, now: number) => (at === null ? 'never' : `${((now - at) / 1000).toFixed(1)} s ago`);
const clock = (at: number) => new Date(at).toLocaleTimeString(undefined, { hour12: false });

/** A reconciliation with Twilio's log, as the diagnostics page lists it. */
export interface SweepRow {
  id: number;
  sender: string;
  reason: string;
  started_at: string;
  finished_at: string | null;
  listed_inbound: number;
  recovered_inbound: number;
  recovered_statuses: number;
  error: string | null;
}

/** /inbox/diagnostics: what the live connection is doing, for support and for our own checks. */
export function Diagnostics({ sweeps = [] }: { sweeps?: SweepRow[] }) {
  const { inbox, team, viewer } = useInbox();
  const [snap, setSnap] = useState<{ d: InboxDiagnostics; now: number } | null>(null);
  // depends on the reader only (stable for the hook's life), not on `inbox`, a new object on every event:
  // otherwise each event would restart the one-second tick
  const { readDiagnostics } = inbox;
  useEffect(() => {
    const read = () => setSnap({ d: structuredClone(readDiagnostics()), now: Date.now() });
    read();
    const t = setInterval(read, 1000);
    return () => clearInterval(t);
  }, [readDiagnostics]);
  if (!snap) return null;
  const { d, now } = snap;
  const realtime = d.latencies.filter((l) => l.via === 'realtime').map((l) => l.ms);
  const recent = d.latencies.slice(-20).reverse();
  const fmt = (v: number | null) => (v === null ? '–' : `${v} ms`);

  return (
    <main className="diagnostics">
      <p>
        <Link href={inboxPath(viewer.distributor.id)}>← Back to the inbox</Link>
      </p>
      <h1>Diagnostics</h1>
      <dl className="facts" data-testid="diagnostics">
        <dt>Connection</dt>
        <dd data-field="status">{inbox.status}</dd>
        <dt>Team channel</dt>
        <dd data-field="team">{team.joined ? 'joined' : 'not joined'}</dd>
        <dt>Teammates online</dt>
        <dd>{Object.keys(team.teammates).length}</dd>
        <dt>Events received</dt>
        <dd data-field="events">{d.events}</dd>
        <dt>Last event</dt>
        <dd data-field="last-event">{ago(d.lastEventAt, now)}</dd>
        <dt>Catch-ups run</dt>
        <dd data-field="catch-ups">{d.catchUps.length}</dd>
        <dt>Polls made</dt>
        <dd data-field="polls">{d.polls}</dd>
        <dt>Webhook to screen (live)</dt>
        <dd data-field="latency">
          p50 {fmt(percentile(realtime, 50))} · p99 {fmt(percentile(realtime, 99))} · {realtime.length} messages
        </dd>
        <dt>Distributor</dt>
        <dd>{viewer.distributor.name}</dd>
      </dl>

      <h2>Channel states</h2>
      <ol className="log">
        {d.channelStates.slice(-20).reverse().map((s, i) => (
          <li key={i}>
            <time>{clock(s.at)}</time> {s.status}
            {s.error ? ` – ${s.error}` : ''}
          </li>
        ))}
      </ol>

      <h2>Catch-ups</h2>
      <ol className="log">
        {d.catchUps.slice(-20).reverse().map((c, i) => (
          <li key={i}>
            <time>{clock(c.at)}</time> {c.reason}: {c.rows} rows in {c.ms} ms{c.error ? ` – failed: ${c.error}` : ''}
          </li>
        ))}
      </ol>

      <h2>Recent inbound messages</h2>
      <p className="muted small">From the row’s creation in the database (when the webhook was written) to its arrival in this tab.</p>
      <ol className="log">
        {recent.map((l) => (
          <li key={l.messageId}>
            {l.ms} ms via {l.via}
          </li>
        ))}
      </ol>
      <h2>Reconciliation with Twilio</h2>
      <p className="muted small">What webhooks missed, fetched from Twilio&apos;s Messages log (at start, on a schedule, after a webhook could not be stored).</p>
      {sweeps.length === 0 ? <p className="muted">No sweep yet.</p> : null}
      <ol className="small" aria-label="Recent reconciliations">
        {sweeps.map((s) => (
          <li key={s.id}>
            {utcStamp(s.started_at)} · {s.sender} · {s.reason}:{' '}
            {s.error ? `failed (${s.error})` : s.finished_at ? `${s.listed_inbound} in the log, ${s.recovered_inbound} recovered, ${s.recovered_statuses} statuses` : 'running'}
          </li>
        ))}
      </ol>
    </main>
  );
}
