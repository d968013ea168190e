-- Reconciliation with Twilio's own message log (lib/twilio/reconcile.ts). Twilio keeps no queue of webhooks: one that
-- fails is retried at most for 15 s (connection overrides) or once (fallback URL), then it is gone from the webhook's
-- point of view, but the message is in the account's Messages log. A sweep lists that log for one sender since
-- its last sweep (minus an overlap), ingests the inbound messages it lacks through the webhook's own ingest, and
-- applies final statuses of outbound messages whose callbacks were lost. Each sweep is recorded here: what it
-- covered (`since` … `through`), what it found and recovered, or why it failed. The last successful sweep's
-- `through` is the sender's watermark.
create table public.twilio_sweeps (
  id bigint generated always as identity primary key,
  distributor_id uuid not null references public.distributors (id) on delete cascade,
  sender_id uuid not null,
  reason text not null check (reason in ('start', 'schedule', 'webhook_failure', 'manual')),
  since timestamptz not null,
  through timestamptz not null,
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  listed_inbound integer not null default 0 check (listed_inbound >= 0),
  listed_outbound integer not null default 0 check (listed_outbound >= 0),
  recovered_inbound integer not null default 0 check (recovered_inbound >= 0),
  recovered_statuses integer not null default 0 check (recovered_statuses >= 0),
  error text check (char_length(error) <= 500),
  foreign key (sender_id, distributor_id) references public.whatsapp_senders (id, distributor_id) on delete cascade
);
create index twilio_sweeps_sender_latest on public.twilio_sweeps (sender_id, started_at desc);
create index twilio_sweeps_distributor_latest on public.twilio_sweeps (distributor_id, started_at desc);

alter table public.twilio_sweeps enable row level security;
-- members see their workspace's sweeps (diagnostics, the senders page); only the server writes them
create policy "Members read their workspace's sweeps" on public.twilio_sweeps for select to authenticated
  using (distributor_id in (select public.member_distributor_ids()));
revoke all on public.twilio_sweeps from anon, authenticated;
grant select on public.twilio_sweeps to authenticated;
grant all on public.twilio_sweeps to service_role;
