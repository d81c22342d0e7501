{#
    The PostgreSQL publish step moves the tables of schema marts_next into `marts` (both with the dev target's
    prefix), in place of the old ones. `marts` itself is never dropped or renamed: a BI session that looked the
    schema up before the swap would otherwise, in the instant between the swap's commit and the moment that
    session learns of it, look for a table in the dropped schema and get "relation does not exist". A table
    name in a schema that stays put always leads to the old table or the new one, each locked until the swap
    has committed. Dropping the old tables needs an ACCESS EXCLUSIVE lock on each, and a BI session left
    `idle in transaction` after a select (the default of psycopg and JDBC clients) holds a lock on the table
    it read until it ends. Waiting for that lock without limit would stall the build, and every new BI query
    on that table would queue behind the waiting swap. So the swap:
      - takes the locks of all old marts within ECOMMERCE_PUBLISH_LOCK_TIMEOUT seconds (default 5) in total,
        so no reader ever queues behind it for longer;
      - on a timeout gives the locks back at once and tries again after a pause that doubles (timeout x 1, 2,
        4 ..., at most 5 minutes), ECOMMERCE_PUBLISH_ATTEMPTS times in all (default 5: 100 s of patience,
        longer than the one-minute idle-in-transaction limit scripts/pg_server.py sets on the BI role);
      - then gives up with one line naming the session that holds the lock and what to do; the old marts
        stay as they were and the build fails.
#}

{# Both settings, checked: {'lock_timeout_s': int, 'attempts': int}. Also run before the build (validate_vars). #}
{% macro publish_retry_settings() -%}
    {%- set settings = {} -%}
    {#- env_var() is called with literal names: dbt records them for partial parsing, and the README's table
        of environment variables is checked against the names the code reads. -#}
    {%- for name, key, value, maximum in [
            ('ECOMMERCE_PUBLISH_LOCK_TIMEOUT', 'lock_timeout_s', env_var('ECOMMERCE_PUBLISH_LOCK_TIMEOUT', '5'), 600),
            ('ECOMMERCE_PUBLISH_ATTEMPTS', 'attempts', env_var('ECOMMERCE_PUBLISH_ATTEMPTS', '5'), 20)] -%}
        {%- if not modules.re.match('^[0-9]{1,3}$', value) or not 1 <= (value | int) <= maximum -%}
            {{ exceptions.raise_compiler_error(name ~ " must be a whole number from 1 to " ~ maximum
                ~ "; got " ~ value[:60]) }}
        {%- endif -%}
        {%- do settings.update({key: value | int}) -%}
    {%- endfor -%}
    {{ return(settings) }}
{%- endmacro %}

{#
    One DO block: each attempt runs in its own subtransaction (BEGIN ... EXCEPTION), so a lock timeout
    releases every lock that attempt took, while marts_next, built earlier in the same transaction, is kept
    for the next attempt. lock_timeout is read when a wait starts, so setting it before each table bounds the
    attempt's total wait, not each table's.
#}
{% macro postgres_swap_in_marts_next(published='marts', next='marts_next') -%}
    {%- set retry = ecommerce.publish_retry_settings() -%}
    do $ecommerce_swap$
    declare
        timeout_ms constant integer := {{ retry.lock_timeout_s * 1000 }};
        attempts constant integer := {{ retry.attempts }};
        attempt integer := 0;
        started timestamptz;
        blocked_on oid;
        mart record;
        holder record;
        holders integer;
    begin
        loop
            attempt := attempt + 1;
            begin
                started := clock_timestamp();
                for mart in
                    select c.oid from pg_class as c join pg_namespace as n on n.oid = c.relnamespace
                    where n.nspname = {{ ecommerce.sql_text(published) }} and c.relkind in ('r', 'p', 'v', 'm', 'f')
                    order by c.relname
                loop
                    blocked_on := mart.oid;
                    perform set_config('lock_timeout', greatest(1, timeout_ms
                        - (extract(epoch from clock_timestamp() - started) * 1000)::integer) || 'ms', true);
                    execute format('lock table %s in access exclusive mode', mart.oid::regclass);
                end loop;
                blocked_on := null;
                {#- Everything in the old `marts` goes, as when the whole schema was replaced: a mart the
                    project no longer builds, and what depends on a mart (cascade). #}
                for mart in
                    select c.oid from pg_class as c join pg_namespace as n on n.oid = c.relnamespace
                    where n.nspname = {{ ecommerce.sql_text(published) }} and c.relkind in ('r', 'p', 'v', 'm', 'f')
                loop
                    {#- A cascade may already have dropped a later one. #}
                    continue when not exists (select from pg_class where oid = mart.oid);
                    execute format('drop %s %s cascade', case (select relkind from pg_class where oid = mart.oid)
                        when 'v' then 'view' when 'm' then 'materialized view' when 'f' then 'foreign table'
                        else 'table' end, mart.oid::regclass);
                end loop;
                for mart in
                    select c.oid from pg_class as c join pg_namespace as n on n.oid = c.relnamespace
                    where n.nspname = {{ ecommerce.sql_text(next) }} and c.relkind = 'r'
                loop
                    execute format('alter table %s set schema %I', mart.oid::regclass, {{ ecommerce.sql_text(published) }});
                end loop;
                drop schema {{ adapter.quote(next) }};
                perform set_config('lock_timeout', '0', true);
                return;
            exception when lock_not_available then
                exit when attempt >= attempts;
            end;
            perform pg_sleep(least(timeout_ms / 1000.0 * 2 ^ (attempt - 1), 300));
        end loop;

        select count(*) into holders from pg_locks as l
        where l.relation = blocked_on and l.database = (select oid from pg_database where datname = current_database())
            and l.granted and l.pid <> pg_backend_pid();
        select a.pid, a.usename, a.application_name, a.client_addr, a.state, a.state_change into holder
        from pg_locks as l join pg_stat_activity as a on a.pid = l.pid
        where l.relation = blocked_on and l.database = (select oid from pg_database where datname = current_database())
            and l.granted and l.pid <> pg_backend_pid()
        order by a.xact_start nulls last, a.pid
        limit 1;
        raise exception using errcode = 'lock_not_available', message = format(
            'Marts not published: the swap could not lock %s within %s s in each of %s attempts, %s. '
            || 'The previous marts are still served. %s',
            coalesce(blocked_on::regclass::text, {{ ecommerce.sql_text('schema ' ~ published) }}), timeout_ms / 1000, attempts,
            case when holder.pid is null then 'and the session that held it has ended since'
            else format('held by session pid %s (user %s, application %s, client %s, %s since %s)%s',
                holder.pid, coalesce(holder.usename, 'unknown'),
                coalesce(nullif(holder.application_name, ''), 'none'),
                coalesce(host(holder.client_addr), 'local socket or not visible'),
                coalesce(holder.state, 'state not visible'),
                coalesce(to_char(holder.state_change at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"'), 'unknown'),
                case when holders > 1 then format(' and %s more sessions', holders - 1) else '' end)
            end,
            case when holder.pid is null then 'Run dbt build again.'
            else format('Ask that user to commit or roll back, or end the session '
                || '(select pg_terminate_backend(%s);), then run dbt build again.', holder.pid)
            end);
    end
    $ecommerce_swap$;
{%- endmacro %}
