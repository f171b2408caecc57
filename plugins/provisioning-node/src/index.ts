/**
 * Node library of the provisioning portal: configuration, cluster clients and auth, GitOps repository writer,
 * extension points.
 *
 * @packageDocumentation
 */
export * from './config/clusters';
