import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';
import { exampleNamespaceRequest, exampleVmRequest } from './exampleRequests';

export const validateExamples: TemplateExample[] = [
  {
    description: 'Validate a namespace request from the form',
    example: yaml.stringify({
      steps: [
        {
          id: 'validate',
          action: 'provisioning:request:validate',
          name: 'Validate',
          input: { request: exampleNamespaceRequest },
        },
      ],
    }),
  },
  {
    description: 'Validate a virtual machine request',
    example: yaml.stringify({
      steps: [
        {
          id: 'validate',
          action: 'provisioning:request:validate',
          name: 'Validate',
          input: { request: exampleVmRequest },
        },
      ],
    }),
  },
];
