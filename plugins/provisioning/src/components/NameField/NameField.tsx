import {
  dns1123LabelProblem,
  namespaceNameProblem,
} from '@kubeportal/plugin-provisioning-common';
import { useApi } from '@backstage/frontend-plugin-api';
import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import TextField from '@mui/material/TextField';
import { useEffect, useState } from 'react';
import { NameCheck, NameTarget, provisioningApiRef } from '../../api';

/** `ui:options` of the name field: which naming rule applies, and whether the name is looked up. */
export interface NameFieldOptions {
  /** `namespace`: a DNS-1123 label that is not reserved (default); `label`: any DNS-1123 label (VM names). */
  rule?: 'namespace' | 'label';
  /**
   * Look the name up as it is typed: `namespace` (a new namespace: free on the chosen cluster, in the repository
   * and in open pull requests) or `vm` (a new VM in the chosen namespace). Without it only the rule is checked.
   */
  check?: 'namespace' | 'vm';
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

/** Each name of a list field, checked under the rule; one message per name that breaks it. */
export function nameListProblems(
  values: unknown,
  options: NameFieldOptions = {},
): string[] {
  if (!Array.isArray(values)) return [];
  return values.flatMap((value, index) => {
    const problem = nameFieldProblem(
      typeof value === 'string' ? value : undefined,
      options,
    );
    return problem ? [`item ${index + 1}: ${problem}`] : [];
  });
}

/** What to look the name up as, from the field's options and the form so far; undefined when it cannot be yet. */
export function nameTarget(
  name: string | undefined,
  options: NameFieldOptions,
  form: Record<string, unknown>,
): NameTarget | undefined {
  if (!options.check || !name || nameFieldProblem(name, options))
    return undefined;
  const cluster = typeof form.cluster === 'string' ? form.cluster : undefined;
  const namespace =
    typeof form.namespace === 'string' ? form.namespace : undefined;
  if (!cluster || (options.check === 'vm' && !namespace)) return undefined;
  return options.check === 'vm'
    ? { kind: 'vm', cluster, name, namespace }
    : { kind: 'namespace', cluster, name };
}

/**
 * Scaffolder field for a Kubernetes name (namespace or VM): a text field checked as it is typed with the same rule
 * the backend applies, so the message says what is allowed instead of showing a regular expression; with
 * `ui:options.check`, also looked up on the cluster, in the repository and in open pull requests.
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
  const api = useApi(provisioningApiRef);
  const options = uiSchema?.['ui:options'] ?? {};
  const typed = nameFieldProblem(formData, options);
  const form = ((props as any).formContext?.formData ?? {}) as Record<
    string,
    unknown
  >;
  const target = nameTarget(formData, options, form);
  const targetKey = target ? JSON.stringify(target) : undefined;
  const [looked, setLooked] = useState<{ key: string; check: NameCheck }>();

  useEffect(() => {
    if (!targetKey) return undefined;
    let stale = false;
    const timer = setTimeout(() => {
      api.checkName(JSON.parse(targetKey)).then(
        check => !stale && setLooked({ key: targetKey, check }),
        () => undefined, // the step's validation reports a lookup that fails
      );
    }, 400);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [api, targetKey]);

  const current = looked && looked.key === targetKey ? looked.check : undefined;
  const found = current?.problems.map(p => p.message) ?? [];
  const notice = current?.notices.map(n => n.message).join('; ');
  const errors = rawErrors ?? [];
  const shown =
    typed ?? found[0] ?? (errors.length > 0 ? errors.join('; ') : undefined);
  return (
    <TextField
      id={idSchema?.$id}
      label={schema.title ?? 'Name'}
      required={required}
      fullWidth
      margin="normal"
      value={formData ?? ''}
      onChange={e => onChange(e.target.value)}
      error={shown !== undefined}
      helperText={shown ?? (notice || schema.description)}
      inputProps={{ autoCapitalize: 'none', spellCheck: false }}
    />
  );
};
