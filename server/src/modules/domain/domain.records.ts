import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Config } from '../../config.js';
import { DomainStatus, type RecordStatus } from './domain.entity.js';

/** The DKIM selector: records live at `keyring._domainkey.<domain>`. */
export const DKIM_SELECTOR = 'keyring';
/** The return-path subdomain, as Resend's `send.<domain>`: its MX and SPF records. */
export const RETURN_PATH = 'send';
/** A domain whose records are not all found within this time has failed. */
export const PENDING_HOURS = 72;

export type RecordKey = 'spf_mx' | 'spf_txt' | 'dkim';
export type ExpectedRecord = {
  key: RecordKey;
  /** Resend's grouping: the return-path MX and TXT are both `SPF` */
  record: 'SPF' | 'DKIM';
  /** Relative to the domain, as Resend answers it (`send`, `keyring._domainkey`) */
  name: string;
  /** The full name to publish */
  fqdn: string;
  type: 'MX' | 'TXT';
  value: string;
  priority?: number;
};

/** The host that mail leaves from and bounces return to: the SMTP relay's, else the public URL's. */
export function mailHost(config: Pick<Config, 'SMTP_URL' | 'PUBLIC_URL'>): string {
  return new URL(config.SMTP_URL ?? config.PUBLIC_URL).hostname.replace(/^\[|\]$/g, '').toLowerCase();
}

const spfMechanism = (host: string) => (isIP(host) === 4 ? `ip4:${host}` : isIP(host) === 6 ? `ip6:${host}` : `a:${host}`);

/** The records a domain's owner publishes: return-path MX and SPF, and the DKIM public key. */
export function expectedRecords(domain: { name: string; dkimPublicKey?: string | null }, host: string): ExpectedRecord[] {
  const records: ExpectedRecord[] = [
    { key: 'spf_mx', record: 'SPF', name: RETURN_PATH, fqdn: `${RETURN_PATH}.${domain.name}`, type: 'MX', value: host, priority: 10 },
    { key: 'spf_txt', record: 'SPF', name: RETURN_PATH, fqdn: `${RETURN_PATH}.${domain.name}`, type: 'TXT', value: `v=spf1 ${spfMechanism(host)} ~all` },
  ];
  if (domain.dkimPublicKey) {
    const name = `${DKIM_SELECTOR}._domainkey`;
    records.push({ key: 'dkim', record: 'DKIM', name, fqdn: `${name}.${domain.name}`, type: 'TXT', value: `v=DKIM1; k=rsa; p=${domain.dkimPublicKey}` });
  }
  return records;
}

/** The records with what the last check found for each (not_started before any). */
export function domainRecords(
  domain: { name: string; dkimPublicKey?: string | null; dnsChecks?: Record<string, RecordStatus> | null },
  config: Pick<Config, 'SMTP_URL' | 'PUBLIC_URL'>,
) {
  return expectedRecords(domain, mailHost(config)).map((r) => ({ ...r, status: domain.dnsChecks?.[r.key] ?? ('not_started' as RecordStatus) }));
}

/** `servers` as DNS_SERVERS holds them; none: the system's resolvers. */
export function createResolver(servers: string[]): Resolver {
  const resolver = new Resolver({ timeout: 2000, tries: 2 });
  if (servers.length > 0) resolver.setServers(servers);
  return resolver;
}

const MISSING = new Set(['ENOTFOUND', 'ENODATA', 'NXDOMAIN', 'ENONAME']);
const normalise = (s: string) => s.replace(/\s+/g, ' ').replace(/;\s*$/, '').trim().toLowerCase();
const dkimKey = (txt: string) => /(?:^|;)\s*p=([^;]*)/i.exec(txt)?.[1].replace(/\s+/g, '') ?? null;
const hostOf = (s: string) => s.replace(/\.$/, '').toLowerCase();

/** One record as DNS answers it: verified (right), failed (a different one is published), pending (none) or temporary_failure. */
async function checkRecord(resolver: Resolver, r: ExpectedRecord): Promise<RecordStatus> {
  try {
    if (r.type === 'MX') {
      const mx = await resolver.resolveMx(r.fqdn);
      if (mx.some((m) => hostOf(m.exchange) === hostOf(r.value))) return 'verified';
      return mx.length > 0 ? 'failed' : 'pending';
    }
    // A TXT record may come in several strings (a DKIM key does): they are one value.
    const texts = (await resolver.resolveTxt(r.fqdn)).map((chunks) => chunks.join(''));
    if (r.key === 'dkim') {
      const published = texts.map(dkimKey).filter((k): k is string => k !== null);
      if (published.includes(dkimKey(r.value)!)) return 'verified';
      return published.length > 0 ? 'failed' : 'pending';
    }
    const spf = texts.filter((t) => t.toLowerCase().startsWith('v=spf1'));
    if (spf.some((t) => normalise(t) === normalise(r.value))) return 'verified';
    return spf.length > 0 ? 'failed' : 'pending';
  } catch (e) {
    return MISSING.has((e as { code?: string }).code ?? '') ? 'pending' : 'temporary_failure';
  }
}

export type DnsCheck = { checks: Record<RecordKey, RecordStatus>; status: DomainStatus };

/** Checks every record with real DNS queries; the domain is verified when all are right. */
export async function checkDomainRecords(
  resolver: Resolver,
  records: ExpectedRecord[],
  pendingSince: Date | null,
  now = new Date(),
  previous: DomainStatus = DomainStatus.NOT_STARTED,
): Promise<DnsCheck> {
  const statuses = await Promise.all(records.map((r) => checkRecord(resolver, r)));
  const checks = Object.fromEntries(records.map((r, i) => [r.key, statuses[i]])) as Record<RecordKey, RecordStatus>;
  let status: DomainStatus;
  if (statuses.every((s) => s === 'verified')) status = DomainStatus.VERIFIED;
  else if (statuses.includes('failed')) status = DomainStatus.FAILED;
  // A DNS outage says nothing about the records: a verified domain stays verified (and keeps sending).
  else if (previous === DomainStatus.VERIFIED && statuses.every((s) => s === 'verified' || s === 'temporary_failure')) status = DomainStatus.VERIFIED;
  else if (pendingSince && now.getTime() - pendingSince.getTime() > PENDING_HOURS * 3600_000) status = DomainStatus.FAILED;
  else status = DomainStatus.PENDING;
  return { checks, status };
}
