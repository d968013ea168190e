-- realtime.messages: Realtime authorises a private channel by running these policies with realtime.topic() set to the
-- channel's topic. A workspace's channel is `distributor:<id>:<channel_key>`; its members may receive and send
-- broadcast and presence on it, nobody else may, and a new key (after a removal) retires the old topic.
begin;
select plan(19);

-- The world of tests.seed_world() (00000_test_helpers.test.sql), written as the superuser and rolled back at the end:
--   workspace A (d…0a): a…01 owner, a…02 agent, a…04 admin, a…03 removed    workspace B (d…0b): b…01 owner
--   c…01 is signed in and belongs to no workspace. Each workspace has a sender (e…), a contact (f…), a conversation (9…).
select tests.seed_world();

-- an agent of A, on A's channel
select tests.act_as('agent_a');
select set_config('realtime.topic', 'distributor:d0000000-0000-4000-8000-00000000000a:c4000000-0000-4000-8000-00000000000a', true);
select lives_ok($$ insert into realtime.messages (topic, extension, private) values (realtime.topic(), 'broadcast', true) $$, 'a member may send on their workspace''s channel');
select isnt_empty($$ select 1 from realtime.messages where topic = realtime.topic() and extension = 'broadcast' $$, 'and receive on it');
select lives_ok($$ insert into realtime.messages (topic, extension, private) values (realtime.topic(), 'presence', true) $$, 'presence too');
select throws_ok($$ insert into realtime.messages (topic, extension, private) values (realtime.topic(), 'postgres_changes', true) $$, '42501', null, 'but no other extension');

-- the same agent on B's channel
select set_config('realtime.topic', 'distributor:d0000000-0000-4000-8000-00000000000b:c4000000-0000-4000-8000-00000000000b', true);
select throws_ok($$ insert into realtime.messages (topic, extension, private) values (realtime.topic(), 'broadcast', true) $$, '42501', null, 'a member may not send on another workspace''s channel');

-- others on A's channel
select set_config('realtime.topic', 'distributor:d0000000-0000-4000-8000-00000000000a:c4000000-0000-4000-8000-00000000000a', true);
reset role; select tests.act_as('owner_b');
select is_empty($$ select 1 from realtime.messages where topic = realtime.topic() $$, 'a member of another workspace receives nothing on it');
reset role; select tests.act_as('removed_a');
select throws_ok($$ insert into realtime.messages (topic, extension, private) values (realtime.topic(), 'broadcast', true) $$, '42501', null, 'a removed member may not send on it');
reset role; select tests.act_as('outsider');
select throws_ok($$ insert into realtime.messages (topic, extension, private) values (realtime.topic(), 'presence', true) $$, '42501', null, 'nor may a user in no workspace');
reset role; select tests.act_as_anon();
select throws_ok($$ insert into realtime.messages (topic, extension, private) values (realtime.topic(), 'broadcast', true) $$, '42501', null, 'nor anon');

-- a new key (remove_member sets one) retires the old topic
reset role;
update public.distributors set channel_key = 'c4000000-0000-4000-8000-0000000000aa' where id = tests.id('workspace_a');
select tests.act_as('agent_a');
select throws_ok($$ insert into realtime.messages (topic, extension, private) values (realtime.topic(), 'broadcast', true) $$, '42501', null, 'the old topic is closed to members too');
select set_config('realtime.topic', 'distributor:d0000000-0000-4000-8000-00000000000a:c4000000-0000-4000-8000-0000000000aa', true);
select lives_ok($$ insert into realtime.messages (topic, extension, private) values (realtime.topic(), 'broadcast', true) $$, 'and the new one open');

-- the inbox channel (postgres_changes only): current members of the workspace may join, nobody may send
reset role;
select set_config('realtime.topic', 'inbox:d0000000-0000-4000-8000-00000000000a:r1:1', true);
insert into realtime.messages (topic, extension, private) values (realtime.topic(), 'broadcast', true);
select tests.act_as('agent_a');
select isnt_empty($$ select 1 from realtime.messages where topic = realtime.topic() and extension = 'broadcast' $$, 'a member may join their workspace''s inbox channel');
select throws_ok($$ insert into realtime.messages (topic, extension, private) values (realtime.topic(), 'broadcast', true) $$, '42501', null, 'but not send on it');
reset role; select tests.act_as('removed_a');
select is_empty($$ select 1 from realtime.messages where topic = realtime.topic() $$, 'a removed member may not join it');
reset role; select tests.act_as('owner_b');
select is_empty($$ select 1 from realtime.messages where topic = realtime.topic() $$, 'nor a member of another workspace');

-- the access channel: its own user only, removed or not
reset role;
select set_config('realtime.topic', 'access:d0000000-0000-4000-8000-00000000000a:' || tests.id('removed_a') || ':r2', true);
insert into realtime.messages (topic, extension, private) values (realtime.topic(), 'broadcast', true);
select tests.act_as('removed_a');
select isnt_empty($$ select 1 from realtime.messages where topic = realtime.topic() $$, 'a removed member may still join their own access channel (to learn why)');
select throws_ok($$ insert into realtime.messages (topic, extension, private) values (realtime.topic(), 'broadcast', true) $$, '42501', null, 'but not send on it');
reset role; select tests.act_as('owner_a');
select is_empty($$ select 1 from realtime.messages where topic = realtime.topic() $$, 'nobody else may join it, not even the owner');
reset role; select tests.act_as('outsider');
select is_empty($$ select 1 from realtime.messages where topic = realtime.topic() $$, 'nor a user in no workspace');

select * from finish();
rollback;
