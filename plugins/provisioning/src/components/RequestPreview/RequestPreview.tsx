import { useApi } from '@backstage/frontend-plugin-api';
import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import Link from '@mui/material/Link';
import Typography from '@mui/material/Typography';
import { useCallback, useEffect, useRef, useState } from 'react';
import { provisioningApiRef, RequestPreview as Preview } from '../../api';
import { FormRequestKind, requestFromForm } from './requestFromForm';

/**
 * The preview field's value: whether the request, exactly as the form holds it now, passes every check the task
 * runs, and whether the requester chose to update their open pull request. The template passes
 * `updateOpenRequest` to its actions; the field's validation blocks the review step until `ready`.
 */
export interface PreviewValue {
  ready: boolean;
  /** The request and the commit it was checked on; another request means another check. */
  checked?: string;
  updateOpenRequest: boolean;
}

/** Options of the field (`ui:options`). */
export interface RequestPreviewOptions {
  /** Which template's request the form builds (default `namespace`). */
  kind?: FormRequestKind;
}

/** Form fields by the request's field paths, so each problem names the field the user filled in. */
const FIELD_TITLES: Array<[RegExp, string]> = [
  [/^name$/, 'Name'],
  [/^cluster$/, 'Cluster'],
  [/^team$/, 'Owning team'],
  [/^namespace$/, 'Namespace'],
  [/^environment$/, 'Cluster (its environment)'],
  [/^purpose$/, 'Purpose'],
  [/^expires$/, 'Expiry date'],
  [/^quota\b/, 'Quota'],
  [/^networkPolicy\.allowEgressTo\b/, 'May connect to namespaces'],
  [/^networkPolicy\b/, 'Network policy'],
  [/^access\b/, 'AD groups'],
  [/^(cpu|memory)$/, 'Size'],
  [/^rootDisk\.source\b/, 'Root disk source'],
  [/^rootDisk\b/, 'Root disk'],
  [/^dataDisks\b/, 'Extra blank disks'],
  [/^network\b/, 'Multus network'],
  [/^cloudInit\b/, 'SSH public keys'],
  [/^exposure\b/, 'Expose'],
  [/^vmName$/, 'VM name'],
];

/** The form field a problem belongs to, in the form's words. */
export function fieldTitle(path: string): string {
  return FIELD_TITLES.find(([pattern]) => pattern.test(path))?.[1] ?? path;
}

/** Why the review step is blocked, or `undefined` when the preview says the request is ready. */
export function previewFieldProblem(
  value: Partial<PreviewValue> | undefined,
): string | undefined {
  if (value?.ready) return undefined;
  return value?.checked
    ? 'The request does not pass its checks yet: fix the problems the preview lists, then check again'
    : 'The request has not been checked yet: wait for the preview';
}

const CHANGE_WORDS = {
  added: 'added',
  changed: 'changed',
  deleted: 'deleted',
  dropped: 'back to the base branch',
  unchanged: 'unchanged',
} as const;

/**
 * Scaffolder field: plans the request with the backend exactly as the task will (schemas, policy, name free on
 * the cluster and in open pull requests, project leads, quota fit with VM overhead, budget), shows the files of
 * the pull request and the cost, and says "ready to submit" only when the task will pass. Each problem is shown
 * with the form field it belongs to. When the requester already has an open pull request for the same request, it
 * is linked with what would change, and updating it is an explicit choice.
 */
export const RequestPreview = (
  props: FieldExtensionComponentProps<PreviewValue, RequestPreviewOptions>,
) => {
  const { onChange, formData: value, uiSchema, rawErrors } = props;
  const api = useApi(provisioningApiRef);
  const [preview, setPreview] = useState<Preview>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(false);
  const form = (props as any).formContext?.formData as
    | Record<string, any>
    | undefined;
  const kind = uiSchema?.['ui:options']?.kind ?? 'namespace';
  // the request as the template's steps will build it; a new request (not a new render) means a new check
  const requestKey = JSON.stringify(requestFromForm(kind, form ?? {}));
  const update = value?.updateOpenRequest === true;
  const latest = useRef(0);

  const load = useCallback(
    async (updateOpenRequest: boolean) => {
      const call = ++latest.current;
      setLoading(true);
      setError(undefined);
      // nothing is ready while it is being checked
      onChange({ ready: false, updateOpenRequest });
      try {
        const answer = await api.preview(JSON.parse(requestKey), {
          updateOpenRequest,
        });
        if (call !== latest.current) return;
        setPreview(answer);
        onChange({
          ready: answer.ready,
          checked: `${answer.requestId}@${answer.baseSha}`,
          updateOpenRequest: answer.openRequest ? updateOpenRequest : false,
        });
      } catch (e) {
        if (call !== latest.current) return;
        setPreview(undefined);
        // the backend's own message names the field and the rule
        setError(
          (e as { body?: { error?: { message?: string } } }).body?.error
            ?.message ?? (e as Error).message,
        );
      } finally {
        if (call === latest.current) setLoading(false);
      }
    },
    // onChange changes on every render of the form; the request is what matters
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, requestKey],
  );

  // checked when the step opens and whenever the request changes
  useEffect(() => {
    load(update);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [load]);

  const problems = preview?.problems ?? [];
  const open = preview?.openRequest;
  return (
    <Box sx={{ my: 2 }}>
      <Typography variant="h6">{props.schema.title ?? 'Preview'}</Typography>
      <Button
        variant="outlined"
        onClick={() => load(update)}
        disabled={loading}
        sx={{ my: 1 }}
      >
        {loading ? 'Checking…' : 'Check again'}
      </Button>
      {error && (
        <Alert severity="error" sx={{ mb: 1 }}>
          <AlertTitle>Not ready to submit</AlertTitle>
          {error}
        </Alert>
      )}
      {preview && !loading && (
        <Alert
          severity={preview.ready ? 'success' : 'error'}
          sx={{ mb: 1 }}
          data-testid="preview-verdict"
        >
          <AlertTitle>
            {preview.ready
              ? 'Ready to submit'
              : `Not ready to submit: ${problems.length} problem${
                  problems.length === 1 ? '' : 's'
                }`}
          </AlertTitle>
          {preview.title}. Monthly cost {preview.cost.before} →{' '}
          {preview.cost.after}; team after this change {preview.cost.teamAfter}
          {preview.cost.teamBudget ? ` of ${preview.cost.teamBudget}` : ''}.
          {preview.ready &&
            ` Every check the task runs passes on commit ${preview.baseSha.slice(
              0,
              7,
            )}.`}
          {problems.length > 0 && (
            <Box component="ul" sx={{ m: 0, pl: 2 }}>
              {problems.map(p => (
                <li key={`${p.path}:${p.message}`}>
                  <strong>{fieldTitle(p.path)}</strong>: {p.message}
                </li>
              ))}
            </Box>
          )}
        </Alert>
      )}
      {open && (
        <Alert severity="warning" sx={{ mb: 1 }} data-testid="open-request">
          <AlertTitle>
            You already asked for this:{' '}
            <Link href={open.url} target="_blank" rel="noopener">
              pull request #{open.number}
            </Link>{' '}
            is open
          </AlertTitle>
          Updating it replaces its files with this request, dismisses its
          approvals, and leaves a comment on it that lists the change.
          <Box component="ul" sx={{ my: 1, pl: 2 }}>
            {open.files
              .filter(f => f.change !== 'unchanged')
              .map(f => (
                <li key={f.path}>
                  <code>{f.path}</code>: {CHANGE_WORDS[f.change]}
                  {f.diff && (
                    <Box
                      component="pre"
                      sx={{ fontSize: 12, overflowX: 'auto', maxHeight: 240 }}
                    >
                      {f.diff}
                    </Box>
                  )}
                </li>
              ))}
          </Box>
          <FormControlLabel
            control={
              <Checkbox
                checked={update}
                disabled={loading}
                onChange={e => load(e.target.checked)}
              />
            }
            label={`Update pull request #${open.number} with this request`}
          />
        </Alert>
      )}
      {(rawErrors?.length ?? 0) > 0 && !loading && !preview?.ready && (
        <Typography color="error" variant="body2">
          {rawErrors?.join('; ')}
        </Typography>
      )}
      {preview?.files.map(file => (
        <Box component="details" key={file.path} sx={{ mb: 0.5 }}>
          <Box
            component="summary"
            sx={{ cursor: 'pointer', fontFamily: 'monospace', fontSize: 13 }}
          >
            {file.content === null ? 'delete ' : ''}
            {file.path}
          </Box>
          {file.content !== null && (
            <Box
              component="pre"
              sx={{
                bgcolor: 'action.hover',
                p: 1,
                fontSize: 12,
                overflowX: 'auto',
                maxHeight: 320,
              }}
            >
              {file.content}
            </Box>
          )}
        </Box>
      ))}
    </Box>
  );
};
