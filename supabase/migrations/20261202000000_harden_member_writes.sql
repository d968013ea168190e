-- What a member may write directly through the API, reviewed column by column: a value a member can write must
-- never be fetched, or trusted, with our credentials (Twilio's or the service role's).
--
--   messages (insert)     distributor_id, conversation_id: RLS + the (conversation_id, distributor_id) FK keep a
--                         reply inside one of the member's conversations. direction/status: the policy allows only
--                         'outbound'/'queued'; sent_by: only the caller. body: shown to teammates, sent only by
--                         the send route (which writes the row itself). content_sid/content_variables: only an
--                         approved template of the same distributor (below); the send route re-checks it too.
--                         media, metadata, message_type, twilio_sid, error_*: the webhook path only (service
--                         role). media was member-writable and the media proxy fetched it with the account's
--                         credentials (a confused deputy), so it is revoked here.
--   contacts (update)     display_name, notes: text for teammates, never fetched or sent.
--   conversations (update) assignee_id: FK to a member of the same distributor; status: an enum.
--   conversation_reads    the member's own cursor (user_id = caller, policy), distributor_id one of the caller's
--                         distributors (policy), and the (conversation_id, distributor_id) FK ties the cursor to a
--                         conversation of that distributor: no cursor on another tenant's conversation, and the FK
--                         answers the same for "not yours" and "does not exist". last_read_seq/read_inbound_count
--                         only change the caller's own unread counts (nobody else reads the row).

-- ---------------------------------------------------------------------------------------------------------
-- messages: the insert column list of a dashboard reply, without media. A table-level revoke drops every
-- column grant; the list is granted again without `media`.
revoke insert on public.messages from authenticated;
grant insert (distributor_id, conversation_id, direction, body, client_msg_id, status, sent_by, content_sid, content_variables)
  on public.messages to authenticated;

alter policy "Members can queue replies in their distributor's conversations" on public.messages
  with check (
    distributor_id in (select public.member_distributor_ids())
    and direction = 'outbound'
    and status = 'queued'
    and sent_by::text = (select auth.jwt() ->> 'sub')
    -- a template reply names an approved template of this distributor, with an object of variables
    and (
      messages.content_sid is null
      or exists (
        select 1 from public.message_templates t
         where t.distributor_id = messages.distributor_id and t.content_sid = messages.content_sid and t.approved
      )
    )
    and (messages.content_variables is null or (messages.content_sid is not null and jsonb_typeof(messages.content_variables) = 'object'))
  );

-- ---------------------------------------------------------------------------------------------------------
-- client_msg_id is a sender's idempotency key, unique per distributor instead of across all tenants. A global key
-- let one tenant's id collide with another's: the insert failed with 23505 and the conflicting row was invisible
-- under RLS, so the retry could not resolve it. Per distributor, a conflict is always with a row the sender can
-- see (the insert policy requires membership of distributor_id), so a member's retry still finds its first row.
alter table public.messages add constraint messages_distributor_client_msg_id_key unique (distributor_id, client_msg_id);
alter table public.messages drop constraint messages_client_msg_id_key;

-- ---------------------------------------------------------------------------------------------------------
-- mark_conversation_read: a conversation the caller may not see and one that does not exist get the same
-- answer, PT404 (PostgREST answers HTTP 404 for it; P0002 was a 500). No user, no cursor: 42501.
create or replace function public.mark_conversation_read(p_conversation_id uuid)
returns public.conversation_reads
language plpgsql security invoker set search_path = '' as $$
declare
  uid uuid := auth.uid();
  c record;
  r public.conversation_reads;
begin
  if uid is null then
    raise exception 'sign in to mark conversations read' using errcode = '42501';
  end if;
  -- security invoker: RLS shows only the caller's distributors' conversations
  select cv.id, cv.distributor_id, coalesce(cv.last_message_seq, 0) as seq, cv.inbound_count
    into c from public.conversations cv where cv.id = p_conversation_id;
  if c.id is null then
    raise exception 'conversation not found' using errcode = 'PT404';
  end if;
  insert into public.conversation_reads as cr (conversation_id, user_id, distributor_id, last_read_seq, read_inbound_count, read_at)
  values (c.id, uid, c.distributor_id, c.seq, c.inbound_count, now())
  on conflict (conversation_id, user_id) do update
    set last_read_seq = greatest(cr.last_read_seq, excluded.last_read_seq),
        read_inbound_count = greatest(cr.read_inbound_count, excluded.read_inbound_count),
        read_at = excluded.read_at
  returning * into r;
  return r;
end;
$$;
-- hosted projects grant new functions to every API role by default: only members call this one
revoke all on function public.mark_conversation_read(uuid) from public, anon, service_role;
grant execute on function public.mark_conversation_read(uuid) to authenticated;

-- ---------------------------------------------------------------------------------------------------------
-- The one function the first migrations left executable by everyone (PUBLIC). It is a trigger function and
-- Postgres refuses to run it as an RPC, but nobody calling the API has any business with it.
revoke all on function public.touch_updated_at() from public, anon, authenticated;
