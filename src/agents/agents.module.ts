import { Module } from '@nestjs/common';
import { UserStatusesModule } from '../user-statuses/user-statuses.module';
import { AgentActivityLogsController } from './agent-activity-logs.controller';
import { AgentActivityLogsRepository } from './agent-activity-logs.repository';
import { AgentsController } from './agents.controller';
import { AgentsRepository } from './agents.repository';
import { AgentsService } from './agents.service';

@Module({
  imports: [UserStatusesModule],
  controllers: [AgentsController, AgentActivityLogsController],
  providers: [AgentsService, AgentsRepository, AgentActivityLogsRepository],
})
export class AgentsModule {}
