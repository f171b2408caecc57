import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Describe a namespace request on the dev cluster',
    example: yaml.stringify({
      steps: [
        {
          id: 'describe',
          action: 'provisioning:request:describe',
          name: 'Describe request',
          input: { cluster: 'dev', kind: 'namespace', namespace: 'payments' },
        },
      ],
    }),
  },
  {
    description: 'Describe the decommission of a virtual machine',
    example: yaml.stringify({
      steps: [
        {
          id: 'describe',
          action: 'provisioning:request:describe',
          name: 'Describe request',
          input: {
            cluster: 'prod',
            kind: 'vm',
            namespace: 'payments',
            vmName: 'legacy-db',
            action: 'decommission',
          },
        },
      ],
    }),
  },
];
