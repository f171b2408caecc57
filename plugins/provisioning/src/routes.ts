import { createRouteRef } from '@backstage/frontend-plugin-api';

/** Route of the provisioning landing page. */
export const rootRouteRef = createRouteRef();

/**
 * Route of one request's page, `/provisioning/requests/:requestId`: where the "Open in the portal" link of a
 * request's pull request lands.
 */
export const requestRouteRef = createRouteRef({ params: ['requestId'] });

/** Route of the cluster overview, `/provisioning/clusters`: health, capacity and each team's share of every cluster. */
export const clustersRouteRef = createRouteRef();
