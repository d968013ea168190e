-- distributors (workspaces): members read their own; admins and the owner rename it; nothing else is written directly.
begin;
select plan(15);

-- The world of tests.seed_world() (00000_test_helpers.test.sql), written as the superuser and rolled back at the end:
--   workspace A (d…0a): a…01 owner, a…02 agent, a…04 admin, a…03 removed    workspace B (d…0b): b…01 owner
--   c…01 is signed in and belongs to no workspace. Each workspace has a sender (e…), a contact (f…), a conversation (9…).
select tests.seed_world();

-- an agent of A
select tests.act_as('agent_a');
select results_eq($$ select id from public.distributors $$, $$ values ('d0000000-0000-4000-8000-00000000000a'::uuid) $$, 'a member sees exactly their workspace');
select is_empty($$ update public.distributors set name = 'Renamed by an agent' where id = 'd0000000-0000-4000-8000-00000000000a' returning id $$, 'an agent cannot rename it');

-- the owner and an admin of A
reset role; select tests.act_as('owner_a');
select results_eq($$ update public.distributors set name = 'Renamed by the owner' where id = 'd0000000-0000-4000-8000-00000000000a' returning name $$, $$ values ('Renamed by the owner') $$, 'the owner renames it');
select throws_ok($$ update public.distributors set channel_key = gen_random_uuid() where id = 'd0000000-0000-4000-8000-00000000000a' $$, '42501', null, 'not even the owner writes another column (channel_key)');
select throws_ok($$ insert into public.distributors (name) values ('Direct') $$, '42501', null, 'workspaces are not inserted directly (create_workspace does it)');
select throws_ok($$ delete from public.distributors where id = 'd0000000-0000-4000-8000-00000000000a' $$, '42501', null, 'nor deleted directly (delete_workspace does it)');
reset role; select tests.act_as('admin_a');
select results_eq($$ update public.distributors set name = 'Renamed by an admin' where id = 'd0000000-0000-4000-8000-00000000000a' returning name $$, $$ values ('Renamed by an admin') $$, 'an admin renames it');

-- a member removed from A
reset role; select tests.act_as('removed_a');
select is_empty($$ select id from public.distributors $$, 'a removed member sees no workspace');

-- the owner of B
reset role; select tests.act_as('owner_b');
select results_eq($$ select id from public.distributors $$, $$ values ('d0000000-0000-4000-8000-00000000000b'::uuid) $$, 'a member of another workspace sees exactly theirs');
select is_empty($$ update public.distributors set name = 'Taken over' where id = 'd0000000-0000-4000-8000-00000000000a' returning id $$, 'and cannot rename ours');

-- signed in, in no workspace
reset role; select tests.act_as('outsider');
select is_empty($$ select id from public.distributors $$, 'a user in no workspace sees none');
select throws_ok($$ insert into public.distributors (name) values ('Mine') $$, '42501', null, 'and inserts none');

-- not signed in
reset role; select tests.act_as_anon();
select throws_ok($$ select id from public.distributors $$, '42501', null, 'anon reads nothing');
select throws_ok($$ update public.distributors set name = 'x' $$, '42501', null, 'anon writes nothing');

reset role;
select results_eq(
  $$ select id, name from public.distributors where id in ('d0000000-0000-4000-8000-00000000000a', 'd0000000-0000-4000-8000-00000000000b') order by id $$,
  $$ values ('d0000000-0000-4000-8000-00000000000a'::uuid, 'Renamed by an admin'), ('d0000000-0000-4000-8000-00000000000b'::uuid, 'Workspace B') $$,
  'only the admin''s and the owner''s renames took effect'
);

select * from finish();
rollback;
