import { TeamRow } from './team';

export type TeamJson = ReturnType<typeof presentTeam>;
export type TeamTreeNodeJson = ReturnType<typeof presentTeamNode> & { children: TeamTreeNodeJson[] };

export function presentTeam(team: TeamRow) {
  return {
    id: Number(team.id),
    name: team.name,
    parent_id: team.parent_id === null ? null : Number(team.parent_id),
    position: team.position,
    deleted: team.deleted,
    agents_count: team.assignees.length,
    assignees: team.assignees.map((a) => ({ ...a, id: Number(a.id) })),
  };
}

function presentTeamNode(team: TeamRow) {
  const { id, name, parent_id, position, deleted, agents_count } = presentTeam(team);
  return { id, name, parent_id, position, deleted, agents_count };
}

// The live teams nested under their parents (siblings by position, then id).
export function presentTeamTree(teams: TeamRow[]): TeamTreeNodeJson[] {
  const nodes = new Map<string, TeamTreeNodeJson>(teams.map((team) => [team.id, { ...presentTeamNode(team), children: [] }]));
  const roots: TeamTreeNodeJson[] = [];
  for (const team of teams) {
    const parent = team.parent_id === null ? undefined : nodes.get(team.parent_id);
    (parent ? parent.children : roots).push(nodes.get(team.id)!);
  }
  return roots;
}
