import { Injectable } from '@nestjs/common';
import { isUniqueViolation } from '../common/database-errors';
import { parseId } from '../common/ids';
import { CreateUserStatusDto, UpdateUserStatusDto } from './dto/user-status.dto';
import { UserStatusColumns, UserStatusRow } from './user-status';
import { userStatusError } from './user-status-errors';
import { UserStatusesRepository } from './user-statuses.repository';

@Injectable()
export class UserStatusesService {
  constructor(private readonly statuses: UserStatusesRepository) {}

  async create(companyId: string, dto: CreateUserStatusDto): Promise<UserStatusRow> {
    try {
      return await this.statuses.insert(companyId, { ...toColumns(dto), availability: dto.availability ?? 'away' });
    } catch (error) {
      if (isUniqueViolation(error)) throw userStatusError('nameTaken', dto.name);
      throw error;
    }
  }

  list(companyId: string, offset: number, limit: number): Promise<[UserStatusRow[], number]> {
    return this.statuses.list(companyId, offset, limit);
  }

  async get(companyId: string, id: string): Promise<UserStatusRow> {
    const statusId = parseId(id);
    const status = statusId && (await this.statuses.findLive(companyId, statusId));
    if (!status) throw userStatusError('notFound', id);
    return status;
  }

  async update(companyId: string, id: string, dto: UpdateUserStatusDto): Promise<UserStatusRow> {
    const status = await this.get(companyId, id);
    if (status.built_in && dto.availability !== undefined && dto.availability !== status.availability) throw userStatusError('builtInAvailability');
    try {
      return (await this.statuses.update(companyId, status.id, { ...toColumns(dto), availability: status.built_in ? undefined : dto.availability }))!;
    } catch (error) {
      if (isUniqueViolation(error)) throw userStatusError('nameTaken', dto.name ?? '');
      throw error;
    }
  }

  async delete(companyId: string, id: string): Promise<void> {
    const status = await this.get(companyId, id);
    if (status.built_in) throw userStatusError('builtInDelete', id);
    await this.statuses.delete(companyId, status.id);
  }
}

function toColumns(dto: UpdateUserStatusDto): UserStatusColumns {
  return { name: dto.name, color: dto.color?.toLowerCase(), wfm_id: dto.wfm_id };
}
