import { MetricsModule } from './metrics/metrics.module';
import { DynamicModule, Module } from '@nestjs/common';
import { AgentsModule } from './agents/agents.module';
import { CallsModule } from './calls/calls.module';
import { CompaniesModule } from './companies/companies.module';
import { AppConfig } from './config/app-config';
import { ContactsModule } from './contacts/contacts.module';
import { DatabaseModule } from './database/database.module';
import { HealthController } from './health/health.controller';
import { MenusModule } from './menus/menus.module';
import { OutboundNumbersModule } from './outbound-numbers/outbound-numbers.module';
import { EventsModule } from './events/events.module';
import { LiveModule } from './live/live.module';
import { SchedulingModule } from './scheduling/scheduling.module';
import { TelephonyModule } from './telephony/telephony.module';
import { WebhooksModule } from './webhooks/webhooks.module';
import { ChatsModule } from './chats/chats.module';
import { SettingsModule } from './settings/settings.module';
import { TeamsModule } from './teams/teams.module';
import { UserStatusesModule } from './user-statuses/user-statuses.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, databaseUrl: string): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        DatabaseModule.forRoot({ url: databaseUrl, poolSize: config.DB_POOL_SIZE }),
        EventsModule,
        CompaniesModule,
        UserStatusesModule,
        AgentsModule,
        TeamsModule,
        SettingsModule,
        ChatsModule,
        MenusModule,
        OutboundNumbersModule,
        ContactsModule,
        CallsModule,
        SchedulingModule,
        LiveModule,
        WebhooksModule,
        TelephonyModule,
        MetricsModule,
      ],
      controllers: [HealthController],
      providers: [{ provide: AppConfig, useValue: config }],
      exports: [AppConfig],
    };
  }
}
