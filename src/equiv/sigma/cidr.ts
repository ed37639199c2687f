/**
 * IPv4/IPv6 parsing and CIDR membership for the Sigma evaluator's `|cidr` modifier. Addresses
 * compare by value, so any textual IPv6 form (compressed, zero-padded) matches, and IPv4 equals
 * its IPv4-mapped IPv6 form.
 */

/** Parse an IP address into 16 bytes (IPv4 as IPv4-mapped IPv6) plus its family. */
export function parseIp(text: string): { bytes: number[]; v4: boolean } | undefined {
  const s = text.trim();
  const v4 = parseV4(s);
  if (v4) return { bytes: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...v4], v4: true };
  const v6 = parseV6(s);
  return v6 ? { bytes: v6, v4: false } : undefined;
}

function parseV4(s: string): number[] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const b = m.slice(1).map(Number);
  return b.every((x) => x <= 255) ? b : undefined;
}

function parseV6(s: string): number[] | undefined {
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  if (!/^[0-9A-Fa-f:.]+$/.test(s)) return undefined;
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const groups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const items = part.split(':');
    for (let i = 0; i < items.length; i++) {
      const it = items[i];
      if (i === items.length - 1 && it.includes('.')) {
        const v4 = parseV4(it);
        if (!v4) return undefined;
        out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else {
        if (!/^[0-9A-Fa-f]{1,4}$/.test(it)) return undefined;
        out.push(parseInt(it, 16));
      }
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) return undefined;
  let all: number[];
  if (halves.length === 2) {
    const fill = 8 - head.length - tail.length;
    if (fill < 1) return undefined;
    all = [...head, ...new Array<number>(fill).fill(0), ...tail];
  } else {
    all = head;
  }
  if (all.length !== 8) return undefined;
  return all.flatMap((g) => [g >> 8, g & 0xff]);
}

/** A membership test for `network` ("10.0.0.0/8", "2001:db8::/64", or a single address). */
export function cidrMatcher(network: string): ((ip: string) => boolean) | undefined {
  const slash = network.indexOf('/');
  const addr = parseIp(slash >= 0 ? network.slice(0, slash) : network);
  if (!addr) return undefined;
  const max = addr.v4 ? 32 : 128;
  const lenText = slash >= 0 ? network.slice(slash + 1) : String(max);
  if (!/^\d{1,3}$/.test(lenText)) return undefined;
  const len = Number(lenText);
  if (len > max) return undefined;
  const bits = addr.v4 ? len + 96 : len;
  return (ip: string) => {
    const p = parseIp(ip);
    // Compared in one 128-bit space with IPv4 as IPv4-mapped IPv6, as Elasticsearch's ip type does.
    if (!p) return false;
    for (let i = 0; i < 16; i++) {
      const take = Math.min(8, Math.max(0, bits - i * 8));
      if (take === 0) break;
      const mask = (0xff << (8 - take)) & 0xff;
      if ((p.bytes[i] & mask) !== (addr.bytes[i] & mask)) return false;
    }
    return true;
  };
}
