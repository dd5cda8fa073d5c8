import { DomainError, errorFactory } from '../common/domain-error';
import { MENU_TYPES } from './menu';
import type { MenuType } from './menu';

export const MenuMessages = {
  notFound: (id: string) => `Menu ${id} is not found`,
  parentNotFound: (id: number | string) => `parent_id ${id} is not found`,
  parentIsSelfOrDescendant: (id: number | string) => `parent_id ${id} is this menu or one of its descendants: a menu cannot be its own ancestor`,
  menuTypeRequired: `menu_type must be one of ${MENU_TYPES.join(', ')}`,
  menuTypeDiffersFromParent: (parentType: MenuType) => `menu_type must be ${parentType}, the menu_type of its parent`,
  menuTypeChangeWithChildren: (id: string) => `Menu ${id} has live child menus: its menu_type cannot change (move or delete them first)`,
  deleteWithChildren: (id: string) => `Menu ${id} has live child menus: delete or move them first`,
  deleted: (id: string) => `Menu ${id} is deleted and cannot change`,
  assignedAgentNotFound: (id: number) => `agent_ids: agent ${id} is not found`,
  assignedTeamNotFound: (id: number) => `team_ids: team ${id} is not found`,
} as const;

export enum MenuErrorCode {
  notFound = 'menu_not_found',
  parentNotFound = 'menu_parent_not_found',
  parentIsSelfOrDescendant = 'menu_parent_is_self_or_descendant',
  menuTypeRequired = 'menu_type_required',
  menuTypeDiffersFromParent = 'menu_type_differs_from_parent',
  menuTypeChangeWithChildren = 'menu_type_change_with_children',
  deleteWithChildren = 'menu_delete_with_children',
  deleted = 'menu_deleted',
  assignedAgentNotFound = 'menu_assigned_agent_not_found',
  assignedTeamNotFound = 'menu_assigned_team_not_found',
}

export class MenuError extends DomainError<MenuErrorCode> {}

export const menuError = errorFactory(MenuError, MenuErrorCode, MenuMessages);
