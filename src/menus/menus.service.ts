import { Injectable } from '@nestjs/common';
import { parseId } from '../common/ids';
import { Transaction } from '../database/transaction';
import { normalizeBusinessHours } from './business-hours';
import { CreateMenuDto, UpdateMenuDto } from './dto/menu.dto';
import { menuError } from './menu-errors';
import { MenuColumns, MenuRow } from './menu';
import { MenusRepository } from './menus.repository';

export interface MenuListOptions {
  includeDeleted: boolean;
  offset: number;
  limit: number;
}

@Injectable()
export class MenusService {
  constructor(private readonly menus: MenusRepository) {}

  // A child takes its parent's menu_type; a root must name one.
  create(companyId: string, dto: CreateMenuDto): Promise<MenuRow> {
    return this.menus.transaction(async (tx) => {
      await this.menus.lockTree(companyId, tx);
      let menuType = dto.menu_type;
      if (dto.parent_id != null) {
        const parent = await this.liveParent(tx, companyId, dto.parent_id);
        if (menuType !== undefined && menuType !== parent.menu_type) throw menuError('menuTypeDiffersFromParent', parent.menu_type);
        menuType = parent.menu_type;
      }
      if (menuType === undefined) throw menuError('menuTypeRequired');
      await this.checkAssignments(tx, companyId, dto);
      const menu = await this.menus.insert(companyId, { ...toColumns(dto), menu_type: menuType, parent_id: dto.parent_id == null ? null : String(dto.parent_id) }, tx);
      return this.assign(tx, companyId, menu, dto);
    });
  }

  list(companyId: string, options: MenuListOptions): Promise<[MenuRow[], number]> {
    return this.menus.list(companyId, options);
  }

  // The live menus, to nest (ordered by position, then id).
  listLive(companyId: string): Promise<MenuRow[]> {
    return this.menus.listLive(companyId);
  }

  // Any menu of the company, a deleted one too; else 404.
  async get(companyId: string, id: string): Promise<MenuRow> {
    const menuId = parseId(id);
    const menu = menuId && (await this.menus.findById(companyId, menuId));
    if (!menu) throw menuError('notFound', id);
    return menu;
  }

  update(companyId: string, id: string, dto: UpdateMenuDto): Promise<MenuRow> {
    return this.menus.transaction(async (tx) => {
      await this.menus.lockTree(companyId, tx);
      const menu = await this.existing(tx, companyId, id);
      if (menu.deleted) throw menuError('deleted', id);

      const columns = toColumns(dto);
      let parent: MenuRow | null = null;
      if (dto.parent_id != null) {
        parent = await this.liveParent(tx, companyId, dto.parent_id);
        if (await this.menus.isSelfOrDescendant(companyId, menu.id, parent.id, tx)) throw menuError('parentIsSelfOrDescendant', dto.parent_id);
        columns.parent_id = parent.id;
      } else if (dto.parent_id === null) {
        columns.parent_id = null;
      } else if (menu.parent_id !== null) {
        parent = await this.menus.findById(companyId, menu.parent_id, tx);
      }

      // Moved under a new parent without a menu_type: it takes the parent's.
      const menuType = dto.menu_type ?? (dto.parent_id != null && parent ? parent.menu_type : menu.menu_type);
      if (parent && menuType !== parent.menu_type) throw menuError('menuTypeDiffersFromParent', parent.menu_type);
      if (menuType !== menu.menu_type) {
        if (await this.menus.hasLiveChildren(companyId, menu.id, tx)) throw menuError('menuTypeChangeWithChildren', id);
        columns.menu_type = menuType;
      }

      await this.checkAssignments(tx, companyId, dto);
      return this.assign(tx, companyId, (await this.menus.update(companyId, menu.id, columns, tx))!, dto);
    });
  }

  // Soft delete: calls keep pointing at the menu. Refused while live
  // children hang under it; deleting a deleted menu is a no-op.
  async delete(companyId: string, id: string): Promise<void> {
    await this.menus.transaction(async (tx) => {
      await this.menus.lockTree(companyId, tx);
      const menu = await this.existing(tx, companyId, id);
      if (menu.deleted) return;
      if (await this.menus.hasLiveChildren(companyId, menu.id, tx)) throw menuError('deleteWithChildren', id);
      await this.menus.markDeleted(companyId, menu.id, tx);
    });
  }

  // agent_ids / team_ids: agents and (live) teams of the company.
  private async checkAssignments(tx: Transaction, companyId: string, dto: UpdateMenuDto): Promise<void> {
    if (dto.agent_ids) {
      const [missing] = await this.menus.missingAgents(companyId, dto.agent_ids, tx);
      if (missing !== undefined) throw menuError('assignedAgentNotFound', missing);
    }
    if (dto.team_ids) {
      const [missing] = await this.menus.missingTeams(companyId, dto.team_ids, tx);
      if (missing !== undefined) throw menuError('assignedTeamNotFound', missing);
    }
  }

  // Replaces the assignments given, and reads the menu again when it did.
  private async assign(tx: Transaction, companyId: string, menu: MenuRow, dto: UpdateMenuDto): Promise<MenuRow> {
    if (!dto.agent_ids && !dto.team_ids) return menu;
    if (dto.agent_ids) await this.menus.setAgents(menu.id, dto.agent_ids, tx);
    if (dto.team_ids) await this.menus.setTeams(menu.id, dto.team_ids, tx);
    return (await this.menus.findById(companyId, menu.id, tx))!;
  }

  private async existing(tx: Transaction, companyId: string, id: string): Promise<MenuRow> {
    const menuId = parseId(id);
    const menu = menuId && (await this.menus.findById(companyId, menuId, tx));
    if (!menu) throw menuError('notFound', id);
    return menu;
  }

  private async liveParent(tx: Transaction, companyId: string, parentId: number): Promise<MenuRow> {
    const id = parseId(String(parentId));
    const parent = id && (await this.menus.findLive(companyId, id, tx));
    if (!parent) throw menuError('parentNotFound', parentId);
    return parent;
  }
}

// The plain columns of a create or update body (parent and type are the
// service's to decide).
function toColumns(dto: UpdateMenuDto): MenuColumns {
  return {
    name: dto.name,
    position: dto.position,
    state: dto.state,
    languages: dto.languages === undefined ? undefined : [...new Set(dto.languages)],
    output_msg: dto.output_msg,
    hidden: dto.hidden,
    offer_type: dto.offer_type,
    recording_option: dto.recording_option,
    business_hours: dto.business_hours === undefined ? undefined : dto.business_hours === null ? null : normalizeBusinessHours(dto.business_hours),
  };
}
