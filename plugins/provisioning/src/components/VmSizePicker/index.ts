export { VmSizePicker } from './VmSizePicker';
export type { VmSizeValue } from './VmSizePicker';
