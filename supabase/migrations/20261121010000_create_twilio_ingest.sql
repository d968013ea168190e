-- Twilio WhatsApp: idempotent ingestion of inbound messages and status callbacks. Both functions are called by
-- the app's webhook routes with the service role, each in one transaction.

alter table public.message_status_events add column error_message text;

-- Delivery rank: a status only ever moves up. Failures sit beside the ladder: they win over anything short of
-- delivered, and lose to a later delivered/read (WhatsApp multi-device sends those after a failure).
create or replace function public.message_status_rank(s public.message_status)
returns integer language sql immutable as $$
  select case s
    when 'received' then 0
    when 'accepted' then 0 when 'scheduled' then 0 when 'queued' then 0
    when 'sending' then 1
    when 'sent' then 2
    when 'delivered' then 3
    when 'read' then 4
    else -1 -- failed, undelivered, canceled
  end
$$;

-- Whether a callback's status should replace the current one.
create or replace function public.message_status_advances(current_status public.message_status, next_status public.message_status)
returns boolean language sql immutable as $$
  select case
    when current_status = next_status then false
    when public.message_status_rank(next_status) < 0 then
      -- a failure: only over a message not yet delivered, and never over another failure
      public.message_status_rank(current_status) between 0 and 2
    when public.message_status_rank(current_status) < 0 then
      -- after a failure only a delivery or a read counts
      public.message_status_rank(next_status) >= 3
    else public.message_status_rank(next_status) > public.message_status_rank(current_status)
  end
$$;

-- Applies one status to a message if it advances it. Returns true when the message changed.
create or replace function public.apply_message_status(
  p_message_id uuid, p_status public.message_status, p_error_code integer, p_error_message text
) returns boolean
language plpgsql security definer set search_path = '' as $$
declare
  changed boolean;
begin
  update public.messages m set
    status = p_status,
    error_code = case when public.message_status_rank(p_status) < 0 then p_error_code else null end,
    error_message = case when public.message_status_rank(p_status) < 0 then p_error_message else null end,
    status_updated_at = now()
  where m.id = p_message_id
    and m.direction = 'outbound'
    and public.message_status_advances(m.status, p_status)
  returning true into changed;
  return coalesce(changed, false);
end;
$$;

-- An inbound WhatsApp message, exactly once per MessageSid. `p` holds the parsed webhook:
-- { message_sid, account_sid, to, from, body, profile_name, wa_id, external_user_id, parent_external_user_id,
--   username, message_type, media: [{url, content_type}], metadata: {…} }.
-- Returns { status: 'created' | 'duplicate' | 'unknown_recipient', message_id?, conversation_id?, distributor_id? }.
create or replace function public.ingest_inbound_message(p jsonb)
returns jsonb
language plpgsql security definer set search_path = '' as $$
declare
  v_to text := regexp_replace(coalesce(p ->> 'to', ''), '^whatsapp:', '');
  v_from text := regexp_replace(coalesce(p ->> 'from', ''), '^whatsapp:', '');
  v_phone text;
  v_bsuid text;
  v_distributor uuid;
  v_contact uuid;
  v_conversation uuid;
  v_message uuid;
begin
  select d.id into v_distributor from public.distributors d where d.whatsapp_number = v_to;
  if v_distributor is null then
    return jsonb_build_object('status', 'unknown_recipient');
  end if;

  select m.id, m.conversation_id into v_message, v_conversation from public.messages m where m.twilio_sid = p ->> 'message_sid';
  if v_message is not null then
    return jsonb_build_object('status', 'duplicate', 'message_id', v_message, 'conversation_id', v_conversation, 'distributor_id', v_distributor);
  end if;

  -- Who wrote: a phone number, or a business-scoped user id (BSUID) for users with usernames.
  if v_from ~ '^\+[1-9][0-9]{6,14}$' then
    v_phone := v_from;
  elsif coalesce(p ->> 'wa_id', '') ~ '^[1-9][0-9]{6,14}$' then
    v_phone := '+' || (p ->> 'wa_id');
  end if;
  v_bsuid := nullif(regexp_replace(coalesce(p ->> 'external_user_id', ''), '^whatsapp:', ''), '');
  if v_bsuid is null and v_from !~ '^\+' then
    v_bsuid := v_from;
  end if;

  -- The same customer may write first by phone and later by BSUID (or the other way round): match on any.
  select c.id into v_contact from public.contacts c
   where c.distributor_id = v_distributor
     and (c.wa_id = v_from or (v_phone is not null and c.phone = v_phone) or (v_bsuid is not null and c.bsuid = v_bsuid))
   order by (c.wa_id = v_from) desc
   limit 1;
  if v_contact is null then
    insert into public.contacts (distributor_id, wa_id, phone, bsuid, parent_bsuid, username, profile_name)
    values (v_distributor, v_from, v_phone, v_bsuid,
            nullif(regexp_replace(coalesce(p ->> 'parent_external_user_id', ''), '^whatsapp:', ''), ''),
            nullif(p ->> 'username', ''), nullif(p ->> 'profile_name', ''))
    on conflict do nothing -- any of the unique keys (wa_id, phone, bsuid): a concurrent first message won
    returning id into v_contact;
    if v_contact is null then
      select c.id into v_contact from public.contacts c
       where c.distributor_id = v_distributor
         and (c.wa_id = v_from or (v_phone is not null and c.phone = v_phone) or (v_bsuid is not null and c.bsuid = v_bsuid))
       order by (c.wa_id = v_from) desc
       limit 1;
    end if;
  else
    update public.contacts c set
      profile_name = coalesce(nullif(p ->> 'profile_name', ''), c.profile_name),
      phone = coalesce(c.phone, v_phone),
      bsuid = coalesce(c.bsuid, v_bsuid),
      username = coalesce(nullif(p ->> 'username', ''), c.username)
    where c.id = v_contact
      and (c.profile_name is distinct from coalesce(nullif(p ->> 'profile_name', ''), c.profile_name)
           or (c.phone is null and v_phone is not null)
           or (c.bsuid is null and v_bsuid is not null)
           or c.username is distinct from coalesce(nullif(p ->> 'username', ''), c.username));
  end if;

  select cv.id into v_conversation from public.conversations cv where cv.distributor_id = v_distributor and cv.contact_id = v_contact;
  if v_conversation is null then
    insert into public.conversations (distributor_id, contact_id)
    values (v_distributor, v_contact)
    on conflict (distributor_id, contact_id) do nothing
    returning id into v_conversation;
    if v_conversation is null then -- a concurrent first message created it
      select cv.id into v_conversation from public.conversations cv where cv.distributor_id = v_distributor and cv.contact_id = v_contact;
    end if;
  end if;

  insert into public.messages (distributor_id, conversation_id, direction, body, media, message_type, metadata, twilio_sid, status)
  values (v_distributor, v_conversation, 'inbound', left(coalesce(p ->> 'body', ''), 4096),
          coalesce(p -> 'media', '[]'::jsonb), nullif(p ->> 'message_type', ''), coalesce(p -> 'metadata', '{}'::jsonb),
          p ->> 'message_sid', 'received')
  on conflict (twilio_sid) do nothing
  returning id into v_message;
  if v_message is null then -- a concurrent delivery of the same MessageSid got there first
    select m.id into v_message from public.messages m where m.twilio_sid = p ->> 'message_sid';
    return jsonb_build_object('status', 'duplicate', 'message_id', v_message, 'conversation_id', v_conversation, 'distributor_id', v_distributor);
  end if;
  return jsonb_build_object('status', 'created', 'message_id', v_message, 'conversation_id', v_conversation, 'distributor_id', v_distributor);
end;
$$;

-- A Twilio status callback. Every callback is appended to message_status_events; the message's status moves
-- only upward. A callback for a SID we have not stored yet (the send is still writing it) waits there and is
-- applied when the SID appears (trigger below). `p`: { message_sid, status, error_code, error_message, from, to, payload }.
create or replace function public.apply_status_callback(p jsonb)
returns jsonb
language plpgsql security definer set search_path = '' as $$
declare
  v_message uuid;
  v_distributor uuid;
  v_status public.message_status := (p ->> 'status')::public.message_status;
  v_error integer := nullif(p ->> 'error_code', '')::integer;
  v_changed boolean := false;
begin
  select m.id, m.distributor_id into v_message, v_distributor from public.messages m where m.twilio_sid = p ->> 'message_sid';
  if v_distributor is null then
    select d.id into v_distributor from public.distributors d
     where d.whatsapp_number = regexp_replace(coalesce(p ->> 'from', ''), '^whatsapp:', '');
  end if;
  if v_message is not null then
    v_changed := public.apply_message_status(v_message, v_status, v_error, nullif(p ->> 'error_message', ''));
  end if;
  insert into public.message_status_events (distributor_id, message_id, twilio_sid, status, error_code, error_message, payload, applied)
  values (v_distributor, v_message, p ->> 'message_sid', v_status, v_error, nullif(p ->> 'error_message', ''),
          coalesce(p -> 'payload', '{}'::jsonb), v_message is not null);
  return jsonb_build_object('status', case when v_message is null then 'pending' when v_changed then 'applied' else 'kept' end, 'message_id', v_message);
end;
$$;

-- When a send stores its SID, callbacks that arrived first are applied, oldest first.
create or replace function public.apply_pending_status_events()
returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  e record;
begin
  for e in
    select ev.id, ev.status, ev.error_code, ev.error_message from public.message_status_events ev
     where ev.twilio_sid = new.twilio_sid and ev.message_id is null
     order by ev.received_at, ev.id
  loop
    perform public.apply_message_status(new.id, e.status, e.error_code, e.error_message);
    update public.message_status_events set message_id = new.id, distributor_id = new.distributor_id, applied = true where id = e.id;
  end loop;
  return null;
end;
$$;
create trigger messages_apply_pending_status after update of twilio_sid on public.messages
  for each row when (old.twilio_sid is null and new.twilio_sid is not null)
  execute function public.apply_pending_status_events();

-- Stores the SID of a send and whatever status Twilio answered with (queued / accepted).
create or replace function public.record_outbound_sid(p_message_id uuid, p_sid text, p_status public.message_status)
returns void
language plpgsql security definer set search_path = '' as $$
begin
  update public.messages set twilio_sid = p_sid where id = p_message_id and twilio_sid is null;
  perform public.apply_message_status(p_message_id, p_status, null, null);
end;
$$;

revoke all on function public.message_status_rank(public.message_status), public.message_status_advances(public.message_status, public.message_status),
  public.apply_message_status(uuid, public.message_status, integer, text), public.ingest_inbound_message(jsonb),
  public.apply_status_callback(jsonb), public.apply_pending_status_events(), public.record_outbound_sid(uuid, text, public.message_status)
  from public, anon, authenticated;
grant execute on function public.ingest_inbound_message(jsonb), public.apply_status_callback(jsonb),
  public.record_outbound_sid(uuid, text, public.message_status) to service_role;
grant execute on function public.message_status_rank(public.message_status), public.message_status_advances(public.message_status, public.message_status)
  to authenticated, service_role;

-- Approved WhatsApp templates (Twilio Content API `HX…` SIDs) a distributor may send outside the 24-hour window.
-- `body` is the approved text with {{1}}, {{2}} … placeholders; `variables` names them for the composer.
create table public.message_templates (
  id uuid primary key default gen_random_uuid(),
  distributor_id uuid not null references public.distributors (id) on delete cascade,
  content_sid text not null check (content_sid ~ '^HX[0-9a-f]{32}$'),
  name text not null check (char_length(name) between 1 and 200),
  language text not null default 'en',
  body text not null check (char_length(body) between 1 and 1024),
  variables text[] not null default '{}',
  approved boolean not null default true,
  created_at timestamptz not null default now(),
  unique (distributor_id, content_sid)
);
alter table public.message_templates enable row level security;
create policy "Members can read their distributor's templates" on public.message_templates
  for select to authenticated using (distributor_id in (select public.member_distributor_ids()));
revoke all on public.message_templates from anon, authenticated;
grant select on public.message_templates to authenticated;
grant all on public.message_templates to service_role;
