import {
  REQUEST_STATUS_TEXT,
  RequestStatus,
} from '@kubeportal/plugin-provisioning-common';
import Chip, { ChipProps } from '@mui/material/Chip';

/** Each status in colour: blue while it waits, orange when the requester must act, green when done. */
const STATUS_LOOK: Record<
  RequestStatus,
  { color: ChipProps['color']; variant: ChipProps['variant'] }
> = {
  'pull-request-open': { color: 'info', variant: 'outlined' },
  'changes-requested': { color: 'warning', variant: 'filled' },
  approved: { color: 'success', variant: 'outlined' },
  merged: { color: 'success', variant: 'filled' },
  rejected: { color: 'error', variant: 'outlined' },
};

/**
 * Where a request stands, as a chip in the words the catalog's descriptions use too; `Unknown status` for an entity
 * that carries none the portal knows.
 */
export const RequestStatusChip = (props: { status?: RequestStatus }) => {
  const look = props.status
    ? { label: REQUEST_STATUS_TEXT[props.status], ...STATUS_LOOK[props.status] }
    : {
        label: 'Unknown status',
        color: 'default' as const,
        variant: 'outlined' as const,
      };
  return (
    <Chip
      size="small"
      label={look.label}
      color={look.color}
      variant={look.variant}
      data-status={props.status ?? 'unknown'}
    />
  );
};
