import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import CloudQueueIcon from '@mui/icons-material/CloudQueue';
import { provisioningApiRef, ProvisioningClient } from './api';
import { rootRouteRef } from './routes';
import {
  adGroupPickerField,
  clusterPickerField,
  nameField,
  quotaTierPickerField,
  requestPreviewField,
} from './formFields';

const provisioningApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: provisioningApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new ProvisioningClient({ discoveryApi, fetchApi }),
    }),
});

const provisioningPage = PageBlueprint.make({
  params: {
    path: '/provisioning',
    title: 'Provisioning',
    icon: <CloudQueueIcon fontSize="inherit" />,
    routeRef: rootRouteRef,
    loader: () =>
      import('./components/ProvisioningPage').then(m => <m.ProvisioningPage />),
  },
});

/**
 * The provisioning frontend plugin.
 *
 * @public
 */
export const provisioningPlugin = createFrontendPlugin({
  pluginId: 'provisioning',
  title: 'Provisioning',
  icon: <CloudQueueIcon fontSize="inherit" />,
  routes: { root: rootRouteRef },
  extensions: [
    provisioningApi,
    provisioningPage,
    clusterPickerField,
    quotaTierPickerField,
    requestPreviewField,
    adGroupPickerField,
    nameField,
  ],
});
