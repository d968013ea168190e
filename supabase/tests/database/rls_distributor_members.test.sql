-- distributor_members: members read their workspace's memberships (removed ones included) and everyone reads their own
-- rows; membership changes only through the SECURITY DEFINER functions, never directly.
begin;
select plan(11);

-- The world of tests.seed_world() (00000_test_helpers.test.sql), written as the superuser and rolled back at the end:
--   workspace A (d…0a): a…01 owner, a…02 agent, a…04 admin, a…03 removed    workspace B (d…0b): b…01 owner
--   c…01 is signed in and belongs to no workspace. Each workspace has a sender (e…), a contact (f…), a conversation (9…).
select tests.seed_world();

-- an agent of A
select tests.act_as('agent_a');
select results_eq(
  $$ select user_id from public.distributor_members order by user_id $$,
  $$ values ('a0000000-0000-4000-8000-000000000001'::uuid), ('a0000000-0000-4000-8000-000000000002'::uuid),
            ('a0000000-0000-4000-8000-000000000003'::uuid), ('a0000000-0000-4000-8000-000000000004'::uuid) $$,
  'a member sees their workspace''s memberships, the removed one included'
);
select throws_ok($$ update public.distributor_members set removed_at = null where user_id = 'a0000000-0000-4000-8000-000000000003' $$, '42501', null, 'a member cannot bring a removed one back');

-- the owner of A
reset role; select tests.act_as('owner_a');
select throws_ok(
  $$ insert into public.distributor_members (distributor_id, user_id, role, display_name)
     values ('d0000000-0000-4000-8000-00000000000a', 'c0000000-0000-4000-8000-000000000001', 'agent', 'Sneaked in') $$,
  '42501', null, 'not even the owner adds a member directly (invitations do)');
select throws_ok($$ update public.distributor_members set role = 'admin' where user_id = 'a0000000-0000-4000-8000-000000000002' $$, '42501', null, 'nor changes a role directly (set_member_role does)');
select throws_ok($$ delete from public.distributor_members where user_id = 'a0000000-0000-4000-8000-000000000002' $$, '42501', null, 'nor deletes a membership (remove_member marks it)');

-- a member removed from A
reset role; select tests.act_as('removed_a');
select results_eq(
  $$ select distributor_id, user_id, removed_at is not null from public.distributor_members $$,
  $$ values ('d0000000-0000-4000-8000-00000000000a'::uuid, 'a0000000-0000-4000-8000-000000000003'::uuid, true) $$,
  'a removed member sees only their own, removed, membership'
);

-- the owner of B
reset role; select tests.act_as('owner_b');
select results_eq($$ select distributor_id, user_id from public.distributor_members $$,
  $$ values ('d0000000-0000-4000-8000-00000000000b'::uuid, 'b0000000-0000-4000-8000-000000000001'::uuid) $$,
  'a member of another workspace sees only theirs');

-- signed in, in no workspace
reset role; select tests.act_as('outsider');
select is_empty($$ select 1 from public.distributor_members $$, 'a user in no workspace sees none');
select throws_ok(
  $$ insert into public.distributor_members (distributor_id, user_id, role, display_name)
     values ('d0000000-0000-4000-8000-00000000000a', 'c0000000-0000-4000-8000-000000000001', 'owner', 'Me') $$,
  '42501', null, 'and cannot join a workspace by inserting');

-- not signed in
reset role; select tests.act_as_anon();
select throws_ok($$ select 1 from public.distributor_members $$, '42501', null, 'anon reads nothing');

reset role;
select results_eq(
  $$ select user_id, role::text, removed_at is not null from public.distributor_members
      where distributor_id in ('d0000000-0000-4000-8000-00000000000a', 'd0000000-0000-4000-8000-00000000000b') order by user_id $$,
  $$ values ('a0000000-0000-4000-8000-000000000001'::uuid, 'owner', false), ('a0000000-0000-4000-8000-000000000002'::uuid, 'agent', false),
            ('a0000000-0000-4000-8000-000000000003'::uuid, 'agent', true), ('a0000000-0000-4000-8000-000000000004'::uuid, 'admin', false),
            ('b0000000-0000-4000-8000-000000000001'::uuid, 'owner', false) $$,
  'memberships are as seeded'
);

select * from finish();
rollback;
