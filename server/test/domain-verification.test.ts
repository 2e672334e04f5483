import { createPublicKey } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initOrm } from '../src/db/orm.js';
import { createLogger } from '../src/logger.js';
import { recheckDomains } from '../src/modules/domain/domain.service.js';
import { verifyDkim } from './dkim.js';
import { type DnsServer, startDnsServer, txtStrings } from './dns.js';
import { createTestDatabase, signUpAdmin, sql, startTestServer, type TestServer } from './harness.js';
import { createKey, sdk, setUpTeam, type Team } from './rest-harness.js';
import { type SmtpSink, startSmtpSink } from './smtp.js';

let dns: DnsServer;
let smtp: SmtpSink;
/** REQUIRE_VERIFIED_DOMAINS=true */
let server: TestServer;
let acme: Team;
let rival: Team;

type Published = { record: string; name: string; type: string; value: string; priority?: number; status: string };

const recordsOf = async (token: string, id: string) => (await sdk(server, token).domains.get(id)).data!;

/** Publishes a domain's records in the zone as its owner would (or leaves some out, or changes them). */
function publish(domain: string, records: Published[], change: Partial<Record<'MX' | 'SPF' | 'DKIM', 'missing' | 'wrong' | 'servfail'>> = {}) {
  for (const name of [`send.${domain}`, `keyring._domainkey.${domain}`]) dns.zone.delete(name);
  for (const r of records) {
    const kind = r.type === 'MX' ? 'MX' : r.record === 'DKIM' ? 'DKIM' : 'SPF';
    const how = change[kind];
    if (how === 'missing') continue;
    const fqdn = `${r.name}.${domain}`;
    const entry = dns.zone.get(fqdn) ?? {};
    if (how === 'servfail') entry.servfail = true;
    else if (r.type === 'MX') entry.MX = [{ exchange: how === 'wrong' ? 'mx.elsewhere.example' : r.value, priority: r.priority! }];
    else entry.TXT = [...(entry.TXT ?? []), txtStrings(how === 'wrong' ? wrongValue(r.value) : r.value)];
    dns.zone.set(fqdn, entry);
  }
}

/** Another SPF policy, or another DKIM key (its last bits changed). */
const wrongValue = (value: string) =>
  value.startsWith('v=spf1') ? value.replace('~all', '-all') : `${value.slice(0, -40)}${'A'.repeat(38)}${value.slice(-2)}`;

beforeAll(async () => {
  dns = await startDnsServer();
  smtp = await startSmtpSink();
  server = await startTestServer({ SMTP_URL: smtp.url, RATE_LIMIT_PER_SECOND: '0', DNS_SERVERS: dns.address, REQUIRE_VERIFIED_DOMAINS: 'true' });
  acme = await setUpTeam(server, 'Acme', 'acme.test');
  rival = await setUpTeam(server, 'Rival', 'rival.test');
});
afterAll(async () => {
  await server?.stop();
  await smtp?.close();
  await dns?.close();
});

describe('records', () => {
  it('are SPF (return-path MX and TXT) and DKIM (TXT with the public key), pointing at the SMTP relay', async () => {
    const domain = await recordsOf(acme.full.token, acme.domainId);
    expect(domain.status).toBe('not_started');
    expect(domain.records).toEqual([
      { record: 'SPF', name: 'send', type: 'MX', ttl: 'Auto', status: 'not_started', value: '127.0.0.1', priority: 10 },
      { record: 'SPF', name: 'send', type: 'TXT', ttl: 'Auto', status: 'not_started', value: 'v=spf1 ip4:127.0.0.1 ~all' },
      {
        record: 'DKIM',
        name: 'keyring._domainkey',
        type: 'TXT',
        ttl: 'Auto',
        status: 'not_started',
        value: expect.stringMatching(/^v=DKIM1; k=rsa; p=[A-Za-z0-9+/]{300,}=*$/),
      },
    ]);
    // The published key is an RSA key of 2048 bits, one per domain.
    const key = createPublicKey({ key: Buffer.from(domain.records[2].value.split('p=')[1], 'base64'), format: 'der', type: 'spki' });
    expect(key.asymmetricKeyDetails?.modulusLength).toBe(2048);
    const other = await recordsOf(rival.full.token, rival.domainId);
    expect(other.records[2].value).not.toBe(domain.records[2].value);
  });

  it('GraphQL has them too, and says whether unverified domains may send', async () => {
    const res = await acme.admin.gql(
      '{ sendingPolicy { requireVerifiedDomains mailHost } domains { name records { record name fqdn type value priority status } } }',
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.sendingPolicy).toEqual({ requireVerifiedDomains: true, mailHost: '127.0.0.1' });
    expect(res.data!.domains[0].records[0]).toEqual({
      record: 'SPF',
      name: 'send',
      fqdn: 'send.acme.test',
      type: 'MX',
      value: '127.0.0.1',
      priority: 10,
      status: 'not_started',
    });
  });
});

describe('verification with real DNS queries (a DNS server on loopback)', () => {
  it('stays pending while records are missing, fails on a wrong one, and verifies once all are right', async () => {
    const resend = sdk(server, acme.full.token);
    const { records } = await recordsOf(acme.full.token, acme.domainId);

    publish('acme.test', records, { MX: 'missing', SPF: 'missing', DKIM: 'missing' });
    expect(await resend.domains.verify(acme.domainId)).toMatchObject({ data: { object: 'domain', id: acme.domainId }, error: null });
    let domain = await recordsOf(acme.full.token, acme.domainId);
    expect(domain.status).toBe('pending');
    expect(domain.records.map((r) => r.status)).toEqual(['pending', 'pending', 'pending']);

    publish('acme.test', records, { DKIM: 'missing' });
    await resend.domains.verify(acme.domainId);
    domain = await recordsOf(acme.full.token, acme.domainId);
    expect(domain.status).toBe('pending');
    expect(domain.records.map((r) => r.status)).toEqual(['verified', 'verified', 'pending']);

    publish('acme.test', records, { DKIM: 'wrong' });
    await resend.domains.verify(acme.domainId);
    domain = await recordsOf(acme.full.token, acme.domainId);
    expect(domain.status).toBe('failed');
    expect(domain.records.map((r) => r.status)).toEqual(['verified', 'verified', 'failed']);

    publish('acme.test', records, { MX: 'wrong', SPF: 'wrong' });
    await resend.domains.verify(acme.domainId);
    domain = await recordsOf(acme.full.token, acme.domainId);
    expect(domain.records.map((r) => r.status)).toEqual(['failed', 'failed', 'verified']);

    publish('acme.test', records, { SPF: 'servfail' });
    await resend.domains.verify(acme.domainId);
    domain = await recordsOf(acme.full.token, acme.domainId);
    expect(domain.status).toBe('pending');
    expect(domain.records.map((r) => r.status)).toEqual(['temporary_failure', 'temporary_failure', 'verified']);

    // The DKIM key is split in 255-byte strings, as DNS hosts publish it: still one value.
    publish('acme.test', records);
    expect(dns.zone.get('keyring._domainkey.acme.test')!.TXT![0].length).toBeGreaterThan(1);
    await resend.domains.verify(acme.domainId);
    domain = await recordsOf(acme.full.token, acme.domainId);
    expect(domain.status).toBe('verified');
    expect(domain.records.map((r) => r.status)).toEqual(['verified', 'verified', 'verified']);
    const audit = await sql(server.databaseUrl, `select action from audit_event where target_id = $1 order by created_at`, [acme.domainId]);
    expect(audit.map((a) => a.action)).toEqual(['domain.created', 'domain.pending', 'domain.failed', 'domain.pending', 'domain.verified']);
  });

  it('sends only from verified domains (REQUIRE_VERIFIED_DOMAINS=true), and DKIM-signs what it sends', async () => {
    const refused = await sdk(server, rival.sending.token).emails.send({ from: 'a@rival.test', to: 'x@example.org', subject: 'unverified', text: 't' });
    expect(refused.error).toMatchObject({ statusCode: 403, name: 'validation_error', message: expect.stringContaining('rival.test domain is not verified') });

    const { error } = await sdk(server, acme.sending.token).emails.send({
      from: 'Acme <hello@acme.test>',
      to: 'x@example.org',
      subject: 'signed',
      text: 'Signed body',
    });
    expect(error).toBeNull();
    const mail = await smtp.waitFor((m) => m.subject === 'signed');
    expect(mail.from).toBe('bounces@send.acme.test');
    const header = /^DKIM-Signature: (.*(?:\r?\n[ \t].*)*)/im.exec(mail.raw)?.[1].replace(/\r?\n[ \t]+/g, ' ');
    expect(header).toBeDefined();
    const tags = Object.fromEntries(
      header!.split(';').map((t) =>
        t
          .trim()
          .split(/=(.*)/s)
          .slice(0, 2)
          .map((s) => s.trim()),
      ),
    );
    expect(tags).toMatchObject({ v: '1', a: 'rsa-sha256', d: 'acme.test', s: 'keyring' });
    expect(Buffer.from(tags.b.replace(/\s+/g, ''), 'base64')).toHaveLength(256);
    // The signature verifies with the public key the domain published (relaxed/relaxed canonicalization).
    const { records } = await recordsOf(acme.full.token, acme.domainId);
    expect(verifyDkim(mail.raw, records[2].value.split('p=')[1])).toBe(true);
  });

  it('a domain verified by one team cannot be verified, nor sent from, by another', async () => {
    const domainId = (await sdk(server, rival.full.token).domains.create({ name: 'acme.test' })).data!.id;
    const { records } = await recordsOf(rival.full.token, domainId);
    // Even with the rival's own records published alongside.
    for (const r of records.filter((r) => r.type === 'TXT')) dns.zone.get(`${r.name}.acme.test`)!.TXT!.push(txtStrings(r.value));
    const { error } = await sdk(server, rival.full.token).domains.verify(domainId);
    expect(error).toMatchObject({
      statusCode: 422,
      name: 'validation_error',
      message: 'acme.test is verified by another team: a domain can be verified by one team only.',
    });
    const gql = await rival.admin.gql('mutation($id: ID!) { verifyDomain(id: $id) { status } }', { id: domainId });
    expect(gql.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((await recordsOf(rival.full.token, domainId)).status).toBe('not_started');
    const key = await createKey(rival.admin, { name: 'rival on acme', permission: 'SENDING_ACCESS' });
    const sent = await sdk(server, key.token).emails.send({ from: 'ceo@acme.test', to: 'x@example.org', subject: 'spoof', text: 't' });
    expect(sent.error).toMatchObject({ statusCode: 403, name: 'validation_error', message: expect.stringContaining('verified by another team') });
  });

  it('is rechecked by the periodic job; pending for more than 72 hours is failed', async () => {
    const { client } = await signUpAdmin(server, 'Late');
    const created = await client.gql('mutation { createDomain(input: { name: "late.test" }) { id records { type name value priority } } }');
    const { id, records } = created.data!.createDomain as { id: string; records: Published[] };
    expect((await client.gql('mutation($id: ID!) { verifyDomain(id: $id) { status } }', { id })).data!.verifyDomain.status).toBe('pending');
    publish(
      'late.test',
      records.map((r) => ({ ...r, record: r.name.includes('domainkey') ? 'DKIM' : 'SPF', status: '' })),
    );
    const em = server.app.services.orm.em.fork();
    await recheckDomains(em, server.config, server.app.services.logger);
    expect((await sql(server.databaseUrl, 'select status from domain where id = $1', [id]))[0].status).toBe('verified');

    // A DNS outage later does not take the verification (and sending) away; a wrong record does.
    await sql(server.databaseUrl, `update domain set checked_at = now() - interval '25 hours' where id = $1`, [id]);
    for (const name of ['send.late.test', 'keyring._domainkey.late.test']) dns.zone.set(name, { servfail: true });
    await recheckDomains(server.app.services.orm.em.fork(), server.config, server.app.services.logger);
    const [afterOutage] = await sql(server.databaseUrl, 'select status, dns_checks from domain where id = $1', [id]);
    expect(afterOutage).toEqual({ status: 'verified', dns_checks: { spf_mx: 'temporary_failure', spf_txt: 'temporary_failure', dkim: 'temporary_failure' } });
    publish(
      'late.test',
      records.map((r) => ({ ...r, record: r.name.includes('domainkey') ? 'DKIM' : 'SPF', status: '' })),
      { DKIM: 'wrong' },
    );
    await sql(server.databaseUrl, `update domain set checked_at = now() - interval '25 hours' where id = $1`, [id]);
    await recheckDomains(server.app.services.orm.em.fork(), server.config, server.app.services.logger);
    expect((await sql(server.databaseUrl, 'select status from domain where id = $1', [id]))[0].status).toBe('failed');

    const stale = (await client.gql('mutation { createDomain(input: { name: "stale.test" }) { id } }')).data!.createDomain.id as string;
    await client.gql('mutation($id: ID!) { verifyDomain(id: $id) { status } }', { id: stale });
    await sql(server.databaseUrl, `update domain set pending_since = now() - interval '73 hours' where id = $1`, [stale]);
    await recheckDomains(server.app.services.orm.em.fork(), server.config, server.app.services.logger);
    expect((await sql(server.databaseUrl, 'select status from domain where id = $1', [stale]))[0].status).toBe('failed');
  });
});

describe('without REQUIRE_VERIFIED_DOMAINS', () => {
  it('an unverified domain sends, signed; REQUIRE_VERIFIED_DOMAINS defaults to true in production only', async () => {
    const open = await startTestServer({ SMTP_URL: smtp.url, RATE_LIMIT_PER_SECOND: '0', DNS_SERVERS: dns.address });
    try {
      expect(open.config.REQUIRE_VERIFIED_DOMAINS).toBe(false);
      const team = await setUpTeam(open, 'Open', 'open.test');
      const { error } = await sdk(open, team.sending.token).emails.send({
        from: 'a@open.test',
        to: 'x@example.org',
        subject: 'unverified but allowed',
        text: 't',
      });
      expect(error).toBeNull();
      const mail = await smtp.waitFor((m) => m.subject === 'unverified but allowed');
      expect(mail.raw).toMatch(/^DKIM-Signature: .*d=open\.test/m);
    } finally {
      await open.stop();
    }
    const { loadConfig } = await import('../src/config.js');
    expect(loadConfig({ NODE_ENV: 'production' }).REQUIRE_VERIFIED_DOMAINS).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production', REQUIRE_VERIFIED_DOMAINS: 'false' }).REQUIRE_VERIFIED_DOMAINS).toBe(false);
    expect(() => loadConfig({ DNS_SERVERS: '1.1.1.1, dns.example.com' })).toThrow(/DNS_SERVERS/);
    expect(loadConfig({ DNS_SERVERS: '1.1.1.1,127.0.0.1:5353,[::1]:53,::1' }).DNS_SERVERS).toEqual(['1.1.1.1', '127.0.0.1:5353', '[::1]:53', '::1']);
  });
});

describe('the migration', () => {
  it('gives domains created before it their own DKIM keys', async () => {
    const url = await createTestDatabase('dkim_backfill');
    const orm = await initOrm(url, createLogger('silent'));
    try {
      const migrator = orm.getMigrator();
      await migrator.up({ to: 'Migration20261203120000_scheduled_emails' });
      await sql(url, `insert into team (id, name, created_at) values (gen_random_uuid(), 'Old', now())`);
      await sql(
        url,
        `insert into domain (id, team_id, name, region, status, created_at) select gen_random_uuid(), id, n, 'us-east-1', 'not_started', now() from team, unnest(array['old-a.test', 'old-b.test']) n`,
      );
      await migrator.up();
      const rows = await sql<{ dkim_public_key: string; dkim_private_key: string }>(url, 'select dkim_public_key, dkim_private_key from domain');
      expect(rows).toHaveLength(2);
      for (const r of rows) {
        expect(r.dkim_private_key).toMatch(/^-----BEGIN PRIVATE KEY-----/);
        expect(createPublicKey(r.dkim_private_key).export({ type: 'spki', format: 'der' }).toString('base64')).toBe(r.dkim_public_key);
      }
      expect(rows[0].dkim_public_key).not.toBe(rows[1].dkim_public_key);
    } finally {
      await orm.close();
    }
  });
});
