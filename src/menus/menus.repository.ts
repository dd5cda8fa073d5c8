import { Injectable } from '@nestjs/common';
import { InjectEntityManager } from '@nestjs/typeorm';
import { EntityManager } from 'typeorm';
import { Menu } from './menu.entity';
import { MenuPath, presentMenuPath } from './menu.presenter';

// All SQL on menus. An instance is bound to an EntityManager: the injected
// one, or a transaction's through `transaction()`.
@Injectable()
export class MenusRepository {
  constructor(@InjectEntityManager() private readonly manager: EntityManager) {}

  transaction<T>(work: (tx: MenusRepository) => Promise<T>): Promise<T> {
    return this.manager.transaction((manager) => work(new MenusRepository(manager)));
  }

  // Serialises changes to one company's menu tree (create, re-parent, type
  // change, delete) until the transaction ends, so that no concurrent pair of
  // them can make a cycle, a child under a deleted parent, or a child whose
  // menu_type differs from its parent's.
  async lockTree(companyId: string): Promise<void> {
    await this.manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`menus:${companyId}`]);
  }

  // Any menu of the company, deleted ones included.
  findById(companyId: string, id: string): Promise<Menu | null> {
    return this.manager.findOneBy(Menu, { companyId, id });
  }

  findLive(companyId: string, id: string): Promise<Menu | null> {
    return this.manager.findOneBy(Menu, { companyId, id, deleted: false });
  }

  list(companyId: string, options: { includeDeleted: boolean; offset: number; limit: number }): Promise<[Menu[], number]> {
    return this.manager.findAndCount(Menu, {
      where: options.includeDeleted ? { companyId } : { companyId, deleted: false },
      order: { id: 'ASC' },
      skip: options.offset,
      take: options.limit,
    });
  }

  // Every live menu of the company, in tree order within a parent.
  listLive(companyId: string): Promise<Menu[]> {
    return this.manager.find(Menu, { where: { companyId, deleted: false }, order: { position: 'ASC', id: 'ASC' } });
  }

  // The menu's path from the root, as stored on it (deleted menus keep
  // their place: a call's path is history). Null when the menu is not the
  // company's.
  async pathOf(companyId: string, id: string): Promise<MenuPath | null> {
    const [row] = await this.manager.query(`SELECT path FROM menus WHERE company_id = $1 AND id = $2`, [companyId, id]);
    return row ? presentMenuPath(row.path as MenuPath) : null;
  }

  // Whether `candidate` is `id` itself or one of its descendants.
  async isSelfOrDescendant(companyId: string, id: string, candidate: string): Promise<boolean> {
    const rows: unknown[] = await this.manager.query(
      `WITH RECURSIVE up (id, parent_id) AS (
         SELECT id, parent_id FROM menus WHERE company_id = $1 AND id = $3
         UNION
         SELECT m.id, m.parent_id FROM menus m JOIN up ON m.id = up.parent_id WHERE m.company_id = $1
       )
       SELECT 1 FROM up WHERE id = $2 LIMIT 1`,
      [companyId, id, candidate],
    );
    return rows.length > 0;
  }

  async hasLiveChildren(companyId: string, id: string): Promise<boolean> {
    return this.manager.exists(Menu, { where: { companyId, parentId: id, deleted: false } });
  }

  // A leaf: no live menu has it as parent.
  async isLeaf(companyId: string, id: string): Promise<boolean> {
    return !(await this.hasLiveChildren(companyId, id));
  }

  insert(values: Partial<Menu>): Promise<Menu> {
    return this.manager.save(this.manager.create(Menu, values));
  }

  async update(companyId: string, id: string, values: Partial<Menu>): Promise<void> {
    if (Object.keys(values).length > 0) await this.manager.update(Menu, { companyId, id }, values);
  }

  async markDeleted(companyId: string, id: string): Promise<void> {
    await this.manager.update(Menu, { companyId, id }, { deleted: true });
  }
}
