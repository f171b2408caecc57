import {
  dns1123LabelProblem,
  namespaceNameProblem,
} from '@kubeportal/plugin-provisioning-common';
import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import TextField from '@mui/material/TextField';

/** `ui:options` of the name field: which naming rule applies. */
export interface NameFieldOptions {
  /** `namespace`: a DNS-1123 label that is not reserved (default); `label`: any DNS-1123 label (VM names). */
  rule?: 'namespace' | 'label';
}

/** The problem with a name under the field's rule, in words that say what is allowed; undefined when it is fine. */
export function nameFieldProblem(
  value: string | undefined,
  options: NameFieldOptions = {},
): string | undefined {
  if (value === undefined || value === '') return undefined; // `required` says so
  const problem =
    options.rule === 'label'
      ? dns1123LabelProblem(value)
      : namespaceNameProblem(value);
  if (!problem) return undefined;
  return problem.startsWith("'") ? problem : `${value} ${problem}`;
}

/**
 * Scaffolder field for a Kubernetes name (namespace or VM): a text field checked as it is typed with the same rule
 * the backend applies, so the message says what is allowed instead of showing a regular expression.
 */
export const NameField = (
  props: FieldExtensionComponentProps<string, NameFieldOptions>,
) => {
  const {
    formData,
    onChange,
    required,
    rawErrors,
    schema,
    idSchema,
    uiSchema,
  } = props;
  const typed = nameFieldProblem(formData, uiSchema?.['ui:options'] ?? {});
  const errors = rawErrors ?? [];
  return (
    <TextField
      id={idSchema?.$id}
      label={schema.title ?? 'Name'}
      required={required}
      fullWidth
      margin="normal"
      value={formData ?? ''}
      onChange={e => onChange(e.target.value)}
      error={Boolean(typed) || errors.length > 0}
      helperText={
        typed ?? (errors.length > 0 ? errors.join('; ') : schema.description)
      }
      inputProps={{ autoCapitalize: 'none', spellCheck: false }}
    />
  );
};
