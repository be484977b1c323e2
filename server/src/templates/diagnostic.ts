export type { TemplateDiagnostic } from '../domain/template';
