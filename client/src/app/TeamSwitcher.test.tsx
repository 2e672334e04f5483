import { screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { adminUser, renderWithProviders } from '../test/render';
import { MyTeamsQuery, SwitchTeamMutation, TeamSwitcher } from './TeamSwitcher';

const enterTeam = vi.hoisted(() => vi.fn());
vi.mock('./session', async (importOriginal) => ({ ...(await importOriginal<typeof import('./session')>()), enterTeam }));

afterEach(() => enterTeam.mockReset());

const team = (id: string, name: string, role: 'ADMIN' | 'MEMBER', current: boolean) => ({ __typename: 'UserTeam' as const, id, name, role, current });
const teams = (...list: ReturnType<typeof team>[]) => ({
  request: { query: MyTeamsQuery },
  result: { data: { me: { __typename: 'User', id: 'u-1', teams: list } } },
});

describe('TeamSwitcher', () => {
  it('shows nothing for a user in one team', async () => {
    renderWithProviders(<TeamSwitcher />, { user: adminUser, mocks: [teams(team('t-1', 'Analytical Engines', 'ADMIN', true))] });
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.queryByRole('combobox', { name: 'Switch team' })).toBeNull();
  });

  it('lists every team of the user with their role, the current one chosen, and moves to another', async () => {
    const switched = vi.fn(() => ({ data: { switchTeam: { __typename: 'User', id: 'u-1' } } }));
    const { user } = renderWithProviders(<TeamSwitcher />, {
      user: adminUser,
      mocks: [
        teams(team('t-1', 'Analytical Engines', 'ADMIN', true), team('t-2', 'Difference Engines', 'MEMBER', false)),
        { request: { query: SwitchTeamMutation, variables: { teamId: 't-2' } }, result: switched },
      ],
    });
    const picker = (await screen.findByRole('combobox', { name: 'Switch team' })) as HTMLSelectElement;
    expect([...picker.options].map((o) => o.textContent)).toEqual(['Analytical Engines (Admin)', 'Difference Engines (Member)']);
    expect(picker.value).toBe('t-1');
    await user.selectOptions(picker, 't-2');
    await waitFor(() => expect(enterTeam).toHaveBeenCalledTimes(1));
    expect(switched).toHaveBeenCalledTimes(1);
  });
});
