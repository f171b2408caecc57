import {
  Content,
  ErrorBoundary,
  Header,
  InfoCard,
  Link,
  Page,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import {
  identityApiRef,
  useApi,
  useRouteRef,
} from '@backstage/frontend-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { REQUEST_ENTITY_RECENT_DAYS } from '@kubeportal/plugin-provisioning-common';
import Grid from '@mui/material/Grid';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemText from '@mui/material/ListItemText';
import Typography from '@mui/material/Typography';
import useAsync from 'react-use/esm/useAsync';
import { provisioningApiRef } from '../../api';
import { clustersRouteRef, requestRouteRef } from '../../routes';
import {
  byUpdateNewestFirst,
  formatTime,
  ownRequestsFilter,
  RequestStatusChip,
  RequestSummary,
  toRequestSummary,
} from '../RequestPage';

/** Spec type of the scaffolder templates that start a provisioning request. */
const TEMPLATE_TYPE = 'provisioning';

/** One small line: whether the provisioning backend answers; its error in full when it does not. */
const BackendHealth = () => {
  const api = useApi(provisioningApiRef);
  const { value, loading, error } = useAsync(() => api.getHealth(), [api]);
  if (error) return <ResponseErrorPanel error={error} />;
  return (
    <Typography variant="caption" color="text.secondary" component="p">
      {loading ? 'Checking the provisioning backend…' : null}
      {value ? `Provisioning backend: ${value.status}` : null}
    </Typography>
  );
};

/** A line linking the cluster overview (health and capacity of every cluster), when the app has that page. */
const ClustersLink = () => {
  const clustersLink = useRouteRef(clustersRouteRef);
  if (!clustersLink) return null;
  return (
    <Typography variant="body2" component="p" sx={{ mb: 1 }}>
      How full is each cluster?{' '}
      <Link to={clustersLink()}>See the clusters' health and capacity</Link>.
    </Typography>
  );
};

/** The requests the signed-in user asked for, and those of the teams they belong to; newest change first. */
const OwnRequests = () => {
  const catalogApi = useApi(catalogApiRef);
  const identityApi = useApi(identityApiRef);
  const requestLink = useRouteRef(requestRouteRef);
  const { value, loading, error } = useAsync(async () => {
    const identity = await identityApi.getBackstageIdentity();
    const { items } = await catalogApi.getEntities({
      filter: ownRequestsFilter(identity),
    });
    return items.map(toRequestSummary).sort(byUpdateNewestFirst);
  }, [catalogApi, identityApi]);

  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;

  const columns: TableColumn<RequestSummary>[] = [
    {
      title: 'Request',
      field: 'title',
      highlight: true,
      render: row =>
        requestLink ? (
          <Link to={requestLink({ requestId: row.requestId })}>
            {row.title}
          </Link>
        ) : (
          row.title
        ),
    },
    {
      title: 'Status',
      field: 'status',
      render: row => <RequestStatusChip status={row.status} />,
    },
    { title: 'Cluster', field: 'cluster' },
    {
      title: 'Updated',
      field: 'updatedAt',
      render: row => formatTime(row.updatedAt),
    },
    {
      title: 'Pull request',
      sorting: false,
      render: row =>
        row.pullRequest ? (
          <Link to={row.pullRequest.url}>{row.pullRequest.title}</Link>
        ) : null,
    },
  ];
  return (
    <Table<RequestSummary>
      title="Your requests and your teams'"
      subtitle={`Open pull requests, and those closed in the last ${REQUEST_ENTITY_RECENT_DAYS} days`}
      columns={columns}
      data={value ?? []}
      options={{
        paging: (value?.length ?? 0) > 20,
        pageSize: 20,
        search: false,
        padding: 'dense',
      }}
      emptyContent={
        <Typography sx={{ p: 2 }}>
          {`No requests of yours or your teams in the last ${REQUEST_ENTITY_RECENT_DAYS} days. Start one from a template.`}
        </Typography>
      }
    />
  );
};

/** The scaffolder templates of type `provisioning`, each linked to its form. */
const ProvisioningTemplates = () => {
  const catalogApi = useApi(catalogApiRef);
  const { value, loading, error } = useAsync(async () => {
    const { items } = await catalogApi.getEntities({
      filter: { kind: 'Template', 'spec.type': TEMPLATE_TYPE },
      fields: [
        'metadata.name',
        'metadata.namespace',
        'metadata.title',
        'metadata.description',
      ],
    });
    return items
      .map(t => ({
        name: t.metadata.name,
        title: t.metadata.title ?? t.metadata.name,
        description: t.metadata.description,
        href: `/create/templates/${t.metadata.namespace ?? 'default'}/${
          t.metadata.name
        }`,
      }))
      .sort((a, b) => a.title.localeCompare(b.title));
  }, [catalogApi]);

  return (
    <InfoCard title="Ask for something new">
      {loading && <Progress />}
      {error && <ResponseErrorPanel error={error} />}
      {value && value.length === 0 && (
        <Typography>
          No provisioning templates are registered in the catalog.
        </Typography>
      )}
      {value && value.length > 0 && (
        <List dense disablePadding aria-label="Provisioning templates">
          {value.map(t => (
            <ListItem key={t.href} disableGutters>
              <ListItemText
                primary={<Link to={t.href}>{t.title}</Link>}
                secondary={t.description}
                secondaryTypographyProps={{
                  sx: { whiteSpace: 'normal', overflowWrap: 'anywhere' },
                }}
              />
            </ListItem>
          ))}
        </List>
      )}
    </InfoCard>
  );
};

/**
 * Landing page of the provisioning portal: the signed-in user's requests and their teams', the templates that start
 * a new one, a link to the cluster overview, and a small line on whether the backend answers.
 */
export const ProvisioningPage = () => (
  <Page themeId="tool">
    <Header
      title="Provisioning"
      subtitle="Namespaces and virtual machines on our Kubernetes clusters, through reviewed pull requests"
    />
    <Content>
      <Typography variant="body1" sx={{ mb: 1 }}>
        Ask for a namespace with quotas, limit ranges, network policy and access
        for your groups, or for a KubeVirt virtual machine for a legacy
        workload. Each request becomes a pull request on the GitOps repository
        that your project lead approves; Flux applies it to the cluster.
      </Typography>
      <ClustersLink />
      <BackendHealth />
      <Grid container spacing={3} sx={{ mt: 0 }}>
        {/* each section fails on its own: a catalog that is down leaves the rest of the page */}
        <Grid item xs={12} lg={8}>
          <ErrorBoundary>
            <OwnRequests />
          </ErrorBoundary>
        </Grid>
        <Grid item xs={12} lg={4}>
          <ErrorBoundary>
            <ProvisioningTemplates />
          </ErrorBoundary>
        </Grid>
      </Grid>
    </Content>
  </Page>
);
