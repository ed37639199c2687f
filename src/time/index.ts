export {
  parseDateMath,
  resolveDateMath,
  evaluateDateMath,
  parseIsoTimestamp,
  roundDown,
  parseDuration,
  tryParseDuration,
  formatDuration,
  unitWord,
  DateMathError,
} from './datemath.js';
export type {
  DateMath,
  DateMathOp,
  DateMathUnit,
  DateMathAnchor,
  DateMathResult,
  DurationResult,
} from './datemath.js';
