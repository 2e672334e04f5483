/**
 * The team's API keys as a table: usage status, last use, request count, expiry — with inactive,
 * expiring and expired keys flagged. Meant for a weekly cron:
 *
 *   0 9 * * 1  KEYRING_URL=https://keyring.example.com KEYRING_API_KEY=re_… pnpm --filter @keyring/examples key-report --strict
 *
 * Exits 0, or 1 with --strict when any key is flagged (cron mails the output of a failing job),
 * or when Keyring refuses the request; 2 on bad arguments.
 */
import { parseArgs } from 'node:util';
import Table from 'cli-table3';
import { graphql } from './gql/index.js';
import { optionsFromEnv, reportFailure, request } from './keyring.js';

// "Inactive" (30 days) and "expiring soon" (7 days) are the server's rules: the report asks for
// them rather than computing its own.
const KeyReport = graphql(`
  query KeyReport {
    apiKeys {
      id
      name
      tokenStart
      permission
      domain {
        name
      }
      usageStatus
      lastUsedAt
      requestCount
      expiresAt
    }
    expiring: apiKeys(filter: { expiringSoon: true }) {
      id
    }
    apiKeyHealth {
      total
      neverUsed
      inactive
      fullAccess
      expiringSoon
    }
  }
`);

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/** "3 days ago", "in 2 days", "in 5 hours", "just now": the largest unit that fits. */
function ago(iso: string, now = Date.now()): string {
  const ms = Date.parse(iso) - now;
  const abs = Math.abs(ms);
  if (abs >= 86_400_000) return relative.format(Math.round(ms / 86_400_000), 'day');
  if (abs >= 3_600_000) return relative.format(Math.round(ms / 3_600_000), 'hour');
  if (abs >= 60_000) return relative.format(Math.round(ms / 60_000), 'minute');
  return 'just now';
}

async function main(): Promise<void> {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { strict: { type: 'boolean', default: false } } });
  const data = await request(optionsFromEnv(), KeyReport);
  const expiring = new Set(data.expiring.map((k) => k.id));
  const now = Date.now();

  // Plain borders and no colours: the output often ends up in an email.
  const table = new Table({
    head: ['Name', 'Token', 'Permission', 'Status', 'Last used', 'Requests', 'Expires', 'Flags'],
    style: { head: [], border: [] },
    colAligns: ['left', 'left', 'left', 'left', 'left', 'right', 'left', 'left'],
  });
  let flagged = 0;
  for (const key of data.apiKeys) {
    const flags: string[] = [];
    const expired = key.expiresAt !== null && key.expiresAt !== undefined && Date.parse(key.expiresAt) <= now;
    if (expired) flags.push('EXPIRED');
    else if (expiring.has(key.id)) flags.push('EXPIRING');
    if (key.usageStatus === 'INACTIVE') flags.push('INACTIVE');
    if (flags.length) flagged++;
    table.push([
      key.name,
      `${key.tokenStart}…`,
      key.permission === 'FULL_ACCESS' ? 'full access' : `sending${key.domain ? ` (${key.domain.name})` : ''}`,
      key.usageStatus.toLowerCase().replace('_', ' '),
      key.lastUsedAt ? ago(key.lastUsedAt, now) : '—',
      key.requestCount.toLocaleString('en-US'),
      key.expiresAt ? ago(key.expiresAt, now) : 'never',
      flags.join(' '),
    ]);
  }
  const h = data.apiKeyHealth;
  console.log(table.toString());
  console.log(
    `${h.total} keys: ${h.inactive} inactive, ${h.expiringSoon} expiring soon, ${h.neverUsed} never used, ${h.fullAccess} with full access; ${flagged} flagged`,
  );
  if (values.strict && flagged > 0) process.exitCode = 1;
}

main().catch(reportFailure);
