import { z } from 'zod';
import { dns1123LabelProblem } from './names';
import { quantityProblem } from './quantity';

/** One broken rule: where (a field path like `quota.requestsCpu`) and what. */
export interface FieldProblem {
  path: string;
  message: string;
}

/** Formats a zod path the way users read field paths: `disks[1].size`. */
export function formatPath(path: ReadonlyArray<string | number>): string {
  return path
    .map((part, i) => {
      if (typeof part === 'number') return `[${part}]`;
      return i === 0 ? part : `.${part}`;
    })
    .join('');
}

/** Turns zod issues into field problems, one per issue, in order. */
export function zodProblems(error: z.ZodError, prefix: string[] = []): FieldProblem[] {
  return error.issues.map(issue => ({
    path: formatPath([...prefix, ...issue.path]) || '(root)',
    message: issue.message,
  }));
}

/** Formats field problems as one message: `field: rule; other.field: rule`. */
export function formatProblems(problems: FieldProblem[]): string {
  return problems.map(p => `${p.path}: ${p.message}`).join('; ');
}

/** A DNS-1123 label field. */
export const dnsLabel = () =>
  z.string().superRefine((value, ctx) => {
    const problem = dns1123LabelProblem(value);
    if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
  });

/** A Kubernetes quantity field (string; numbers are accepted and turned into strings). */
export const quantity = () =>
  z
    .union([z.string(), z.number().nonnegative()])
    .transform(v => String(v))
    .superRefine((value, ctx) => {
      const problem = quantityProblem(value);
      if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: value === '' ? 'must not be empty' : `'${value}' ${problem}` });
    });

/** A catalog entity ref of a given kind, e.g. `group:default/payments`; `payments` alone means the default namespace. */
export const entityRef = (kind: 'group' | 'user') =>
  z
    .string()
    .min(1)
    .transform(value => (value.includes(':') ? value : `${kind}:default/${value}`))
    .superRefine((value, ctx) => {
      const match = /^([a-z]+):([a-z0-9-_.]+)\/([A-Za-z0-9-_.]+)$/.exec(value);
      if (!match || match[1] !== kind) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          message: `must be a ${kind} entity ref like '${kind}:default/name'`,
        });
      }
    });

/** An ISO date `YYYY-MM-DD` that exists in the calendar. */
export const isoDate = () =>
  z.string().superRefine((value, ctx) => {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    const date = match ? new Date(`${value}T00:00:00Z`) : undefined;
    if (!match || !date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be a date written YYYY-MM-DD' });
    }
  });
