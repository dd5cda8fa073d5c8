import { Module } from '@nestjs/common';
import { MenusController } from './menus.controller';
import { MenusRepository } from './menus.repository';
import { MenusService } from './menus.service';

// Menus of the Manager API. (The Calls API reads menus with SQL of its own,
// and their hours through menuIsAfterHoursAt in ./business-hours.)
@Module({
  controllers: [MenusController],
  providers: [MenusService, MenusRepository],
})
export class MenusModule {}
