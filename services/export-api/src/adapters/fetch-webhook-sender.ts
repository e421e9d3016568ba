import { ValidationError } from '@wevion/shared';
import ipaddr from 'ipaddr.js';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { WebhookSender } from '../ports.ts';

/**
 * Deliveries over fetch, within a time limit and without following redirects (a redirect could
 * point inside the network). Targets must be public: loopback, private, link-local and other
 * special ranges are refused, at registration and again before each delivery (DNS may change),
 * unless `allowPrivateTargets` is set for local development.
 */
export class FetchWebhookSender implements WebhookSender {
  constructor(private readonly options: { timeoutMs: number; allowPrivateTargets: boolean }) {}

  async checkTarget(url: string): Promise<void> {
    const refuse = (why: string) => {
      throw new ValidationError('invalid_webhook_url', `The webhook URL ${why}.`, 'url');
    };
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return refuse('is not a URL');
    }
    if (parsed.username || parsed.password) refuse('must not carry credentials');
    if (this.options.allowPrivateTargets) {
      if (!['http:', 'https:'].includes(parsed.protocol)) refuse('must be http or https');
      return;
    }
    if (parsed.protocol !== 'https:') refuse('must be https');
    const host = parsed.hostname.replace(/^\[|\]$/g, '');
    const addresses = isIP(host)
      ? [host]
      : await lookup(host, { all: true }).then(
          (found) => found.map((a) => a.address),
          () => refuse(`names a host that does not resolve (${host})`),
        );
    for (const address of addresses ?? []) {
      const range = ipaddr.process(address).range();
      if (range !== 'unicast')
        refuse(`points at a ${range} address (${address}); only public addresses are allowed`);
    }
  }

  async send(url: string, body: string, headers: Record<string, string>): Promise<number> {
    await this.checkTarget(url);
    const response = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...headers },
      redirect: 'manual',
      signal: AbortSignal.timeout(this.options.timeoutMs),
    });
    // Only the status matters; the body is read away so the connection can be reused.
    await response.arrayBuffer().catch(() => undefined);
    return response.status;
  }
}
