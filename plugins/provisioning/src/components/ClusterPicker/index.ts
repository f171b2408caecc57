export { ClusterPicker } from './ClusterPicker';
