/** Metadata of a Kubernetes object, as far as the portal writes it. */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** A Kubernetes object. Built as a typed value, serialised once by `toYamlDocuments`. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** A change to one file of the GitOps repository. `content: null` deletes the file. */
export interface FileChange {
  path: string;
  content: string | null;
}

/** The files of the GitOps repository the renderer reads: repository-relative path to text. */
export type RepoSnapshot = ReadonlyMap<string, string>;
