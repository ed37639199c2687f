/**
 * String order as Elasticsearch compares keyword terms: by UTF-8 bytes, which is Unicode code
 * point order. JavaScript's `<` compares UTF-16 code units, which differs when a surrogate pair
 * (U+10000 and up) meets a BMP character at or above U+E000.
 */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Only surrogates (0xD800–0xDFFF) need fixing: they encode code points above every BMP char.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}
