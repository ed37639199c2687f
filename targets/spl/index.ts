/** The Splunk SPL target. */
import type { Target } from '../core/target.js';
import { translateSpl } from './emit.js';
import { checkSpl } from './check/index.js';

export const splTarget: Target = {
  name: 'spl',
  aliases: ['splunk'],
  title: 'Splunk SPL',
  outDir: 'splunk',
  extension: '.spl',
  translate: translateSpl,
  bundle: (entries) => [
    {
      path: 'savedsearches.conf',
      content: entries
        .map(
          (e) =>
            e.translation.artifacts?.find((a) => a.path === 'savedsearches.conf')?.content ?? '',
        )
        .filter((s) => s !== '')
        .join('\n'),
    },
  ],
  check: (text) => checkSpl(text).diagnostics,
};

export { translateSpl, planSpl } from './emit.js';
export { checkSpl } from './check/index.js';
