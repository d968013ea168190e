-- Workspaces a distributor can adopt on its own: anyone signed in creates one and owns it, admins invite teammates
-- with a role, and each workspace brings its own WhatsApp senders (its Twilio account's numbers or Messaging
-- Services) whose credentials live in Supabase Vault. A workspace is a row of `distributors`; the name stays in
-- the schema, the screens say "workspace".
--
-- Who may do what is decided here, in the database, not in the screens:
--   member (any role)  reads the workspace, its members, senders (never their credentials) and templates; works the inbox
--   admin, owner       invites, changes roles (never the owner's), removes members, manages senders and templates
--   owner              transfers ownership, deletes the workspace
-- Every change of membership goes through one of the SECURITY DEFINER functions below, which check the caller's role
-- and keep the invariants (exactly one owner; a removed member keeps no access anywhere).

-- ---------------------------------------------------------------------------------------------------------
-- Membership: removal is a mark, not a delete. The removed member's own row changes under them, so their open
-- dashboard hears about it (postgres_changes, checked by the policy "Users can read their own memberships") and
-- can say why everything stopped; a later invitation brings the same row back.
alter table public.distributor_members
  add column removed_at timestamptz,
  add column removed_by uuid references auth.users (id) on delete set null;

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
    return query select m.distributor_id from public.distributor_members m where m.user_id = uid and m.removed_at is null;
  end if;
exception when others then
  return;
end;
$$;

-- The caller's role in a workspace, or null when they are not (or no longer) a member. Never raises, like
-- member_distributor_ids, because policies call it.
create or replace function public.workspace_role(p_distributor_id uuid)
returns public.member_role
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  uid uuid;
  r public.member_role;
begin
  begin
    uid := auth.uid();
  exception when others then
    return null;
  end;
  if uid is null or p_distributor_id is null then
    return null;
  end if;
  select m.role into r from public.distributor_members m
   where m.distributor_id = p_distributor_id and m.user_id = uid and m.removed_at is null;
  return r;
exception when others then
  return null;
end;
$$;

-- Whether the caller administers the workspace (admin or owner).
create or replace function public.is_workspace_admin(p_distributor_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(public.workspace_role(p_distributor_id) in ('owner', 'admin'), false)
$$;

revoke all on function public.workspace_role(uuid), public.is_workspace_admin(uuid) from public, anon;
grant execute on function public.workspace_role(uuid), public.is_workspace_admin(uuid) to authenticated, service_role;

-- A member's own rows, removed or not: what lets a removed member's screen learn that it was removed.
create policy "Users can read their own memberships" on public.distributor_members
  for select to authenticated using (user_id = (select auth.uid()));
alter publication supabase_realtime add table public.distributor_members;

-- ---------------------------------------------------------------------------------------------------------
-- The workspace's private channel is `distributor:<id>:<channel_key>`. The key is readable by members only and
-- changes whenever somebody is removed: the remaining members learn the new key from the row's change and move
-- to the new topic, so whatever the removed member's socket still holds (a join is authorised once, when it is
-- made) is a topic nobody speaks on any more. This holds on hosted Realtime too, which does not re-run channel
-- policies for a joined channel.
alter table public.distributors
  add column channel_key uuid not null default gen_random_uuid(),
  add column created_by uuid references auth.users (id) on delete set null;
alter publication supabase_realtime add table public.distributors;

create or replace function public.member_channel_topics()
returns setof text
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  return query
    select 'distributor:' || d.id::text || ':' || d.channel_key::text
      from public.distributors d
     where d.id in (select public.member_distributor_ids());
exception when others then
  return;
end;
$$;
revoke all on function public.member_channel_topics() from public, anon;
grant execute on function public.member_channel_topics() to authenticated, service_role;

drop policy "Members can receive on their distributor's private channel" on realtime.messages;
drop policy "Members can send on their distributor's private channel" on realtime.messages;
create policy "Members can receive on their workspace's private channel" on realtime.messages
  for select to authenticated
  using (
    realtime.topic() in (select public.member_channel_topics())
    and realtime.messages.extension in ('broadcast', 'presence')
  );
create policy "Members can send on their workspace's private channel" on realtime.messages
  for insert to authenticated
  with check (
    realtime.topic() in (select public.member_channel_topics())
    and realtime.messages.extension in ('broadcast', 'presence')
  );

-- Admins rename their workspace; everything else about the row is the functions' business.
create policy "Admins can rename their workspace" on public.distributors
  for update to authenticated
  using (public.is_workspace_admin(id))
  with check (public.is_workspace_admin(id));
grant update (name) on public.distributors to authenticated;

-- ---------------------------------------------------------------------------------------------------------
-- WhatsApp senders: a number (or a Messaging Service with one of its numbers) on one Twilio account. Inbound
-- webhooks find their sender by `To` and `AccountSid` and are verified with that account's Auth Token (Twilio signs
-- webhooks with it, so it is required even where sends use an API key). Secrets are Vault secrets; this table only
-- holds their ids, and nobody but the service role can read them back (whatsapp_sender_credentials below).
-- A sender is saved by the server only after its credentials passed a check against Twilio's API (the number
-- belongs to that account): nobody can claim a number they cannot prove is theirs.
create table public.whatsapp_senders (
  id uuid primary key default gen_random_uuid(),
  distributor_id uuid not null references public.distributors (id) on delete cascade,
  label text not null check (char_length(label) between 1 and 100),
  whatsapp_number text not null check (whatsapp_number ~ '^\+[1-9][0-9]{6,14}$'),
  messaging_service_sid text check (messaging_service_sid ~ '^MG[0-9a-f]{32}$'),
  account_sid text check (account_sid ~ '^AC[0-9a-f]{32}$'),
  auth_token_secret_id uuid,
  api_key_sid text check (api_key_sid ~ '^SK[0-9a-f]{32}$'),
  api_key_secret_id uuid,
  checked_at timestamptz,
  check_ok boolean,
  check_message text check (char_length(check_message) <= 500),
  templates_synced_at timestamptz,
  templates_sync_error text check (char_length(templates_sync_error) <= 500),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (id, distributor_id),
  unique (distributor_id, whatsapp_number),
  -- credentials come whole: an account with its Auth Token, and an API key only with its secret
  check ((account_sid is null) = (auth_token_secret_id is null)),
  check ((api_key_sid is null) = (api_key_secret_id is null)),
  check (api_key_sid is null or account_sid is not null)
);
create unique index whatsapp_senders_account_number_key on public.whatsapp_senders (account_sid, whatsapp_number)
  where account_sid is not null;
create trigger whatsapp_senders_touch before update on public.whatsapp_senders
  for each row execute function public.touch_updated_at();

alter table public.whatsapp_senders enable row level security;
create policy "Members can read their workspace's senders" on public.whatsapp_senders
  for select to authenticated using (distributor_id in (select public.member_distributor_ids()));
revoke all on public.whatsapp_senders from anon, authenticated;
grant all on public.whatsapp_senders to service_role;
-- never the secret ids: members see what a sender is, not where its keys are
grant select (id, distributor_id, label, whatsapp_number, messaging_service_sid, account_sid, api_key_sid, checked_at,
  check_ok, check_message, templates_synced_at, templates_sync_error, created_at, updated_at)
  on public.whatsapp_senders to authenticated;
alter publication supabase_realtime add table public.whatsapp_senders;

-- Every existing workspace keeps its number as a sender without credentials: webhooks for it are refused until an
-- admin enters the account's credentials on the senders page (the seed creates complete demo senders).
insert into public.whatsapp_senders (distributor_id, label, whatsapp_number)
select d.id, 'WhatsApp', d.whatsapp_number from public.distributors d;

-- ---------------------------------------------------------------------------------------------------------
-- A conversation is one customer talking to one of the workspace's senders.
alter table public.conversations add column sender_id uuid;
update public.conversations c set sender_id = s.id
  from public.whatsapp_senders s where s.distributor_id = c.distributor_id;
alter table public.conversations alter column sender_id set not null;
alter table public.conversations
  add constraint conversations_sender_fkey foreign key (sender_id, distributor_id)
    references public.whatsapp_senders (id, distributor_id) on delete restrict,
  add constraint conversations_sender_contact_key unique (sender_id, contact_id),
  drop constraint conversations_distributor_id_contact_id_key;
create index conversations_sender_idx on public.conversations (sender_id);

alter table public.distributors drop column whatsapp_number;

-- Templates come from the sender's Twilio account (Content API), with their approval status; only approved ones
-- are offered, rejected and paused ones are shown as such.
alter table public.message_templates
  add column account_sid text check (account_sid ~ '^AC[0-9a-f]{32}$'),
  add column approval_status text not null default 'approved'
    check (approval_status in ('approved', 'pending', 'received', 'rejected', 'paused', 'disabled', 'unsubmitted')),
  add column category text check (char_length(category) <= 50),
  add column rejection_reason text check (char_length(rejection_reason) <= 500),
  add column synced_at timestamptz;
update public.message_templates t set approved = (t.approval_status = 'approved');
alter publication supabase_realtime add table public.message_templates;

-- ---------------------------------------------------------------------------------------------------------
-- Invitations: a single-use link that expires. Only a SHA-256 of the token is stored; the token itself is
-- returned once, to the admin who made it. Accepting requires the invited email address (case-insensitive).
create table public.workspace_invitations (
  id uuid primary key default gen_random_uuid(),
  distributor_id uuid not null references public.distributors (id) on delete cascade,
  email text not null check (email ~ '^[^@\s]+@[^@\s]+$' and char_length(email) <= 320),
  role public.member_role not null default 'agent' check (role <> 'owner'),
  token_hash bytea not null unique,
  invited_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null default now() + interval '7 days',
  accepted_at timestamptz,
  accepted_by uuid references auth.users (id) on delete set null,
  revoked_at timestamptz,
  check (expires_at > created_at)
);
create index workspace_invitations_distributor_idx on public.workspace_invitations (distributor_id, created_at desc);
-- one open invitation per address and workspace
create unique index workspace_invitations_open_key on public.workspace_invitations (distributor_id, lower(email))
  where accepted_at is null and revoked_at is null;

alter table public.workspace_invitations enable row level security;
create policy "Admins can read their workspace's invitations" on public.workspace_invitations
  for select to authenticated using (public.is_workspace_admin(distributor_id));
revoke all on public.workspace_invitations from anon, authenticated;
grant all on public.workspace_invitations to service_role;
grant select (id, distributor_id, email, role, invited_by, created_at, expires_at, accepted_at, accepted_by, revoked_at)
  on public.workspace_invitations to authenticated;
alter publication supabase_realtime add table public.workspace_invitations;

-- ---------------------------------------------------------------------------------------------------------
-- The functions that change membership. Each raises a PostgREST-friendly error: 42501 (403) when the caller may
-- not, PT404 (404) for what does not exist or is not theirs to see, 22023 (400) for a bad argument.

create or replace function public.require_user()
returns uuid
language plpgsql stable set search_path = '' as $$
declare
  uid uuid := auth.uid();
begin
  if uid is null then
    raise exception 'sign in first' using errcode = '42501';
  end if;
  return uid;
end;
$$;

-- Refuses (42501, with `p_refusal` as the message) a caller whose role in the workspace is not one of `p_roles`.
-- The one place the membership functions below check a role.
create or replace function public.require_workspace_role(p_distributor_id uuid, p_roles public.member_role[], p_refusal text)
returns void
language plpgsql stable set search_path = '' as $$
begin
  if public.workspace_role(p_distributor_id) is null or not (public.workspace_role(p_distributor_id) = any (p_roles)) then
    raise exception '%', p_refusal using errcode = '42501';
  end if;
end;
$$;

-- Creates a workspace owned by the caller. Returns its id.
create or replace function public.create_workspace(p_name text, p_display_name text)
returns uuid
language plpgsql security definer set search_path = '' as $$
declare
  uid uuid := public.require_user();
  v_id uuid;
  v_name text := btrim(coalesce(p_name, ''));
  v_display text := btrim(coalesce(p_display_name, ''));
begin
  if char_length(v_name) not between 1 and 200 then
    raise exception 'a workspace name has 1 to 200 characters' using errcode = '22023';
  end if;
  if char_length(v_display) not between 1 and 100 then
    raise exception 'your name has 1 to 100 characters' using errcode = '22023';
  end if;
  -- a runaway script must not mint workspaces forever
  if (select count(*) from public.distributors d where d.created_by = uid and d.created_at > now() - interval '1 hour') >= 10 then
    raise exception 'too many workspaces created in the last hour' using errcode = '42501';
  end if;
  insert into public.distributors (name, created_by) values (v_name, uid) returning id into v_id;
  insert into public.distributor_members (distributor_id, user_id, role, display_name) values (v_id, uid, 'owner', v_display);
  return v_id;
end;
$$;

-- Invites `p_email` with `p_role` (admin or agent). Returns the invitation's id and its token (shown once).
create or replace function public.create_invitation(p_distributor_id uuid, p_email text, p_role public.member_role)
returns table (invitation_id uuid, token text, expires_at timestamptz)
language plpgsql security definer set search_path = '' as $$
declare
  uid uuid := public.require_user();
  v_email text := lower(btrim(coalesce(p_email, '')));
  v_token text;
  v_id uuid;
  v_expires timestamptz;
begin
  perform public.require_workspace_role(p_distributor_id, '{owner,admin}', 'only admins can invite');
  if p_role is null or p_role = 'owner' then
    raise exception 'invite as admin or agent; ownership is transferred, not invited' using errcode = '22023';
  end if;
  if v_email !~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' or char_length(v_email) > 320 then
    raise exception 'that is not an email address' using errcode = '22023';
  end if;
  if exists (
    select 1 from public.distributor_members m join auth.users u on u.id = m.user_id
     where m.distributor_id = p_distributor_id and m.removed_at is null and lower(u.email) = v_email
  ) then
    raise exception 'that address is already a member' using errcode = '23505';
  end if;
  if (select count(*) from public.workspace_invitations i
       where i.distributor_id = p_distributor_id and i.created_at > now() - interval '1 day') >= 200 then
    raise exception 'too many invitations today' using errcode = '42501';
  end if;
  -- a new invitation for the same address replaces the open one
  update public.workspace_invitations i set revoked_at = now()
   where i.distributor_id = p_distributor_id and lower(i.email) = v_email and i.accepted_at is null and i.revoked_at is null;
  v_token := translate(encode(extensions.gen_random_bytes(32), 'base64'), '+/=', '-_');
  insert into public.workspace_invitations (distributor_id, email, role, token_hash, invited_by)
  values (p_distributor_id, v_email, p_role, extensions.digest(v_token, 'sha256'), uid)
  returning id, workspace_invitations.expires_at into v_id, v_expires;
  return query select v_id, v_token, v_expires;
end;
$$;

create or replace function public.revoke_invitation(p_invitation_id uuid)
returns void
language plpgsql security definer set search_path = '' as $$
declare
  v_distributor uuid;
begin
  perform public.require_user();
  select i.distributor_id into v_distributor from public.workspace_invitations i where i.id = p_invitation_id;
  if v_distributor is null or not public.is_workspace_admin(v_distributor) then
    raise exception 'invitation not found' using errcode = 'PT404';
  end if;
  update public.workspace_invitations i set revoked_at = now()
   where i.id = p_invitation_id and i.accepted_at is null and i.revoked_at is null;
end;
$$;

-- What an invitation link leads to, for whoever holds the token (signed in or not): the workspace's name, the
-- role, the invited address and whether it can still be accepted. Nothing for an unknown token.
create or replace function public.invitation_preview(p_token text)
returns table (workspace_name text, role public.member_role, email text, invited_by_name text, expires_at timestamptz, state text)
language plpgsql stable security definer set search_path = '' as $$
begin
  if p_token is null or char_length(p_token) not between 20 and 100 then
    return;
  end if;
  return query
    select d.name, i.role, i.email,
           (select m.display_name from public.distributor_members m where m.distributor_id = i.distributor_id and m.user_id = i.invited_by),
           i.expires_at,
           case when i.revoked_at is not null then 'revoked'
                when i.accepted_at is not null then 'accepted'
                when i.expires_at <= now() then 'expired'
                else 'open' end
      from public.workspace_invitations i join public.distributors d on d.id = i.distributor_id
     where i.token_hash = extensions.digest(p_token, 'sha256');
end;
$$;

-- Accepts an invitation as the caller, whose email must be the invited one. Returns the workspace's id.
create or replace function public.accept_invitation(p_token text, p_display_name text)
returns uuid
language plpgsql security definer set search_path = '' as $$
declare
  uid uuid := public.require_user();
  v_email text;
  inv record;
  v_display text := btrim(coalesce(p_display_name, ''));
begin
  if char_length(v_display) not between 1 and 100 then
    raise exception 'your name has 1 to 100 characters' using errcode = '22023';
  end if;
  select i.* into inv from public.workspace_invitations i
   where i.token_hash = extensions.digest(coalesce(p_token, ''), 'sha256')
   for update;
  if inv.id is null then
    raise exception 'invitation not found' using errcode = 'PT404';
  end if;
  if inv.revoked_at is not null then
    raise exception 'this invitation was withdrawn' using errcode = '42501';
  end if;
  if inv.accepted_at is not null then
    raise exception 'this invitation has already been used' using errcode = '42501';
  end if;
  if inv.expires_at <= now() then
    raise exception 'this invitation has expired' using errcode = '42501';
  end if;
  select lower(u.email) into v_email from auth.users u where u.id = uid;
  if v_email is distinct from lower(inv.email) then
    raise exception 'this invitation is for another email address' using errcode = '42501';
  end if;
  insert into public.distributor_members as m (distributor_id, user_id, role, display_name)
  values (inv.distributor_id, uid, inv.role, v_display)
  on conflict (distributor_id, user_id) do update
    set role = case when m.removed_at is null then m.role else excluded.role end,
        display_name = case when m.removed_at is null then m.display_name else excluded.display_name end,
        removed_at = null, removed_by = null;
  update public.workspace_invitations set accepted_at = now(), accepted_by = uid where id = inv.id;
  return inv.distributor_id;
end;
$$;

-- Changes a member's role to admin or agent. The owner's role changes only by transfer_ownership.
create or replace function public.set_member_role(p_distributor_id uuid, p_user_id uuid, p_role public.member_role)
returns void
language plpgsql security definer set search_path = '' as $$
declare
  v_current public.member_role;
begin
  perform public.require_user();
  perform public.require_workspace_role(p_distributor_id, '{owner,admin}', 'only admins can change roles');
  if p_role is null or p_role = 'owner' then
    raise exception 'ownership is transferred by the owner' using errcode = '22023';
  end if;
  select m.role into v_current from public.distributor_members m
   where m.distributor_id = p_distributor_id and m.user_id = p_user_id and m.removed_at is null for update;
  if v_current is null then
    raise exception 'member not found' using errcode = 'PT404';
  end if;
  if v_current = 'owner' then
    raise exception 'the owner''s role changes only when ownership is transferred' using errcode = '42501';
  end if;
  update public.distributor_members set role = p_role where distributor_id = p_distributor_id and user_id = p_user_id;
end;
$$;

-- Removes a member (an admin removing someone, or a member leaving). The owner cannot be removed or leave: they
-- transfer ownership first. The member loses access at once; their assignments go back to the team and the
-- workspace's channel moves to a new key.
create or replace function public.remove_member(p_distributor_id uuid, p_user_id uuid)
returns void
language plpgsql security definer set search_path = '' as $$
declare
  uid uuid := public.require_user();
  v_role public.member_role;
begin
  if p_user_id is distinct from uid then
    perform public.require_workspace_role(p_distributor_id, '{owner,admin}', 'only admins can remove members');
  end if;
  select m.role into v_role from public.distributor_members m
   where m.distributor_id = p_distributor_id and m.user_id = p_user_id and m.removed_at is null for update;
  if v_role is null then
    raise exception 'member not found' using errcode = 'PT404';
  end if;
  if v_role = 'owner' then
    raise exception 'the owner cannot be removed; transfer ownership first' using errcode = '42501';
  end if;
  update public.distributor_members set removed_at = now(), removed_by = uid
   where distributor_id = p_distributor_id and user_id = p_user_id;
  update public.conversations set assignee_id = null where distributor_id = p_distributor_id and assignee_id = p_user_id;
  update public.distributors set channel_key = gen_random_uuid() where id = p_distributor_id;
end;
$$;

-- The owner hands the workspace to another member, and becomes an admin.
create or replace function public.transfer_ownership(p_distributor_id uuid, p_user_id uuid)
returns void
language plpgsql security definer set search_path = '' as $$
declare
  uid uuid := public.require_user();
begin
  perform public.require_workspace_role(p_distributor_id, '{owner}', 'only the owner can transfer ownership');
  if p_user_id = uid then
    raise exception 'you already own this workspace' using errcode = '22023';
  end if;
  if not exists (select 1 from public.distributor_members m
                  where m.distributor_id = p_distributor_id and m.user_id = p_user_id and m.removed_at is null) then
    raise exception 'member not found' using errcode = 'PT404';
  end if;
  update public.distributor_members set role = 'admin' where distributor_id = p_distributor_id and user_id = uid;
  update public.distributor_members set role = 'owner' where distributor_id = p_distributor_id and user_id = p_user_id;
end;
$$;

-- The owner deletes the workspace and everything in it (Vault secrets of its senders included).
create or replace function public.delete_workspace(p_distributor_id uuid, p_confirm_name text)
returns void
language plpgsql security definer set search_path = '' as $$
begin
  perform public.require_user();
  perform public.require_workspace_role(p_distributor_id, '{owner}', 'only the owner can delete the workspace');
  if p_confirm_name is distinct from (select d.name from public.distributors d where d.id = p_distributor_id) then
    raise exception 'type the workspace''s name to confirm' using errcode = '22023';
  end if;
  delete from vault.secrets s where s.id in (
    select unnest(array[w.auth_token_secret_id, w.api_key_secret_id]) from public.whatsapp_senders w where w.distributor_id = p_distributor_id
  );
  delete from public.distributors where id = p_distributor_id;
end;
$$;

revoke all on function public.require_user(), public.create_workspace(text, text),
  public.create_invitation(uuid, text, public.member_role), public.revoke_invitation(uuid), public.invitation_preview(text),
  public.accept_invitation(text, text), public.set_member_role(uuid, uuid, public.member_role), public.remove_member(uuid, uuid),
  public.transfer_ownership(uuid, uuid), public.delete_workspace(uuid, text)
  from public, anon, service_role;
-- helpers of the functions above (which run as their owner), not endpoints
revoke all on function public.require_user() from authenticated;
revoke all on function public.require_workspace_role(uuid, public.member_role[], text) from public, anon, authenticated, service_role;
grant execute on function public.create_workspace(text, text), public.create_invitation(uuid, text, public.member_role),
  public.revoke_invitation(uuid), public.accept_invitation(text, text), public.set_member_role(uuid, uuid, public.member_role),
  public.remove_member(uuid, uuid), public.transfer_ownership(uuid, uuid), public.delete_workspace(uuid, text)
  to authenticated;
grant execute on function public.invitation_preview(text) to anon, authenticated;

-- ---------------------------------------------------------------------------------------------------------
-- Senders, written by the server (service role) after it checked the credentials against Twilio, on behalf of an
-- admin it names (`p_actor`), whose role is checked again here. A null secret keeps the stored one.
create or replace function public.save_whatsapp_sender(
  p_actor uuid, p_distributor_id uuid, p_sender_id uuid, p_label text, p_whatsapp_number text,
  p_messaging_service_sid text, p_account_sid text, p_auth_token text, p_api_key_sid text, p_api_key_secret text
) returns uuid
language plpgsql security definer set search_path = '' as $$
declare
  s public.whatsapp_senders;
  v_token_id uuid;
  v_key_id uuid;
begin
  if not exists (select 1 from public.distributor_members m where m.distributor_id = p_distributor_id and m.user_id = p_actor
                  and m.removed_at is null and m.role in ('owner', 'admin')) then
    raise exception 'only admins can manage senders' using errcode = '42501';
  end if;
  if p_sender_id is not null then
    select * into s from public.whatsapp_senders w where w.id = p_sender_id and w.distributor_id = p_distributor_id for update;
    if s.id is null then
      raise exception 'sender not found' using errcode = 'PT404';
    end if;
  end if;
  v_token_id := s.auth_token_secret_id;
  v_key_id := s.api_key_secret_id;
  if p_auth_token is not null then
    if v_token_id is null then
      v_token_id := vault.create_secret(p_auth_token, null, 'Twilio Auth Token of ' || p_account_sid);
    else
      perform vault.update_secret(v_token_id, p_auth_token);
    end if;
  end if;
  if p_api_key_sid is null then
    if v_key_id is not null then
      delete from vault.secrets where id = v_key_id;
      v_key_id := null;
    end if;
  elsif p_api_key_secret is not null then
    if v_key_id is null then
      v_key_id := vault.create_secret(p_api_key_secret, null, 'Twilio API key ' || p_api_key_sid);
    else
      perform vault.update_secret(v_key_id, p_api_key_secret);
    end if;
  end if;
  if s.id is null then
    insert into public.whatsapp_senders (distributor_id, label, whatsapp_number, messaging_service_sid, account_sid,
      auth_token_secret_id, api_key_sid, api_key_secret_id, checked_at, check_ok, check_message)
    values (p_distributor_id, btrim(p_label), p_whatsapp_number, p_messaging_service_sid, p_account_sid,
      v_token_id, p_api_key_sid, v_key_id, now(), true, null)
    returning id into s.id;
  else
    update public.whatsapp_senders set label = btrim(p_label), whatsapp_number = p_whatsapp_number,
      messaging_service_sid = p_messaging_service_sid, account_sid = p_account_sid, auth_token_secret_id = v_token_id,
      api_key_sid = p_api_key_sid, api_key_secret_id = v_key_id, checked_at = now(), check_ok = true, check_message = null
     where id = s.id;
  end if;
  return s.id;
end;
$$;

-- Deletes a sender that has no conversations (those keep their sender; an admin replaces its credentials instead).
create or replace function public.delete_whatsapp_sender(p_sender_id uuid)
returns void
language plpgsql security definer set search_path = '' as $$
declare
  s public.whatsapp_senders;
begin
  perform public.require_user();
  select * into s from public.whatsapp_senders w where w.id = p_sender_id;
  if s.id is null or not public.is_workspace_admin(s.distributor_id) then
    raise exception 'sender not found' using errcode = 'PT404';
  end if;
  if exists (select 1 from public.conversations c where c.sender_id = p_sender_id) then
    raise exception 'this sender has conversations; replace its credentials instead of deleting it' using errcode = '23503';
  end if;
  delete from public.whatsapp_senders where id = p_sender_id;
  delete from vault.secrets where id in (s.auth_token_secret_id, s.api_key_secret_id);
end;
$$;

-- A sender's credentials, decrypted, for the server's calls to Twilio and its webhook checks. Service role only.
create or replace function public.whatsapp_sender_credentials(p_sender_id uuid)
returns table (sender_id uuid, distributor_id uuid, whatsapp_number text, messaging_service_sid text, account_sid text,
  auth_token text, api_key_sid text, api_key_secret text)
language sql stable security definer set search_path = '' as $$
  select w.id, w.distributor_id, w.whatsapp_number, w.messaging_service_sid, w.account_sid,
         (select v.decrypted_secret from vault.decrypted_secrets v where v.id = w.auth_token_secret_id),
         w.api_key_sid,
         (select v.decrypted_secret from vault.decrypted_secrets v where v.id = w.api_key_secret_id)
    from public.whatsapp_senders w
   where w.id = p_sender_id and w.account_sid is not null
$$;

-- The sender a webhook is addressed to: our number (`To` for inbound, `From` for a status callback) on the account
-- that sent it. Only senders with credentials answer.
create or replace function public.webhook_sender(p_number text, p_account_sid text)
returns table (sender_id uuid, distributor_id uuid, whatsapp_number text, messaging_service_sid text, account_sid text,
  auth_token text, api_key_sid text, api_key_secret text)
language sql stable security definer set search_path = '' as $$
  select c.* from public.whatsapp_senders w
   cross join lateral public.whatsapp_sender_credentials(w.id) c
   where w.whatsapp_number = regexp_replace(coalesce(p_number, ''), '^whatsapp:', '')
     and w.account_sid = p_account_sid
$$;

-- Records the outcome of a credentials check (the Check button, or a send that Twilio refused for authentication).
create or replace function public.record_sender_check(p_sender_id uuid, p_ok boolean, p_message text)
returns void
language sql security definer set search_path = '' as $$
  update public.whatsapp_senders set checked_at = now(), check_ok = p_ok, check_message = left(p_message, 500)
   where id = p_sender_id
$$;

revoke all on function public.save_whatsapp_sender(uuid, uuid, uuid, text, text, text, text, text, text, text),
  public.delete_whatsapp_sender(uuid), public.whatsapp_sender_credentials(uuid), public.webhook_sender(text, text),
  public.record_sender_check(uuid, boolean, text)
  from public, anon, authenticated;
grant execute on function public.save_whatsapp_sender(uuid, uuid, uuid, text, text, text, text, text, text, text),
  public.whatsapp_sender_credentials(uuid), public.webhook_sender(text, text), public.record_sender_check(uuid, boolean, text)
  to service_role;
revoke all on function public.delete_whatsapp_sender(uuid) from service_role;
grant execute on function public.delete_whatsapp_sender(uuid) to authenticated;

-- ---------------------------------------------------------------------------------------------------------
-- The sender a service-role write is for: `sender_id` when given (the webhook routes always give the one they
-- verified the signature with), else our number (`to` of an inbound message, `from` of a status callback) on
-- `account_sid`, else the number alone when exactly one sender has it (seeds, scripts and reconciliation).
create or replace function public.resolve_sender(p_sender_id text, p_number text, p_account_sid text)
returns public.whatsapp_senders
language plpgsql stable security definer set search_path = '' as $$
declare
  s public.whatsapp_senders;
  v_number text := regexp_replace(coalesce(p_number, ''), '^whatsapp:', '');
begin
  if nullif(p_sender_id, '') is not null then
    select * into s from public.whatsapp_senders w where w.id = p_sender_id::uuid;
  elsif nullif(p_account_sid, '') is not null then
    select * into s from public.whatsapp_senders w where w.whatsapp_number = v_number and w.account_sid = p_account_sid;
  elsif (select count(*) from public.whatsapp_senders w where w.whatsapp_number = v_number) = 1 then
    select * into s from public.whatsapp_senders w where w.whatsapp_number = v_number;
  end if;
  return s;
end;
$$;
revoke all on function public.resolve_sender(text, text, text) from public, anon, authenticated, service_role;

-- ---------------------------------------------------------------------------------------------------------
-- Ingest by sender. `p.sender_id` is the sender the route verified the signature with; the conversation is that
-- sender's with the customer. Returns { status: 'created' | 'duplicate' | 'unknown_recipient', … } as before.
create or replace function public.ingest_inbound_message(p jsonb)
returns jsonb
language plpgsql security definer set search_path = '' as $$
declare
  v_from text := regexp_replace(coalesce(p ->> 'from', ''), '^whatsapp:', '');
  v_phone text;
  v_bsuid text;
  v_sender uuid;
  v_distributor uuid;
  v_contact uuid;
  v_conversation uuid;
  v_message uuid;
begin
  select r.id, r.distributor_id into v_sender, v_distributor
    from public.resolve_sender(p ->> 'sender_id', p ->> 'to', p ->> 'account_sid') r;
  if v_sender is null then
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

  select cv.id into v_conversation from public.conversations cv where cv.sender_id = v_sender and cv.contact_id = v_contact;
  if v_conversation is null then
    insert into public.conversations (distributor_id, sender_id, contact_id)
    values (v_distributor, v_sender, v_contact)
    on conflict (sender_id, contact_id) do nothing
    returning id into v_conversation;
    if v_conversation is null then -- a concurrent first message created it
      select cv.id into v_conversation from public.conversations cv where cv.sender_id = v_sender and cv.contact_id = v_contact;
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

-- A status callback, verified by the route with its sender's token (`p.sender_id`). As before, every callback is
-- kept and a status only moves up; a callback for a message of another workspace than the sender's is ignored.
create or replace function public.apply_status_callback(p jsonb)
returns jsonb
language plpgsql security definer set search_path = '' as $$
declare
  v_message uuid;
  v_message_distributor uuid;
  v_distributor uuid;
  v_status public.message_status := (p ->> 'status')::public.message_status;
  v_error integer := nullif(p ->> 'error_code', '')::integer;
  v_changed boolean := false;
begin
  select r.distributor_id into v_distributor from public.resolve_sender(p ->> 'sender_id', p ->> 'from', p ->> 'account_sid') r;
  if v_distributor is null then
    return jsonb_build_object('status', 'unknown_sender');
  end if;
  select m.id, m.distributor_id into v_message, v_message_distributor from public.messages m where m.twilio_sid = p ->> 'message_sid';
  if v_message is not null and v_message_distributor is distinct from v_distributor then
    return jsonb_build_object('status', 'kept', 'message_id', null);
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
revoke all on function public.ingest_inbound_message(jsonb), public.apply_status_callback(jsonb) from public, anon, authenticated;
grant execute on function public.ingest_inbound_message(jsonb), public.apply_status_callback(jsonb) to service_role;

-- Callbacks that arrived before their send stored its SID are applied when it does, if they came through a sender
-- of the message's own workspace.
create or replace function public.apply_pending_status_events()
returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  e record;
begin
  for e in
    select ev.id, ev.status, ev.error_code, ev.error_message from public.message_status_events ev
     where ev.twilio_sid = new.twilio_sid and ev.message_id is null
       and (ev.distributor_id is null or ev.distributor_id = new.distributor_id)
     order by ev.received_at, ev.id
  loop
    perform public.apply_message_status(new.id, e.status, e.error_code, e.error_message);
    update public.message_status_events set message_id = new.id, distributor_id = new.distributor_id, applied = true where id = e.id;
  end loop;
  return null;
end;
$$;
revoke all on function public.apply_pending_status_events() from public, anon, authenticated;

-- The assignee foreign key still accepts a removed member's row (removal is a mark): a conversation is assigned
-- only to a current member.
create or replace function public.check_conversation_assignee()
returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if new.assignee_id is not null and not exists (
    select 1 from public.distributor_members m
     where m.distributor_id = new.distributor_id and m.user_id = new.assignee_id and m.removed_at is null
  ) then
    raise exception 'the assignee is not a member of this workspace' using errcode = '23503';
  end if;
  return new;
end;
$$;
revoke all on function public.check_conversation_assignee() from public, anon, authenticated;
create trigger conversations_check_assignee before insert or update of assignee_id on public.conversations
  for each row execute function public.check_conversation_assignee();
