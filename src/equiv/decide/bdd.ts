/**
 * A small reduced ordered BDD package: hash-consed nodes, memoised apply, path enumeration.
 * Variables are numbered 0..n-1 and ordered by number. Nodes 0 and 1 are the constants.
 * One `Bdd` instance per decision (no module-level state).
 */

export class BddLimit extends Error {}

export type Ref = number;

export const FALSE: Ref = 0;
export const TRUE: Ref = 1;

type Op = 'and' | 'or' | 'xor';

export class Bdd {
  private readonly vars: number[] = [-1, -1];
  private readonly lo: Ref[] = [0, 1];
  private readonly hi: Ref[] = [0, 1];
  private readonly unique = new Map<string, Ref>();
  private readonly memo: Record<Op, Map<number, Ref>> = {
    and: new Map(),
    or: new Map(),
    xor: new Map(),
  };

  constructor(private readonly maxNodes = 2_000_000) {}

  get size(): number {
    return this.vars.length;
  }

  private mk(v: number, l: Ref, h: Ref): Ref {
    if (l === h) return l;
    const key = `${v},${l},${h}`;
    const found = this.unique.get(key);
    if (found !== undefined) return found;
    const id = this.vars.length;
    if (id >= this.maxNodes) throw new BddLimit(`BDD grew beyond ${this.maxNodes} nodes`);
    this.vars.push(v);
    this.lo.push(l);
    this.hi.push(h);
    this.unique.set(key, id);
    return id;
  }

  variable(v: number): Ref {
    return this.mk(v, FALSE, TRUE);
  }

  not(a: Ref): Ref {
    return this.apply('xor', a, TRUE);
  }

  and(a: Ref, b: Ref): Ref {
    return this.apply('and', a, b);
  }

  or(a: Ref, b: Ref): Ref {
    return this.apply('or', a, b);
  }

  xor(a: Ref, b: Ref): Ref {
    return this.apply('xor', a, b);
  }

  implies(a: Ref, b: Ref): Ref {
    return this.or(this.not(a), b);
  }

  private apply(op: Op, a: Ref, b: Ref): Ref {
    // Terminal cases.
    if (op === 'and') {
      if (a === FALSE || b === FALSE) return FALSE;
      if (a === TRUE) return b;
      if (b === TRUE) return a;
      if (a === b) return a;
    } else if (op === 'or') {
      if (a === TRUE || b === TRUE) return TRUE;
      if (a === FALSE) return b;
      if (b === FALSE) return a;
      if (a === b) return a;
    } else {
      if (a === FALSE) return b;
      if (b === FALSE) return a;
      if (a === b) return FALSE;
      if (a <= TRUE && b <= TRUE) return a === b ? FALSE : TRUE;
    }
    if (a > b) [a, b] = [b, a]; // all three ops commute
    const key = a * 4194304 + b;
    const memo = this.memo[op];
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    const va = a <= TRUE ? Infinity : this.vars[a];
    const vb = b <= TRUE ? Infinity : this.vars[b];
    const v = Math.min(va, vb);
    const [a0, a1] = va === v ? [this.lo[a], this.hi[a]] : [a, a];
    const [b0, b1] = vb === v ? [this.lo[b], this.hi[b]] : [b, b];
    const r = this.mk(v, this.apply(op, a0, b0), this.apply(op, a1, b1));
    memo.set(key, r);
    return r;
  }

  /**
   * Paths from `root` to TRUE, each a partial assignment (variable → value), in a deterministic
   * order (low branch first). Stops after `limit` paths.
   */
  *paths(root: Ref, limit = Infinity): Generator<Map<number, boolean>> {
    if (root === FALSE) return;
    const stack: { node: Ref; assign: [number, boolean][] }[] = [{ node: root, assign: [] }];
    let n = 0;
    while (stack.length > 0) {
      const { node, assign } = stack.pop()!;
      if (node === FALSE) continue;
      if (node === TRUE) {
        yield new Map(assign);
        if (++n >= limit) return;
        continue;
      }
      const v = this.vars[node];
      stack.push({ node: this.hi[node], assign: [...assign, [v, true]] });
      stack.push({ node: this.lo[node], assign: [...assign, [v, false]] });
    }
  }
}
