export { RequestPreview, previewFieldProblem } from './RequestPreview';
export type { PreviewValue } from './RequestPreview';
export {
  requestFromForm,
  namespaceRequestFromForm,
  vmRequestFromForm,
} from './requestFromForm';
export type { FormRequestKind } from './requestFromForm';
