import {
  FormFieldBlueprint,
  createFormField,
} from '@backstage/plugin-scaffolder-react/alpha';

/** `ui:field: ProvisioningClusterPicker` */
export const clusterPickerField = FormFieldBlueprint.make({
  name: 'cluster-picker',
  params: {
    field: () =>
      import('./components/ClusterPicker').then(m =>
        createFormField({
          name: 'ProvisioningClusterPicker',
          component: m.ClusterPicker,
        }),
      ),
  },
});

/** `ui:field: ProvisioningQuotaPicker`: a tier or custom values; value `{ tier }` or `{ custom }`. */
export const quotaTierPickerField = FormFieldBlueprint.make({
  name: 'quota-tier-picker',
  params: {
    field: () =>
      import('./components/QuotaTierPicker').then(m =>
        createFormField({
          name: 'ProvisioningQuotaPicker',
          component: m.QuotaTierPicker,
        }),
      ),
  },
});

/** `ui:field: ProvisioningRequestPreview` */
export const requestPreviewField = FormFieldBlueprint.make({
  name: 'request-preview',
  params: {
    field: () =>
      import('./components/RequestPreview').then(m =>
        createFormField({
          name: 'ProvisioningRequestPreview',
          component: m.RequestPreview,
        }),
      ),
  },
});

/** `ui:field: ProvisioningAdGroupPicker` */
export const adGroupPickerField = FormFieldBlueprint.make({
  name: 'ad-group-picker',
  params: {
    field: () =>
      import('./components/AdGroupPicker').then(m =>
        createFormField({
          name: 'ProvisioningAdGroupPicker',
          component: m.AdGroupPicker,
        }),
      ),
  },
});

/** `ui:field: ProvisioningName`: a namespace or VM name, checked as typed with the backend's naming rule. */
export const nameField = FormFieldBlueprint.make({
  name: 'name',
  params: {
    field: () =>
      import('./components/NameField').then(m =>
        createFormField({
          name: 'ProvisioningName',
          component: m.NameField as never,
          validation: (value: unknown, validation, context) => {
            const problem = m.nameFieldProblem(
              typeof value === 'string' ? value : undefined,
              (context.uiSchema?.['ui:options'] ?? {}) as never,
            );
            if (problem) validation.addError(problem);
          },
        }),
      ),
  },
});
