import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import {
  NAMESPACE_ENTITY_TYPE,
  VM_ENTITY_TYPE,
} from '@kubeportal/plugin-provisioning-common';
import CloudQueueIcon from '@mui/icons-material/CloudQueue';
import DnsIcon from '@mui/icons-material/Dns';
import { provisioningApiRef, ProvisioningClient } from './api';
import { clustersRouteRef, requestRouteRef, rootRouteRef } from './routes';
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
      entity.kind === 'Resource' && entity.spec?.type === NAMESPACE_ENTITY_TYPE,
    type: 'content',
    loader: () =>
      import('./components/NamespaceStateCard').then(m => (
        <m.EntityNamespaceStateCard />
      )),
  },
});

/** The live state of a VM on its catalog page (entities the portal publishes for VMs of managed namespaces). */
const vmStateCard = EntityCardBlueprint.make({
  name: 'vm-state',
  params: {
    filter: entity =>
      entity.kind === 'Resource' && entity.spec?.type === VM_ENTITY_TYPE,
    type: 'content',
    loader: () =>
      import('./components/VmStateCard').then(m => <m.EntityVmStateCard />),
  },
});

/** Every cluster with its health and capacity, and each team's namespaces and VMs there. */
const clustersPage = PageBlueprint.make({
  name: 'clusters',
  params: {
    path: '/provisioning/clusters',
    title: 'Clusters',
    icon: <DnsIcon fontSize="inherit" />,
    routeRef: clustersRouteRef,
    loader: () =>
      import('./components/ClusterOverviewPage').then(m => (
        <m.ClusterOverviewPage />
      )),
  },
});

/** A team's namespaces and VMs on every cluster, as a tab of the team's (Group) page. */
const teamStateContent = EntityContentBlueprint.make({
  name: 'team-state',
  params: {
    path: '/live-state',
    title: 'Namespaces & VMs',
    filter: entity => entity.kind === 'Group',
    loader: () =>
      import('./components/TeamStateContent').then(m => (
        <m.EntityTeamStateContent />
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
  routes: {
    root: rootRouteRef,
    request: requestRouteRef,
    clusters: clustersRouteRef,
  },
  extensions: [
    provisioningApi,
    provisioningPage,
    requestPage,
    namespaceStateCard,
    vmStateCard,
    clustersPage,
    teamStateContent,
    clusterPickerField,
    quotaTierPickerField,
    requestPreviewField,
    adGroupPickerField,
    nameField,
    namespacePickerField,
    vmSizeField,
  ],
});
