import { useMutation, useQuery } from '@apollo/client/react';
import { graphql } from '../gql';
import { reportErrors } from './errors';
import { enterTeam } from './session';

export const MyTeamsQuery = graphql(`
  query MyTeams {
    me {
      id
      teams {
        id
        name
        role
        current
      }
    }
  }
`);

export const SwitchTeamMutation = graphql(`
  mutation SwitchTeam($teamId: ID!) {
    switchTeam(teamId: $teamId) {
      id
    }
  }
`);

/**
 * The teams of a user who belongs to more than one, to move to another: a sign-in lands in the
 * oldest, and a team joined later was out of reach once signed out. Nothing for a single team.
 */
export function TeamSwitcher() {
  const { data } = useQuery(MyTeamsQuery);
  const [mutate, { loading, called, error }] = useMutation(SwitchTeamMutation);
  const teams = data?.me?.teams ?? [];
  if (teams.length < 2) return null;
  const current = teams.find((t) => t.current);
  const onChange = async (teamId: string) => {
    try {
      await mutate({ variables: { teamId } });
    } catch (e) {
      reportErrors(e);
      return;
    }
    enterTeam();
  };
  return (
    <select
      className="input team-picker"
      aria-label="Switch team"
      value={current?.id ?? ''}
      // Stays busy while the page reloads.
      disabled={loading || (called && !error)}
      onChange={(e) => void onChange(e.target.value)}
    >
      {teams.map((t) => (
        // A name in Hebrew or Arabic reads right to left, its role after it.
        <option key={t.id} value={t.id} dir="auto">
          {t.name} ({t.role === 'ADMIN' ? 'Admin' : 'Member'})
        </option>
      ))}
    </select>
  );
}
