import { format, parseISO } from 'date-fns';
import { useState } from 'react';
import type { ApiKeysTable_ApiKeyFragment } from '../../../gql/graphql';
import { Button } from '../../../ui/Button';
import { dayEnd } from '../../../ui/DateRangeFields';
import { Dialog } from '../../../ui/Dialog';
import { useUpdateApiKeyMutation } from '../hooks/useUpdateApiKeyMutation';
import { ApiKeyFormDialog, type ApiKeyFormValues, type ApiKeyInput } from './ApiKeyFields';
import { UserText } from '../../../ui/UserText';

const dayOf = (iso: string | null | undefined) => (iso ? format(parseISO(iso), 'yyyy-MM-dd') : '');

const valuesOf = (k: ApiKeysTable_ApiKeyFragment): ApiKeyFormValues => ({
  name: k.name,
  permission: k.permission,
  domainId: k.domain?.id ?? '',
  expiresOn: dayOf(k.expiresAt),
});

/**
 * Mounted per key (keyed by id), so the form starts from that key's values. Widening a key from
 * sending to full access asks once more before it is saved.
 */
export function EditApiKeyDialog({ apiKey, onClose }: { apiKey: ApiKeysTable_ApiKeyFragment; onClose: () => void }) {
  const mutation = useUpdateApiKeyMutation();
  const { updateApiKey, loading } = mutation;
  const form = useState(() => valuesOf(apiKey));
  const [values] = form;
  const [widening, setWidening] = useState<ApiKeyInput | null>(null);

  const save = async (input: ApiKeyInput) => {
    // The expiry is sent only when its day changed: the same day keeps the exact time it had.
    const { expiresOn } = values;
    const expiry = expiresOn === dayOf(apiKey.expiresAt) ? {} : { expiresAt: expiresOn ? dayEnd(expiresOn) : null };
    if (await updateApiKey(apiKey, { ...input, ...expiry })) onClose();
    else setWidening(null);
  };

  const onSubmit = async (input: ApiKeyInput) => {
    if (apiKey.permission === 'SENDING_ACCESS' && input.permission === 'FULL_ACCESS') setWidening(input);
    else await save(input);
  };

  if (widening) {
    return (
      <Dialog
        open
        onOpenChange={(open) => !open && onClose()}
        // Still the form's flow: a stray click outside must not throw away the edits, as on the form.
        dismiss="escape"
        title={
          <>
            Give “<UserText>{apiKey.name}</UserText>” full access?
          </>
        }
        description={
          <>
            Today <strong dir="auto">{apiKey.name}</strong> can only send email
            {apiKey.domain ? (
              <>
                {' '}
                from <UserText>{apiKey.domain.name}</UserText>
              </>
            ) : (
              ''
            )}
            . With full access, anyone holding its token can also create, change and delete keys, domains and exports.
          </>
        }
        size="sm"
        footer={
          <>
            <Button onClick={() => setWidening(null)}>Back</Button>
            <Button variant="danger" loading={loading} onClick={() => save(widening)}>
              Give full access
            </Button>
          </>
        }
      />
    );
  }

  return (
    <ApiKeyFormDialog
      open
      onOpenChange={(open) => !open && onClose()}
      title="Edit API key"
      description="The token stays the same; only these details change."
      submitLabel="Save"
      form={form}
      mutation={mutation}
      onSubmit={onSubmit}
    />
  );
}
