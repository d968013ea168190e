-- workspace_invitations: the workspace's admins and owner read its invitations, without their token hash; invitations
-- are made, withdrawn and accepted through the SECURITY DEFINER functions only.
begin;
select plan(12);

-- The world of tests.seed_world() (00000_test_helpers.test.sql), written as the superuser and rolled back at the end:
--   workspace A (d…0a): a…01 owner, a…02 agent, a…04 admin, a…03 removed    workspace B (d…0b): b…01 owner
--   c…01 is signed in and belongs to no workspace. Each workspace has a sender (e…), a contact (f…), a conversation (9…).
select tests.seed_world();
insert into public.workspace_invitations (id, distributor_id, email, role, token_hash, invited_by) values
  ('1a000000-0000-4000-8000-00000000000a', tests.id('workspace_a'), 'new@pgtap.test', 'agent', extensions.digest('token-for-a', 'sha256'), tests.id('owner_a')),
  ('1a000000-0000-4000-8000-00000000000b', tests.id('workspace_b'), 'new@pgtap.test', 'admin', extensions.digest('token-for-b', 'sha256'), tests.id('owner_b'));

-- the owner and an admin of A
select tests.act_as('owner_a');
select results_eq($$ select id from public.workspace_invitations $$, $$ values ('1a000000-0000-4000-8000-00000000000a'::uuid) $$, 'the owner sees exactly their workspace''s invitations');
select throws_ok($$ select token_hash from public.workspace_invitations $$, '42501', null, 'but not their token hash');
select throws_ok($$ insert into public.workspace_invitations (distributor_id, email, token_hash) values ('d0000000-0000-4000-8000-00000000000a', 'x@pgtap.test', '\x00') $$,
  '42501', null, 'invitations are not inserted directly (create_invitation does it)');
select throws_ok($$ update public.workspace_invitations set role = 'admin' where id = '1a000000-0000-4000-8000-00000000000a' $$, '42501', null, 'nor changed directly');
select throws_ok($$ delete from public.workspace_invitations where id = '1a000000-0000-4000-8000-00000000000a' $$, '42501', null, 'nor deleted (revoke_invitation withdraws them)');
reset role; select tests.act_as('admin_a');
select results_eq($$ select id from public.workspace_invitations $$, $$ values ('1a000000-0000-4000-8000-00000000000a'::uuid) $$, 'an admin sees them too');

-- an agent of A
reset role; select tests.act_as('agent_a');
select is_empty($$ select id from public.workspace_invitations $$, 'an agent sees none');

-- a member removed from A
reset role; select tests.act_as('removed_a');
select is_empty($$ select id from public.workspace_invitations $$, 'a removed member sees none');

-- the owner of B
reset role; select tests.act_as('owner_b');
select results_eq($$ select id from public.workspace_invitations $$, $$ values ('1a000000-0000-4000-8000-00000000000b'::uuid) $$, 'the owner of another workspace sees exactly theirs');

-- signed in, in no workspace (the invited address, even)
reset role; select tests.act_as('outsider');
select is_empty($$ select id from public.workspace_invitations $$, 'a user in no workspace sees none');

-- not signed in
reset role; select tests.act_as_anon();
select throws_ok($$ select id from public.workspace_invitations $$, '42501', null, 'anon reads nothing');

reset role;
select results_eq($$ select id, role::text from public.workspace_invitations where id in ('1a000000-0000-4000-8000-00000000000a', '1a000000-0000-4000-8000-00000000000b') order by id $$,
  $$ values ('1a000000-0000-4000-8000-00000000000a'::uuid, 'agent'), ('1a000000-0000-4000-8000-00000000000b'::uuid, 'admin') $$, 'the invitations are as made');

select * from finish();
rollback;
