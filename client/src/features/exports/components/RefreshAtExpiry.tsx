import { useRefreshAtExpiry } from '../hooks/useRefreshAtExpiry';

/** Renders nothing: asks for one ready export again once its download has expired, so that a list showing it updates by itself. */
export function RefreshAtExpiry({ id, status, expiresAt }: { id: string; status: string; expiresAt?: string | null }) {
  useRefreshAtExpiry({ id, status, expiresAt });
  return null;
}
