import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { loadConfig } from '../src/config.js';
import { type InProcessServer, sendEmail, setUpTeam, startInProcess, type Team } from './faults-harness.js';
import { createTestDatabase, waitFor } from './harness.js';
import { type FaultyRelay, startFaultyRelay } from './smtp-faulty.js';

const TOKEN = 'metrics-token-0123456789';

/** The value of one sample line, e.g. value(text, 'keyring_database_up') or with labels. */
function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics', () => {
  let server: InProcessServer;
  let relay: FaultyRelay;
  let team: Team;
  beforeAll(async () => {
    relay = await startFaultyRelay();
    server = await startInProcess(await createTestDatabase('metrics'), { METRICS_TOKEN: TOKEN, SMTP_URL: relay.url });
    team = await setUpTeam(server.url);
  });
  afterAll(async () => {
    await server?.stop();
    await relay?.close();
  });

  const scrape = (authorization?: string) => fetch(`${server.url}/metrics`, { headers: authorization ? { authorization } : {} });

  it('requires METRICS_TOKEN as a Bearer token', async () => {
    expect((await scrape()).status).toBe(401);
    expect((await scrape('Bearer wrong-token-0123456789')).status).toBe(401);
    expect((await scrape(`Basic ${TOKEN}`)).status).toBe(401);
    const ok = await scrape(`Bearer ${TOKEN}`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toContain('text/plain');
  });

  it('counts requests by route, method and status, with latency, and shows the buffer, pools, queues, emails and sockets', async () => {
    for (let i = 0; i < 3; i++) expect((await sendEmail(server.url, team, `metrics ${i}`)).status).toBe(200);
    await fetch(`${server.url}/api/emails/not-a-uuid`, { headers: { authorization: `Bearer ${team.token}` } });
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws', {
      headers: { cookie: team.cookie, origin: server.config.PUBLIC_URL },
    });
    await new Promise((r) => ws.once('open', r));
    await waitFor(() => (relay.delivered.length >= 3 ? true : undefined), 10_000, 'the emails to be delivered');
    await server.app.services.usageRecorder.flush();
    const text = await (await scrape(`Bearer ${TOKEN}`)).text();
    ws.close();

    expect(value(text, 'keyring_http_requests_total{route="/api/emails",method="POST",status="200"}')).toBe(3);
    expect(value(text, 'keyring_http_requests_total{route="/api/emails/:id",method="GET",status="404"}')).toBe(1);
    expect(value(text, 'keyring_http_request_duration_seconds_count{route="/api/emails",method="POST",status="200"}')).toBe(3);
    expect(value(text, 'keyring_http_request_duration_seconds_bucket{le="+Inf",route="/api/emails",method="POST",status="200"}')).toBe(3);
    expect(value(text, 'keyring_database_up')).toBe(1);
    expect(value(text, 'keyring_usage_log_buffer_entries')).toBe(0);
    expect(value(text, 'keyring_usage_log_buffer_bytes')).toBe(0);
    expect(value(text, 'keyring_usage_log_flush_duration_seconds_count')).toBeGreaterThan(0);
    expect(value(text, 'keyring_usage_logs_shed_total{what="entries"}')).toBe(0);
    expect(value(text, 'keyring_db_pool_connections{pool="main",state="waiting"}')).toBe(0);
    expect(value(text, 'keyring_db_pool_connections{pool="orm",state="used"}')).toBeGreaterThanOrEqual(0);
    expect(value(text, 'keyring_job_queue_depth{queue="export"}')).toBe(0);
    expect(value(text, 'keyring_email_deliveries_total{outcome="sent"}')).toBe(3);
    expect(value(text, 'keyring_emails{status="queued"}')).toBe(0);
    expect(value(text, 'keyring_websocket_connections')).toBe(1);
    expect(text).toContain('# TYPE keyring_export_duration_seconds histogram');
    expect(text).toContain('keyring_process_cpu_seconds_total');
  });
});

describe('GET /metrics without METRICS_TOKEN', () => {
  it('is not served, and a short token is refused at start', async () => {
    const server = await startInProcess(await createTestDatabase('metrics'));
    try {
      const res = await fetch(`${server.url}/metrics`);
      expect(res.status).toBe(404);
    } finally {
      await server.stop();
    }
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN: must be at least 16 characters/);
  });
});
