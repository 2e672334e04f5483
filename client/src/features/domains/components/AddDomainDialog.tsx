import { type FormEvent, useState } from 'react';
import { Button } from '../../../ui/Button';
import { Dialog, DialogClose } from '../../../ui/Dialog';
import { SelectField } from '../../../ui/SelectField';
import { TextField } from '../../../ui/TextField';
import { useCreateDomainMutation } from '../hooks/useCreateDomainMutation';
import { SendingPolicyNotice } from './SendingPolicyNotice';
import { REGIONS, type Region } from '../regions';

const FORM_ID = 'add-domain-form';

export function AddDomainDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const { createDomain, loading, fieldErrors, setFieldErrors, clear } = useCreateDomainMutation();
  const [name, setName] = useState('');
  const [region, setRegion] = useState<Region>('us-east-1');

  const close = (next: boolean) => {
    if (!next) {
      setName('');
      setRegion('us-east-1');
      clear();
    }
    onOpenChange(next);
  };

  const onSubmit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!name.trim()) {
      setFieldErrors({ name: 'Domain name is required.' });
      return;
    }
    if (await createDomain({ name: name.trim(), region })) close(false);
  };

  return (
    <Dialog
      open={open}
      onOpenChange={close}
      title="Add domain"
      description="Use a domain you own. Keyring gives you its DNS records (SPF, DKIM and a return-path MX) to publish, then verifies them."
      footer={
        <>
          <DialogClose>
            <Button>Cancel</Button>
          </DialogClose>
          <Button type="submit" form={FORM_ID} variant="primary" loading={loading}>
            Add domain
          </Button>
        </>
      }
    >
      <SendingPolicyNotice />
      <form id={FORM_ID} className="form" onSubmit={onSubmit} noValidate aria-label="Add domain">
        <TextField
          label="Name"
          name="name"
          placeholder="updates.example.com"
          autoComplete="off"
          spellCheck={false}
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={fieldErrors.name}
          autoFocus
        />
        <SelectField
          label="Region"
          name="region"
          options={REGIONS}
          value={region}
          onChange={(e) => setRegion(REGIONS.find((r) => r.value === e.target.value)?.value ?? 'us-east-1')}
          error={fieldErrors.region}
        />
      </form>
    </Dialog>
  );
}
