/**
 * Offline check of Kusto queries with Microsoft's Kusto language service
 * (@kusto/language-service-next): the query is parsed and analysed against declared table
 * schemas; diagnostics come back with Kusto's own codes (KS142 unknown name, KS006 syntax, ...).
 *
 * The service is a 5 MB Bridge.NET bundle that expects globals: it is loaded lazily, once, on the
 * first check (about 0.3 s), by evaluating `bridge.min.js` then `Kusto.Language.Bridge.min.js`.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import vm from 'node:vm';
import type { TableSchema } from './schema.js';

export interface KustoCheckDiagnostic {
  severity: 'error' | 'warning' | 'suggestion' | 'info';
  /** Kusto's code, e.g. `KS142`. */
  code: string;
  message: string;
  /** 0-based offset and length in the query text. */
  start: number;
  length: number;
}

/* Minimal structural view of the parts of the Bridge API used here. */
interface BridgeList<T> {
  Count: number;
  getItem(i: number): T;
}
interface BridgeDiagnostic {
  Severity: string | null;
  Code: string | null;
  Message: string | null;
  Start: number;
  Length: number;
}
interface KustoNamespace {
  Language: {
    Symbols: {
      TableSymbol: { $ctor7: new (name: string, schema: string) => unknown };
      DatabaseSymbol: { ctor: new (name: string, members: unknown[]) => unknown };
    };
    GlobalState: { Default: { WithDatabase(db: unknown): unknown } };
    KustoCode: {
      ParseAndAnalyze(
        text: string,
        globals: unknown,
      ): { GetDiagnostics(): BridgeList<BridgeDiagnostic> };
    };
  };
}

let kusto: KustoNamespace | undefined;

function loadService(): KustoNamespace {
  if (kusto) return kusto;
  const require = createRequire(import.meta.url);
  const dir = dirname(require.resolve('@kusto/language-service-next/package.json'));
  // The bundles assign globals (Bridge, System, Kusto); run them in this context, as a <script> would.
  vm.runInThisContext(readFileSync(join(dir, 'bridge.min.js'), 'utf8'), {
    filename: 'bridge.min.js',
  });
  vm.runInThisContext(readFileSync(join(dir, 'Kusto.Language.Bridge.min.js'), 'utf8'), {
    filename: 'Kusto.Language.Bridge.min.js',
  });
  kusto = (globalThis as unknown as { Kusto: KustoNamespace }).Kusto;
  return kusto;
}

/** Quote a column name for a table-schema string when it is not a plain identifier. */
function schemaColumn(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `['${name.replace(/'/g, "\\'")}']`;
}

const globalsCache = new Map<string, unknown>();

function globalsFor(tables: readonly TableSchema[]): unknown {
  const key = tables.map((t) => t.table + ':' + t.file).join('|');
  const hit = globalsCache.get(key);
  if (hit) return hit;
  const K = loadService();
  const symbols = tables.map(
    (t) =>
      new K.Language.Symbols.TableSymbol.$ctor7(
        t.table,
        '(' +
          Object.entries(t.columns)
            .map(([c, ty]) => `${schemaColumn(c)}:${ty}`)
            .join(', ') +
          ')',
      ),
  );
  const db = new K.Language.Symbols.DatabaseSymbol.ctor('siemc', symbols);
  const globals = K.Language.GlobalState.Default.WithDatabase(db);
  globalsCache.set(key, globals);
  return globals;
}

function severityOf(s: string | null): KustoCheckDiagnostic['severity'] {
  const v = (s ?? '').toLowerCase();
  return v === 'error'
    ? 'error'
    : v === 'warning'
      ? 'warning'
      : v === 'suggestion'
        ? 'suggestion'
        : 'info';
}

/** Analyse `query` against `tables`; returns every diagnostic of the language service. */
export function checkKusto(query: string, tables: readonly TableSchema[]): KustoCheckDiagnostic[] {
  const K = loadService();
  const code = K.Language.KustoCode.ParseAndAnalyze(query, globalsFor(tables));
  const list = code.GetDiagnostics();
  const out: KustoCheckDiagnostic[] = [];
  for (let i = 0; i < list.Count; i++) {
    const d = list.getItem(i);
    out.push({
      severity: severityOf(d.Severity),
      code: d.Code ?? 'KS',
      message: d.Message ?? '',
      start: d.Start,
      length: d.Length,
    });
  }
  return out;
}

/** Only the Error-severity diagnostics. */
export function kustoErrors(query: string, tables: readonly TableSchema[]): KustoCheckDiagnostic[] {
  return checkKusto(query, tables).filter((d) => d.severity === 'error');
}
