import { useQuery } from '@apollo/client/react';
import { SendingPolicyQuery } from '../documents';

/** Says whether this server sends from unverified domains (REQUIRE_VERIFIED_DOMAINS). */
export function SendingPolicyNotice() {
  const { data } = useQuery(SendingPolicyQuery);
  if (!data) return null;
  return data.sendingPolicy.requireVerifiedDomains ? (
    <p className="domain-notice" role="note">
      This server sends only from <strong>verified</strong> domains: publish a domain’s DNS records and verify it before sending from it.
    </p>
  ) : (
    <p className="domain-notice" role="note">
      This server also sends from <strong>unverified</strong> domains (REQUIRE_VERIFIED_DOMAINS is off); verify them so that receivers trust the mail.
    </p>
  );
}
