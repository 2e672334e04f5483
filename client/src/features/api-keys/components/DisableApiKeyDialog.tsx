import type { ApiKeysTable_ApiKeyFragment } from '../../../gql/graphql';
import { ConfirmDialog } from '../../../ui/ConfirmDialog';
import { useUpdateApiKeyMutation } from '../hooks/useUpdateApiKeyMutation';
import { bidi, UserText } from '../../../ui/UserText';

/** Disabling refuses the key's token at once, without deleting it; enabling needs no confirmation. */
export function DisableApiKeyDialog({ apiKey, onClose }: { apiKey: ApiKeysTable_ApiKeyFragment; onClose: () => void }) {
  const { updateApiKey, loading } = useUpdateApiKeyMutation();
  return (
    <ConfirmDialog
      open
      onOpenChange={(open) => !open && onClose()}
      title={
        <>
          Disable API key “<UserText>{apiKey.name}</UserText>”?
        </>
      }
      description={
        <>
          Requests with <strong dir="auto">{apiKey.name}</strong> (<code className="mono">{apiKey.tokenStart}…</code>) will be refused with “This API key is
          disabled.” until you enable it again. Nothing is deleted.
        </>
      }
      confirmLabel="Disable API key"
      loading={loading}
      onConfirm={async () => {
        if (await updateApiKey(apiKey, { enabled: false }, bidi`Disabled ${apiKey.name}`)) onClose();
      }}
    />
  );
}
