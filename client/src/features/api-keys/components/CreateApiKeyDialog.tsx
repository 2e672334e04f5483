import { format } from 'date-fns';
import { type FormEvent, useState } from 'react';
import { Button } from '../../../ui/Button';
import { Dialog, DialogClose } from '../../../ui/Dialog';
import { TextField } from '../../../ui/TextField';
import { type CreatedApiKey, useCreateApiKeyMutation } from '../hooks/useCreateApiKeyMutation';
import { ApiKeyFields, type ApiKeyFormValues, toApiKeyInput, validateApiKey } from './ApiKeyFields';
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

  const onSubmit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const invalid = validateApiKey(values);
    if (Object.keys(invalid).length) {
      setFieldErrors(invalid);
      return;
    }
    const result = await createApiKey({ ...toApiKeyInput(values), expiresAt: expiresOn ? endOfDay(expiresOn) : null });
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
      <form id={FORM_ID} className="form" onSubmit={onSubmit} noValidate aria-label="Create API Key">
        <ApiKeyFields values={values} onChange={setValues} errors={fieldErrors} />
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
      </form>
    </Dialog>
  );
}
