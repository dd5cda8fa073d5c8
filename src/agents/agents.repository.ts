import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Agent } from './agent.entity';

@Injectable()
export class AgentsRepository {
  constructor(@InjectRepository(Agent) private readonly agents: Repository<Agent>) {}

  findById(companyId: string, id: string): Promise<Agent | null> {
    return this.agents.findOneBy({ companyId, id });
  }

  findByEmail(companyId: string, email: string): Promise<Agent | null> {
    return this.agents.createQueryBuilder('a').where('a.company_id = :companyId AND lower(a.email) = lower(:email)', { companyId, email }).getOne();
  }

  list(companyId: string, offset: number, limit: number): Promise<[Agent[], number]> {
    return this.agents.findAndCount({ where: { companyId }, order: { id: 'ASC' }, skip: offset, take: limit });
  }

  insert(values: Partial<Agent>): Promise<Agent> {
    return this.agents.save(this.agents.create(values));
  }

  async update(companyId: string, id: string, values: Partial<Agent>): Promise<Agent | null> {
    if (Object.keys(values).length > 0) await this.agents.update({ companyId, id }, values);
    return this.findById(companyId, id);
  }
}
