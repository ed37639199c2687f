/** Translation core: shared emitter machinery for every target. See README.md. */
export * from './ir.js';
export * from './dialect.js';
export * from './diagnostics.js';
export * from './target.js';
export * from './translate.js';
export * from './lower/classify.js';
export { simplify } from './lower/simplify.js';
export { foldIn } from './lower/foldIn.js';
export { over, under, allExact, type AtomFidelity } from './lower/approx.js';
export { mapQuery, type MapContext } from './lower/mapFields.js';
export * from './batch.js';
