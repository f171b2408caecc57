import {
  Content,
  Header,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Alert from '@mui/material/Alert';
import Typography from '@mui/material/Typography';
import useAsync from 'react-use/esm/useAsync';
import { provisioningApiRef } from '../../api';

/** Landing page of the provisioning portal: what it does and whether its backend answers. */
export const ProvisioningPage = () => {
  const api = useApi(provisioningApiRef);
  const { value, loading, error } = useAsync(() => api.getHealth(), [api]);

  return (
    <Page themeId="tool">
      <Header
        title="Provisioning"
        subtitle="Namespaces and virtual machines on our Kubernetes clusters, through reviewed pull requests"
      />
      <Content>
        {loading && <Progress />}
        {error && <ResponseErrorPanel error={error} />}
        {value && (
          <Alert severity="success">Provisioning backend: {value.status}</Alert>
        )}
        <Typography variant="body1" sx={{ mt: 2 }}>
          Ask for a namespace with quotas, limit ranges, network policy and
          access for your groups, or for a KubeVirt virtual machine for a legacy
          workload. Each request becomes a pull request on the GitOps repository
          that your project lead approves; Flux applies it to the cluster.
        </Typography>
      </Content>
    </Page>
  );
};
