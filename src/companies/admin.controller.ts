import { Body, Controller, Delete, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import { AdminGuard } from './admin.guard';
import { CompaniesService } from './companies.service';
import { CreateCompanyDto } from './dto/create-company.dto';
import { ApiErrors, CompanyCreatedResponse, TokenCreatedResponse } from '../http/openapi';

@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AdminGuard)
@Controller('admin/companies')
export class AdminController {
  constructor(private readonly companies: CompaniesService) {}

  @Post()
  @ApiCreatedResponse({ type: CompanyCreatedResponse })
  @ApiErrors(400, 401, 404, 409)
  create(@Body() body: CreateCompanyDto) {
    return this.companies.createCompany(body.key, body.name);
  }

  @Post(':key/tokens')
  @ApiCreatedResponse({ type: TokenCreatedResponse })
  @ApiErrors(401, 404)
  createToken(@Param('key') key: string) {
    return this.companies.createToken(key);
  }

  @Delete(':key/tokens/:id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The token stops working at once' })
  @ApiErrors(401, 404)
  async revokeToken(@Param('key') key: string, @Param('id') id: string): Promise<void> {
    await this.companies.revokeToken(key, id);
  }
}
