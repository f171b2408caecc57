/**
 * Pure core of the provisioning portal: request schemas, naming rules, manifest rendering, GitOps layout,
 * policy and cost. No I/O: used by the browser, the backend and the command line alike.
 *
 * @packageDocumentation
 */
export * from './labels';
export * from './names';
export * from './quantity';
export * from './quotaFields';
export * from './validation';
export * from './config';
export * from './vmImageSources';
export * from './requests/schemas';
export * from './requests/parse';
export * from './requests/rules';
export * from './manifests/types';
export * from './manifests/serialize';
export * from './manifests/namespace';
export * from './manifests/vm';
export * from './manifests/virtLauncher';
export * from './manifests/flux';
export * from './manifests/tenancy';
export * from './gitops/layout';
export * from './gitops/kustomization';
export * from './gitops/codeowners';
export * from './gitops/errors';
export * from './gitops/state';
export * from './gitops/spend';
export * from './gitops/reads';
export * from './gitops/validateRepository';
export * from './capacity';
export * from './cost';
export * from './render';
export * from './policy';
export * from './permissions';
export * from './markdown';
export * from './pullRequest';
export * from './requestEntity';
export * from './requestStatus';
export * from './signals';
export * from './liveState';
