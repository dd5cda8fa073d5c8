import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBasicAuth, ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { parseId } from '../../common/ids';
import { parsePage, setPagingHeaders } from '../../common/paging';
import { ApiErrors, ApiPagedList } from '../../http/openapi';
import { CompanyAuthGuard, CurrentCompany } from '../../companies/company-auth.guard';
import type { AuthenticatedCompany } from '../../companies/company-auth.guard';
import { presentSimulatorRule } from '../simulator/simulator-rule';
import { parseSimulatorRule } from '../simulator/simulator-rule.request';
import { SimulatorRulesRepository } from '../simulator/simulator-rules.repository';
import { voiceProviderError } from './voice-provider-errors';
import { presentVoiceProvider } from './voice-provider.presenter';
import { SimulatorRuleResponse, VoiceProviderResponse } from './voice-provider.response';
import { VoiceProvidersService } from './voice-providers.service';

const EXAMPLE = {
  name: 'carrier-a',
  kind: 'sip',
  priority: 1,
  sip: { uri: 'sip:trunk.example.net:5060', username: 'acme', password: 'secret', from_user: '+13392195276' },
  calls_per_second: 10,
  max_concurrent_calls: 50,
  enabled: true,
};

@ApiTags('manager: voice providers')
@ApiBasicAuth()
@UseGuards(CompanyAuthGuard)
@Controller('manager/api/v1/voice_providers')
export class VoiceProvidersController {
  constructor(
    private readonly providers: VoiceProvidersService,
    private readonly rules: SimulatorRulesRepository,
  ) {}

  @Post()
  @ApiBody({ schema: { type: 'object', example: EXAMPLE } })
  @ApiCreatedResponse({ type: VoiceProviderResponse })
  @ApiErrors(400, 401)
  async create(@CurrentCompany() company: AuthenticatedCompany, @Body() body: unknown) {
    return presentVoiceProvider(await this.providers.create(company.id, body));
  }

  @Get()
  @ApiPagedList(VoiceProviderResponse, { description: 'By priority, then id' })
  async list(@CurrentCompany() company: AuthenticatedCompany, @Query() query: Record<string, unknown>, @Req() req: FastifyRequest, @Res({ passthrough: true }) res: FastifyReply) {
    const page = parsePage(query);
    const [providers, total] = await this.providers.list(company.id, page.offset, page.per);
    setPagingHeaders(req, res, page, total);
    return providers.map(presentVoiceProvider);
  }

  @Get(':id')
  @ApiOkResponse({ type: VoiceProviderResponse })
  @ApiErrors(401, 404)
  async get(@CurrentCompany() company: AuthenticatedCompany, @Param('id') id: string) {
    return presentVoiceProvider(await this.providers.get(company.id, id));
  }

  @Patch(':id')
  @ApiBody({ schema: { type: 'object', example: { priority: 2, enabled: false } } })
  @ApiOkResponse({ type: VoiceProviderResponse })
  @ApiErrors(400, 401, 404)
  async update(@CurrentCompany() company: AuthenticatedCompany, @Param('id') id: string, @Body() body: unknown) {
    return presentVoiceProvider(await this.providers.update(company.id, id, body));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(401, 404)
  async delete(@CurrentCompany() company: AuthenticatedCompany, @Param('id') id: string): Promise<void> {
    await this.providers.delete(company.id, id);
  }

  @Post(':id/simulator_rules')
  @ApiBody({ schema: { type: 'object', example: { prefix: '+1859', outcome: 'answer', ring_ms: 500, dtmf: [{ after_ms: 1200, digits: '1' }], hangup_after_ms: 5000 } } })
  @ApiCreatedResponse({ type: SimulatorRuleResponse })
  @ApiErrors(400, 401, 404)
  async addRule(@CurrentCompany() company: AuthenticatedCompany, @Param('id') id: string, @Body() body: unknown) {
    const provider = await this.simulator(company.id, id);
    return presentSimulatorRule(await this.rules.insert(company.id, provider, parseSimulatorRule(body)));
  }

  @Get(':id/simulator_rules')
  @ApiOkResponse({ type: [SimulatorRuleResponse], description: "The provider's rules, oldest first" })
  @ApiErrors(400, 401, 404)
  async listRules(@CurrentCompany() company: AuthenticatedCompany, @Param('id') id: string) {
    const provider = await this.simulator(company.id, id);
    return (await this.rules.list(company.id, provider)).map(presentSimulatorRule);
  }

  @Get(':id/simulator_rules/:ruleId')
  @ApiOkResponse({ type: SimulatorRuleResponse })
  @ApiErrors(400, 401, 404)
  async getRule(@CurrentCompany() company: AuthenticatedCompany, @Param('id') id: string, @Param('ruleId') ruleId: string) {
    const provider = await this.simulator(company.id, id);
    const rule = parseId(ruleId) && (await this.rules.find(company.id, provider, ruleId));
    if (!rule) throw voiceProviderError('ruleNotFound', ruleId);
    return presentSimulatorRule(rule);
  }

  @Delete(':id/simulator_rules/:ruleId')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(400, 401, 404)
  async deleteRule(@CurrentCompany() company: AuthenticatedCompany, @Param('id') id: string, @Param('ruleId') ruleId: string): Promise<void> {
    const provider = await this.simulator(company.id, id);
    if (!parseId(ruleId) || !(await this.rules.delete(company.id, provider, ruleId))) throw voiceProviderError('ruleNotFound', ruleId);
  }

  private async simulator(companyId: string, id: string): Promise<string> {
    const provider = await this.providers.get(companyId, id);
    if (provider.kind !== 'simulator') throw voiceProviderError('notSimulator', id);
    return provider.id;
  }
}
