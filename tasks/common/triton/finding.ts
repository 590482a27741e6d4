/** One problem found in a Triton model, placed on the file and line where it was found. */
export interface Finding {
  severity: 'error' | 'warning';
  /** Stable rule id, e.g. `pbtxt.syntax`, `config.max-batch-size`, `layout.version-folder`. */
  rule: string;
  /** Path of the file, relative to the folder that was validated. */
  file: string;
  /** 1-based line and column; 0 when the finding concerns the file as a whole. */
  line: number;
  column: number;
  message: string;
  /** What the user should do about it. */
  fix?: string;
}
