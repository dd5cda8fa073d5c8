import { Injectable } from '@nestjs/common';
import { Database } from '../../database/database';
import { SIMULATOR_RULE_COLUMNS, SimulatorRule } from './simulator-rule';
import type { SimulatorRuleColumns } from './simulator-rule.request';

// All SQL on simulator rules; always within the company and the provider.
@Injectable()
export class SimulatorRulesRepository {
  constructor(private readonly db: Database) {}

  async insert(companyId: string, providerId: string, rule: SimulatorRuleColumns): Promise<SimulatorRule> {
    const [row] = await this.db.query<SimulatorRule>(
      `INSERT INTO simulator_rules (company_id, provider_id, number, prefix, outcome, ring_ms, dtmf, hangup_after_ms, faults)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${SIMULATOR_RULE_COLUMNS}`,
      [companyId, providerId, rule.number, rule.prefix, rule.outcome, rule.ring_ms, JSON.stringify(rule.dtmf), rule.hangup_after_ms, JSON.stringify(rule.faults)],
    );
    return row;
  }

  list(companyId: string, providerId: string): Promise<SimulatorRule[]> {
    return this.db.query<SimulatorRule>(`SELECT ${SIMULATOR_RULE_COLUMNS} FROM simulator_rules WHERE company_id = $1 AND provider_id = $2 ORDER BY id`, [companyId, providerId]);
  }

  // The simulator's read when it places a leg: the provider's rules that match the number.
  forNumber(providerId: string, number: string): Promise<SimulatorRule[]> {
    return this.db.query<SimulatorRule>(
      `SELECT ${SIMULATOR_RULE_COLUMNS} FROM simulator_rules WHERE provider_id = $1 AND (number = $2 OR starts_with($2, prefix)) ORDER BY id`,
      [providerId, number],
    );
  }

  async find(companyId: string, providerId: string, id: string): Promise<SimulatorRule | null> {
    const [row] = await this.db.query<SimulatorRule>(`SELECT ${SIMULATOR_RULE_COLUMNS} FROM simulator_rules WHERE company_id = $1 AND provider_id = $2 AND id = $3`, [companyId, providerId, id]);
    return row ?? null;
  }

  async delete(companyId: string, providerId: string, id: string): Promise<boolean> {
    const rows = await this.db.query(`DELETE FROM simulator_rules WHERE company_id = $1 AND provider_id = $2 AND id = $3 RETURNING id`, [companyId, providerId, id]);
    return rows.length > 0;
  }
}
