export { VmStateCard, VmStateView } from './VmStateCard';
export { EntityVmStateCard, vmOfEntity } from './EntityVmStateCard';
