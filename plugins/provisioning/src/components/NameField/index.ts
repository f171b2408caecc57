export {
  NameField,
  nameFieldProblem,
  nameListProblems,
  nameTarget,
} from './NameField';
export type { NameFieldOptions } from './NameField';
