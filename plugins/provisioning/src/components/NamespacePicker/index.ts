export { NamespacePicker, describeRoom } from './NamespacePicker';
