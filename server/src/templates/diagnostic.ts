/** One problem found in a template file, placed where the author can fix it. */
export interface TemplateDiagnostic {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  message: string;
  /** What to change to fix it. */
  hint: string;
}
