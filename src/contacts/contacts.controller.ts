import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBasicAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { parseIdOrderedPage } from '../common/list-query';
import { setPagingHeaders } from '../common/paging';
import { ApiErrors, ApiPagedList } from '../http/openapi';
import { requestError } from '../common/request-errors';
import { CompanyAuthGuard, CurrentCompany } from '../companies/company-auth.guard';
import type { AuthenticatedCompany } from '../companies/company-auth.guard';
import { presentContact } from './contact.presenter';
import { ContactsService } from './contacts.service';
import { ContactResponse, CreateContactDto, UpdateContactDto } from './dto/contact.dto';

@ApiTags('manager: contacts')
@ApiBasicAuth()
@UseGuards(CompanyAuthGuard)
@Controller('manager/api/v1/contacts')
export class ContactsController {
  constructor(private readonly contacts: ContactsService) {}

  @Post()
  @ApiCreatedResponse({ type: ContactResponse })
  @ApiErrors(400, 401, 409)
  async create(@CurrentCompany() company: AuthenticatedCompany, @Body() body: CreateContactDto) {
    return presentContact(await this.contacts.create(company.id, body));
  }

  @Get()
  @ApiPagedList(ContactResponse, { description: 'By id', idOrdered: true })
  @ApiQuery({ name: 'ticket_id', required: false, type: String, description: 'Only the contact with this ticket_id' })
  async list(@CurrentCompany() company: AuthenticatedCompany, @Query() query: Record<string, unknown>, @Req() req: FastifyRequest, @Res({ passthrough: true }) res: FastifyReply) {
    const page = parseIdOrderedPage(query);
    const [contacts, total] = await this.contacts.list(company.id, { ticketId: parseTicketFilter(query.ticket_id), offset: page.offset, limit: page.per });
    setPagingHeaders(req, res, page, total);
    return contacts.map(presentContact);
  }

  @Get(':id')
  @ApiOkResponse({ type: ContactResponse })
  @ApiErrors(401, 404)
  async get(@CurrentCompany() company: AuthenticatedCompany, @Param('id') id: string) {
    return presentContact(await this.contacts.get(company.id, id));
  }

  @Patch(':id')
  @ApiOkResponse({ type: ContactResponse })
  @ApiErrors(400, 401, 404, 409)
  async update(@CurrentCompany() company: AuthenticatedCompany, @Param('id') id: string, @Body() body: UpdateContactDto) {
    return presentContact(await this.contacts.update(company.id, id, body));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiErrors(401, 404, 409)
  async delete(@CurrentCompany() company: AuthenticatedCompany, @Param('id') id: string): Promise<void> {
    await this.contacts.delete(company.id, id);
  }
}

function parseTicketFilter(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') throw requestError('ticketIdFilterNotWellFormed');
  return value;
}
