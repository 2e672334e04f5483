import type pg from 'pg';
import { isDatabaseUnavailable } from '../../db/connection.js';
import type { EmailRow } from './email.entity.js';

/** A new email as a row of the `email` table, ready for jsonb_to_recordset: queued, or scheduled until scheduled_at. */
export type NewEmailRow = Omit<EmailRow, 'attempts' | 'status'> & { status: 'queued' | 'scheduled' };

/** One request's emails: written together only if every sending domain belongs to the team. */
type Group = {
  teamId: string;
  rows: NewEmailRow[];
  domains: string[];
  resolve: (inserted: boolean) => void;
  reject: (err: unknown) => void;
};

const COLUMNS = `id, team_id, api_key_id, "from", "to", cc, bcc, reply_to, subject, html, text, headers, tags, attachments, idempotency_key, request_hash, status, scheduled_at, message_id, created_at`;
const RECORD = `id uuid, team_id uuid, api_key_id uuid, "from" text, "to" jsonb, cc jsonb, bcc jsonb, reply_to jsonb, subject text, html text,
                text text, headers jsonb, tags jsonb, attachments jsonb, idempotency_key text, request_hash text, status text, scheduled_at timestamptz, message_id text, created_at timestamptz`;

/**
 * Inserts the emails of one request, or of many concurrent requests in one statement (group
 * commit). Each request stays all-or-nothing: its rows are inserted only if the team has every
 * domain it sends from, checked in the same statement. The statement holds those domains' rows
 * (FOR KEY SHARE) until it commits: a delete of one waits for it, then finds its emails queued and
 * stops them (domain.service.ts), and a send that comes after a delete finds the domain gone.
 * Checked against the statement's snapshot alone, a domain deleted while the statement ran was
 * missed by both, and its email went out. Under load a request waits at most for the statement in
 * flight before its own.
 */
export class EmailWriter {
  private queue: Group[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly pool: pg.Pool,
    /** requireVerified: REQUIRE_VERIFIED_DOMAINS, only verified domains may send. */
    private readonly opts = { maxInFlight: 2, maxRows: 500, requireVerified: false },
  ) {}

  /**
   * Resolves true once the rows are stored, false when a sending domain is not the team's, is
   * not verified (with requireVerified), or is verified by another team.
   */
  insert(teamId: string, rows: NewEmailRow[], domains: string[]): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.queue.push({ teamId, rows, domains, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.opts.maxInFlight || this.queue.length === 0) return;
    this.scheduled = true;
    // Let the requests already parsed in this turn of the event loop join the statement.
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.inFlight >= this.opts.maxInFlight || this.queue.length === 0) return;
    const batch: Group[] = [];
    let rows = 0;
    while (this.queue.length > 0 && (batch.length === 0 || rows + this.queue[0].rows.length <= this.opts.maxRows)) {
      const g = this.queue.shift()!;
      batch.push(g);
      rows += g.rows.length;
    }
    this.inFlight++;
    try {
      await this.write(batch);
    } finally {
      this.inFlight--;
      this.schedule();
    }
  }

  private async write(batch: Group[]): Promise<void> {
    try {
      const inserted = await this.insertGroups(batch);
      for (const [i, g] of batch.entries()) g.resolve(inserted.has(i));
    } catch (err) {
      // The database unreachable (or the answer lost with the connection): every request gets the
      // 503, and none is written again here — a retry by the client is a new request.
      if (batch.length === 1 || isDatabaseUnavailable(err)) {
        for (const g of batch) g.reject(err);
        return;
      }
      // One request's rows must not fail the others: retry each on its own.
      await Promise.all(batch.map((g) => this.insertGroups([g]).then((ok) => g.resolve(ok.has(0)), g.reject)));
    }
  }

  /** The indexes of the groups whose rows were inserted. */
  private async insertGroups(batch: Group[]): Promise<Set<number>> {
    const rows = batch.flatMap((g, grp) => g.rows.map((r) => ({ ...r, grp })));
    // Each team's set of sending domains is checked once, however many requests share it.
    const checks = new Map<string, { grps: number[]; team_id: string; domains: string[] }>();
    for (const [grp, g] of batch.entries()) {
      const key = `${g.teamId} ${g.domains.join(' ')}`;
      const check = checks.get(key);
      if (check) check.grps.push(grp);
      else checks.set(key, { grps: [grp], team_id: g.teamId, domains: g.domains });
    }
    const result = await this.pool.query<{ grp: number }>({
      // Prepared once per connection: planning it was ~40 % of its PostgreSQL time (a dozen rows a statement).
      name: 'keyring_email_insert',
      text: `with allowed as (
         select unnest(g.grps) as grp from jsonb_to_recordset($2::jsonb) as g(grps int[], team_id uuid, domains text[])
          where (select count(*) from (
                   select from domain d where d.team_id = g.team_id and d.name = any(g.domains)
                      and ($3::boolean = false or d.status = 'verified')
                      and not exists (select 1 from domain o where o.name = d.name and o.status = 'verified' and o.team_id <> d.team_id)
                      for key share of d
                 ) held) = cardinality(g.domains)
       ), v as (
         select v.* from jsonb_to_recordset($1::jsonb) as v(grp int, ${RECORD})
          where v.grp in (select grp from allowed)
       ), ins as (
         insert into email (${COLUMNS}) select ${COLUMNS} from v returning id
       )
       select distinct v.grp from v join ins on ins.id = v.id`,
      values: [JSON.stringify(rows), JSON.stringify([...checks.values()]), this.opts.requireVerified],
    });
    return new Set(result.rows.map((r) => r.grp));
  }
}
