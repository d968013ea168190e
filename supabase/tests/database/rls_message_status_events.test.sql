-- message_status_events: members read their workspace's delivery events; the log is written by the webhook path only.
begin;
select plan(9);

-- The world of tests.seed_world() (00000_test_helpers.test.sql), written as the superuser and rolled back at the end:
--   workspace A (d…0a): a…01 owner, a…02 agent, a…04 admin, a…03 removed    workspace B (d…0b): b…01 owner
--   c…01 is signed in and belongs to no workspace. Each workspace has a sender (e…), a contact (f…), a conversation (9…).
select tests.seed_world();
insert into public.message_status_events (id, distributor_id, twilio_sid, status) overriding system value values
  (-1001, tests.id('workspace_a'), 'SM0000000000000000000000000000000a', 'delivered'),
  (-1002, tests.id('workspace_b'), 'SM0000000000000000000000000000000b', 'read');

-- an agent of A
select tests.act_as('agent_a');
select results_eq($$ select id from public.message_status_events $$, $$ values (-1001::bigint) $$, 'a member sees exactly their workspace''s events');
select throws_ok($$ insert into public.message_status_events (distributor_id, twilio_sid, status) values ('d0000000-0000-4000-8000-00000000000a', 'SM0000000000000000000000000000000c', 'failed') $$,
  '42501', null, 'members write no events');
select throws_ok($$ update public.message_status_events set status = 'failed' where id = -1001 $$, '42501', null, 'nor change them');
select throws_ok($$ delete from public.message_status_events where id = -1001 $$, '42501', null, 'nor delete them');

-- a member removed from A
reset role; select tests.act_as('removed_a');
select is_empty($$ select id from public.message_status_events $$, 'a removed member sees none');

-- the owner of B
reset role; select tests.act_as('owner_b');
select results_eq($$ select id from public.message_status_events $$, $$ values (-1002::bigint) $$, 'a member of another workspace sees exactly theirs');

-- signed in, in no workspace
reset role; select tests.act_as('outsider');
select is_empty($$ select id from public.message_status_events $$, 'a user in no workspace sees none');

-- not signed in
reset role; select tests.act_as_anon();
select throws_ok($$ select id from public.message_status_events $$, '42501', null, 'anon reads nothing');

reset role;
select results_eq($$ select id, status::text from public.message_status_events where id in (-1001, -1002) order by id $$,
  $$ values (-1002::bigint, 'read'), (-1001::bigint, 'delivered') $$, 'the events are as written');

select * from finish();
rollback;
