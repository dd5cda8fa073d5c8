import { Module } from '@nestjs/common';
import { ChatsController } from '../chats/chats.controller';
import { SettingsController } from './settings.controller';

// The Manager API's read-only resources without a table of their own: the
// organization's settings and the (always empty) chats.
@Module({ controllers: [SettingsController, ChatsController] })
export class SettingsModule {}
