import { Inject, Logger, Module, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { BaresipSupervisor } from './baresip-supervisor';
import { SipAdapter } from './sip-adapter';
import { sipSettingsFrom } from './sip-settings';
import type { SipSettings } from './sip-settings';

export const SIP_SETTINGS = Symbol('SIP_SETTINGS');

// The SIP provider of this instance: its settings (from AppConfig), the
// supervised baresip (none when SIP is off) and the adapter the telephony
// service dials through. baresip starts when the module initialises (a
// failure fails the start-up with one line) and stops when the app closes.
@Module({
  providers: [
    { provide: SIP_SETTINGS, inject: [AppConfig], useFactory: (config: AppConfig): SipSettings => sipSettingsFrom(config) },
    {
      provide: BaresipSupervisor,
      inject: [SIP_SETTINGS],
      useFactory: (settings: SipSettings) => {
        if (!settings.enabled) return null;
        const logger = new Logger('SipUserAgent');
        return new BaresipSupervisor(settings, { log: (line) => logger.debug(line), notice: (line) => logger.log(line), warn: (line) => logger.warn(line) });
      },
    },
    {
      provide: SipAdapter,
      inject: [SIP_SETTINGS, BaresipSupervisor],
      useFactory: (settings: SipSettings, supervisor: BaresipSupervisor | null) => {
        const logger = new Logger('SipAdapter');
        return new SipAdapter(settings, supervisor, { warn: (line) => logger.warn(line) });
      },
    },
  ],
  exports: [SipAdapter, BaresipSupervisor, SIP_SETTINGS],
})
export class SipModule implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Sip');

  constructor(
    @Inject(SIP_SETTINGS) private readonly settings: SipSettings,
    @Optional() @Inject(BaresipSupervisor) private readonly supervisor: BaresipSupervisor | null,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.settings.enabled || !this.supervisor) {
      this.logger.log(`SIP is off: ${this.settings.enabled ? 'no user agent' : this.settings.reason}; only simulator providers carry calls`);
      return;
    }
    await this.supervisor.start();
    const { host, port } = this.settings.listen;
    this.logger.log(`SIP is on: baresip (pid ${this.supervisor.pid}) listens on ${host}:${port}, RTP ${this.settings.rtpPorts.low}-${this.settings.rtpPorts.high}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.supervisor?.stop();
  }
}
