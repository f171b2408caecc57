import { CustomErrorBase } from '@backstage/errors';

/** One thing wrong inside a file of the GitOps repository. */
export interface RepositoryFileProblem {
  /** Field path inside the file, e.g. `spec.hard.requests.cpu`; absent when the problem is the file as a whole. */
  field?: string;
  /** The rule broken, e.g. `is missing`. */
  rule: string;
}

const describeProblem = (problem: RepositoryFileProblem) =>
  problem.field ? `${problem.field}: ${problem.rule}` : problem.rule;

/**
 * A file of the GitOps repository that cannot be read as the portal wrote it. The message is
 * `<repository path>: <field>: <rule>` (`<repository path>: <rule>` when the whole file is wrong), with further
 * problems of the same file after a `;`. `path`, `field` and `rule` carry the first problem as data; `problems`
 * carries all of them.
 */
export class RepositoryFileError extends CustomErrorBase {
  /** Checks the error name and shape; works across package copies without a shared constructor. */
  static is(value: unknown): value is RepositoryFileError {
    return (
      value instanceof Error &&
      value.name === 'RepositoryFileError' &&
      typeof (value as Partial<RepositoryFileError>).path === 'string' &&
      Array.isArray((value as Partial<RepositoryFileError>).problems)
    );
  }

  name = 'RepositoryFileError' as const;
  /** Repository-relative path of the file, e.g. `clusters/dev/namespaces/payments/resourcequota.yaml`. */
  readonly path: string;
  /** Field path of the first problem, when known. */
  readonly field?: string;
  /** Rule of the first problem. */
  readonly rule: string;
  /** Every problem found in the file, the first one included; never empty. */
  readonly problems: ReadonlyArray<RepositoryFileProblem>;

  constructor(
    path: string,
    problems: RepositoryFileProblem | RepositoryFileProblem[],
  ) {
    const list = Array.isArray(problems) ? problems : [problems];
    const all = list.length > 0 ? list : [{ rule: 'cannot be read' }];
    super(`${path}: ${all.map(describeProblem).join('; ')}`);
    this.path = path;
    this.field = all[0].field;
    this.rule = all[0].rule;
    this.problems = all;
  }
}
