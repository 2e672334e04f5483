import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, captureOnFailure, launchBrowser, uniqueEmail } from './browser';
import { AcceptInvitationPage } from './pages/AcceptInvitationPage';
import { Dashboard } from './pages/Dashboard';
import { SignInPage } from './pages/SignInPage';
import { SignUpPage } from './pages/SignUpPage';
import { TeamPage } from './pages/TeamPage';

describe('team members in the browser', () => {
  let admin: Browser;
  let invitee: Browser;
  captureOnFailure(() => [admin, invitee]);
  const inviteeEmail = uniqueEmail('invitee');
  let link = '';

  beforeAll(async () => {
    [admin, invitee] = await Promise.all([launchBrowser(), launchBrowser()]);
    const signUp = new SignUpPage(admin.page);
    await signUp.goto();
    await signUp.signUp({ email: uniqueEmail('admin'), password: 'correct horse battery staple', teamName: 'Team Rocket' });
    await new Dashboard(admin.page).open('Team');
  });
  afterAll(async () => {
    await Promise.all([admin?.close(), invitee?.close()]);
  });

  it('invites a member and shows the link once', async () => {
    const team = new TeamPage(admin.page);
    link = await team.invite(inviteeEmail);
    expect(link).toMatch(new RegExp(`^${admin.baseUrl}/accept-invitation\\?token=.+`));
    await team.invitations().getByText(inviteeEmail).waitFor();
  });

  it('lets the invitee accept with a password and join as a member', async () => {
    const accept = new AcceptInvitationPage(invitee.page);
    const dashboard = new Dashboard(invitee.page);
    await accept.open(link);
    await accept.accept('another long password');
    await dashboard.heading('API Keys').waitFor();
    expect(await dashboard.teamName().textContent()).toBe('Team Rocket');
    expect(await dashboard.userEmail().textContent()).toBe(inviteeEmail);

    await dashboard.open('Team');
    const team = new TeamPage(invitee.page);
    await team.memberRow(inviteeEmail).waitFor();
    expect(await invitee.page.getByRole('button', { name: 'Invite member' }).count()).toBe(0);
  });

  it('refuses the same link a second time', async () => {
    const accept = new AcceptInvitationPage(invitee.page);
    await new Dashboard(invitee.page).signOut();
    await accept.open(link);
    // The page asks what the link is for before offering a form: a used link says so at once.
    await invitee.page.getByRole('heading', { name: 'This invitation no longer works' }).waitFor();
    expect(await invitee.page.getByLabel('Password').count()).toBe(0);
  });

  it('lets the admin change the new member role', async () => {
    const { page } = admin;
    const team = new TeamPage(page);
    await page.reload();
    const row = team.memberRow(inviteeEmail);
    await row.waitFor();
    expect(await team.invitations().count()).toBe(0);

    await team.changeRole(inviteeEmail, 'admin');
    await row.getByText('Admin').waitFor();
    await team.changeRole(inviteeEmail, 'member');
    await row.getByText('Member').waitFor();
  });

  it('lets the admin remove a member, who is sent to sign in on their next step', async () => {
    const signIn = new SignInPage(invitee.page);
    const inviteeDashboard = new Dashboard(invitee.page);
    await signIn.goto();
    await signIn.signIn({ email: inviteeEmail, password: 'another long password' });
    await inviteeDashboard.heading('API Keys').waitFor();

    const team = new TeamPage(admin.page);
    await team.remove(inviteeEmail);
    await team.memberRow(inviteeEmail).waitFor({ state: 'detached' });

    await invitee.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Domains' }).click();
    await signIn.heading().waitFor();
    expect(new URL(invitee.page.url()).pathname).toBe('/sign-in');
  });
});
