import { Injectable } from '@nestjs/common';
import { parseId } from '../common/ids';
import { Transaction } from '../database/transaction';
import { CreateTeamDto, UpdateTeamDto } from './dto/team.dto';
import { TeamRow } from './team';
import { teamError } from './team-errors';
import { TeamsRepository } from './teams.repository';

@Injectable()
export class TeamsService {
  constructor(private readonly teams: TeamsRepository) {}

  create(companyId: string, dto: CreateTeamDto): Promise<TeamRow> {
    return this.teams.transaction(async (tx) => {
      await this.teams.lockTree(companyId, tx);
      const parent = dto.parent_id == null ? null : await this.liveParent(tx, companyId, dto.parent_id);
      if (dto.agent_ids) await this.checkAgents(tx, companyId, dto.agent_ids);
      const id = await this.teams.insert(companyId, { name: dto.name, position: dto.position, parent_id: parent?.id ?? null }, tx);
      if (dto.agent_ids) await this.teams.setMembers(id, dto.agent_ids, tx);
      return (await this.teams.findById(companyId, id, tx))!;
    });
  }

  list(companyId: string, options: { includeDeleted: boolean; offset: number; limit: number }): Promise<[TeamRow[], number]> {
    return this.teams.list(companyId, options);
  }

  listLive(companyId: string): Promise<TeamRow[]> {
    return this.teams.listLive(companyId);
  }

  async get(companyId: string, id: string, on?: Transaction): Promise<TeamRow> {
    const teamId = parseId(id);
    const team = teamId && (await this.teams.findById(companyId, teamId, on));
    if (!team) throw teamError('notFound', id);
    return team;
  }

  update(companyId: string, id: string, dto: UpdateTeamDto): Promise<TeamRow> {
    return this.teams.transaction(async (tx) => {
      await this.teams.lockTree(companyId, tx);
      const team = await this.get(companyId, id, tx);
      if (team.deleted) throw teamError('deleted', id);
      let parentId: string | null | undefined;
      if (dto.parent_id != null) {
        const parent = await this.liveParent(tx, companyId, dto.parent_id);
        if (await this.teams.isSelfOrDescendant(companyId, team.id, parent.id, tx)) throw teamError('parentIsSelfOrDescendant', dto.parent_id);
        parentId = parent.id;
      } else if (dto.parent_id === null) {
        parentId = null;
      }
      if (dto.agent_ids) await this.checkAgents(tx, companyId, dto.agent_ids);
      await this.teams.update(companyId, team.id, { name: dto.name, position: dto.position, parent_id: parentId }, tx);
      if (dto.agent_ids) await this.teams.setMembers(team.id, dto.agent_ids, tx);
      return (await this.teams.findById(companyId, team.id, tx))!;
    });
  }

  delete(companyId: string, id: string): Promise<void> {
    return this.teams.transaction(async (tx) => {
      await this.teams.lockTree(companyId, tx);
      const team = await this.get(companyId, id, tx);
      if (team.deleted) return;
      if (await this.teams.hasLiveChildren(companyId, team.id, tx)) throw teamError('deleteWithChildren', id);
      await this.teams.markDeleted(companyId, team.id, tx);
    });
  }

  private async liveParent(tx: Transaction, companyId: string, parentId: number): Promise<TeamRow> {
    const parent = await this.teams.findById(companyId, String(parentId), tx);
    if (!parent || parent.deleted) throw teamError('parentNotFound', parentId);
    return parent;
  }

  private async checkAgents(tx: Transaction, companyId: string, agentIds: number[]): Promise<void> {
    const [missing] = await this.teams.missingAgents(companyId, agentIds, tx);
    if (missing !== undefined) throw teamError('agentNotFound', 'agent_ids', missing);
  }
}
