import { useApi } from '@backstage/frontend-plugin-api';
import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import FormControl from '@mui/material/FormControl';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormHelperText from '@mui/material/FormHelperText';
import FormLabel from '@mui/material/FormLabel';
import Radio from '@mui/material/Radio';
import RadioGroup from '@mui/material/RadioGroup';
import useAsync from 'react-use/esm/useAsync';
import { provisioningApiRef, TierSummary } from '../../api';

const describe = (tier: TierSummary) => {
  const q = tier.quota as Record<string, string | number>;
  return `${q.requestsCpu} CPU, ${q.requestsMemory} memory, ${q.requestsStorage} storage, ${q.pods} pods — ${tier.monthlyCost} a month`;
};

/** Scaffolder field: pick a quota tier as the platform team configured them, with each tier's monthly cost. */
export const QuotaTierPicker = (props: FieldExtensionComponentProps<string>) => {
  const { formData, onChange, required, rawErrors, schema } = props;
  const api = useApi(provisioningApiRef);
  const { value: tiers, error } = useAsync(() => api.getTiers(), [api]);
  return (
    <FormControl margin="normal" required={required} error={!!error || (rawErrors?.length ?? 0) > 0}>
      <FormLabel>{schema.title ?? 'Quota tier'}</FormLabel>
      <RadioGroup value={formData ?? ''} onChange={e => onChange(e.target.value)}>
        {(tiers ?? []).map(tier => (
          <FormControlLabel key={tier.name} value={tier.name} control={<Radio />} label={`${tier.name}: ${describe(tier)}`} />
        ))}
      </RadioGroup>
      <FormHelperText>{error ? `Could not load the tiers: ${error.message}` : schema.description ?? 'Requests; limits as configured per tier'}</FormHelperText>
    </FormControl>
  );
};
