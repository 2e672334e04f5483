import type pg from 'pg';

/** How the seeded logs spread: over the last 30 days, newest first. */
export const SEED_SPAN_DAYS = 29.9;

/**
 * Seeds `count` usage logs of one team with set-based SQL, rows `first`…`first + count - 1` of a
 * series of `total` spread evenly over the last SEED_SPAN_DAYS days (row 1 newest), written oldest
 * first as traffic writes them. Deterministic pseudo-random columns:
 * five keys (60/20/10/5/5 %), 94 % 2xx, 6 % 4xx, 0.01 % 5xx; POST /emails most of all, then
 * batches, GETs of one email, domains, contacts, GraphQL and DELETE /api-keys/:id; small bodies.
 */
export async function seedLogs(
  db: pg.Pool | pg.ClientBase,
  opts: { teamId: string; keys: { id: string; name: string }[]; first: number; count: number; total: number; now: Date },
): Promise<void> {
  await db.query(
    `insert into usage_log (id, team_id, api_key_id, api_key_name, method, endpoint, status_code, user_agent, duration_ms, request_body, response_body, created_at)
     select gen_random_uuid(), $1, k.id, k.name, r.method, r.endpoint, s.code, 'resend-node:6.38.0', (i % 97)::int,
            case when i % 10 = 0 then '{"to":["a@example.org"],"subject":"Hi"}'::jsonb end,
            case when i % 10 = 0 then '{"id":"x"}'::jsonb end,
            $5::timestamptz - (i * ($6::float8 * 86400 / $4::float8)) * interval '1 second'
       from generate_series($2::bigint + $3::bigint - 1, $2::bigint, -1) as i,
            lateral (select (i * 2654435761) % 1000003 % 10000 as a, (i * 40503) % 999983 % 10000 as b, (i * 69069) % 999979 % 10000 as c) h,
            lateral (select case when h.a < 6000 then 1 when h.a < 8000 then 2 when h.a < 9000 then 3 when h.a < 9500 then 4 else 5 end as n) kk,
            lateral (select ($7::uuid[])[kk.n] as id, ($8::text[])[kk.n] as name) k,
            lateral (select case when h.b < 1 then 500::smallint when h.b < 400 then 422::smallint when h.b < 500 then 429::smallint when h.b < 550 then 404::smallint
                                 when h.b < 600 then 401::smallint else 200::smallint end as code) s,
            lateral (select case when h.c < 8500 then 'POST' when h.c < 9000 then 'POST' when h.c < 9400 then 'GET' when h.c < 9600 then 'GET'
                                 when h.c < 9800 then 'POST' when h.c < 9950 then 'POST' else 'DELETE' end as method,
                            case when h.c < 8500 then '/emails' when h.c < 9000 then '/emails/batch' when h.c < 9400 then '/emails/' || i
                                 when h.c < 9600 then '/domains' when h.c < 9800 then '/contacts' when h.c < 9950 then '/graphql ApiKeys'
                                 else '/api-keys/' || i end as endpoint) r`,
    [opts.teamId, opts.first, opts.count, opts.total, opts.now, SEED_SPAN_DAYS, opts.keys.map((k) => k.id), opts.keys.map((k) => k.name)],
  );
}
