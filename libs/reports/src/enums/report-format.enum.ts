/** The two forms of an audit report. */
export enum ReportFormat {
  Pdf = 'pdf',
  Csv = 'csv',
}

/** Where an export is: queued for the worker, being written, ready to download, or failed. */
export enum ReportStatus {
  Queued = 'queued',
  Running = 'running',
  Done = 'done',
  Failed = 'failed',
}
