import { useState } from 'react';
import type { ApiKeysTable_ApiKeyFragment } from '../../../gql/graphql';
import { Button } from '../../../ui/Button';
import { Dialog, DialogClose } from '../../../ui/Dialog';
import { useUpdateApiKeyMutation } from '../hooks/useUpdateApiKeyMutation';
import { ApiKeyForm, type ApiKeyFormValues, type ApiKeyInput } from './ApiKeyFields';

const FORM_ID = 'edit-api-key-form';

const valuesOf = (k: ApiKeysTable_ApiKeyFragment): ApiKeyFormValues => ({
  name: k.name,
  permission: k.permission,
  domainId: k.domain?.id ?? '',
});

/** Mounted per key (keyed by id), so the form starts from that key's values. */
export function EditApiKeyDialog({ apiKey, onClose }: { apiKey: ApiKeysTable_ApiKeyFragment; onClose: () => void }) {
  const { updateApiKey, loading, fieldErrors, setFieldErrors } = useUpdateApiKeyMutation();
  const [values, setValues] = useState(() => valuesOf(apiKey));

  const onSubmit = async (input: ApiKeyInput) => {
    if (await updateApiKey(apiKey.id, input)) onClose();
  };

  return (
    <Dialog
      open
      onOpenChange={(open) => !open && onClose()}
      title="Edit API key"
      description="The token stays the same; only these details change."
      footer={
        <>
          <DialogClose>
            <Button>Cancel</Button>
          </DialogClose>
          <Button type="submit" form={FORM_ID} variant="primary" loading={loading}>
            Save
          </Button>
        </>
      }
    >
      <ApiKeyForm
        id={FORM_ID}
        label="Edit API key"
        values={values}
        onChange={setValues}
        errors={fieldErrors}
        onInvalid={setFieldErrors}
        onSubmit={onSubmit}
      />
    </Dialog>
  );
}
