import {
  FormFieldBlueprint,
  createFormField,
} from '@backstage/plugin-scaffolder-react/alpha';
import { provisioningApiRef } from './api';
import type { NameFieldOptions } from './components/NameField';
import type { PreviewValue } from './components/RequestPreview';

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
          component: m.RequestPreview as never,
          // the review step opens only when the preview says the task will pass
          validation: (value: unknown, validation) => {
            const problem = m.previewFieldProblem(
              value as Partial<PreviewValue> | undefined,
            );
            if (problem) validation.addError(problem);
          },
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
          validation: async (value: unknown, validation, context) => {
            const options = (context.uiSchema?.['ui:options'] ??
              {}) as NameFieldOptions;
            // a list of names (e.g. namespaces to connect to): each checked under the rule
            if (Array.isArray(value)) {
              for (const problem of m.nameListProblems(value, options))
                validation.addError(problem);
              return;
            }
            const name = typeof value === 'string' ? value : undefined;
            const problem = m.nameFieldProblem(name, options);
            if (problem) {
              validation.addError(problem);
              return;
            }
            // a new name is looked up before the next step: free on the cluster and in open pull requests
            const target = m.nameTarget(name, options, context.formData);
            if (!target) return;
            const api = context.apiHolder.get(provisioningApiRef);
            if (!api) return;
            const { problems } = await api.checkName(target);
            for (const p of problems) validation.addError(p.message);
          },
        }),
      ),
  },
});

/** `ui:field: ProvisioningNamespacePicker`: one of the user's teams' namespaces on the chosen cluster. */
export const namespacePickerField = FormFieldBlueprint.make({
  name: 'namespace-picker',
  params: {
    field: () =>
      import('./components/NamespacePicker').then(m =>
        createFormField({
          name: 'ProvisioningNamespacePicker',
          component: m.NamespacePicker,
        }),
      ),
  },
});

/** `ui:field: ProvisioningVmSize`: vCPU and memory, with the sizes that fit the chosen namespace. */
export const vmSizeField = FormFieldBlueprint.make({
  name: 'vm-size',
  params: {
    field: () =>
      import('./components/VmSizePicker').then(m =>
        createFormField({
          name: 'ProvisioningVmSize',
          component: m.VmSizePicker as never,
          validation: (value: unknown, validation) => {
            const size = (value ?? {}) as { cpu?: unknown; memory?: unknown };
            if (
              typeof size.cpu !== 'number' ||
              !Number.isInteger(size.cpu) ||
              size.cpu < 1 ||
              size.cpu > 64
            )
              validation.addError('vCPU: a whole number from 1 to 64');
            if (typeof size.memory !== 'string' || size.memory === '')
              validation.addError(
                'Memory: a Kubernetes quantity such as 2Gi or 1536Mi',
              );
          },
        }),
      ),
  },
});
