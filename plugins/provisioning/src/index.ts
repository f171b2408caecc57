/**
 * Frontend plugin of the provisioning portal.
 *
 * @packageDocumentation
 */
export { provisioningPlugin as default } from './plugin';
export * from './api';
