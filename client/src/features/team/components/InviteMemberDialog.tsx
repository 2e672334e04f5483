import { type FormEvent, useState } from 'react';
import { useMailRelay } from '../../../app/mail-relay';
import type { Role } from '../../../gql/graphql';
import { Button } from '../../../ui/Button';
import { CopyField } from '../../../ui/CopyField';
import { Dialog, DialogClose } from '../../../ui/Dialog';
import { SelectField } from '../../../ui/SelectField';
import { TextField } from '../../../ui/TextField';
import { useInviteMemberMutation } from '../hooks/useInviteMemberMutation';
import { ROLE_OPTIONS, toRole } from '../roles';

const FORM_ID = 'invite-member-form';

export const invitationLink = (token: string) => `${window.location.origin}/accept-invitation?token=${encodeURIComponent(token)}`;

export function InviteMemberDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const { inviteMember, loading, fieldErrors, setFieldErrors, clear } = useInviteMemberMutation();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('MEMBER');
  const relay = useMailRelay();
  // The token exists only in this state: it is shown once and forgotten when the dialog closes.
  const [sent, setSent] = useState<{ email: string; token: string } | null>(null);

  const close = (next: boolean) => {
    if (!next) {
      setEmail('');
      setRole('MEMBER');
      setSent(null);
      clear();
    }
    onOpenChange(next);
  };

  const onSubmit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!email.trim()) {
      setFieldErrors({ email: 'Email is required.' });
      return;
    }
    const token = await inviteMember({ email: email.trim(), role });
    if (token) setSent({ email: email.trim(), token });
  };

  if (sent) {
    return (
      <Dialog
        open={open}
        onOpenChange={close}
        title="Invitation sent"
        description={
          <>
            {relay === false ? (
              <>
                No mail relay is set, so no email was sent: share this link with <strong>{sent.email}</strong> yourself.
              </>
            ) : (
              <>
                We emailed an invitation to <strong>{sent.email}</strong>. You can also share this link with them.
              </>
            )}{' '}
            It works once, expires in 7 days, and will not be shown again.
          </>
        }
        footer={
          <DialogClose>
            <Button variant="primary">Done</Button>
          </DialogClose>
        }
      >
        <CopyField label="Invitation link" value={invitationLink(sent.token)} />
      </Dialog>
    );
  }

  return (
    <Dialog
      open={open}
      onOpenChange={close}
      title="Invite member"
      description="They will get an email with a link to join your team."
      footer={
        <>
          <DialogClose>
            <Button>Cancel</Button>
          </DialogClose>
          <Button type="submit" form={FORM_ID} variant="primary" loading={loading}>
            Send invitation
          </Button>
        </>
      }
    >
      <form id={FORM_ID} className="form" onSubmit={onSubmit} noValidate aria-label="Invite member">
        <TextField
          label="Email"
          type="email"
          name="email"
          autoComplete="off"
          placeholder="teammate@example.com"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={fieldErrors.email}
          autoFocus
        />
        <SelectField label="Role" name="role" options={ROLE_OPTIONS} value={role} onChange={(e) => setRole(toRole(e.target.value))} error={fieldErrors.role} />
      </form>
    </Dialog>
  );
}
