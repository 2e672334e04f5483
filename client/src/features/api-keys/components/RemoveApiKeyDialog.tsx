import type { ApiKeysTable_ApiKeyFragment } from '../../../gql/graphql';
import { ConfirmDialog } from '../../../ui/ConfirmDialog';
import { useDeleteApiKeyMutation } from '../hooks/useDeleteApiKeyMutation';
import { UserText } from '../../../ui/UserText';

export function RemoveApiKeyDialog({ apiKey, onClose, onRemoved }: { apiKey: ApiKeysTable_ApiKeyFragment; onClose: () => void; onRemoved?: () => void }) {
  const { deleteApiKey, loading } = useDeleteApiKeyMutation();
  return (
    <ConfirmDialog
      open
      onOpenChange={(open) => !open && onClose()}
      title={
        <>
          Remove API key “<UserText>{apiKey.name}</UserText>”?
        </>
      }
      description={
        <>
          Applications using <strong dir="auto">{apiKey.name}</strong> (<code className="mono">{apiKey.tokenStart}…</code>) will stop working at once. This
          cannot be undone.
        </>
      }
      confirmLabel="Remove API key"
      loading={loading}
      onConfirm={async () => {
        if (await deleteApiKey(apiKey)) {
          onClose();
          onRemoved?.();
        }
      }}
    />
  );
}
