import type { Page } from 'playwright-core';

export class TeamPage {
  constructor(private readonly page: Page) {}

  readonly members = () => this.page.getByRole('table', { name: 'Members' });
  readonly invitations = () => this.page.getByRole('table', { name: 'Pending invitations' });
  readonly memberRow = (email: string) => this.members().getByRole('row').filter({ hasText: email });

  /** Invites someone and returns the one-time invitation link shown in the dialog. */
  async invite(email: string, role: 'Member' | 'Admin' = 'Member'): Promise<string> {
    await this.page.getByRole('button', { name: 'Invite member' }).click();
    const dialog = this.page.getByRole('dialog', { name: 'Invite member' });
    await dialog.getByLabel('Email').fill(email);
    await dialog.getByLabel('Role').selectOption({ label: role });
    await dialog.getByRole('button', { name: /^(Send|Create) invitation$/ }).click();
    const sent = this.page.getByRole('dialog', { name: /^Invitation (sent|created)$/ });
    const link = await sent.getByRole('textbox', { name: 'Invitation link' }).inputValue();
    await sent.getByRole('button', { name: 'Done' }).click();
    await sent.waitFor({ state: 'hidden' });
    return link;
  }

  /** Changes a member's role, confirming it in the dialog that asks first. */
  async changeRole(email: string, to: 'admin' | 'member') {
    await this.page.getByRole('button', { name: `More options for ${email}` }).click();
    await this.page.getByRole('menuitem', { name: `Change role to ${to}` }).click();
    const confirm = this.page.getByRole('dialog', { name: `Change role to ${to}?` });
    await confirm.getByText(email).waitFor();
    await confirm.getByRole('button', { name: `Change role to ${to}` }).click();
    await confirm.waitFor({ state: 'hidden' });
  }

  async remove(email: string) {
    await this.page.getByRole('button', { name: `More options for ${email}` }).click();
    await this.page.getByRole('menuitem', { name: 'Remove from team' }).click();
    const confirm = this.page.getByRole('dialog', { name: 'Remove member' });
    await confirm.getByRole('button', { name: 'Remove member' }).click();
    await confirm.waitFor({ state: 'hidden' });
  }
}
