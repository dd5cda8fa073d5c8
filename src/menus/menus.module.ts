import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Menu } from './menu.entity';
import { MenusController } from './menus.controller';
import { MenusRepository } from './menus.repository';
import { MenusService } from './menus.service';

// Menus of the Manager API. The Calls API uses MenusService (findById,
// menuPath, isLeaf) or MenusRepository, and menuIsAfterHoursAt from
// ./business-hours.
@Module({
  imports: [TypeOrmModule.forFeature([Menu])],
  controllers: [MenusController],
  providers: [MenusService, MenusRepository],
  exports: [MenusService, MenusRepository],
})
export class MenusModule {}
