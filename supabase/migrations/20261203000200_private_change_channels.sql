-- The dashboard's two postgres_changes channels become private channels, so a project can turn off Realtime's
-- public access ("private channels only") and every join is authorised by these policies:
--   inbox:<workspace id>:…          the workspace's row changes: its current members only (a removed member's new
--                                   joins are refused; the changes themselves are checked against table RLS anyway)
--   access:<workspace id>:<user>:…  one user's membership and workspace rows: that user only, removed or not, so a
--                                   removed member's screen still learns why it lost access
-- Realtime checks read access at join through broadcast/presence; nobody may send on these topics (no insert policy).

create policy "Members can join their workspace's inbox channel" on realtime.messages
  for select to authenticated
  using (
    split_part(realtime.topic(), ':', 1) = 'inbox'
    and exists (select 1 from public.member_distributor_ids() m(id) where m.id::text = split_part(realtime.topic(), ':', 2))
    and realtime.messages.extension in ('broadcast', 'presence')
  );

create policy "Users can join their own access channel" on realtime.messages
  for select to authenticated
  using (
    split_part(realtime.topic(), ':', 1) = 'access'
    and split_part(realtime.topic(), ':', 3) = (select auth.uid())::text
    and realtime.messages.extension in ('broadcast', 'presence')
  );
