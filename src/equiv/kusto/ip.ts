/**
 * IP helpers for ipv4_is_in_range / ipv6_is_in_range / ipv6_compare: addresses as 128-bit BigInts
 * (IPv4 as IPv4-mapped IPv6), so every textual IPv6 form compares equal.
 */
function parseV4(s: string): bigint | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return null;
  let v = 0n;
  for (let i = 1; i <= 4; i++) {
    const o = Number(m[i]);
    if (o > 255) return null;
    v = (v << 8n) | BigInt(o);
  }
  return v;
}

function parseV6(s: string): bigint | null {
  let text = s;
  let tail: bigint[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.') && lastColon >= 0) {
    const v4 = parseV4(text.slice(lastColon + 1));
    if (v4 === null) return null;
    tail = [v4 >> 16n, v4 & 0xffffn];
    text = text.slice(0, lastColon + 1) + '0:0';
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const part = (h: string) => (h === '' ? [] : h.split(':'));
  const head = part(halves[0]);
  const rest = halves.length === 2 ? part(halves[1]) : [];
  const groups =
    halves.length === 2
      ? [...head, ...Array(8 - head.length - rest.length).fill('0'), ...rest]
      : head;
  if (groups.length !== 8) return null;
  let v = 0n;
  for (const g of groups) {
    if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) return null;
    v = (v << 16n) | BigInt(parseInt(g, 16));
  }
  if (tail.length) v = (v & ~0xffffffffn) | (tail[0] << 16n) | tail[1];
  return v;
}

/** Parse an address; `family` 4 accepts only IPv4, 6 accepts both (IPv4 mapped). Returns [value, bits]. */
function parse(s: string, family: 4 | 6): [bigint, number] | null {
  const t = s.trim();
  const v4 = parseV4(t);
  if (v4 !== null) return family === 4 ? [v4, 32] : [0xffff00000000n | v4, 128];
  if (family === 4) return null;
  const v6 = parseV6(t);
  return v6 === null ? null : [v6, 128];
}

/** `ipv4_is_in_range(ip, "a.b.c.d/n")` / `ipv6_is_in_range(ip, "prefix/n")`; null when an input is invalid. */
export function ipInRange(ip: string, range: string, family: 4 | 6): boolean | null {
  const [net, lenText] = range.split('/');
  const addr = parse(ip, family);
  const base = parse(net, family);
  if (!addr || !base) return null;
  const bits = addr[1];
  let len = lenText === undefined ? bits : Number(lenText);
  if (!Number.isInteger(len) || len < 0) return null;
  if (
    family === 6 &&
    base[0] >> 32n === 0xffffn &&
    bits === 128 &&
    lenText !== undefined &&
    parseV4(net.trim()) !== null
  )
    len += 96;
  if (len > bits) return null;
  const shift = BigInt(bits - len);
  return addr[0] >> shift === base[0] >> shift;
}

/** `ipv6_compare(a, b)`: -1 / 0 / 1, null when either is not an address. */
export function ipv6Compare(a: string, b: string): number | null {
  const x = parse(a, 6);
  const y = parse(b, 6);
  if (!x || !y) return null;
  return x[0] === y[0] ? 0 : x[0] < y[0] ? -1 : 1;
}
