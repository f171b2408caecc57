import { useApi } from '@backstage/frontend-plugin-api';
import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import FormControl from '@mui/material/FormControl';
import FormHelperText from '@mui/material/FormHelperText';
import InputLabel from '@mui/material/InputLabel';
import MenuItem from '@mui/material/MenuItem';
import Select from '@mui/material/Select';
import useAsync from 'react-use/esm/useAsync';
import { provisioningApiRef } from '../../api';

/** Scaffolder field: pick a configured cluster; shows environment, site and whether it answers now. */
export const ClusterPicker = (props: FieldExtensionComponentProps<string>) => {
  const { formData, onChange, required, rawErrors, schema, idSchema } = props;
  const api = useApi(provisioningApiRef);
  const {
    value: clusters,
    loading,
    error,
  } = useAsync(() => api.getClusters(), [api]);
  const id = `${idSchema?.$id ?? 'cluster'}-select`;
  return (
    <FormControl
      fullWidth
      margin="normal"
      required={required}
      error={!!error || (rawErrors?.length ?? 0) > 0}
    >
      <InputLabel id={`${id}-label`}>{schema.title ?? 'Cluster'}</InputLabel>
      <Select
        labelId={`${id}-label`}
        id={id}
        label={schema.title ?? 'Cluster'}
        value={formData ?? ''}
        onChange={e => onChange(String(e.target.value))}
        disabled={loading}
      >
        {(clusters ?? []).map(c => (
          <MenuItem key={c.name} value={c.name} disabled={c.health !== 'ok'}>
            {c.title} — {c.environment}
            {c.site ? `, ${c.site}` : ''}
            {c.health !== 'ok' ? ' (unreachable)' : ''}
          </MenuItem>
        ))}
      </Select>
      <FormHelperText>
        {error
          ? `Could not load the clusters: ${error.message}`
          : schema.description ?? 'The cluster the request is for'}
      </FormHelperText>
    </FormControl>
  );
};
