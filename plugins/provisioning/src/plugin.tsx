import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import CloudQueueIcon from '@mui/icons-material/CloudQueue';
import { provisioningApiRef, ProvisioningClient } from './api';
import { requestRouteRef, rootRouteRef } from './routes';
import {
  adGroupPickerField,
  clusterPickerField,
  nameField,
  namespacePickerField,
  quotaTierPickerField,
  requestPreviewField,
  vmSizeField,
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

/** One request's page, where the pull request's "Open in the portal" link lands. */
const requestPage = PageBlueprint.make({
  name: 'request',
  params: {
    path: '/provisioning/requests/:requestId',
    routeRef: requestRouteRef,
    loader: () =>
      import('./components/RequestPage').then(m => <m.RequestPage />),
  },
});

/** The live state of a namespace on its catalog page (entities the portal publishes for managed namespaces). */
const namespaceStateCard = EntityCardBlueprint.make({
  name: 'namespace-state',
  params: {
    filter: entity =>
      entity.kind === 'Resource' &&
      entity.spec?.type === 'kubernetes-namespace',
    type: 'content',
    loader: () =>
      import('./components/NamespaceStateCard').then(m => (
        <m.EntityNamespaceStateCard />
      )),
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
  routes: { root: rootRouteRef, request: requestRouteRef },
  extensions: [
    provisioningApi,
    provisioningPage,
    requestPage,
    namespaceStateCard,
    clusterPickerField,
    quotaTierPickerField,
    requestPreviewField,
    adGroupPickerField,
    nameField,
    namespacePickerField,
    vmSizeField,
  ],
});
