/**
 * The SPL interpreter as a `TargetInterpreter` for `siemc verify`: ECS documents become Splunk
 * events with their ECS names (the pass-through profile's event shape), and an event is selected
 * when the per-event part of the search (everything before `stats`, windows ignored) keeps it.
 */
import type { Translation } from '../../../targets/types.js';
import type { EcsEvent, InterpreterOptions, InterpreterRun, TargetInterpreter } from '../types.js';
import { splunkEventFromEcs, type SplEvent } from './event.js';
import { runPipeline } from './run.js';
import type { LookupTable } from './run.js';
import { checkSpl } from '../../../targets/spl/check/index.js';
import { SplRuntimeError } from './evaluate.js';

export const splInterpreter: TargetInterpreter = {
  target: 'spl',
  transform(events: readonly EcsEvent[]): Record<string, unknown>[] {
    return events.map((e) => splunkEventFromEcs(e));
  },
  run(
    translation: Translation,
    events: readonly Record<string, unknown>[],
    opts: InterpreterOptions,
  ): InterpreterRun {
    const checked = checkSpl(translation.text);
    if (!checked.ok) {
      const d = checked.diagnostics.find((x) => x.severity === 'error')!;
      throw new SplRuntimeError(`SPL does not parse: ${d.message}`);
    }
    const now = Date.parse(opts.now);
    const matches: number[] = [];
    events.forEach((ev, i) => {
      const rows = runPipeline(checked.pipeline, [ev as SplEvent], {
        now,
        ignoreTime: true,
        queryOnly: true,
        lookups: opts.lookups as Record<string, LookupTable> | undefined,
      }).rows;
      if (rows.length > 0) matches.push(i);
    });
    return { matches };
  },
};
