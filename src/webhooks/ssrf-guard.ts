import { Inject, Injectable } from '@nestjs/common';
import { promises as dns } from 'node:dns';
import { isIP } from 'node:net';
import { AppConfig } from '../config/app-config';
import { addressBytes, blockedRange } from './blocked-addresses';
import { webhookError } from './webhook-errors';

// Where a webhook may point (shared spec events-api.md): checked when an
// endpoint is registered or changed, and again before every attempt, against
// every address its host resolves to now. The attempt then connects to the
// address checked here (CheckedTarget.address), never resolving again, so a
// DNS answer that changes between the check and the connection cannot
// redirect it.
//
// WEBHOOK_ALLOW_HTTP permits http://; WEBHOOK_ALLOWED_HOSTS names hosts (any
// address they resolve to) or addresses allowed even when private.
// WEBHOOK_DNS_SERVERS (host:port, …) resolves with those servers instead of
// the system's resolver (tests run one on loopback).
export interface CheckedTarget {
  url: URL;
  host: string; // the URL's hostname, brackets removed
  port: number;
  address: string; // the checked address to connect to
  family: 4 | 6;
}

const DNS_TIMEOUT_MS = 2000;

@Injectable()
export class SsrfGuard {
  private readonly allowedNames = new Set<string>();
  private readonly allowedAddresses = new Set<string>();
  private readonly resolver?: dns.Resolver;

  constructor(@Inject(AppConfig) private readonly config: AppConfig) {
    for (const entry of config.WEBHOOK_ALLOWED_HOSTS.split(',').map((e) => e.trim()).filter(Boolean)) {
      const bytes = addressBytes(entry);
      if (bytes) this.allowedAddresses.add(bytes.join('.'));
      else this.allowedNames.add(normalName(entry));
    }
    const servers = config.WEBHOOK_DNS_SERVERS.split(',').map((s) => s.trim()).filter(Boolean);
    if (servers.length > 0) {
      this.resolver = new dns.Resolver({ timeout: DNS_TIMEOUT_MS, tries: 1 });
      this.resolver.setServers(servers);
    }
  }

  // The URL as the API stores it, or the 400 that refuses its form.
  parseUrl(raw: string): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw this.notHttp();
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && this.config.WEBHOOK_ALLOW_HTTP)) throw this.notHttp();
    if (url.username !== '' || url.password !== '') throw webhookError('urlHasCredentials');
    if (url.hostname === '') throw this.notHttp();
    return url;
  }

  // Resolves the URL's host and checks every address; answers the one to
  // connect to, or throws the WebhookError that refuses it.
  async check(raw: string): Promise<CheckedTarget> {
    const url = this.parseUrl(raw);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    const nameAllowed = this.allowedNames.has(normalName(host));
    const literal = isIP(host);
    if (!literal && !nameAllowed && /(^|\.)localhost\.?$/i.test(host)) throw webhookError('urlBlocked', host, 'localhost');
    const addresses = literal ? [{ address: host, family: literal as 4 | 6 }] : await this.resolve(host);
    if (addresses.length === 0) throw webhookError('urlUnresolvable', host);
    if (!nameAllowed) {
      for (const { address } of addresses) {
        const range = blockedRange(address);
        if (range !== null && !this.allowedAddresses.has((addressBytes(address) ?? []).join('.'))) throw webhookError('urlBlocked', host, `${address}, ${range}`);
      }
    }
    return { url, host, port, ...addresses[0] };
  }

  private async resolve(host: string): Promise<Array<{ address: string; family: 4 | 6 }>> {
    if (this.resolver) {
      const [a, aaaa] = await Promise.allSettled([this.resolver.resolve4(host), this.resolver.resolve6(host)]);
      return [
        ...(a.status === 'fulfilled' ? a.value.map((address) => ({ address, family: 4 as const })) : []),
        ...(aaaa.status === 'fulfilled' ? aaaa.value.map((address) => ({ address, family: 6 as const })) : []),
      ];
    }
    try {
      const found = await dns.lookup(host, { all: true, verbatim: true });
      return found.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
    } catch {
      return [];
    }
  }

  private notHttp() {
    return this.config.WEBHOOK_ALLOW_HTTP ? webhookError('urlNotHttp') : webhookError('urlNotHttps');
  }
}

function normalName(host: string): string {
  return host.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
}
