import { Module } from '@nestjs/common';
import { UserStatusesController } from './user-statuses.controller';
import { UserStatusesRepository } from './user-statuses.repository';
import { UserStatusesService } from './user-statuses.service';

@Module({
  controllers: [UserStatusesController],
  providers: [UserStatusesService, UserStatusesRepository],
  exports: [UserStatusesRepository],
})
export class UserStatusesModule {}
