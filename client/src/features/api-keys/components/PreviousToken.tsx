import { format, formatDistanceToNowStrict, parseISO } from 'date-fns';
import { useEffect, useState } from 'react';
import type { ApiKeysTable_ApiKeyFragment } from '../../../gql/graphql';
import { Button } from '../../../ui/Button';
import { ConfirmDialog } from '../../../ui/ConfirmDialog';
import { useExpirePreviousTokenMutation } from '../hooks/useExpirePreviousTokenMutation';
import { UserText } from '../../../ui/UserText';

type Key = Pick<ApiKeysTable_ApiKeyFragment, 'id' | 'name' | 'previousTokenStart' | 'previousTokenExpiresAt'>;

/** Re-renders every `ms`, so a countdown moves while the page stays open. */
function useNow(ms: number) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

/**
 * A rolled key's old token while it still works: "re_Qa2K… stops working in 58 minutes", with
 * Expire now for admins, confirmed first. Nothing once it has stopped.
 */
export function PreviousToken({ apiKey, canExpire }: { apiKey: Key; canExpire: boolean }) {
  const now = useNow(30_000);
  const { expirePreviousToken, loading } = useExpirePreviousTokenMutation();
  const [confirming, setConfirming] = useState(false);
  if (!apiKey.previousTokenExpiresAt) return null;
  const until = parseISO(apiKey.previousTokenExpiresAt);
  if (until.getTime() <= now) return null;
  return (
    <span className="previous-token">
      <span>
        {apiKey.previousTokenStart ? <code className="mono">{apiKey.previousTokenStart}…</code> : 'The old token'} stops working{' '}
        <time dateTime={apiKey.previousTokenExpiresAt} title={format(until, 'PPpp')}>
          in {formatDistanceToNowStrict(until).replace(/ minutes?$/, ' min')}
        </time>
      </span>
      {canExpire && (
        <>
          <Button size="sm" variant="ghost" loading={loading} aria-label={`Expire now: the old token of ${apiKey.name}`} onClick={() => setConfirming(true)}>
            Expire now
          </Button>
          {/* Expired, this renders nothing, the dialog included: focus goes to the page heading, as after Remove. */}
          <ConfirmDialog
            open={confirming}
            onOpenChange={setConfirming}
            title={
              <>
                Expire the old token of “<UserText>{apiKey.name}</UserText>”?
              </>
            }
            description={
              <>
                Applications still using {apiKey.previousTokenStart ? <code className="mono">{apiKey.previousTokenStart}…</code> : 'the old token'} will stop
                working at once, before its grace period ends. This cannot be undone.
              </>
            }
            confirmLabel="Expire now"
            loading={loading}
            onConfirm={async () => {
              if (await expirePreviousToken(apiKey)) setConfirming(false);
            }}
          />
        </>
      )}
    </span>
  );
}
