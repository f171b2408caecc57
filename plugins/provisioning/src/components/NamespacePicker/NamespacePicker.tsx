import { useApi } from '@backstage/frontend-plugin-api';
import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import FormControl from '@mui/material/FormControl';
import FormHelperText from '@mui/material/FormHelperText';
import InputLabel from '@mui/material/InputLabel';
import MenuItem from '@mui/material/MenuItem';
import Select from '@mui/material/Select';
import useAsync from 'react-use/esm/useAsync';
import { NamespaceSummary, provisioningApiRef } from '../../api';

/** The room a namespace's quota leaves for one more VM, in a few words. */
export function describeRoom(ns: NamespaceSummary): string {
  const left = Object.fromEntries(ns.room.map(r => [r.resource, r.left]));
  const parts = [
    left['requests.memory'] && `${left['requests.memory']} memory`,
    left['limits.cpu'] && `${left['limits.cpu']} CPU limit`,
  ].filter(Boolean);
  return parts.length > 0 ? `room left: ${parts.join(', ')}` : 'no quota read';
}

/**
 * Scaffolder field: one of the namespaces the user's teams own on the cluster chosen in the form (all of them for
 * the platform team), as the GitOps repository holds them, each with its team, VMs and the room its quota leaves.
 */
export const NamespacePicker = (
  props: FieldExtensionComponentProps<string>,
) => {
  const { formData, onChange, required, rawErrors, schema, idSchema } = props;
  const api = useApi(provisioningApiRef);
  const form = ((props as any).formContext?.formData ?? {}) as Record<
    string,
    unknown
  >;
  const cluster = typeof form.cluster === 'string' ? form.cluster : undefined;
  const {
    value: namespaces,
    loading,
    error,
  } = useAsync(
    async () => (cluster ? api.getNamespaces(cluster) : []),
    [api, cluster],
  );
  const id = `${idSchema?.$id ?? 'namespace'}-select`;
  const known = (namespaces ?? []).some(ns => ns.name === formData);
  let help: string = schema.description ?? 'A namespace of one of your teams';
  if (!cluster) help = 'Choose the cluster first';
  else if (error) help = `Could not load your namespaces: ${error.message}`;
  else if (!loading && namespaces?.length === 0)
    help = `Your teams have no namespace on cluster '${cluster}' yet: request one with the namespace template first`;
  else if (rawErrors?.length) help = rawErrors.join('; ');
  return (
    <FormControl
      fullWidth
      margin="normal"
      required={required}
      error={!!error || (rawErrors?.length ?? 0) > 0}
    >
      <InputLabel id={`${id}-label`}>{schema.title ?? 'Namespace'}</InputLabel>
      <Select
        labelId={`${id}-label`}
        id={id}
        label={schema.title ?? 'Namespace'}
        value={known ? formData : ''}
        onChange={e => onChange(String(e.target.value))}
        disabled={loading || !cluster}
      >
        {(namespaces ?? []).map(ns => (
          <MenuItem key={ns.name} value={ns.name}>
            {ns.name} — team {ns.team}
            {ns.vms.length > 0 ? `, ${ns.vms.length} VM` : ''}
            {ns.vms.length > 1 ? 's' : ''}; {describeRoom(ns)}
          </MenuItem>
        ))}
      </Select>
      <FormHelperText>{help}</FormHelperText>
    </FormControl>
  );
};
