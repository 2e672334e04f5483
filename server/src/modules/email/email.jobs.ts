import type pg from 'pg';
import type PgBoss from 'pg-boss';
import type { Services } from '../../services.js';
import { DOMAIN_DELETED_ERROR } from '../domain/domain.service.js';
import { domainOf, parseAddress } from './email.validation.js';

const DUE_QUEUE = 'email-due';
/** Due emails released per transaction. */
const RELEASE_BATCH = 1000;

export const DOMAIN_UNVERIFIED_ERROR = 'Its domain was not verified when it was due to be sent (only verified domains may send).';
export const DOMAIN_TAKEN_ERROR = 'Its domain was verified by another team before it could be sent: a domain can be verified by one team only.';

/**
 * Each due email's verdict, by the rule the writer applies when it accepts one (email.writer.ts):
 * the team has the sending domain; with requireVerified, verified; and no other team has verified
 * that name. The team's domain row is taken FOR KEY SHARE, so a delete of it cannot commit between
 * this check and the release: a delete that comes after waits, then fails the email as queued
 * (stopPendingFrom); one under way holds the row, and the email is left scheduled (SKIP LOCKED, never
 * waiting while holding the emails' locks), for the delete to cancel or the next release to take.
 */
const RELEASE = `with due as materialized (
    select * from jsonb_to_recordset($1::jsonb) as r(id uuid, team_id uuid, domain text)
  ), held as materialized (
    select d.team_id, d.name, d.status from domain d
     where (d.team_id, d.name) in (select team_id, domain from due)
     for key share of d skip locked
  ), verdict as (
    select due.id,
      case
        when h.name is null and exists (select 1 from domain p where p.team_id = due.team_id and p.name = due.domain) then null
        when h.name is null then $3
        when $2::boolean and h.status <> 'verified' then $4
        when exists (select 1 from domain o where o.name = due.domain and o.status = 'verified' and o.team_id <> due.team_id) then $5
        else ''
      end as error
      from due left join held h on h.team_id = due.team_id and h.name = due.domain
  )
  update email e set status = case when v.error = '' then 'queued' else 'failed' end, error = nullif(v.error, '')
    from verdict v
   where e.id = v.id and v.error is not null and e.status = 'scheduled'
  returning e.status`;

/**
 * Scheduled emails whose time has come become queued, or failed when their domain may no longer
 * send from this team (deleted, unverified with requireVerified, or verified by another team since
 * they were accepted: a delete racing the email's insert could miss it). The sending domain is read
 * as every send reads it (parseAddress), in JS; the due rows are claimed FOR UPDATE SKIP LOCKED in
 * a transaction, so two instances never release one twice. Batches of RELEASE_BATCH, one select
 * and one update each. Returns the numbers queued and failed.
 */
export async function releaseDueEmails(pool: pg.Pool, opts: { requireVerified: boolean }): Promise<{ queued: number; failed: number }> {
  const released = { queued: 0, failed: 0 };
  // Keyset: an email left scheduled (its domain held by a delete) is not read again by this call.
  let after: { at: Date; id: string } | null = null;
  for (;;) {
    const client = await pool.connect();
    let rows: { id: string; team_id: string; from: string; scheduled_at: Date }[];
    try {
      await client.query('begin');
      ({ rows } = await client.query<{ id: string; team_id: string; from: string; scheduled_at: Date }>(
        `select id, team_id, "from", scheduled_at from email
          where status = 'scheduled' and scheduled_at <= now() and ($1::timestamptz is null or (scheduled_at, id) > ($1, $2::uuid))
          order by scheduled_at, id limit ${RELEASE_BATCH} for update skip locked`,
        [after?.at ?? null, after?.id ?? null],
      ));
      if (rows.length > 0) {
        const due = rows.map((r) => ({ id: r.id, team_id: r.team_id, domain: domainOf(parseAddress(r.from) ?? r.from) }));
        const updated = await client.query<{ status: string }>(RELEASE, [
          JSON.stringify(due),
          opts.requireVerified,
          DOMAIN_DELETED_ERROR,
          DOMAIN_UNVERIFIED_ERROR,
          DOMAIN_TAKEN_ERROR,
        ]);
        for (const r of updated.rows) released[r.status === 'queued' ? 'queued' : 'failed']++;
      }
      await client.query('commit');
    } catch (err) {
      await client.query('rollback').catch(() => {});
      client.release(err instanceof Error ? err : true);
      throw err;
    }
    client.release();
    if (rows.length < RELEASE_BATCH) return released;
    const last = rows[rows.length - 1];
    after = { at: last.scheduled_at, id: last.id };
  }
}

/**
 * Scheduled emails go out from the job queue, so whichever instance runs jobs delivers them on
 * time: a job at each due time (see scheduleDue), and one every minute should any be missed.
 * Every instance creates the queue, since any of them may accept a scheduled email.
 */
export async function startEmailJobs(services: Services, opts: { work: boolean }): Promise<void> {
  const { jobs, logger } = services;
  await jobs.createQueue(DUE_QUEUE);
  if (!opts.work) return;
  await jobs.schedule(DUE_QUEUE, '* * * * *');
  await jobs.work(DUE_QUEUE, { pollingIntervalSeconds: 1, batchSize: 10 }, async () => {
    const { queued, failed } = await releaseDueEmails(services.pool, { requireVerified: services.config.REQUIRE_VERIFIED_DOMAINS });
    if (failed > 0) logger.info({ failed }, 'scheduled emails due from a domain that may no longer send: failed');
    if (queued > 0) {
      logger.debug({ released: queued }, 'scheduled emails due');
      services.emailDelivery.kick();
    }
  });
}

/** One job per distinct second at which some of these emails are due. */
export async function scheduleDue(jobs: PgBoss, times: Date[], logger: Services['logger']): Promise<void> {
  const seconds = [...new Set(times.map((t) => Math.ceil(t.getTime() / 1000)))];
  try {
    await Promise.all(seconds.map((s) => jobs.send(DUE_QUEUE, {}, { startAfter: new Date(s * 1000) })));
  } catch (err) {
    // The email is stored: the every-minute job still sends it, at most a minute late.
    logger.error({ err }, 'could not schedule the due-email job');
  }
}
