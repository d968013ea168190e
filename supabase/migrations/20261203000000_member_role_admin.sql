-- Workspaces get a third role between owner and agent. An enum value cannot be used in the transaction that adds
-- it, so it has a migration of its own; the next one builds on it.
--   owner  everything an admin can do, and transfers ownership and deletes the workspace (exactly one per workspace)
--   admin  manages members, invitations, WhatsApp senders and templates, and works the inbox
--   agent  works the inbox
alter type public.member_role add value if not exists 'admin' before 'agent';
