/// What the audit log has done since it opened, for metrics and status.
public struct AuditCounters: Sendable, Hashable {
  /// Records taken by `record` (and start, reload, stop, gap records).
  public var recordsAppended: UInt64 = 0
  /// Records handed to the kernel with `write(2)`.
  public var recordsWritten: UInt64 = 0
  /// Bytes handed to the kernel.
  public var bytesWritten: UInt64 = 0
  /// `fdatasync` calls that succeeded.
  public var syncs: UInt64 = 0
  /// Failed writes or syncs (each failed attempt counts once).
  public var writeFailures: UInt64 = 0
  /// Records dropped in ``AuditFailureBehavior/continue`` mode (also listed in `gap` records).
  public var recordsLost: UInt64 = 0
  /// `record` calls refused in ``AuditFailureBehavior/refuse`` mode.
  public var recordsRefused: UInt64 = 0
  /// The highest sequence number taken.
  public var lastSequence: UInt64 = 0
  /// The highest sequence number handed to the kernel.
  public var writtenSequence: UInt64 = 0
  /// The highest sequence number known to be on disk (`fdatasync`).
  public var syncedSequence: UInt64 = 0
  /// The current failure, when writing fails now; nil when healthy.
  public var failure: String?
}
