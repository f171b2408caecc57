/**
 * Pure core of the provisioning portal: request schemas, naming rules, manifest rendering, GitOps layout,
 * policy and cost. No I/O: used by the browser, the backend and the command line alike.
 *
 * @packageDocumentation
 */
export * from './labels';
export * from './names';
