import { accessSync, constants } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { AppConfig, rtpPortRange } from '../../config/app-config';

export const BARESIP_PACKAGE = 'baresip-core';
export const SIP_INSTALL_HINT = `apt-get install -y --no-install-recommends ${BARESIP_PACKAGE}`;

export interface SipAgentSettings {
  binary: string; // baresip
  listen: { host: string; port: number };
  rtpPorts: { low: number; high: number };
  stateDir: string; // its configuration and pid file
  rtpTimeoutSeconds: number; // no RTP for this long ends an answered leg (media_timeout)
  // The silence every leg plays when no prompt does. aufile loads a file whole
  // and ends the call when it runs out, so it is short and re-armed.
  silenceMs: number;
}

// SIP on this instance: the user agent's settings, or why SIP is off.
export type SipSettings = ({ enabled: true } & SipAgentSettings) | { enabled: false; reason: string };

// A start-up failure of the SIP user agent, as one line saying why and what to do.
export class SipStartupError extends Error {}

// baresip on the PATH (or where Debian puts it), undefined when not installed.
export function findBaresip(path = process.env.PATH ?? ''): string | undefined {
  const dirs = [...path.split(delimiter).filter(Boolean), '/usr/bin', '/usr/local/bin'];
  for (const dir of dirs) {
    const candidate = join(dir, 'baresip');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export function sipSettingsFrom(config: AppConfig, binary: string | null = findBaresip() ?? null): SipSettings {
  if (config.SIP_ENABLED === false) return { enabled: false, reason: 'SIP_ENABLED is false' };
  if (!binary) {
    if (config.SIP_ENABLED === true) throw new SipStartupError(`SIP_ENABLED is true but the SIP user agent (baresip) is not installed: install the Debian package ${BARESIP_PACKAGE} (${SIP_INSTALL_HINT}), or unset SIP_ENABLED`);
    return { enabled: false, reason: `the SIP user agent (baresip) is not installed; install the Debian package ${BARESIP_PACKAGE} to turn SIP on` };
  }
  const [host, port] = config.SIP_LISTEN.split(':');
  const range = rtpPortRange(config.SIP_RTP_PORTS);
  return { enabled: true, binary, listen: { host, port: Number(port) }, rtpPorts: range, stateDir: resolve(config.SWITCHBOARD_DATA_DIR, 'sip'), rtpTimeoutSeconds: 10, silenceMs: 60_000 };
}
