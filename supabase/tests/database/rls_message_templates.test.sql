-- message_templates: members read their workspace's templates; they are synced from Twilio by the server only.
begin;
select plan(9);

-- The world of tests.seed_world() (00000_test_helpers.test.sql), written as the superuser and rolled back at the end:
--   workspace A (d…0a): a…01 owner, a…02 agent, a…04 admin, a…03 removed    workspace B (d…0b): b…01 owner
--   c…01 is signed in and belongs to no workspace. Each workspace has a sender (e…), a contact (f…), a conversation (9…).
select tests.seed_world();
insert into public.message_templates (id, distributor_id, content_sid, name, body) values
  ('7e000000-0000-4000-8000-00000000000a', tests.id('workspace_a'), 'HX0000000000000000000000000000000a', 'A', 'Hi {{1}}'),
  ('7e000000-0000-4000-8000-00000000000b', tests.id('workspace_b'), 'HX0000000000000000000000000000000b', 'B', 'Hi');

-- the owner of A (the highest role writes no more than an agent)
select tests.act_as('owner_a');
select results_eq($$ select id from public.message_templates $$, $$ values ('7e000000-0000-4000-8000-00000000000a'::uuid) $$, 'a member sees exactly their workspace''s templates');
select throws_ok($$ insert into public.message_templates (distributor_id, content_sid, name, body) values ('d0000000-0000-4000-8000-00000000000a', 'HX0000000000000000000000000000000c', 'New', 'Hi') $$,
  '42501', null, 'members add no templates');
select throws_ok($$ update public.message_templates set approved = true where id = '7e000000-0000-4000-8000-00000000000a' $$, '42501', null, 'nor approve them');
select throws_ok($$ delete from public.message_templates where id = '7e000000-0000-4000-8000-00000000000a' $$, '42501', null, 'nor delete them');

-- a member removed from A
reset role; select tests.act_as('removed_a');
select is_empty($$ select id from public.message_templates $$, 'a removed member sees none');

-- the owner of B
reset role; select tests.act_as('owner_b');
select results_eq($$ select id from public.message_templates $$, $$ values ('7e000000-0000-4000-8000-00000000000b'::uuid) $$, 'a member of another workspace sees exactly theirs');

-- signed in, in no workspace
reset role; select tests.act_as('outsider');
select is_empty($$ select id from public.message_templates $$, 'a user in no workspace sees none');

-- not signed in
reset role; select tests.act_as_anon();
select throws_ok($$ select id from public.message_templates $$, '42501', null, 'anon reads nothing');

reset role;
select results_eq($$ select count(*)::int from public.message_templates where distributor_id in ('d0000000-0000-4000-8000-00000000000a', 'd0000000-0000-4000-8000-00000000000b') $$,
  $$ values (2) $$, 'the templates are as synced');

select * from finish();
rollback;
