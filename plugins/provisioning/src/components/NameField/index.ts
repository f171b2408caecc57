export { NameField, nameFieldProblem } from './NameField';
export type { NameFieldOptions } from './NameField';
