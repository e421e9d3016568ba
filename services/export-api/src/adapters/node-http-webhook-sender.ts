import { ValidationError } from '@wevion/shared';
import { lookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { lookup as lookupAll } from 'node:dns/promises';
import type { WebhookSender } from '../ports.ts';
import { nonPublicAddress } from './public-address.ts';

/** A receiver's headers beyond this are refused; its body is never read at all. */
const MAX_REPLY_HEADER_BYTES = 8 * 1024;

/** The connection's own DNS answer, checked: what is checked is what is connected to. */
const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  lookup(hostname, { ...options, all: true } as LookupAllOptions, (error, addresses) => {
    if (error) return callback(error, '', 0);
    const found = addresses as LookupAddress[];
    const problem = found.map((a) => nonPublicAddress(a.address)).find(Boolean);
    if (problem || !found.length)
      return callback(new Error(`${hostname} resolves to ${problem ?? 'nothing'}`), '', 0);
    if ((options as { all?: boolean }).all)
      return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, found);
    callback(null, found[0]!.address, found[0]!.family);
  });
};

/**
 * Deliveries over Node's own HTTP client, bounded whatever the receiver does: one time limit
 * for the whole exchange, no redirect followed (it could point inside the network), no
 * compression asked for and the reply's body never read (only its status matters), headers
 * capped. Targets must be public: loopback, private, link-local and every other special range,
 * in any IPv4 or IPv6 spelling, are refused at registration and again at each connection,
 * through the DNS answer the connection itself uses (no window for a rebinding). For local
 * development, `allowPrivateTargets` lifts the address rule and allows http.
 */
export class NodeHttpWebhookSender implements WebhookSender {
  constructor(private readonly options: { timeoutMs: number; allowPrivateTargets: boolean }) {}

  async checkTarget(url: string): Promise<void> {
    const parsed = this.parse(url);
    if (this.options.allowPrivateTargets) return;
    const host = parsed.hostname.replace(/^\[|\]$/g, '');
    const addresses = isIP(host)
      ? [host]
      : await lookupAll(host, { all: true }).then(
          (found) => found.map((a) => a.address),
          () => refuse(`names a host that does not resolve (${host})`),
        );
    for (const address of addresses) {
      const problem = nonPublicAddress(address);
      if (problem) refuse(`points at ${problem}; only public addresses are allowed`);
    }
  }

  send(url: string, body: string, headers: Record<string, string>): Promise<number> {
    const target = this.parse(url);
    const host = target.hostname.replace(/^\[|\]$/g, '');
    // An address in the URL is connected to without a lookup: judge it here.
    const literal = isIP(host) && !this.options.allowPrivateTargets && nonPublicAddress(host);
    if (literal) return Promise.reject(new Error(`the target is ${literal}`));
    const timeoutS = this.options.timeoutMs / 1000;
    return new Promise<number>((resolve, reject) => {
      const signal = AbortSignal.timeout(this.options.timeoutMs);
      const request = (target.protocol === 'https:' ? httpsRequest : httpRequest)(target, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'accept-encoding': 'identity',
          'user-agent': 'Wevion-Webhooks/1',
          ...headers,
        },
        // A fresh connection each time: no pooled socket outlives the address check.
        agent: false,
        maxHeaderSize: MAX_REPLY_HEADER_BYTES,
        signal,
        ...(this.options.allowPrivateTargets ? {} : { lookup: publicOnlyLookup }),
      });
      request.on('response', (response) => {
        resolve(response.statusCode ?? 0);
        // Only the status matters: whatever the receiver streams after it is not read.
        response.destroy();
        request.destroy();
      });
      request.on('error', (error) =>
        reject(signal.aborted ? new Error(`no answer within ${timeoutS} s`) : error),
      );
      request.end(body);
    });
  }

  private parse(url: string): URL {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return refuse('is not a URL');
    }
    if (parsed.username || parsed.password) refuse('must not carry credentials');
    if (this.options.allowPrivateTargets) {
      if (!['http:', 'https:'].includes(parsed.protocol)) refuse('must be http or https');
    } else if (parsed.protocol !== 'https:') refuse('must be https');
    return parsed;
  }
}

function refuse(why: string): never {
  throw new ValidationError('invalid_webhook_url', `The webhook URL ${why}.`, 'url');
}
