/**
 * IP addresses as Elasticsearch's `ip` type stores them: 16 bytes, IPv4 as IPv4-mapped IPv6
 * (`::ffff:a.b.c.d`), so `1.2.3.4` and `::ffff:1.2.3.4` are the same address. Comparison is
 * unsigned byte order; CIDR matching compares the leading prefix bits.
 */
export type IpBytes = Uint8Array;

function parseV4(s: string, out: Uint8Array, at: number): boolean {
  const parts = s.split('.');
  if (parts.length !== 4) return false;
  for (let i = 0; i < 4; i++) {
    const p = parts[i];
    if (!/^\d{1,3}$/.test(p)) return false;
    const n = Number(p);
    if (n > 255) return false;
    out[at + i] = n;
  }
  return true;
}

/** Parse an IPv4 or IPv6 address (no zone id); undefined when invalid. */
export function parseIp(text: string): IpBytes | undefined {
  const s = text.trim();
  const out = new Uint8Array(16);
  if (s.indexOf(':') < 0) {
    if (!parseV4(s, out, 12)) return undefined;
    out[10] = 0xff;
    out[11] = 0xff;
    return out;
  }
  let body = s;
  if (body.startsWith('[') && body.endsWith(']')) body = body.slice(1, -1);
  const dbl = body.indexOf('::');
  if (dbl >= 0 && body.indexOf('::', dbl + 1) >= 0) return undefined;
  const headText = dbl >= 0 ? body.slice(0, dbl) : body;
  const tailText = dbl >= 0 ? body.slice(dbl + 2) : '';
  const head = headText === '' ? [] : headText.split(':');
  const tail = tailText === '' ? [] : tailText.split(':');
  const groups: number[] = [];
  const tailGroups: number[] = [];
  const readGroups = (list: string[], into: number[], allowV4Last: boolean): boolean => {
    for (let i = 0; i < list.length; i++) {
      const g = list[i];
      if (allowV4Last && i === list.length - 1 && g.includes('.')) {
        const v4 = new Uint8Array(4);
        if (!parseV4(g, v4, 0)) return false;
        into.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return false;
      into.push(parseInt(g, 16));
    }
    return true;
  };
  if (dbl >= 0) {
    if (!readGroups(head, groups, false)) return undefined;
    if (!readGroups(tail, tailGroups, true)) return undefined;
    if (groups.length + tailGroups.length > 7) return undefined;
    while (groups.length + tailGroups.length < 8) groups.push(0);
    groups.push(...tailGroups);
  } else {
    if (!readGroups(head, groups, true)) return undefined;
    if (groups.length !== 8) return undefined;
  }
  for (let i = 0; i < 8; i++) {
    out[2 * i] = groups[i] >> 8;
    out[2 * i + 1] = groups[i] & 0xff;
  }
  return out;
}

export function compareIp(a: IpBytes, b: IpBytes): number {
  for (let i = 0; i < 16; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

export interface Cidr {
  network: IpBytes;
  /** Prefix length in the 128-bit space (IPv4 /n is 96 + n). */
  bits: number;
}

/** Parse `addr/len`; the address is masked to the prefix. Undefined when not a CIDR. */
export function parseCidr(text: string): Cidr | undefined {
  const s = text.trim();
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const addrText = s.slice(0, slash);
  const lenText = s.slice(slash + 1);
  if (!/^\d{1,3}$/.test(lenText)) return undefined;
  const addr = parseIp(addrText);
  if (!addr) return undefined;
  const v4 = addrText.indexOf(':') < 0;
  const len = Number(lenText);
  if (len > (v4 ? 32 : 128)) return undefined;
  const bits = v4 ? 96 + len : len;
  const network = new Uint8Array(addr);
  for (let i = 0; i < 16; i++) {
    const keep = Math.max(0, Math.min(8, bits - 8 * i));
    network[i] &= keep === 8 ? 0xff : (0xff << (8 - keep)) & 0xff;
  }
  return { network, bits };
}

export function inCidr(ip: IpBytes, c: Cidr): boolean {
  const full = c.bits >> 3;
  for (let i = 0; i < full; i++) if (ip[i] !== c.network[i]) return false;
  const rest = c.bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (ip[full] & mask) === c.network[full];
}

/** Canonical text of an address (IPv4 for mapped addresses, compressed IPv6 otherwise). */
export function formatIp(ip: IpBytes): string {
  let mapped = ip[10] === 0xff && ip[11] === 0xff;
  for (let i = 0; i < 10 && mapped; i++) if (ip[i] !== 0) mapped = false;
  if (mapped) return `${ip[12]}.${ip[13]}.${ip[14]}.${ip[15]}`;
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push((ip[2 * i] << 8) | ip[2 * i + 1]);
  let bestAt = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i > 1) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (bestAt < 0) return hex.join(':');
  return `${hex.slice(0, bestAt).join(':')}::${hex.slice(bestAt + bestLen).join(':')}`;
}
