import { type FormEvent, useState } from 'react';
import { blankFields, useFields } from '../../../app/form';
import { Button } from '../../../ui/Button';
import { useFocusOnError } from '../../../ui/focus-on-error';
import { TextField } from '../../../ui/TextField';
import { FormAlert } from '../../auth/components/AuthCard';
import { useChangePasswordMutation } from '../hooks/useAccountMutations';

/** Current password, new one twice; on success every other session is signed out. */
export function ChangePasswordForm() {
  const { changePassword, loading, fieldErrors, formError, setFieldErrors } = useChangePasswordMutation();
  const [confirmError, setConfirmError] = useState<string>();
  const { values, field, reset } = useFields({ currentPassword: '', newPassword: '', confirmPassword: '' }, { ...fieldErrors, confirmPassword: confirmError });

  const focus = useFocusOnError();
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    focus.submitted();
    setConfirmError(undefined);
    const blank = blankFields(values, { currentPassword: 'Enter your current password.', newPassword: 'Enter a new password.' });
    if (blank) return setFieldErrors(blank);
    if (values.confirmPassword !== values.newPassword) {
      setFieldErrors({});
      return setConfirmError('The two new passwords differ.');
    }
    if (await changePassword({ currentPassword: values.currentPassword, newPassword: values.newPassword })) reset();
  };

  return (
    <form ref={focus.ref} className="form form-narrow" onSubmit={submit} noValidate aria-label="Change password">
      <FormAlert message={formError} />
      <TextField label="Current password" type="password" autoComplete="current-password" {...field('currentPassword')} />
      <TextField label="New password" type="password" autoComplete="new-password" hint="10 to 256 characters." {...field('newPassword')} />
      <TextField label="Confirm new password" type="password" autoComplete="new-password" {...field('confirmPassword')} />
      <div>
        <Button type="submit" variant="primary" loading={loading}>
          Change password
        </Button>
      </div>
    </form>
  );
}
