import { useQuery } from '@apollo/client/react';
import { format } from 'date-fns';
import { type Ref, useId, useRef } from 'react';
import { Link } from 'react-router';
import type { Permission } from '../../../gql/graphql';
import { FormDialog } from '../../../ui/FormDialog';
import { SelectField } from '../../../ui/SelectField';
import { TextField } from '../../../ui/TextField';
import { ApiKeyDomainsQuery } from '../documents';
import { PERMISSION_OPTIONS } from '../labels';

export const NAME_MAX = 50;

/** `expiresOn` is a day (yyyy-MM-dd) or '' for a key that never expires. */
export type ApiKeyFormValues = { name: string; permission: Permission; domainId: string; expiresOn: string };

export type ApiKeyFieldErrors = Partial<Record<'name' | 'permission' | 'domainId' | 'expiresAt', string>>;

/** Checks what the browser can check, with the server's wording; the server checks again. */
export function validateApiKey(values: ApiKeyFormValues): ApiKeyFieldErrors {
  const name = values.name.trim();
  if (!name) return { name: 'Name is required.' };
  if (name.length > NAME_MAX) return { name: `Name must be at most ${NAME_MAX} characters.` };
  return {};
}

export const EXPIRY_BAD_INPUT = 'Enter a whole date that exists, or clear the field for a key that never expires.';

export type ApiKeyInput = ReturnType<typeof toApiKeyInput>;

/** The input for create and update (the expiry aside): a domain only with sending access, `null` for all domains. */
export const toApiKeyInput = (values: ApiKeyFormValues) => ({
  name: values.name.trim(),
  permission: values.permission,
  domainId: values.permission === 'SENDING_ACCESS' && values.domainId ? values.domainId : null,
});

/** Name, permission, — for sending access only — the domain the key may send from, and the expiry. */
export function ApiKeyFields({
  values,
  onChange,
  errors,
  expiryRef,
}: {
  values: ApiKeyFormValues;
  onChange: (values: ApiKeyFormValues) => void;
  errors: ApiKeyFieldErrors;
  /** The expiry's input, whose validity tells a date half typed or that does not exist from an empty field. */
  expiryRef?: Ref<HTMLInputElement>;
}) {
  const id = useId();
  const sending = values.permission === 'SENDING_ACCESS';
  const { data } = useQuery(ApiKeyDomainsQuery, { skip: !sending });
  const domains = data?.domains ?? [];
  const permissionErrorId = errors.permission ? `${id}-permission-error` : undefined;
  return (
    <>
      <TextField
        label="Name"
        name="name"
        placeholder="Production"
        autoComplete="off"
        value={values.name}
        onChange={(e) => onChange({ ...values, name: e.target.value })}
        error={errors.name}
        hint={`Up to ${NAME_MAX} characters, to recognise the key in the list.`}
        autoFocus
      />
      <fieldset className="field radio-group" aria-describedby={permissionErrorId}>
        <legend className="field-label">Permission</legend>
        {PERMISSION_OPTIONS.map((o) => (
          <label key={o.value} className="radio-card">
            <input
              type="radio"
              name={`${id}-permission`}
              value={o.value}
              checked={values.permission === o.value}
              // Switching to full access drops the domain: such a key may act on every domain.
              onChange={() => onChange({ ...values, permission: o.value, domainId: o.value === 'FULL_ACCESS' ? '' : values.domainId })}
              aria-labelledby={`${id}-${o.value}-label`}
              aria-describedby={`${id}-${o.value}-description`}
            />
            <span className="radio-text">
              <span id={`${id}-${o.value}-label`} className="radio-label">
                {o.label}
              </span>
              <span id={`${id}-${o.value}-description`} className="radio-description">
                {o.description}
              </span>
            </span>
          </label>
        ))}
        {errors.permission && (
          <p id={permissionErrorId} className="field-error">
            {errors.permission}
          </p>
        )}
      </fieldset>
      {sending && (
        <SelectField
          label="Domain"
          name="domainId"
          value={values.domainId}
          onChange={(e) => onChange({ ...values, domainId: e.target.value })}
          options={[{ value: '', label: 'All domains' }, ...domains.map((d) => ({ value: d.id, label: d.name, userText: true }))]}
          error={errors.domainId}
        />
      )}
      {sending && data && domains.length === 0 && (
        <p className="field-hint">
          To restrict the key to one domain, <Link to="/domains">add a domain</Link> first.
        </p>
      )}
      <TextField
        label="Expires on"
        type="date"
        name="expiresAt"
        ref={expiryRef}
        min={format(new Date(), 'yyyy-MM-dd')}
        value={values.expiresOn}
        onChange={(e) => onChange({ ...values, expiresOn: e.target.value })}
        error={errors.expiresAt}
        hint="Optional. Leave empty for a key that never expires."
      />
    </>
  );
}

export type ApiKeyFormDialogProps = {
  title: string;
  description: string;
  submitLabel: string;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** The form's values and their setter (`useState`'s pair). */
  form: readonly [ApiKeyFormValues, (values: ApiKeyFormValues) => void];
  /** The create or update mutation's state: its field errors (the browser's checks land there too). */
  mutation: { loading: boolean; fieldErrors: ApiKeyFieldErrors; setFieldErrors: (errors: ApiKeyFieldErrors) => void };
  /** Called with the input for create or update once the browser's checks pass. */
  onSubmit: (input: ApiKeyInput) => void;
};

/** The dialog of Create and Edit: the key's fields, checked before they are sent. */
export function ApiKeyFormDialog({ form: [values, onChange], mutation, onSubmit, ...dialog }: ApiKeyFormDialogProps) {
  const expiry = useRef<HTMLInputElement>(null);
  const submit = () => {
    const invalid = validateApiKey(values);
    // A date half typed (12/31/yyyy) or that does not exist (02/29/2027) reads as '', the value of
    // "never expires": sent as it was, Create made a key that never expires and Edit removed the
    // key's expiry, while the field still showed the date the user meant.
    if (expiry.current?.validity.badInput) invalid.expiresAt = EXPIRY_BAD_INPUT;
    if (Object.keys(invalid).length) mutation.setFieldErrors(invalid);
    else onSubmit(toApiKeyInput(values));
  };
  return (
    <FormDialog onSubmit={submit} loading={mutation.loading} {...dialog}>
      <ApiKeyFields values={values} onChange={onChange} errors={mutation.fieldErrors} expiryRef={expiry} />
    </FormDialog>
  );
}
