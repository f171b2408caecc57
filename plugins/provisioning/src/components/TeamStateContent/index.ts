export { TeamStateContent, namespaceEntityRef } from './TeamStateContent';
export { EntityTeamStateContent } from './EntityTeamStateContent';
