import { format, parseISO } from 'date-fns';
import { useId, useState } from 'react';
import type { ApiKeysTable_ApiKeyFragment } from '../../../gql/graphql';
import { DoneDialog, FormDialog } from '../../../ui/FormDialog';
import { type CreatedApiKey } from '../hooks/useCreateApiKeyMutation';
import { useRollApiKeyMutation } from '../hooks/useRollApiKeyMutation';
import { GRACE_PERIODS } from '../labels';
import { TokenReveal } from './TokenReveal';
import { UserText } from '../../../ui/UserText';

/** Asks how long the old token may keep working, then shows the new token once. */
export function RollApiKeyDialog({ apiKey, onClose }: { apiKey: ApiKeysTable_ApiKeyFragment; onClose: () => void }) {
  const id = useId();
  const { rollApiKey, loading, fieldErrors, forget } = useRollApiKeyMutation();
  const [grace, setGrace] = useState<number>(0);
  const [rolled, setRolled] = useState<CreatedApiKey | null>(null);

  const close = () => {
    setRolled(null);
    forget();
    onClose();
  };

  const onSubmit = async () => {
    const result = await rollApiKey(apiKey, grace);
    if (result === 'removed') close();
    else if (result) setRolled(result);
  };

  if (rolled) {
    const period = GRACE_PERIODS.find((g) => g.value === grace);
    return (
      <DoneDialog
        open
        onOpenChange={(open) => !open && close()}
        title="API key rolled"
        leave={{
          title: 'Leave without the token?',
          description: (
            <>
              The new token for <strong dir="auto">{rolled.apiKey.name}</strong> is shown only here. Once you leave it is gone for good: you would have to roll
              the key again to get another.
            </>
          ),
        }}
        description={
          <>
            Here is the new token for <strong dir="auto">{rolled.apiKey.name}</strong>. {period?.description}
          </>
        }
      >
        <TokenReveal token={rolled.token} />
      </DoneDialog>
    );
  }

  const errorId = fieldErrors.gracePeriodSeconds ? `${id}-error` : undefined;
  // A key keeps one previous token: one still in its grace period stops when the key is rolled again.
  const previousUntil = apiKey.previousTokenExpiresAt ? parseISO(apiKey.previousTokenExpiresAt) : null;
  const previousLive = previousUntil !== null && previousUntil.getTime() > Date.now();
  return (
    <FormDialog
      open
      onOpenChange={(open) => !open && close()}
      title={
        <>
          Roll API key “<UserText>{apiKey.name}</UserText>”
        </>
      }
      description="A new token replaces the current one, with the same name, permission and domain."
      size="sm"
      submitLabel="Roll API key"
      loading={loading}
      onSubmit={onSubmit}
      formLabel="Roll API key"
    >
      {previousLive && (
        <p className="notice notice-warning" role="note">
          <span>
            Its previous token
            {apiKey.previousTokenStart ? (
              <>
                {' '}
                (<code className="mono">{apiKey.previousTokenStart}…</code>)
              </>
            ) : null}
            , from the last roll, still works until {format(previousUntil, 'PPp')}: rolling again stops it now.
          </span>
        </p>
      )}
      <fieldset className="field radio-group" aria-describedby={errorId}>
        <legend className="field-label">The current token stops working</legend>
        {GRACE_PERIODS.map((g) => (
          <label key={g.value} className="radio-card radio-card-compact">
            <input type="radio" name={`${id}-grace`} value={g.value} checked={grace === g.value} onChange={() => setGrace(g.value)} />
            <span className="radio-label">{g.label}</span>
          </label>
        ))}
        {fieldErrors.gracePeriodSeconds && (
          <p id={errorId} className="field-error">
            {fieldErrors.gracePeriodSeconds}
          </p>
        )}
      </fieldset>
    </FormDialog>
  );
}
