import { Controller, Get, Param, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBasicAuth, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { parseListQuery } from '../common/list-query';
import { setPagingHeaders } from '../common/paging';
import { CompanyAuthGuard } from '../companies/company-auth.guard';
import { ApiErrors, ApiPagedList } from '../http/openapi';
import { chatError } from './chat-errors';

export class ChatResponse {
  @ApiProperty() id: number;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
}

const SPEC = { sortColumns: ['created_at', 'updated_at', 'id'], defaultSort: 'created_at', timeRanges: ['created_at', 'updated_at'] } as const;

// Switchboard has no chats. Pipelines that read every CCAI stream still ask:
// they get a correct empty list, its parameters checked as every list's.
@ApiTags('manager: chats')
@ApiBasicAuth()
@UseGuards(CompanyAuthGuard)
@Controller('manager/api/v1/chats')
export class ChatsController {
  @Get()
  @ApiPagedList(ChatResponse, { description: 'Always empty: Switchboard has no chats', ...SPEC })
  list(@Query() query: Record<string, unknown>, @Req() req: FastifyRequest, @Res({ passthrough: true }) res: FastifyReply): never[] {
    const { page } = parseListQuery(query, SPEC);
    setPagingHeaders(req, res, page, 0);
    return [];
  }

  @Get(':id')
  @ApiOkResponse({ type: ChatResponse, description: 'Never answered: Switchboard has no chats, so every id is 404' })
  @ApiErrors(401, 404)
  get(@Param('id') id: string): never {
    throw chatError('notFound', id);
  }
}
