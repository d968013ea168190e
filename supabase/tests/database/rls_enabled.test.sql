-- Every table of public has row level security and a file of its own here, and anon holds no privilege on any.
-- (public.test_markers is a fixture of the app's test stand-in, tests/fixtures/migrations, not of the project.)
begin;
select plan(4);

select is_empty(
  $$ select c.relname from pg_class c where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
       and not c.relrowsecurity and c.relname <> 'test_markers' $$,
  'row level security is enabled on every table of public'
);
select set_eq(
  $$ select c.relname::text from pg_class c where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') and c.relname <> 'test_markers' $$,
  array['contacts', 'conversation_reads', 'conversations', 'distributor_members', 'distributors', 'message_status_events',
        'message_templates', 'messages', 'twilio_sweeps', 'whatsapp_senders', 'workspace_invitations'],
  'the tables of public are the ones with an rls_<table>.test.sql here (a new table needs one)'
);
select is_empty(
  $$ select table_name, privilege_type from information_schema.role_table_grants
      where grantee = 'anon' and table_schema = 'public' and table_name <> 'test_markers' $$,
  'anon holds no table privilege in public'
);
select is_empty(
  $$ select table_name, column_name, privilege_type from information_schema.column_privileges
      where grantee = 'anon' and table_schema = 'public' and table_name <> 'test_markers' $$,
  'nor any column privilege'
);

select * from finish();
rollback;
