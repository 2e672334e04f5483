import { type ReactNode, useState } from 'react';
import type { ApiKeysTable_ApiKeyFragment } from '../../../gql/graphql';
import type { ApiKeyRowActions } from '../components/ApiKeysTable';
import { DisableApiKeyDialog } from '../components/DisableApiKeyDialog';
import { EditApiKeyDialog } from '../components/EditApiKeyDialog';
import { RemoveApiKeyDialog } from '../components/RemoveApiKeyDialog';
import { RollApiKeyDialog } from '../components/RollApiKeyDialog';
import { useUpdateApiKeyMutation } from './useUpdateApiKeyMutation';
import { bidi } from '../../../ui/UserText';

type Open = { kind: 'edit' | 'roll' | 'remove' | 'disable'; apiKey: ApiKeysTable_ApiKeyFragment } | null;

/** Edit, roll, disable/enable and remove for one key at a time, from the list or the detail page. */
export function useApiKeyActions({ onRemoved }: { onRemoved?: () => void } = {}): ApiKeyRowActions & {
  dialogs: ReactNode;
} {
  const [open, setOpen] = useState<Open>(null);
  const { updateApiKey } = useUpdateApiKeyMutation();
  const close = () => setOpen(null);
  let dialogs: ReactNode = null;
  if (open?.kind === 'edit') dialogs = <EditApiKeyDialog key={open.apiKey.id} apiKey={open.apiKey} onClose={close} />;
  if (open?.kind === 'roll') dialogs = <RollApiKeyDialog key={open.apiKey.id} apiKey={open.apiKey} onClose={close} />;
  if (open?.kind === 'disable') dialogs = <DisableApiKeyDialog key={open.apiKey.id} apiKey={open.apiKey} onClose={close} />;
  if (open?.kind === 'remove') {
    dialogs = <RemoveApiKeyDialog key={open.apiKey.id} apiKey={open.apiKey} onClose={close} onRemoved={onRemoved} />;
  }
  return {
    onEdit: (apiKey) => setOpen({ kind: 'edit', apiKey }),
    onRoll: (apiKey) => setOpen({ kind: 'roll', apiKey }),
    onRemove: (apiKey) => setOpen({ kind: 'remove', apiKey }),
    onDisable: (apiKey) => setOpen({ kind: 'disable', apiKey }),
    onEnable: (apiKey) => {
      void updateApiKey(apiKey, { enabled: true }, bidi`Enabled ${apiKey.name}`);
    },
    dialogs,
  };
}
