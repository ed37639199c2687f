/** Minimal glob support for rule paths: `*`, `?`, `**`, `[...]`, `{a,b}` (Node 20 has no fs.glob). */
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export function hasGlob(p: string): boolean {
  return /[*?[{]/.test(p);
}

function segmentToRegex(seg: string): string {
  let re = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = seg.indexOf(']', i + 1);
      if (close < 0) re += '\\[';
      else {
        let body = seg.slice(i + 1, close).replace(/\\/g, '\\\\');
        if (body.startsWith('!')) body = '^' + body.slice(1);
        re += `[${body}]`;
        i = close;
      }
    } else if (c === '{') {
      const close = seg.indexOf('}', i + 1);
      if (close < 0) re += '\\{';
      else {
        re +=
          '(?:' +
          seg
            .slice(i + 1, close)
            .split(',')
            .map(segmentToRegex)
            .join('|') +
          ')';
        i = close;
      }
    } else re += c.replace(/[.+^$()|\\]/g, '\\$&');
  }
  return re;
}

/** Regex for a whole `/`-separated pattern; `**` spans any number of directories. */
export function globToRegExp(pattern: string): RegExp {
  const segs = pattern.split('/');
  let re = '';
  segs.forEach((s, i) => {
    const last = i === segs.length - 1;
    if (s === '**') re += last ? '.*' : '(?:[^/]+/)*';
    else re += segmentToRegex(s) + (last ? '' : '/');
  });
  return new RegExp(`^${re}$`);
}

/** Files matching `pattern` (relative to cwd or absolute), sorted; directories are not returned. */
export function expandGlob(pattern: string, cwd: string): string[] {
  const norm = pattern.replace(/\\/g, '/');
  const segs = norm.split('/');
  const firstGlob = segs.findIndex(hasGlob);
  const baseSegs = segs.slice(0, firstGlob);
  const base = baseSegs.join('/') || (norm.startsWith('/') ? '/' : '.');
  const rest = segs.slice(firstGlob).join('/');
  const re = globToRegExp(rest);
  const baseAbs = resolve(cwd, base);
  const out: string[] = [];
  const walk = (dirAbs: string, rel: string) => {
    let entries: string[];
    try {
      entries = readdirSync(dirAbs).sort();
    } catch {
      return;
    }
    for (const name of entries) {
      if (name.startsWith('.') || name === 'node_modules') continue;
      const abs = join(dirAbs, name);
      const r = rel ? `${rel}/${name}` : name;
      let st;
      try {
        st = statSync(abs);
      } catch {
        continue;
      }
      if (st.isDirectory()) walk(abs, r);
      else if (re.test(r))
        out.push(base === '.' && !norm.startsWith('./') ? r : `${base.replace(/\/$/, '')}/${r}`);
    }
  };
  walk(baseAbs, '');
  return out;
}
