import { Progress } from '@backstage/core-components';
import Alert from '@mui/material/Alert';
import { ReactNode } from 'react';
import { backendErrorText, isNotFound } from './backendError';

/**
 * What a live card says besides its data: progress before the first answer; that the object is not there (or not
 * readable) after a 404; the backend's words when the first read failed; and, with data on screen, that a refresh
 * failed and the last answer is shown.
 */
export const LiveReadAlerts = (props: {
  value: unknown;
  error?: Error;
  /** Said after a 404: the object is not (yet) on the cluster, or the user may not read it. */
  notFound: ReactNode;
  /** What could not be read, in "Could not read the state of <what>". */
  what: string;
}) => {
  const { value, error } = props;
  if (!value && !error) return <Progress />;
  if (!error) return null;
  if (value)
    return (
      <Alert severity="warning" sx={{ mb: 1 }}>
        Could not refresh: {backendErrorText(error)}. Showing the last answer.
      </Alert>
    );
  if (isNotFound(error)) return <Alert severity="info">{props.notFound}</Alert>;
  return (
    <Alert severity="error">
      Could not read the state of {props.what}: {backendErrorText(error)}
    </Alert>
  );
};
