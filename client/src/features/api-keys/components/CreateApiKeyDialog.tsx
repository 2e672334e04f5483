import { format } from 'date-fns';
import { useState } from 'react';
import { Button } from '../../../ui/Button';
import { Dialog, DialogClose } from '../../../ui/Dialog';
import { TextField } from '../../../ui/TextField';
import { type CreatedApiKey, useCreateApiKeyMutation } from '../hooks/useCreateApiKeyMutation';
import { ApiKeyForm, type ApiKeyFormValues, type ApiKeyInput } from './ApiKeyFields';
import { TokenReveal } from './TokenReveal';

const FORM_ID = 'create-api-key-form';
const EMPTY: ApiKeyFormValues = { name: '', permission: 'FULL_ACCESS', domainId: '' };

/** The key works through the chosen day, in the browser's time zone. */
const endOfDay = (date: string) => new Date(`${date}T23:59:59.999`).toISOString();

export function CreateApiKeyDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const { createApiKey, loading, fieldErrors, setFieldErrors, forget } = useCreateApiKeyMutation();
  const [values, setValues] = useState(EMPTY);
  const [expiresOn, setExpiresOn] = useState('');
  // The token exists only here, and only until the dialog closes.
  const [created, setCreated] = useState<CreatedApiKey | null>(null);

  const close = (next: boolean) => {
    if (!next) {
      setValues(EMPTY);
      setExpiresOn('');
      setCreated(null);
      forget();
    }
    onOpenChange(next);
  };

  const onSubmit = async (input: ApiKeyInput) => {
    const result = await createApiKey({ ...input, expiresAt: expiresOn ? endOfDay(expiresOn) : null });
    if (result) setCreated(result);
  };

  if (created) {
    return (
      <Dialog
        open={open}
        onOpenChange={close}
        title="API key created"
        description={
          <>
            Here is the token for <strong>{created.apiKey.name}</strong>. Use it as a Bearer token with the API.
          </>
        }
        footer={
          <DialogClose>
            <Button variant="primary">Done</Button>
          </DialogClose>
        }
      >
        <TokenReveal token={created.token} />
      </Dialog>
    );
  }

  return (
    <Dialog
      open={open}
      onOpenChange={close}
      title="Create API Key"
      description="Give the key a name and choose what it may do."
      footer={
        <>
          <DialogClose>
            <Button>Cancel</Button>
          </DialogClose>
          <Button type="submit" form={FORM_ID} variant="primary" loading={loading}>
            Create
          </Button>
        </>
      }
    >
      <ApiKeyForm id={FORM_ID} label="Create API Key" values={values} onChange={setValues} errors={fieldErrors} onInvalid={setFieldErrors} onSubmit={onSubmit}>
        <TextField
          label="Expires on"
          type="date"
          name="expiresAt"
          min={format(new Date(), 'yyyy-MM-dd')}
          value={expiresOn}
          onChange={(e) => setExpiresOn(e.target.value)}
          error={fieldErrors.expiresAt}
          hint="Optional. Leave empty for a key that never expires."
        />
      </ApiKeyForm>
    </Dialog>
  );
}
