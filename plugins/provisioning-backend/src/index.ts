/**
 * Backend plugin of the provisioning portal: clusters, live state, requests and cost over REST.
 *
 * @packageDocumentation
 */
export { provisioningPlugin as default } from './plugin';
