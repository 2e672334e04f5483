import { type FormEvent, useState } from 'react';
import type { ApiKeysTable_ApiKeyFragment } from '../../../gql/graphql';
import { Button } from '../../../ui/Button';
import { Dialog, DialogClose } from '../../../ui/Dialog';
import { useUpdateApiKeyMutation } from '../hooks/useUpdateApiKeyMutation';
import { ApiKeyFields, type ApiKeyFormValues, toApiKeyInput, validateApiKey } from './ApiKeyFields';

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

  const onSubmit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const invalid = validateApiKey(values);
    if (Object.keys(invalid).length) {
      setFieldErrors(invalid);
      return;
    }
    if (await updateApiKey(apiKey.id, toApiKeyInput(values))) onClose();
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
      <form id={FORM_ID} className="form" onSubmit={onSubmit} noValidate aria-label="Edit API key">
        <ApiKeyFields values={values} onChange={setValues} errors={fieldErrors} />
      </form>
    </Dialog>
  );
}
