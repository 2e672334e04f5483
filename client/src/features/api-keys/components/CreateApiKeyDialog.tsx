import { useState } from 'react';
import { dayEnd } from '../../../ui/DateRangeFields';
import { DoneDialog } from '../../../ui/FormDialog';
import { type CreatedApiKey, useCreateApiKeyMutation } from '../hooks/useCreateApiKeyMutation';
import { ApiKeyFormDialog, type ApiKeyFormValues, type ApiKeyInput } from './ApiKeyFields';
import { TokenReveal } from './TokenReveal';

const EMPTY: ApiKeyFormValues = { name: '', permission: 'FULL_ACCESS', domainId: '', expiresOn: '' };

export function CreateApiKeyDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const mutation = useCreateApiKeyMutation();
  const { createApiKey, forget } = mutation;
  const form = useState(EMPTY);
  const [values, setValues] = form;
  // The token exists only here, and only until the dialog closes.
  const [created, setCreated] = useState<CreatedApiKey | null>(null);

  const close = (next: boolean) => {
    if (!next) {
      setValues(EMPTY);
      setCreated(null);
      forget();
    }
    onOpenChange(next);
  };

  // The key works through the chosen day, in the browser's time zone.
  const onSubmit = async (input: ApiKeyInput) => {
    const result = await createApiKey({ ...input, expiresAt: values.expiresOn ? dayEnd(values.expiresOn) : null });
    if (result) setCreated(result);
  };

  if (created) {
    return (
      <DoneDialog
        open={open}
        onOpenChange={close}
        title="API key created"
        leave={{
          title: 'Leave without the token?',
          description: (
            <>
              The token for <strong dir="auto">{created.apiKey.name}</strong> is shown only here. Once you leave it is gone for good: you would have to roll the
              key to get a new one.
            </>
          ),
        }}
        description={
          <>
            Here is the token for <strong dir="auto">{created.apiKey.name}</strong>. Use it as a Bearer token with the API.
          </>
        }
      >
        <TokenReveal token={created.token} />
      </DoneDialog>
    );
  }

  return (
    <ApiKeyFormDialog
      open={open}
      onOpenChange={close}
      title="Create API Key"
      description="Give the key a name and choose what it may do."
      submitLabel="Create"
      form={form}
      mutation={mutation}
      onSubmit={onSubmit}
    />
  );
}
