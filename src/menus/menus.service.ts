import { Injectable } from '@nestjs/common';
import { ApiError } from '../common/api-error';
import { parseId } from '../common/ids';
import { normalizeBusinessHours } from './business-hours';
import { CreateMenuDto, UpdateMenuDto } from './dto/menu.dto';
import { Menu, MENU_TYPES, MenuType } from './menu.entity';
import { MenuPath } from './menu.presenter';
import { MenusRepository } from './menus.repository';

export const MenuMessages = {
  notFound: (id: string) => `Menu ${id} is not found`,
  parentNotFound: (id: number | string) => `parent_id ${id} is not found`,
  parentIsSelfOrDescendant: (id: number | string) => `parent_id ${id} is this menu or one of its descendants: a menu cannot be its own ancestor`,
  menuTypeRequired: `menu_type must be one of ${MENU_TYPES.join(', ')}`,
  menuTypeDiffersFromParent: (parentType: MenuType) => `menu_type must be ${parentType}, the menu_type of its parent`,
  menuTypeChangeWithChildren: (id: string) => `Menu ${id} has live child menus: its menu_type cannot change (move or delete them first)`,
  deleteWithChildren: (id: string) => `Menu ${id} has live child menus: delete or move them first`,
  deleted: (id: string) => `Menu ${id} is deleted and cannot change`,
} as const;

export interface MenuListOptions {
  includeDeleted: boolean;
  offset: number;
  limit: number;
}

@Injectable()
export class MenusService {
  constructor(private readonly menus: MenusRepository) {}

  // A child takes its parent's menu_type; a root must name one.
  create(companyId: string, dto: CreateMenuDto): Promise<Menu> {
    return this.menus.transaction(async (tx) => {
      await tx.lockTree(companyId);
      let menuType = dto.menu_type;
      if (dto.parent_id != null) {
        const parent = await this.liveParent(tx, companyId, dto.parent_id);
        if (menuType !== undefined && menuType !== parent.menuType) throw ApiError.badRequest(MenuMessages.menuTypeDiffersFromParent(parent.menuType));
        menuType = parent.menuType;
      }
      if (menuType === undefined) throw ApiError.badRequest(MenuMessages.menuTypeRequired);
      return tx.insert({ companyId, ...toColumns(dto), menuType, parentId: dto.parent_id == null ? null : String(dto.parent_id) });
    });
  }

  list(companyId: string, options: MenuListOptions): Promise<[Menu[], number]> {
    return this.menus.list(companyId, options);
  }

  // The live menus, to nest (ordered by position, then id).
  listLive(companyId: string): Promise<Menu[]> {
    return this.menus.listLive(companyId);
  }

  // Any menu of the company, a deleted one too; else 404.
  async get(companyId: string, id: string): Promise<Menu> {
    const menuId = parseId(id);
    const menu = menuId && (await this.menus.findById(companyId, menuId));
    if (!menu) throw ApiError.notFound(MenuMessages.notFound(id));
    return menu;
  }

  update(companyId: string, id: string, dto: UpdateMenuDto): Promise<Menu> {
    return this.menus.transaction(async (tx) => {
      await tx.lockTree(companyId);
      const menu = await this.existing(tx, companyId, id);
      if (menu.deleted) throw ApiError.conflict(MenuMessages.deleted(id));

      const columns = toColumns(dto);
      let parent: Menu | null = null;
      if (dto.parent_id != null) {
        parent = await this.liveParent(tx, companyId, dto.parent_id);
        if (await tx.isSelfOrDescendant(companyId, menu.id, parent.id)) throw ApiError.badRequest(MenuMessages.parentIsSelfOrDescendant(dto.parent_id));
        columns.parentId = parent.id;
      } else if (dto.parent_id === null) {
        columns.parentId = null;
      } else if (menu.parentId !== null) {
        parent = await tx.findById(companyId, menu.parentId);
      }

      // Moved under a new parent without a menu_type: it takes the parent's.
      const menuType = dto.menu_type ?? (dto.parent_id != null && parent ? parent.menuType : menu.menuType);
      if (parent && menuType !== parent.menuType) throw ApiError.badRequest(MenuMessages.menuTypeDiffersFromParent(parent.menuType));
      if (menuType !== menu.menuType) {
        if (await tx.hasLiveChildren(companyId, menu.id)) throw ApiError.conflict(MenuMessages.menuTypeChangeWithChildren(id));
        columns.menuType = menuType;
      }

      await tx.update(companyId, menu.id, columns);
      return (await tx.findById(companyId, menu.id))!;
    });
  }

  // Soft delete: calls keep pointing at the menu. Refused while live
  // children hang under it; deleting a deleted menu is a no-op.
  async delete(companyId: string, id: string): Promise<void> {
    await this.menus.transaction(async (tx) => {
      await tx.lockTree(companyId);
      const menu = await this.existing(tx, companyId, id);
      if (menu.deleted) return;
      if (await tx.hasLiveChildren(companyId, menu.id)) throw ApiError.conflict(MenuMessages.deleteWithChildren(id));
      await tx.markDeleted(companyId, menu.id);
    });
  }

  // For the Calls API: a menu of the company by id (deleted ones too), or null.
  findById(companyId: string, id: string): Promise<Menu | null> {
    const menuId = parseId(id);
    return menuId ? this.menus.findById(companyId, menuId) : Promise.resolve(null);
  }

  // For the Calls API: a live (not deleted) menu of the company, or null.
  findLive(companyId: string, id: string): Promise<Menu | null> {
    const menuId = parseId(id);
    return menuId ? this.menus.findLive(companyId, menuId) : Promise.resolve(null);
  }

  // For the Calls API: `menu_path` of a menu (root first); null when the
  // menu is not the company's.
  async menuPath(companyId: string, id: string): Promise<MenuPath | null> {
    const menuId = parseId(id);
    return menuId ? this.menus.pathOf(companyId, menuId) : null;
  }

  // For the Calls API: whether no live menu has this one as parent.
  isLeaf(companyId: string, id: string): Promise<boolean> {
    const menuId = parseId(id);
    return menuId ? this.menus.isLeaf(companyId, menuId) : Promise.resolve(true);
  }

  private async existing(tx: MenusRepository, companyId: string, id: string): Promise<Menu> {
    const menuId = parseId(id);
    const menu = menuId && (await tx.findById(companyId, menuId));
    if (!menu) throw ApiError.notFound(MenuMessages.notFound(id));
    return menu;
  }

  private async liveParent(tx: MenusRepository, companyId: string, parentId: number): Promise<Menu> {
    const id = parseId(String(parentId));
    const parent = id && (await tx.findLive(companyId, id));
    if (!parent) throw ApiError.badRequest(MenuMessages.parentNotFound(parentId));
    return parent;
  }
}

// The plain columns of a create or update body (parent and type are the
// service's to decide).
function toColumns(dto: UpdateMenuDto): Partial<Menu> {
  const columns: Partial<Menu> = {};
  if (dto.name !== undefined) columns.name = dto.name;
  if (dto.position !== undefined) columns.position = dto.position;
  if (dto.state !== undefined) columns.state = dto.state;
  if (dto.languages !== undefined) columns.languages = [...new Set(dto.languages)];
  if (dto.output_msg !== undefined) columns.outputMsg = dto.output_msg;
  if (dto.hidden !== undefined) columns.hidden = dto.hidden;
  if (dto.offer_type !== undefined) columns.offerType = dto.offer_type;
  if (dto.recording_option !== undefined) columns.recordingOption = dto.recording_option;
  if (dto.business_hours !== undefined) columns.businessHours = dto.business_hours === null ? null : normalizeBusinessHours(dto.business_hours);
  return columns;
}
