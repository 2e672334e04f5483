import { useState } from 'react';
import { blankFields, useFields } from '../../../app/form';
import { useMailRelay } from '../../../app/mail-relay';
import type { Role } from '../../../gql/graphql';
import { CopyField } from '../../../ui/CopyField';
import { DoneDialog, FormDialog } from '../../../ui/FormDialog';
import { SelectField } from '../../../ui/SelectField';
import { TextField } from '../../../ui/TextField';
import { useInviteMemberMutation } from '../hooks/useInviteMemberMutation';
import { ROLE_OPTIONS, toRole } from '../roles';

export const invitationLink = (token: string) => `${window.location.origin}/accept-invitation?token=${encodeURIComponent(token)}`;

export function InviteMemberDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const { inviteMember, loading, fieldErrors, setFieldErrors, clear } = useInviteMemberMutation();
  const { values, field, reset } = useFields({ email: '' }, fieldErrors);
  const [role, setRole] = useState<Role>('MEMBER');
  const relay = useMailRelay();
  // The token exists only in this state: it is shown once and forgotten when the dialog closes.
  const [sent, setSent] = useState<{ email: string; token: string } | null>(null);

  const close = (next: boolean) => {
    if (!next) {
      reset();
      setRole('MEMBER');
      setSent(null);
      clear();
    }
    onOpenChange(next);
  };

  const onSubmit = async () => {
    const blank = blankFields(values, { email: 'Email is required.' });
    if (blank) return setFieldErrors(blank);
    const email = values.email.trim();
    const token = await inviteMember({ email, role });
    if (token) setSent({ email, token });
  };

  if (sent) {
    return (
      <DoneDialog
        open={open}
        onOpenChange={close}
        title={relay === false ? 'Invitation created' : 'Invitation sent'}
        leave={{
          title: 'Leave without the link?',
          description: (
            <>
              The invitation link for <strong dir="auto">{sent.email}</strong> is shown only here. Once you leave, you can make a new one with Copy link on the
              Team page (the earlier link stops working).
            </>
          ),
        }}
        description={
          <>
            {relay === false ? (
              <>
                No mail relay is set, so no email was sent: share this link with <strong dir="auto">{sent.email}</strong> yourself.
              </>
            ) : (
              <>
                We emailed an invitation to <strong dir="auto">{sent.email}</strong>. You can also share this link with them.
              </>
            )}{' '}
            It works once, expires in 7 days, and will not be shown again.
          </>
        }
      >
        <CopyField label="Invitation link" value={invitationLink(sent.token)} />
      </DoneDialog>
    );
  }

  return (
    <FormDialog
      open={open}
      onOpenChange={close}
      title="Invite member"
      description={
        relay === false
          ? 'No mail relay is set, so no email is sent: you get a link to join your team, to share with them yourself.'
          : 'They will get an email with a link to join your team.'
      }
      submitLabel={relay === false ? 'Create invitation' : 'Send invitation'}
      loading={loading}
      onSubmit={onSubmit}
    >
      <TextField label="Email" type="email" autoComplete="off" placeholder="teammate@example.com" {...field('email')} autoFocus />
      <SelectField label="Role" name="role" options={ROLE_OPTIONS} value={role} onChange={(e) => setRole(toRole(e.target.value))} error={fieldErrors.role} />
    </FormDialog>
  );
}
