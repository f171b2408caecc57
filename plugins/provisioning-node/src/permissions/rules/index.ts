import { isInEnvironment } from './isInEnvironment';
import { isNamespaceOwner } from './isNamespaceOwner';
import { isTeamMember } from './isTeamMember';

export { isInEnvironment, isNamespaceOwner, isTeamMember };

/** Every rule of the portal's resource type, registered with the permissions registry. */
export const provisioningPermissionRules = {
  isTeamMember,
  isNamespaceOwner,
  isInEnvironment,
};
