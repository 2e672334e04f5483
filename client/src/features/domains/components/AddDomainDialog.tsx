import { useState } from 'react';
import { blankFields, useFields } from '../../../app/form';
import { FormDialog } from '../../../ui/FormDialog';
import { SelectField } from '../../../ui/SelectField';
import { TextField } from '../../../ui/TextField';
import { useCreateDomainMutation } from '../hooks/useCreateDomainMutation';
import { REGIONS, type Region } from '../regions';
import { SendingPolicyNotice } from './SendingPolicyNotice';

export function AddDomainDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const { createDomain, loading, fieldErrors, setFieldErrors, clear } = useCreateDomainMutation();
  const { values, field, reset } = useFields({ name: '' }, fieldErrors);
  const [region, setRegion] = useState<Region>('us-east-1');

  const close = (next: boolean) => {
    if (!next) {
      reset();
      setRegion('us-east-1');
      clear();
    }
    onOpenChange(next);
  };

  const onSubmit = async () => {
    const blank = blankFields(values, { name: 'Domain name is required.' });
    if (blank) return setFieldErrors(blank);
    if (await createDomain({ name: values.name.trim(), region })) close(false);
  };

  return (
    <FormDialog
      open={open}
      onOpenChange={close}
      title="Add domain"
      description="Use a domain you own. Keyring gives you its DNS records (SPF, DKIM and a return-path MX) to publish, then verifies them."
      submitLabel="Add domain"
      loading={loading}
      onSubmit={onSubmit}
      intro={<SendingPolicyNotice />}
    >
      <TextField label="Name" placeholder="updates.example.com" autoComplete="off" spellCheck={false} {...field('name')} autoFocus />
      <SelectField
        label="Region"
        name="region"
        options={REGIONS}
        value={region}
        onChange={(e) => setRegion(REGIONS.find((r) => r.value === e.target.value)?.value ?? 'us-east-1')}
        error={fieldErrors.region}
      />
    </FormDialog>
  );
}
