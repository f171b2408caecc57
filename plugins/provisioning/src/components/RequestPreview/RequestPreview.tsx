import { useApi } from '@backstage/frontend-plugin-api';
import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import { provisioningApiRef, RequestPreview as Preview } from '../../api';
import { namespaceRequestFromForm } from './namespaceRequest';

/**
 * Scaffolder field: shows the exact files the pull request will contain, the monthly cost and the policy result,
 * rendered by the backend with the same code as the pull request. Holds no value of its own.
 */
export const RequestPreview = (props: FieldExtensionComponentProps<string>) => {
  const api = useApi(provisioningApiRef);
  const [preview, setPreview] = useState<Preview>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(false);
  const form = ((props as any).formContext?.formData ?? {}) as Record<
    string,
    any
  >;

  const load = async () => {
    setLoading(true);
    setError(undefined);
    try {
      setPreview(await api.preview(namespaceRequestFromForm(form)));
    } catch (e) {
      setPreview(undefined);
      // the backend's own message names the field and the rule
      setError(
        (e as { body?: { error?: { message?: string } } }).body?.error
          ?.message ?? (e as Error).message,
      );
    } finally {
      setLoading(false);
    }
  };

  return (
    <Box sx={{ my: 2 }}>
      <Typography variant="h6">{props.schema.title ?? 'Preview'}</Typography>
      <Button
        variant="outlined"
        onClick={load}
        disabled={loading}
        sx={{ my: 1 }}
      >
        {loading ? 'Rendering…' : 'Preview the pull request'}
      </Button>
      {error && <Alert severity="error">{error}</Alert>}
      {preview && (
        <Box>
          <Alert
            severity={preview.problems.length === 0 ? 'success' : 'warning'}
            sx={{ mb: 1 }}
          >
            {preview.title} — monthly cost {preview.cost.before} →{' '}
            {preview.cost.after}; team after this change{' '}
            {preview.cost.teamAfter}
            {preview.cost.teamBudget
              ? ` of ${preview.cost.teamBudget}`
              : ''}.{' '}
            {preview.problems.length === 0
              ? 'All checks pass.'
              : preview.problems.map(p => `${p.path}: ${p.message}`).join('; ')}
          </Alert>
          {preview.files.map(file => (
            <Box component="details" key={file.path} sx={{ mb: 0.5 }}>
              <Box
                component="summary"
                sx={{
                  cursor: 'pointer',
                  fontFamily: 'monospace',
                  fontSize: 13,
                }}
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
      )}
    </Box>
  );
};
