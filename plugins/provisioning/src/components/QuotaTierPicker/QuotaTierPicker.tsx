import { useApi } from '@backstage/frontend-plugin-api';
import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import {
  QUOTA_FIELDS,
  QuotaUnit,
} from '@kubeportal/plugin-provisioning-common';
import Alert from '@mui/material/Alert';
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
import {
  provisioningApiRef,
  QuotaCheck,
  QuotaChoice,
  TierSummary,
} from '../../api';

const describe = (tier: TierSummary) => {
  const q = tier.quota as Record<string, string | number>;
  return `${q.requestsCpu} CPU, ${q.requestsMemory} memory, ${q.requestsStorage} storage, ${q.pods} pods — ${tier.monthlyCost} a month`;
};

/** What to type into a custom quota field of each unit. */
const HINTS: Record<QuotaUnit, string> = {
  cpu: 'cores, e.g. 2 or 500m',
  bytes: 'e.g. 4Gi or 512Mi',
  count: 'a number',
};

/**
 * Scaffolder field: a quota tier as the platform team configured them (with each tier's monthly cost), or custom
 * values checked by the backend as they are typed, with the cost. Value: `{ tier }` or `{ custom }`.
 */
export const QuotaTierPicker = (
  props: FieldExtensionComponentProps<QuotaChoice>,
) => {
  const { formData, onChange, required, rawErrors, schema } = props;
  const api = useApi(provisioningApiRef);
  const { value: tiers, error } = useAsync(() => api.getTiers(), [api]);
  const [check, setCheck] = useState<QuotaCheck>();
  const custom = formData && 'custom' in formData ? formData.custom : undefined;

  // the template's default (e.g. { tier: S }) becomes the value when the form has none yet
  useEffect(() => {
    const empty = formData === undefined || Object.keys(formData).length === 0;
    if (empty && schema.default !== undefined)
      onChange(schema.default as QuotaChoice);
  }, [formData, schema.default, onChange]);

  useEffect(() => {
    if (!custom) return undefined;
    const timer = setTimeout(() => {
      api.checkQuota({ custom }).then(setCheck, e =>
        setCheck({
          problems: [{ path: 'quota', message: (e as Error).message }],
        }),
      );
    }, 400);
    return () => clearTimeout(timer);
  }, [api, custom]);

  let selected = custom ? 'custom' : '';
  if (formData && 'tier' in formData) selected = formData.tier;
  const problemOf = (key: string) =>
    check?.problems.find(
      p => p.path === `quota.custom.${key}` || p.path === `quota.${key}`,
    )?.message;

  return (
    <FormControl
      margin="normal"
      required={required}
      error={!!error || (rawErrors?.length ?? 0) > 0}
      fullWidth
    >
      <FormLabel>{schema.title ?? 'Quota'}</FormLabel>
      <RadioGroup
        value={selected}
        onChange={e => {
          const value = e.target.value;
          if (value === 'custom') {
            const base =
              (tiers?.find(t => t.name === selected) ?? tiers?.[0])?.quota ??
              {};
            onChange({
              custom: Object.fromEntries(
                QUOTA_FIELDS.map(({ field }) => [
                  field,
                  base[field] as string | number,
                ]),
              ),
            });
          } else {
            onChange({ tier: value });
          }
        }}
      >
        {(tiers ?? []).map(tier => (
          <FormControlLabel
            key={tier.name}
            value={tier.name}
            control={<Radio />}
            label={`${tier.name}: ${describe(tier)}`}
          />
        ))}
        <FormControlLabel
          value="custom"
          control={<Radio />}
          label="Custom values"
        />
      </RadioGroup>
      {custom && (
        <Box
          sx={{
            display: 'grid',
            gridTemplateColumns: 'repeat(4, 1fr)',
            gap: 2,
            mt: 1,
          }}
        >
          {QUOTA_FIELDS.map(({ field, label, unit, description }) => (
            <TextField
              key={field}
              label={label}
              title={description}
              value={custom[field] ?? ''}
              error={!!problemOf(field)}
              helperText={problemOf(field) ?? HINTS[unit]}
              onChange={e =>
                onChange({
                  custom: {
                    ...custom,
                    [field]:
                      unit === 'count' && /^\d+$/.test(e.target.value)
                        ? Number(e.target.value)
                        : e.target.value,
                  },
                })
              }
            />
          ))}
        </Box>
      )}
      {custom && check?.monthlyCost && (
        <Alert severity="info" sx={{ mt: 1 }}>
          Monthly cost: {check.monthlyCost}
        </Alert>
      )}
      <FormHelperText>
        {error
          ? `Could not load the tiers: ${error.message}`
          : schema.description ?? 'Requests; limits as configured per tier'}
      </FormHelperText>
    </FormControl>
  );
};
