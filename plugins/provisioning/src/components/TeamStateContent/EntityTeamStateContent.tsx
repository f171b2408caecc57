import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import Alert from '@mui/material/Alert';
import { TeamStateContent } from './TeamStateContent';

/** The team's namespaces and VMs on a catalog `Group` entity's page (the "Namespaces & VMs" tab). */
export const EntityTeamStateContent = () => {
  const { entity } = useEntity();
  if (entity.kind.toLocaleLowerCase('en-US') !== 'group')
    return (
      <Alert severity="warning">
        Namespaces and VMs are shown for teams (Group entities) only, not for a{' '}
        {entity.kind}.
      </Alert>
    );
  return <TeamStateContent team={stringifyEntityRef(entity)} />;
};
