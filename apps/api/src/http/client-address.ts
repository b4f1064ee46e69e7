import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

/** Trusted without a list: the loopback, private and link-local ranges (a proxy nearby). */
const NEARBY = [
  '127.0.0.0/8',
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '169.254.0.0/16',
  '::1/128',
  'fc00::/7',
  'fe80::/10',
];

/** `::ffff:1.2.3.4` → `1.2.3.4`; `[::1]:80` and `1.2.3.4:80` lose their port. */
function normalise(raw: string): string {
  let addr = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(addr);
  if (bracketed?.[1]) addr = bracketed[1];
  else if (/^[\d.]+:\d+$/.test(addr)) addr = addr.slice(0, addr.lastIndexOf(':'));
  if (addr.toLowerCase().startsWith('::ffff:') && isIP(addr.slice(7)) === 4) addr = addr.slice(7);
  return addr;
}

function trustList(entries: string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries.length > 0 ? entries : NEARBY) {
    const [ip = '', bits] = entry.split('/');
    const family = isIP(normalise(ip));
    if (family === 0)
      throw new Error(`PARLEY_TRUSTED_PROXIES: “${entry}” is not an address or range.`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(normalise(ip), type);
    else list.addSubnet(normalise(ip), Number(bits), type);
  }
  return list;
}

/**
 * The client's address, for per-address limits. Behind proxies it is read from
 * X-Forwarded-For the way nginx's `real_ip_recursive on` does: walking from the nearest hop
 * (the socket's peer) leftwards, the first address that is not a trusted proxy. A client can
 * write anything on the left of that header, so the leftmost entry is never believed; with
 * `proxyHops` the address is the one that many hops away instead.
 */
export function clientAddress(config: {
  trustProxy: boolean;
  trustedProxies: string[];
  proxyHops: number | undefined;
}): (req: IncomingMessage) => string {
  const peer = (req: IncomingMessage) => normalise(req.socket.remoteAddress ?? 'unknown');
  if (!config.trustProxy) return peer;
  const trusted = trustList(config.trustedProxies);
  const isTrusted = (addr: string) => {
    const family = isIP(addr);
    return family !== 0 && trusted.check(addr, family === 4 ? 'ipv4' : 'ipv6');
  };
  return (req) => {
    const header = req.headers['x-forwarded-for'];
    const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
      .split(',')
      .map(normalise)
      .filter(Boolean);
    // Nearest first: the peer, then the header from its right end.
    const chain = [peer(req), ...forwarded.reverse()];
    if (config.proxyHops !== undefined)
      return chain[Math.min(config.proxyHops, chain.length - 1)] ?? 'unknown';
    for (const addr of chain) if (!isTrusted(addr)) return addr;
    return chain.at(-1) ?? 'unknown';
  };
}
