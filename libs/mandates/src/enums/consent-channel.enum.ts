/** Where the citizen identifies and consents. */
export enum ConsentChannel {
  /** On the aide's device, at the counter. */
  SameDevice = 'same_device',
  /** On the citizen's own device, through a single-use link valid 24 hours. */
  Remote = 'remote',
}
