import { createRouteRef } from '@backstage/frontend-plugin-api';

/** Route of the provisioning landing page. */
export const rootRouteRef = createRouteRef();
