import { Body, Controller, Delete, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AdminGuard } from './admin.guard';
import { CompaniesService } from './companies.service';
import { CreateCompanyDto } from './dto/create-company.dto';

@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AdminGuard)
@Controller('admin/companies')
export class AdminController {
  constructor(private readonly companies: CompaniesService) {}

  @Post()
  create(@Body() body: CreateCompanyDto) {
    return this.companies.createCompany(body.key, body.name);
  }

  @Post(':key/tokens')
  createToken(@Param('key') key: string) {
    return this.companies.createToken(key);
  }

  @Delete(':key/tokens/:id')
  @HttpCode(204)
  async revokeToken(@Param('key') key: string, @Param('id') id: string): Promise<void> {
    await this.companies.revokeToken(key, id);
  }
}
