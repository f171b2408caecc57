export { RequestPage, RequestDetails, RequestCard } from './RequestPage';
export { RequestStatusChip } from './RequestStatusChip';
export {
  byUpdateNewestFirst,
  formatTime,
  ownRequestsFilter,
  REQUEST_ENTITY_FILTER,
  toRequestSummary,
} from './requestEntities';
export type { RequestStatus, RequestSummary } from './requestEntities';
