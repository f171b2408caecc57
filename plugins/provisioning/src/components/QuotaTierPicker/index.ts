export { QuotaTierPicker } from './QuotaTierPicker';
