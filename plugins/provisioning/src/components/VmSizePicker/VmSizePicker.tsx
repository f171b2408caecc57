import { useApi } from '@backstage/frontend-plugin-api';
import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import Box from '@mui/material/Box';
import FormControl from '@mui/material/FormControl';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormHelperText from '@mui/material/FormHelperText';
import FormLabel from '@mui/material/FormLabel';
import Radio from '@mui/material/Radio';
import RadioGroup from '@mui/material/RadioGroup';
import TextField from '@mui/material/TextField';
import { useEffect, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { provisioningApiRef } from '../../api';
import { describeRoom } from '../NamespacePicker';

/** The size field's value. */
export interface VmSizeValue {
  cpu?: number;
  memory?: string;
}

const key = (size: VmSizeValue) => `${size.cpu}x${size.memory}`;

/**
 * Scaffolder field: the VM's vCPU and guest memory. Offers the sizes that fit the namespace chosen in the form
 * (KubeVirt's overhead counted against its quota, next to the VMs it already has), shows the room left and why a
 * size does not fit; any other size can be typed and is checked in the preview.
 */
export const VmSizePicker = (
  props: FieldExtensionComponentProps<VmSizeValue>,
) => {
  const { formData, onChange, required, rawErrors, schema } = props;
  const api = useApi(provisioningApiRef);
  const form = ((props as any).formContext?.formData ?? {}) as Record<
    string,
    unknown
  >;
  const cluster = typeof form.cluster === 'string' ? form.cluster : undefined;
  const namespace =
    typeof form.namespace === 'string' ? form.namespace : undefined;
  const { value: namespaces, error } = useAsync(
    async () => (cluster ? api.getNamespaces(cluster) : []),
    [api, cluster],
  );
  const ns = namespaces?.find(n => n.name === namespace);

  // the template's default becomes the value when the form has none yet
  useEffect(() => {
    if (formData?.cpu === undefined && schema.default !== undefined)
      onChange(schema.default as VmSizeValue);
  }, [formData, schema.default, onChange]);

  const value = formData ?? {};
  const offered = ns?.sizes ?? [];
  const [typing, setTyping] = useState(false);
  const selected =
    !typing && offered.some(s => key(s) === key(value)) ? key(value) : 'custom';
  let help = schema.description ?? 'vCPU and guest memory';
  if (error) help = `Could not read the namespace's quota: ${error.message}`;
  else if (!ns) help = 'Choose the namespace first to see which sizes fit';
  else if (rawErrors?.length) help = rawErrors.join('; ');
  return (
    <FormControl
      margin="normal"
      required={required}
      error={!!error || (rawErrors?.length ?? 0) > 0}
      fullWidth
    >
      <FormLabel>{schema.title ?? 'Size'}</FormLabel>
      {ns && (
        <FormHelperText sx={{ mx: 0 }}>
          Namespace {ns.name}: {describeRoom(ns)}
        </FormHelperText>
      )}
      <RadioGroup
        value={selected}
        onChange={e => {
          const size = offered.find(s => key(s) === e.target.value);
          setTyping(!size);
          if (size) onChange({ cpu: size.cpu, memory: size.memory });
        }}
      >
        {offered.map(size => (
          <FormControlLabel
            key={key(size)}
            value={key(size)}
            disabled={!size.fits}
            control={<Radio />}
            label={`${size.cpu} vCPU, ${size.memory}${
              size.fits ? ' — fits' : ` — does not fit: ${size.shortfall}`
            }`}
          />
        ))}
        <FormControlLabel
          value="custom"
          control={<Radio />}
          label="Another size"
        />
      </RadioGroup>
      {selected === 'custom' && (
        <Box sx={{ display: 'flex', gap: 2, mt: 1 }}>
          <TextField
            label="vCPU"
            type="number"
            inputProps={{ min: 1, max: 64 }}
            value={value.cpu ?? ''}
            helperText="1 to 64"
            onChange={e =>
              onChange({
                ...value,
                cpu: e.target.value === '' ? undefined : Number(e.target.value),
              })
            }
          />
          <TextField
            label="Memory"
            value={value.memory ?? ''}
            helperText="A quantity, e.g. 2Gi or 1536Mi"
            onChange={e => onChange({ ...value, memory: e.target.value })}
          />
        </Box>
      )}
      <FormHelperText>{help}</FormHelperText>
    </FormControl>
  );
};
