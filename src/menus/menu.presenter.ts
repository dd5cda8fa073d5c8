import { MenuRow } from './menu';

export type MenuJson = ReturnType<typeof presentMenu>;
export type MenuTreeNodeJson = MenuJson & { children: MenuTreeNodeJson[] };

// The Calls API's `menu_path`: the path from the root to the menu.
export interface MenuPath {
  items_count: number;
  name: string;
  materialized_path: string;
}

// A path as stored on the menu (`menus.path`, jsonb, which orders keys its
// own way), in the seed's key order.
export function presentMenuPath(path: MenuPath | null): MenuPath | null {
  return path === null ? null : { items_count: path.items_count, name: path.name, materialized_path: path.materialized_path };
}

export function presentMenu(menu: MenuRow) {
  return {
    id: Number(menu.id),
    name: menu.name,
    menu_type: menu.menu_type,
    parent_id: menu.parent_id === null ? null : Number(menu.parent_id),
    position: menu.position,
    state: menu.state,
    languages: menu.languages,
    output_msg: menu.output_msg,
    hidden: menu.hidden,
    offer_type: menu.offer_type,
    recording_option: menu.recording_option,
    business_hours: menu.business_hours,
    deleted: menu.deleted,
    // As CCAI nests them: who answers the menu's queue (voice calls, every
    // language, no queue levels: Switchboard routes by the assign event).
    agent_assignments: menu.agent_assignments.map((assignee) => ({ assignee, group_type: 'agent', channel_type: 'voice_call', queue_level: null, lang: null })),
    team_assignments: menu.team_assignments.map((team) => ({
      team: { ...team, agents_count: team.assignees.length },
      group_type: 'team',
      channel_type: 'voice_call',
      queue_level: null,
      lang: null,
    })),
    agents_count: menu.agents_count,
  };
}

// Nests menus under their parents, keeping the given order among siblings.
// A menu whose parent is not among them stands as a root.
export function presentMenuTree(menus: MenuRow[]): MenuTreeNodeJson[] {
  const nodes = new Map<string, MenuTreeNodeJson>(menus.map((menu) => [menu.id, { ...presentMenu(menu), children: [] }]));
  const roots: MenuTreeNodeJson[] = [];
  for (const menu of menus) {
    const node = nodes.get(menu.id)!;
    const parent = menu.parent_id === null ? undefined : nodes.get(menu.parent_id);
    (parent ? parent.children : roots).push(node);
  }
  return roots;
}
