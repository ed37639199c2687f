/**
 * IP ranges as CIDR lists. Elasticsearch's `ip` type orders addresses as 16 bytes (IPv4 as
 * IPv4-mapped IPv6), so `source.ip > 10.0.0.0` is an interval of that 128-bit space; any interval
 * is the union of a few aligned blocks, each a CIDR network, which Sigma's `|cidr` modifier
 * matches. The IPv4-mapped part (`::ffff:0:0/96`) is written in IPv4 notation and split from the
 * rest, so backends that keep IPv4 and IPv6 apart (Splunk's cidrmatch) read it the same way.
 */
import { parseIp } from '../../src/eval/ip.js';

const MAX = (1n << 128n) - 1n;
const V4_LO = 0xffffn << 32n;
const V4_HI = V4_LO + 0xffffffffn;

function toBig(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}

function v6Text(n: bigint): string {
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((n >> BigInt(i * 16)) & 0xffffn).toString(16));
  // compress the longest run of two or more zero groups
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

/** Aligned blocks covering [lo, hi] exactly, as (start, prefix length). */
function blocks(lo: bigint, hi: bigint): [bigint, number][] {
  const out: [bigint, number][] = [];
  while (lo <= hi) {
    let size = 0; // block of 2^size addresses
    while (size < 128) {
      const next = 1n << BigInt(size + 1);
      if (lo % next !== 0n || lo + next - 1n > hi) break;
      size++;
    }
    out.push([lo, 128 - size]);
    lo += 1n << BigInt(size);
  }
  return out;
}

function cidrs(lo: bigint, hi: bigint): string[] {
  const out: string[] = [];
  const part = (a: bigint, b: bigint, v4: boolean): void => {
    if (a > b) return;
    for (const [start, prefix] of blocks(a, b)) {
      if (v4) {
        const x = start - V4_LO;
        const quad = [24n, 16n, 8n, 0n].map((s) => String((x >> s) & 0xffn)).join('.');
        out.push(`${quad}/${prefix - 96}`);
      } else out.push(`${v6Text(start)}/${prefix}`);
    }
  };
  part(lo, hi < V4_LO ? hi : V4_LO - 1n, false);
  part(lo > V4_LO ? lo : V4_LO, hi < V4_HI ? hi : V4_HI, true);
  part(lo > V4_HI + 1n ? lo : V4_HI + 1n, hi, false);
  return out;
}

/**
 * The CIDR networks whose union is `{ip : ip <op> bound}`; undefined when the bound is not an
 * address, [] when nothing is in range.
 */
export function ipRangeCidrs(op: 'lt' | 'lte' | 'gt' | 'gte', bound: string): string[] | undefined {
  const b = parseIp(bound);
  if (!b) return undefined;
  const n = toBig(b);
  const [lo, hi] =
    op === 'gt' ? [n + 1n, MAX] : op === 'gte' ? [n, MAX] : op === 'lt' ? [0n, n - 1n] : [0n, n];
  return lo > hi ? [] : cidrs(lo, hi);
}
