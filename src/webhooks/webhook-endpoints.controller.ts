import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBasicAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CompanyAuthGuard, CurrentCompany } from '../companies/company-auth.guard';
import type { AuthenticatedCompany } from '../companies/company-auth.guard';
import { parseIdOrderedPage } from '../common/list-query';
import { parsePage, setPagingHeaders } from '../common/paging';
import { ApiErrors, ApiPagedList, SecretResponse, WebhookDeliveryResponse } from '../http/openapi';
import { CreateWebhookEndpointDto, UpdateWebhookEndpointDto, WebhookEndpointResponse } from './dto/webhook-endpoint.dto';
import { presentDelivery, presentEndpoint } from './webhook-endpoint';
import { WebhookEndpointsService } from './webhook-endpoints.service';

@ApiTags('manager: webhooks')
@ApiBasicAuth()
@UseGuards(CompanyAuthGuard)
@Controller('manager/api/v1/webhooks')
export class WebhookEndpointsController {
  constructor(private readonly webhooks: WebhookEndpointsService) {}

  @Post()
  @ApiCreatedResponse({ type: WebhookEndpointResponse, description: 'The secret is shown here and on rotation only' })
  @ApiErrors(400, 401)
  async create(@CurrentCompany() company: AuthenticatedCompany, @Body() body: CreateWebhookEndpointDto) {
    return presentEndpoint(await this.webhooks.create(company.id, body), true);
  }

  @Get()
  @ApiPagedList(WebhookEndpointResponse, { description: 'By id', idOrdered: true })
  async list(@CurrentCompany() company: AuthenticatedCompany, @Query() query: Record<string, unknown>, @Req() req: FastifyRequest, @Res({ passthrough: true }) res: FastifyReply) {
    const page = parseIdOrderedPage(query);
    const [endpoints, total] = await this.webhooks.list(company.id, page.offset, page.per);
    setPagingHeaders(req, res, page, total);
    return endpoints.map((e) => presentEndpoint(e));
  }

  @Get(':id')
  @ApiOkResponse({ type: WebhookEndpointResponse })
  @ApiErrors(401, 404)
  async get(@CurrentCompany() company: AuthenticatedCompany, @Param('id') id: string) {
    return presentEndpoint(await this.webhooks.get(company.id, id));
  }

  @Patch(':id')
  @ApiOkResponse({ type: WebhookEndpointResponse })
  @ApiErrors(400, 401, 404)
  async update(@CurrentCompany() company: AuthenticatedCompany, @Param('id') id: string, @Body() body: UpdateWebhookEndpointDto) {
    return presentEndpoint(await this.webhooks.update(company.id, id, body));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiErrors(401, 404)
  async delete(@CurrentCompany() company: AuthenticatedCompany, @Param('id') id: string): Promise<void> {
    await this.webhooks.delete(company.id, id);
  }

  @Post(':id/rotate_secret')
  @HttpCode(200)
  @ApiOkResponse({ type: SecretResponse, description: 'The new secret; the old one keeps signing for 24 hours' })
  @ApiErrors(401, 404)
  async rotateSecret(@CurrentCompany() company: AuthenticatedCompany, @Param('id') id: string) {
    return { secret: await this.webhooks.rotateSecret(company.id, id) };
  }

  @Get(':id/deliveries')
  @ApiQuery({ name: 'status', required: false, enum: ['pending', 'succeeded', 'failed'] })
  @ApiPagedList(WebhookDeliveryResponse, { description: 'Newest first, each with its attempts' })
  @ApiErrors(404)
  async deliveries(
    @CurrentCompany() company: AuthenticatedCompany,
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) res: FastifyReply,
  ) {
    const page = parsePage(query);
    const [deliveries, total] = await this.webhooks.deliveries(company.id, id, query.status, page.offset, page.per);
    setPagingHeaders(req, res, page, total);
    return deliveries.map(presentDelivery);
  }

  @Post(':id/deliveries/:deliveryId/retry')
  @HttpCode(202)
  @ApiAcceptedResponse({ description: 'One more attempt now' })
  @ApiErrors(401, 404)
  async retry(@CurrentCompany() company: AuthenticatedCompany, @Param('id') id: string, @Param('deliveryId') deliveryId: string): Promise<void> {
    await this.webhooks.retryDelivery(company.id, id, deliveryId);
  }
}
