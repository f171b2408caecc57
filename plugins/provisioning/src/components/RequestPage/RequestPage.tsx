import {
  Content,
  EmptyState,
  Header,
  InfoCard,
  Link,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import {
  useApi,
  useRouteRef,
  useRouteRefParams,
} from '@backstage/frontend-plugin-api';
import { catalogApiRef, EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableRow from '@mui/material/TableRow';
import { ReactNode } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { requestRouteRef, rootRouteRef } from '../../routes';
import {
  actionText,
  byUpdateNewestFirst,
  formatTime,
  refName,
  requestIdFilter,
  RequestSummary,
  toRequestSummary,
} from './requestEntities';
import { RequestStatusChip } from './RequestStatusChip';

const Fact = (props: { label: string; children?: ReactNode }) => (
  <TableRow>
    <TableCell component="th" scope="row" sx={{ width: '12em' }}>
      {props.label}
    </TableCell>
    <TableCell>{props.children ?? 'unknown'}</TableCell>
  </TableRow>
);

/** One request entity: its title, status, what and where, who, when, and links to its pull request and entity. */
export const RequestCard = (props: { request: RequestSummary }) => {
  const { request } = props;
  return (
    <Box component="section" aria-label={request.title}>
      <InfoCard
        title={request.title}
        subheader={<RequestStatusChip status={request.status} />}
      >
        <Table size="small" aria-label={`Facts of ${request.title}`}>
          <TableBody>
            <Fact label="Action">{actionText(request.action)}</Fact>
            <Fact label="Cluster">
              {request.cluster && (
                <EntityRefLink
                  entityRef={`resource:default/${request.cluster}`}
                >
                  {request.cluster}
                </EntityRefLink>
              )}
            </Fact>
            <Fact label="Namespace">{request.namespace}</Fact>
            {request.vm && <Fact label="Virtual machine">{request.vm}</Fact>}
            <Fact label="Team">
              {request.team && (
                <EntityRefLink entityRef={request.team}>
                  {refName(request.team)}
                </EntityRefLink>
              )}
            </Fact>
            <Fact label="Requester">
              {request.requester && (
                <EntityRefLink entityRef={request.requester}>
                  {refName(request.requester)}
                </EntityRefLink>
              )}
            </Fact>
            <Fact label="Opened">{formatTime(request.openedAt)}</Fact>
            <Fact label="Updated">{formatTime(request.updatedAt)}</Fact>
            <Fact label="Request id">{request.requestId}</Fact>
          </TableBody>
        </Table>
        <Stack direction="row" spacing={3} sx={{ mt: 2 }}>
          {request.pullRequest && (
            <Link to={request.pullRequest.url}>
              {request.pullRequest.title} on GitHub
            </Link>
          )}
          <EntityRefLink entityRef={request.entityRef}>
            Open in the catalog
          </EntityRefLink>
        </Stack>
      </InfoCard>
    </Box>
  );
};

/**
 * The catalog's entities of one request id, newest first (a request id has one per action: the creation, later a
 * quota change or the decommission), or why there are none.
 */
export const RequestDetails = (props: { requestId: string }) => {
  const { requestId } = props;
  const catalogApi = useApi(catalogApiRef);
  const rootLink = useRouteRef(rootRouteRef);
  const { value, loading, error } = useAsync(async () => {
    const { items } = await catalogApi.getEntities({
      filter: requestIdFilter(requestId),
    });
    return items.map(toRequestSummary).sort(byUpdateNewestFirst);
  }, [catalogApi, requestId]);

  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!value || value.length === 0) {
    return (
      <EmptyState
        missing="data"
        title={`No request ${requestId}`}
        description="It may be older than 90 days, or the catalog has not read it from the GitOps repository yet: try again in a minute."
        action={
          rootLink ? (
            <Button variant="outlined" component={Link} to={rootLink()}>
              Your requests
            </Button>
          ) : undefined
        }
      />
    );
  }
  return (
    <Stack spacing={3}>
      {value.map(request => (
        <RequestCard key={request.entityRef} request={request} />
      ))}
    </Stack>
  );
};

/** One request's page, `/provisioning/requests/:requestId`: where the pull request's "Open in the portal" lands. */
export const RequestPage = () => {
  const { requestId } = useRouteRefParams(requestRouteRef);
  return (
    <Page themeId="tool">
      <Header title={`Request ${requestId}`} type="Provisioning request" />
      <Content>
        <RequestDetails requestId={requestId} />
      </Content>
    </Page>
  );
};
