-- What the realtime dashboard needs: catch-up by time as well as by seq, message search, read cursors that
-- follow a member across tabs, and a one-call "mark read".

-- Catch-up after a gap re-reads rows changed since the last one seen (status updates do not change seq).
create index messages_distributor_updated_idx on public.messages (distributor_id, updated_at);
create index conversations_distributor_updated_idx on public.conversations (distributor_id, updated_at);

-- Search over message text.
create extension if not exists pg_trgm with schema extensions;
create index messages_body_trgm_idx on public.messages using gin (body extensions.gin_trgm_ops);

-- A member's read cursors stream to their own other tabs (RLS shows each member only their rows).
alter publication supabase_realtime add table public.conversation_reads;

-- Marks a conversation read up to its latest message, for the calling member. Returns the cursor.
create or replace function public.mark_conversation_read(p_conversation_id uuid)
returns public.conversation_reads
language plpgsql security invoker set search_path = '' as $$
declare
  c record;
  r public.conversation_reads;
begin
  select cv.id, cv.distributor_id, coalesce(cv.last_message_seq, 0) as seq, cv.inbound_count
    into c from public.conversations cv where cv.id = p_conversation_id;
  if c.id is null then
    raise exception 'no such conversation' using errcode = 'P0002';
  end if;
  insert into public.conversation_reads as cr (conversation_id, user_id, distributor_id, last_read_seq, read_inbound_count, read_at)
  values (c.id, auth.uid(), c.distributor_id, c.seq, c.inbound_count, now())
  on conflict (conversation_id, user_id) do update
    set last_read_seq = greatest(cr.last_read_seq, excluded.last_read_seq),
        read_inbound_count = greatest(cr.read_inbound_count, excluded.read_inbound_count),
        read_at = excluded.read_at
  returning * into r;
  return r;
end;
$$;
revoke all on function public.mark_conversation_read(uuid) from public, anon;
grant execute on function public.mark_conversation_read(uuid) to authenticated;
