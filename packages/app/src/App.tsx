import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import provisioningPlugin from '@kubeportal/plugin-provisioning';
import { navModule } from './modules/nav';

export default createApp({
  features: [catalogPlugin, provisioningPlugin, navModule],
});
