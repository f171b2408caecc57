export { AdGroupPicker } from './AdGroupPicker';
