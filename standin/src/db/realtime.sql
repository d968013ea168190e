-- The stand-in's Realtime plumbing (schema standin_realtime; hosted Supabase has none of this).
-- PGlite has no logical replication, so change capture is a row trigger on every table in publication
-- supabase_realtime that NOTIFYs after commit (NOTIFY is delivered in commit order). An event trigger keeps
-- the capture triggers in step with the publication. Idempotent: runs on every start, after the migrations.
-- Each `-- act-as: <role> | <claims>` line becomes the statements that act as that subscriber (db/act-as.ts).

create schema if not exists standin_realtime;
revoke all on schema standin_realtime from public;

-- Changes whose JSON does not fit in a NOTIFY payload (8000 bytes) wait here for the listener (PGlite).
create table if not exists standin_realtime.overflow (
  id bigint generated always as identity primary key,
  payload text not null
);
revoke all on standin_realtime.overflow from public;

-- The change log (PostgreSQL): every captured change, kept for a while, so that a feed whose LISTEN session was
-- lost (a restart, a terminated backend) reads what it missed in order (change-feed.ts). A NOTIFY carries the
-- change with its log id, or only the id when the change is too large for a NOTIFY.
create table if not exists standin_realtime.changes (
  id bigint generated always as identity primary key,
  ts bigint not null,
  payload text not null
);
create index if not exists changes_ts on standin_realtime.changes (ts);
revoke all on standin_realtime.changes from public;

create or replace function standin_realtime.capture() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  body text;
  ts_ms bigint := floor(extract(epoch from clock_timestamp()) * 1000);
  log_id bigint;
  overflow_id bigint;
begin
  body := json_build_object(
    'schema', tg_table_schema,
    'table', tg_table_name,
    'type', tg_op,
    'ts', ts_ms,
    'record', case when tg_op <> 'DELETE' then to_jsonb(new) end,
    'old_record', case when tg_op <> 'INSERT' then to_jsonb(old) end
  )::text;
  -- change-log: begin
  insert into standin_realtime.changes (ts, payload) values (ts_ms, body) returning id into log_id;
  -- change-log: end
  if log_id is not null then
    if octet_length(body) <= 7880 then
      perform pg_notify('standin_realtime', '{"id":' || log_id || ',' || substr(body, 2));
    else
      perform pg_notify('standin_realtime', json_build_object('log', log_id)::text);
    end if;
  elsif octet_length(body) <= 7900 then
    perform pg_notify('standin_realtime', body);
  else
    insert into standin_realtime.overflow (payload) values (body) returning id into overflow_id;
    perform pg_notify('standin_realtime', json_build_object('overflow', overflow_id)::text);
  end if;
  return null;
end;
$$;

-- Installs the capture trigger on every published table that lacks it and removes it from tables that left.
create or replace function standin_realtime.sync_capture() returns void
language plpgsql security definer set search_path = '' as $$
declare
  rel regclass;
begin
  for rel in
    select format('%I.%I', pt.schemaname, pt.tablename)::regclass
      from pg_catalog.pg_publication_tables pt
     where pt.pubname = 'supabase_realtime'
       and not exists (
         select 1 from pg_catalog.pg_trigger t
          where t.tgrelid = format('%I.%I', pt.schemaname, pt.tablename)::regclass
            and t.tgname = 'standin_realtime_capture')
  loop
    execute format(
      'create trigger standin_realtime_capture after insert or update or delete on %s '
      'for each row execute function standin_realtime.capture()', rel);
  end loop;
  for rel in
    select t.tgrelid::regclass
      from pg_catalog.pg_trigger t
     where t.tgname = 'standin_realtime_capture'
       and not exists (
         select 1 from pg_catalog.pg_publication_tables pt
          where pt.pubname = 'supabase_realtime'
            and format('%I.%I', pt.schemaname, pt.tablename)::regclass = t.tgrelid)
  loop
    execute format('drop trigger standin_realtime_capture on %s', rel);
  end loop;
end;
$$;

create or replace function standin_realtime.on_ddl() returns event_trigger
language plpgsql security definer set search_path = '' as $$
begin
  -- our own objects (the per-table RLS check functions) change nothing anyone caches
  -- (some commands, such as ALTER PUBLICATION … DROP TABLE, report no objects at all: those always count)
  if exists (select 1 from pg_event_trigger_ddl_commands())
     and not exists (select 1 from pg_event_trigger_ddl_commands() c where c.schema_name is distinct from 'standin_realtime') then
    return;
  end if;
  perform standin_realtime.sync_capture();
  -- tells the realtime module and the RPC fast path to forget cached metadata and privileges
  perform pg_notify('standin_ddl', tg_tag);
end;
$$;

drop event trigger if exists standin_realtime_ddl;
create event trigger standin_realtime_ddl on ddl_command_end
  when tag in ('CREATE PUBLICATION', 'ALTER PUBLICATION', 'DROP PUBLICATION', 'CREATE TABLE', 'ALTER TABLE',
               'DROP TABLE', 'GRANT', 'REVOKE', 'CREATE POLICY', 'ALTER POLICY', 'DROP POLICY',
               'CREATE FUNCTION', 'ALTER FUNCTION', 'DROP FUNCTION', 'CREATE TYPE', 'ALTER TYPE', 'DROP TYPE')
  execute function standin_realtime.on_ddl();

-- Which subscribers may see a changed row: for each check, switch to each subscriber's role and claims and
-- look the row up through RLS, as Supabase Realtime's apply_rls does. A policy that raises hides the row from
-- that subscriber only. Input: [{"q": <exists query over $1>, "pk": {…}, "subs": [{"k", "role", "claims"}]}];
-- output: one array of visible subscriber keys per check.
create or replace function standin_realtime.visible_to(checks jsonb) returns jsonb
language plpgsql set search_path = '' as $$
declare
  chk jsonb;
  sub jsonb;
  ok boolean;
  visible jsonb;
  result jsonb := '[]';
begin
  for chk in select value from jsonb_array_elements(checks) loop
    visible := '[]';
    for sub in select value from jsonb_array_elements(chk -> 'subs') loop
      begin
        -- act-as: sub ->> 'role' | sub ->> 'claims'
        execute chk ->> 'q' into ok using chk -> 'pk';
      exception when others then
        ok := false;
      end;
      if ok then
        visible := visible || jsonb_build_array(sub -> 'k');
      end if;
    end loop;
    result := result || jsonb_build_array(visible);
  end loop;
  return result;
end;
$$;

-- Private-channel authorisation, as Supabase Realtime does it: probe rows in realtime.messages for the topic,
-- read (SELECT) or write (INSERT) them as the subscriber with realtime.topic() set, then roll everything back.
-- Returns the extensions ('broadcast', 'presence') the subscriber may read, or write.
create or replace function standin_realtime.channel_access(
  p_topic text, p_role text, p_claims text, p_extensions text[], p_write boolean
) returns text[]
language plpgsql set search_path = '' as $$
declare
  granted text[] := '{}';
  probe_ids uuid[];
  ext text;
begin
  begin
    if not p_write then
      with probes as (
        insert into realtime.messages (topic, extension, private, payload, event)
        select p_topic, e, true, '{}'::jsonb, 'standin_probe' from unnest(p_extensions) as e
        returning id
      )
      select array_agg(id) into probe_ids from probes;
    end if;
    -- act-as: p_role | p_claims
    perform set_config('realtime.topic', p_topic, true);
    if p_write then
      foreach ext in array p_extensions loop
        begin
          insert into realtime.messages (topic, extension, private, payload, event)
          values (p_topic, ext, true, '{}'::jsonb, 'standin_probe');
          granted := granted || ext;
        exception when others then
          null;
        end;
      end loop;
    else
      select coalesce(array_agg(distinct m.extension), '{}') into granted
        from realtime.messages m where m.id = any (probe_ids);
    end if;
    raise exception using errcode = 'SRB01'; -- undo the probes and the role switch
  exception
    when sqlstate 'SRB01' then null;
    when others then granted := '{}';
  end;
  return granted;
end;
$$;

select standin_realtime.sync_capture();
