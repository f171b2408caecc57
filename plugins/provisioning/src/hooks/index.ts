export { useLiveRead } from './useLiveRead';
export type { LiveRead, LiveReadOptions } from './useLiveRead';
export { useNow } from './useNow';
