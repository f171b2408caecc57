import { identityApiRef, useApi } from '@backstage/frontend-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { CATALOG_KEYS } from '@kubeportal/plugin-provisioning-common';
import Autocomplete from '@mui/material/Autocomplete';
import TextField from '@mui/material/TextField';
import useAsync from 'react-use/esm/useAsync';

/**
 * Scaffolder field: an AD group, suggested from the AD groups of the teams the user belongs to (the
 * `provisioning.kubeportal.io/ad-groups` annotation of their catalog groups); other names can be typed.
 */
export const AdGroupPicker = (props: FieldExtensionComponentProps<string>) => {
  const { formData, onChange, required, rawErrors, schema } = props;
  const catalogApi = useApi(catalogApiRef);
  const identityApi = useApi(identityApiRef);
  const { value: options = [], loading } = useAsync(async () => {
    const { ownershipEntityRefs } = await identityApi.getBackstageIdentity();
    const groupRefs = ownershipEntityRefs.filter(ref =>
      ref.startsWith('group:'),
    );
    if (groupRefs.length === 0) return [];
    const { items } = await catalogApi.getEntitiesByRefs({
      entityRefs: groupRefs,
      fields: ['metadata.annotations'],
    });
    const groups = items.flatMap(entity =>
      (entity?.metadata.annotations?.[CATALOG_KEYS.adGroups] ?? '').split(','),
    );
    return [...new Set(groups.map(g => g.trim()).filter(Boolean))].sort();
  }, [catalogApi, identityApi]);
  return (
    <Autocomplete
      freeSolo
      options={options}
      loading={loading}
      value={formData ?? ''}
      onChange={(_e, value) => onChange(value ?? '')}
      onInputChange={(_e, value) => onChange(value)}
      renderInput={params => (
        <TextField
          {...params}
          margin="normal"
          label={schema.title ?? 'AD group'}
          required={required}
          error={(rawErrors?.length ?? 0) > 0}
          helperText={
            schema.description ??
            'Suggested from your teams; any AD group name can be typed'
          }
        />
      )}
    />
  );
};
