-- Switchboard core schema: tenants (distributors), their staff, customers, conversations and messages.
-- Valid for `supabase db push` on a hosted project and applied by the local stand-in alike.

create extension if not exists pgcrypto with schema extensions;

create type public.member_role as enum ('owner', 'agent');
create type public.conversation_status as enum ('open', 'closed');
create type public.message_direction as enum ('inbound', 'outbound');
-- Twilio's lifecycle for outbound messages; inbound rows are 'received'.
create type public.message_status as enum (
  'received', 'accepted', 'scheduled', 'queued', 'sending', 'sent', 'delivered', 'read', 'failed', 'undelivered', 'canceled'
);

-- A tenant: one business with one WhatsApp sender number (E.164). Inbound `To` resolves to it.
create table public.distributors (
  id uuid primary key default gen_random_uuid(),
  name text not null check (char_length(name) between 1 and 200),
  whatsapp_number text not null unique check (whatsapp_number ~ '^\+[1-9][0-9]{6,14}$'),
  created_at timestamptz not null default now()
);

-- Staff: the basis of every policy.
create table public.distributor_members (
  distributor_id uuid not null references public.distributors (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role public.member_role not null default 'agent',
  display_name text not null check (char_length(display_name) between 1 and 100),
  created_at timestamptz not null default now(),
  primary key (distributor_id, user_id)
);
create index distributor_members_user_idx on public.distributor_members (user_id);

-- A customer of one distributor. `wa_id` is the address we reply to: the part of Twilio's `From` after
-- "whatsapp:", a phone number (+E.164) or, for users with usernames, a business-scoped user id (BSUID).
create table public.contacts (
  id uuid primary key default gen_random_uuid(),
  distributor_id uuid not null references public.distributors (id) on delete cascade,
  wa_id text not null check (char_length(wa_id) between 2 and 160),
  phone text check (phone ~ '^\+[1-9][0-9]{6,14}$'),
  bsuid text,
  parent_bsuid text,
  username text,
  profile_name text,
  display_name text check (char_length(display_name) <= 200),
  notes text check (char_length(notes) <= 10000),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (distributor_id, wa_id),
  unique (id, distributor_id)
);
create unique index contacts_distributor_phone_key on public.contacts (distributor_id, phone) where phone is not null;
create unique index contacts_distributor_bsuid_key on public.contacts (distributor_id, bsuid) where bsuid is not null;

-- One thread per contact. `last_inbound_at` opens WhatsApp's 24-hour customer-service window.
-- `inbound_count` is a running count of inbound messages; a member's unread count is
-- inbound_count minus the count they had read (conversation_reads), so it updates live with this row.
create table public.conversations (
  id uuid primary key default gen_random_uuid(),
  distributor_id uuid not null references public.distributors (id) on delete cascade,
  contact_id uuid not null,
  status public.conversation_status not null default 'open',
  assignee_id uuid,
  last_message_at timestamptz,
  last_message_preview text,
  last_message_direction public.message_direction,
  last_message_seq bigint,
  last_inbound_at timestamptz,
  inbound_count integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (distributor_id, contact_id),
  unique (id, distributor_id),
  foreign key (contact_id, distributor_id) references public.contacts (id, distributor_id) on delete cascade,
  -- an assignee must be a member of the same distributor
  foreign key (distributor_id, assignee_id) references public.distributor_members (distributor_id, user_id)
    on delete set null (assignee_id)
);
create index conversations_inbox_idx on public.conversations (distributor_id, last_message_at desc nulls last);

-- Every inbound and outbound message. `seq` is the catch-up cursor (assigned at insert; commits may land
-- out of seq order, so readers re-read with an overlap). `twilio_sid` makes webhook ingestion idempotent,
-- `client_msg_id` makes sends from the dashboard idempotent.
create table public.messages (
  id uuid primary key default gen_random_uuid(),
  seq bigint generated always as identity unique,
  distributor_id uuid not null,
  conversation_id uuid not null,
  direction public.message_direction not null,
  body text not null default '' check (char_length(body) <= 4096),
  media jsonb not null default '[]'::jsonb check (jsonb_typeof(media) = 'array'),
  message_type text,
  metadata jsonb not null default '{}'::jsonb,
  twilio_sid text unique check (twilio_sid ~ '^[A-Z]{2}[0-9a-f]{32}$'),
  client_msg_id uuid unique,
  status public.message_status not null,
  error_code integer,
  error_message text,
  sent_by uuid default auth.uid() references auth.users (id) on delete set null,
  content_sid text,
  content_variables jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  status_updated_at timestamptz not null default now(),
  foreign key (conversation_id, distributor_id) references public.conversations (id, distributor_id) on delete cascade,
  check ((direction = 'inbound') = (status = 'received'))
);
create index messages_conversation_seq_idx on public.messages (conversation_id, seq desc);
create index messages_distributor_seq_idx on public.messages (distributor_id, seq);

-- Append-only log of every Twilio status callback; `message_id` is null until the SID is known.
create table public.message_status_events (
  id bigint generated always as identity primary key,
  distributor_id uuid references public.distributors (id) on delete cascade,
  message_id uuid references public.messages (id) on delete cascade,
  twilio_sid text not null,
  status public.message_status not null,
  error_code integer,
  payload jsonb not null default '{}'::jsonb,
  applied boolean not null default false,
  received_at timestamptz not null default now()
);
create index message_status_events_sid_idx on public.message_status_events (twilio_sid);
create index message_status_events_message_idx on public.message_status_events (message_id);

-- Per-member read cursor for a conversation.
create table public.conversation_reads (
  conversation_id uuid not null,
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  distributor_id uuid not null,
  last_read_seq bigint not null default 0,
  read_inbound_count integer not null default 0,
  read_at timestamptz not null default now(),
  primary key (conversation_id, user_id),
  foreign key (conversation_id, distributor_id) references public.conversations (id, distributor_id) on delete cascade
);
create index conversation_reads_user_idx on public.conversation_reads (user_id);

-- ---------------------------------------------------------------------------------------------------------
-- Membership: the one helper every policy uses. SECURITY DEFINER so it can read distributor_members without
-- recursing into that table's own policy; it must never raise, because an error inside a policy aborts the
-- query, and inside Realtime's RLS check it stops change delivery for every subscriber. A malformed `sub`
-- claim or a missing setting yields no rows. Policies use it as `distributor_id in (select …)`, which Postgres
-- evaluates once per statement, not once per row.
create or replace function public.member_distributor_ids()
returns setof uuid
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  uid uuid;
begin
  begin
    uid := auth.uid();
  exception when others then
    return;
  end;
  if uid is not null then
    return query select m.distributor_id from public.distributor_members m where m.user_id = uid;
  end if;
exception when others then
  return;
end;
$$;
revoke all on function public.member_distributor_ids() from public, anon;
grant execute on function public.member_distributor_ids() to authenticated, service_role;

-- ---------------------------------------------------------------------------------------------------------
-- Derived state kept by triggers, so every write path (webhook RPC, dashboard sends, seeds) agrees.

create or replace function public.touch_updated_at()
returns trigger language plpgsql set search_path = '' as $$
begin
  new.updated_at := now();
  return new;
end;
$$;
create trigger contacts_touch before update on public.contacts
  for each row execute function public.touch_updated_at();
create trigger conversations_touch before update on public.conversations
  for each row execute function public.touch_updated_at();
create trigger messages_touch before update on public.messages
  for each row execute function public.touch_updated_at();

-- A new message moves its conversation to the top of the inbox with a preview; inbound ones also open the
-- 24-hour window and count towards unread. Runs as the table owner: members may not update these columns.
create or replace function public.apply_message_to_conversation()
returns trigger language plpgsql security definer set search_path = '' as $$
begin
  update public.conversations c set
    last_message_at = greatest(coalesce(c.last_message_at, new.created_at), new.created_at),
    last_message_preview = case
      when c.last_message_seq is null or new.seq > c.last_message_seq then
        left(coalesce(nullif(new.body, ''), case when jsonb_array_length(new.media) > 0 then '📎 Attachment' else '' end), 200)
      else c.last_message_preview end,
    last_message_direction = case
      when c.last_message_seq is null or new.seq > c.last_message_seq then new.direction
      else c.last_message_direction end,
    last_message_seq = greatest(coalesce(c.last_message_seq, new.seq), new.seq),
    last_inbound_at = case when new.direction = 'inbound'
      then greatest(coalesce(c.last_inbound_at, new.created_at), new.created_at) else c.last_inbound_at end,
    inbound_count = c.inbound_count + (new.direction = 'inbound')::int,
    -- a customer writing again reopens a closed conversation
    status = case when new.direction = 'inbound' then 'open' else c.status end
  where c.id = new.conversation_id;
  return null;
end;
$$;
revoke all on function public.apply_message_to_conversation() from public, anon, authenticated;
create trigger messages_apply_to_conversation after insert on public.messages
  for each row execute function public.apply_message_to_conversation();

-- ---------------------------------------------------------------------------------------------------------
-- Row level security. Members see their distributors' rows; nobody else sees anything. Writes the dashboard
-- makes directly are narrowed by column grants below; everything else goes through the service role.

alter table public.distributors enable row level security;
alter table public.distributor_members enable row level security;
alter table public.contacts enable row level security;
alter table public.conversations enable row level security;
alter table public.messages enable row level security;
alter table public.message_status_events enable row level security;
alter table public.conversation_reads enable row level security;

create policy "Members can read their distributor" on public.distributors
  for select to authenticated using (id in (select public.member_distributor_ids()));

create policy "Members can read their teammates" on public.distributor_members
  for select to authenticated using (distributor_id in (select public.member_distributor_ids()));

create policy "Members can read their distributor's contacts" on public.contacts
  for select to authenticated using (distributor_id in (select public.member_distributor_ids()));
create policy "Members can edit their distributor's contacts" on public.contacts
  for update to authenticated
  using (distributor_id in (select public.member_distributor_ids()))
  with check (distributor_id in (select public.member_distributor_ids()));

create policy "Members can read their distributor's conversations" on public.conversations
  for select to authenticated using (distributor_id in (select public.member_distributor_ids()));
create policy "Members can assign, close and reopen their distributor's conversations" on public.conversations
  for update to authenticated
  using (distributor_id in (select public.member_distributor_ids()))
  with check (distributor_id in (select public.member_distributor_ids()));

create policy "Members can read their distributor's messages" on public.messages
  for select to authenticated using (distributor_id in (select public.member_distributor_ids()));
create policy "Members can queue replies in their distributor's conversations" on public.messages
  for insert to authenticated
  with check (
    distributor_id in (select public.member_distributor_ids())
    and direction = 'outbound'
    and status = 'queued'
    and sent_by::text = (select auth.jwt() ->> 'sub')
  );

create policy "Members can read their distributor's delivery events" on public.message_status_events
  for select to authenticated using (distributor_id in (select public.member_distributor_ids()));

create policy "Members can read their own read cursors" on public.conversation_reads
  for select to authenticated using (user_id::text = (select auth.jwt() ->> 'sub'));
create policy "Members can mark their distributor's conversations read" on public.conversation_reads
  for insert to authenticated
  with check (user_id::text = (select auth.jwt() ->> 'sub') and distributor_id in (select public.member_distributor_ids()));
create policy "Members can move their own read cursors" on public.conversation_reads
  for update to authenticated
  using (user_id::text = (select auth.jwt() ->> 'sub'))
  with check (user_id::text = (select auth.jwt() ->> 'sub') and distributor_id in (select public.member_distributor_ids()));

-- ---------------------------------------------------------------------------------------------------------
-- Grants. New Supabase projects no longer grant tables to the API roles by default, and older ones grant
-- everything; revoking first makes both behave the same. anon gets nothing.

revoke all on public.distributors, public.distributor_members, public.contacts, public.conversations,
  public.messages, public.message_status_events, public.conversation_reads from anon, authenticated;
grant all on public.distributors, public.distributor_members, public.contacts, public.conversations,
  public.messages, public.message_status_events, public.conversation_reads to service_role;

grant select on public.distributors, public.distributor_members, public.contacts, public.conversations,
  public.messages, public.message_status_events, public.conversation_reads to authenticated;
grant update (display_name, notes) on public.contacts to authenticated;
grant update (assignee_id, status) on public.conversations to authenticated;
grant insert (distributor_id, conversation_id, direction, body, media, client_msg_id, status, sent_by,
  content_sid, content_variables) on public.messages to authenticated;
grant insert (conversation_id, user_id, distributor_id, last_read_seq, read_inbound_count, read_at),
  update (conversation_id, distributor_id, last_read_seq, read_inbound_count, read_at)
  on public.conversation_reads to authenticated;

-- ---------------------------------------------------------------------------------------------------------
-- Realtime: row changes for the inbox, and private channels `distributor:<id>` for presence and typing.

alter publication supabase_realtime add table public.messages, public.conversations;

create policy "Members can receive on their distributor's private channel" on realtime.messages
  for select to authenticated
  using (
    realtime.topic() in (select 'distributor:' || d::text from public.member_distributor_ids() d)
    and realtime.messages.extension in ('broadcast', 'presence')
  );
create policy "Members can send on their distributor's private channel" on realtime.messages
  for insert to authenticated
  with check (
    realtime.topic() in (select 'distributor:' || d::text from public.member_distributor_ids() d)
    and realtime.messages.extension in ('broadcast', 'presence')
  );
