import { useApi } from '@backstage/frontend-plugin-api';
import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import Box from '@mui/material/Box';
import FormControl from '@mui/material/FormControl';
import FormHelperText from '@mui/material/FormHelperText';
import InputLabel from '@mui/material/InputLabel';
import MenuItem from '@mui/material/MenuItem';
import Select from '@mui/material/Select';
import useAsync from 'react-use/esm/useAsync';
import { provisioningApiRef } from '../../api';

/**
 * Scaffolder field: pick a configured cluster; each shows its environment, site and whether it answers now (an
 * unreachable one cannot be chosen), and the chosen one's environment, which the request takes.
 */
export const ClusterPicker = (props: FieldExtensionComponentProps<string>) => {
  const { formData, onChange, required, rawErrors, schema, idSchema } = props;
  const api = useApi(provisioningApiRef);
  const {
    value: clusters,
    loading,
    error,
  } = useAsync(() => api.getClusters(), [api]);
  const id = `${idSchema?.$id ?? 'cluster'}-select`;
  const chosen = clusters?.find(c => c.name === formData);
  const reachable = clusters?.filter(c => c.health === 'ok').length ?? 0;
  let help = schema.description ?? 'The cluster the request is for';
  if (error) help = `Could not load the clusters: ${error.message}`;
  else if (rawErrors?.length) help = rawErrors.join('; ');
  else if (chosen)
    help = `${chosen.title}: ${chosen.environment} environment${
      chosen.site ? ` at ${chosen.site}` : ''
    }, ${
      chosen.health === 'ok'
        ? 'reachable now'
        : `unreachable now${chosen.message ? ` (${chosen.message})` : ''}`
    }. The request's environment is the cluster's.`;
  else if (clusters)
    help = `${help} (${reachable} of ${clusters.length} reachable now)`;
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
            <Box
              component="span"
              aria-hidden
              sx={{
                width: 10,
                height: 10,
                borderRadius: '50%',
                mr: 1,
                flexShrink: 0,
                bgcolor: c.health === 'ok' ? 'success.main' : 'error.main',
              }}
            />
            {c.title} — {c.environment}
            {c.site ? `, ${c.site}` : ''} ·{' '}
            {c.health === 'ok' ? 'reachable' : 'unreachable'}
            {c.health !== 'ok' && c.message ? `: ${c.message}` : ''}
          </MenuItem>
        ))}
      </Select>
      <FormHelperText>{help}</FormHelperText>
    </FormControl>
  );
};
