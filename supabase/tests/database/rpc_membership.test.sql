-- The membership functions: invitations work once, before they expire, for the invited address only; roles change
-- only as the role rules say (one owner, changed only by transfer; agents manage nobody); removal marks the member
-- removed, rotates the channel key and unassigns their conversations.
begin;
select plan(22);

select tests.seed_world();
-- stash values across role switches (the acting roles may not read the tests schema)
create temp table stash (k text primary key, v text);
grant select, insert, update on stash to anon, authenticated;

-- an agent may not invite; an admin may, as admin or agent but never as owner
select tests.act_as('agent_a');
select throws_ok($$ select * from public.create_invitation('d0000000-0000-4000-8000-00000000000a', 'new@pgtap.test', 'agent') $$, '42501', 'only admins can invite', 'an agent may not invite');
reset role; select tests.act_as('admin_a');
select throws_ok($$ select * from public.create_invitation('d0000000-0000-4000-8000-00000000000a', 'new@pgtap.test', 'owner') $$, '22023', null, 'nobody is invited as owner');
select throws_ok($$ select * from public.create_invitation('d0000000-0000-4000-8000-00000000000a', 'a-agent@pgtap.test', 'agent') $$, '23505', 'that address is already a member', 'a current member is not invited again');
insert into stash select 'wrong', token from public.create_invitation('d0000000-0000-4000-8000-00000000000a', 'Nobody@PGTAP.test', 'agent');
insert into stash select 'expired', token from public.create_invitation('d0000000-0000-4000-8000-00000000000a', 'b-owner@pgtap.test', 'admin');
select is((select count(*)::int from public.workspace_invitations where distributor_id = 'd0000000-0000-4000-8000-00000000000a'), 2, 'an admin sees the invitations made');
select throws_ok($$ select token_hash from public.workspace_invitations $$, '42501', null, 'never their token hashes');

-- the preview tells a token holder what it is for, even signed out
reset role; select tests.act_as_anon();
select results_eq($$ select workspace_name, role::text, email, state from public.invitation_preview((select v from stash where k = 'wrong')) $$,
  $$ values ('Workspace A', 'agent', 'nobody@pgtap.test', 'open') $$, 'the preview names the workspace, role, address and state');

-- another address may not accept it; the invited one (whatever the case) may, once
reset role; select tests.act_as('agent_a');
select throws_ok($$ select public.accept_invitation((select v from stash where k = 'wrong'), 'Agent') $$, '42501', 'this invitation is for another email address', 'only the invited address may accept');
reset role; select tests.act_as('outsider');
select is(public.accept_invitation((select v from stash where k = 'wrong'), 'Newbie'), 'd0000000-0000-4000-8000-00000000000a'::uuid, 'the invited user accepts and joins');
select is(public.workspace_role('d0000000-0000-4000-8000-00000000000a')::text, 'agent', 'with the invited role');
select throws_ok($$ select public.accept_invitation((select v from stash where k = 'wrong'), 'Newbie') $$, '42501', 'this invitation has already been used', 'a used invitation does not work again');

-- an expired invitation does not work
reset role;
update public.workspace_invitations set created_at = now() - interval '8 days', expires_at = now() - interval '1 day'
 where token_hash = extensions.digest((select v from stash where k = 'expired'), 'sha256');
select tests.act_as('owner_b');
select throws_ok($$ select public.accept_invitation((select v from stash where k = 'expired'), 'B') $$, '42501', 'this invitation has expired', 'an expired invitation does not work');
select throws_ok($$ select public.accept_invitation('x-token-nobody-issued-x-token-nobody', 'B') $$, 'PT404', null, 'nor does a token nobody issued');

-- roles: the owner's changes only by transfer; admins change the others'
reset role; select tests.act_as('admin_a');
select throws_ok($$ select public.set_member_role('d0000000-0000-4000-8000-00000000000a', 'a0000000-0000-4000-8000-000000000001', 'agent') $$, '42501', null, 'an admin may not demote the owner');
select lives_ok($$ select public.set_member_role('d0000000-0000-4000-8000-00000000000a', 'a0000000-0000-4000-8000-000000000002', 'admin') $$, 'an admin promotes an agent');
select throws_ok($$ select public.transfer_ownership('d0000000-0000-4000-8000-00000000000a', 'a0000000-0000-4000-8000-000000000002') $$, '42501', null, 'only the owner transfers ownership');
select throws_ok($$ select public.remove_member('d0000000-0000-4000-8000-00000000000a', 'a0000000-0000-4000-8000-000000000001') $$, '42501', null, 'the owner cannot be removed');

-- removal: marked, unassigned, and the channel key moves
reset role;
update public.conversations set assignee_id = tests.id('agent_a') where id = tests.id('conversation_a');
insert into stash values ('key', (select channel_key::text from public.distributors where id = tests.id('workspace_a')));
select tests.act_as('owner_a');
select lives_ok($$ select public.remove_member('d0000000-0000-4000-8000-00000000000a', 'a0000000-0000-4000-8000-000000000002') $$, 'the owner removes a member');
reset role;
select isnt((select removed_at from public.distributor_members where user_id = tests.id('agent_a') and distributor_id = tests.id('workspace_a')), null, 'the membership is marked removed');
select is((select assignee_id from public.conversations where id = tests.id('conversation_a')), null, 'their conversations go back to the team');
select isnt((select channel_key::text from public.distributors where id = tests.id('workspace_a')), (select v from stash where k = 'key'), 'and the channel key changed');

-- transfer: the owner hands over and becomes an admin
select tests.act_as('owner_a');
select lives_ok($$ select public.transfer_ownership('d0000000-0000-4000-8000-00000000000a', 'a0000000-0000-4000-8000-000000000004') $$, 'the owner transfers to an admin');
select is(public.workspace_role('d0000000-0000-4000-8000-00000000000a')::text, 'admin', 'and is an admin now');

select * from finish();
rollback;
