/**
 * Dev/test only: real Kubernetes control planes with Flux, and a GitHub emulator over real git repositories.
 *
 * @packageDocumentation
 */
export { ensureBinaries } from './binaries';
export type { BinaryPaths } from './binaries';
