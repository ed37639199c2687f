/**
 * IP addresses as 128-bit integers, the way Elasticsearch's `ip` type stores them: IPv4 addresses
 * are IPv4-mapped IPv6 addresses (`::ffff:a.b.c.d`), so `10.0.0.0/8` is `::ffff:10.0.0.0/104`.
 */

export const V4_PREFIX = 0xffffn << 32n;
export const IP_MAX = (1n << 128n) - 1n;

function parseV4(text: string): bigint | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let out = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    out = (out << 8n) | BigInt(n);
  }
  return out;
}

function parseV6(text: string): bigint | null {
  let s = text;
  const pct = s.indexOf('%');
  if (pct >= 0) return null; // zone ids are not valid in Elasticsearch ip fields
  let tailV4: bigint | null = null;
  const lastColon = s.lastIndexOf(':');
  if (lastColon >= 0 && s.slice(lastColon + 1).includes('.')) {
    tailV4 = parseV4(s.slice(lastColon + 1));
    if (tailV4 === null) return null;
    s = s.slice(0, lastColon + 1) + '0:0';
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const groups = (h: string): string[] | null => (h === '' ? [] : h.split(':'));
  const left = groups(halves[0]);
  const right = halves.length === 2 ? groups(halves[1]) : [];
  if (left === null || right === null) return null;
  const total = left.length + right.length;
  if (halves.length === 1 && total !== 8) return null;
  if (halves.length === 2 && total > 7) return null;
  const all = [...left, ...Array<string>(8 - total).fill('0'), ...right];
  let out = 0n;
  for (const g of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    out = (out << 16n) | BigInt(parseInt(g, 16));
  }
  if (tailV4 !== null) out = (out & ~0xffffffffn) | tailV4;
  return out;
}

/** Parse an address (v4 or v6) to its 128-bit value, or null. */
export function parseIp(text: string): bigint | null {
  const t = text.trim();
  if (t.includes(':')) return parseV6(t);
  const v4 = parseV4(t);
  return v4 === null ? null : V4_PREFIX | v4;
}

/** Parse `addr` or `addr/len` to an inclusive range [lo, hi], or null. */
export function parseIpOrCidr(text: string): { lo: bigint; hi: bigint } | null {
  const t = text.trim();
  const slash = t.indexOf('/');
  if (slash < 0) {
    const v = parseIp(t);
    return v === null ? null : { lo: v, hi: v };
  }
  const addrText = t.slice(0, slash);
  const lenText = t.slice(slash + 1);
  if (!/^\d{1,3}$/.test(lenText)) return null;
  const isV4 = !addrText.includes(':');
  let len = Number(lenText);
  if (isV4 ? len > 32 : len > 128) return null;
  if (isV4) len += 96;
  const addr = parseIp(addrText);
  if (addr === null) return null;
  const hostBits = BigInt(128 - len);
  const mask = hostBits === 128n ? IP_MAX : (1n << hostBits) - 1n;
  return { lo: addr & ~mask & IP_MAX, hi: (addr & ~mask) | mask };
}

/** Print a 128-bit address: dotted IPv4 for mapped addresses, compressed IPv6 otherwise. */
export function formatIp(v: bigint): string {
  if (v >> 32n === 0xffffn) {
    const n = Number(v & 0xffffffffn);
    return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
  }
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((v >> BigInt(i * 16)) & 0xffffn));
  // Longest run of zero groups (length >= 2) becomes `::`.
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return hex.slice(0, bestStart).join(':') + '::' + hex.slice(bestStart + bestLen).join(':');
}
