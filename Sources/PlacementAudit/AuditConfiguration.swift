import PlacementSealing

/// How an ``AuditLog`` writes: where, how durably, and what it does when it cannot.
public struct AuditConfiguration: Sendable {
  /// The directory of segments (`audit-000001.jsonl`, ...); created when missing.
  public var directory: String
  /// Keys the hash chain and the digests of masked fields and payloads; nil for an unkeyed chain.
  public var key: AuditKey?
  /// When a record counts as committed (see ``AuditDurability``).
  public var durability: AuditDurability
  /// A segment is closed and the next one started before it would grow past this many bytes
  /// (a single larger record still gets a segment of its own). 64 MiB unless configured.
  public var segmentSize: Int
  /// In ``AuditDurability/buffered`` mode, the longest time between a record's `write(2)` and
  /// its `fdatasync`: what a power loss can lose at most. 1 second unless configured.
  public var syncInterval: Duration
  /// What happens to decisions when the log cannot be written.
  public var failureBehavior: AuditFailureBehavior
  /// Fields replaced by their keyed digest in every record, from ``AuditLog/maskableFields``
  /// (for example `request.source`); needs a ``key``. Each record says which fields it masked.
  public var maskedFields: [String]
  /// In `buffered` mode, how long the writer thread waits before taking records itself. A
  /// server whose event loop calls ``AuditLog/writeNow()`` every round sets a millisecond or
  /// two, so that its answers do not wait for the writer thread to wake; the default, zero,
  /// suits an embedder that waits with ``AuditLog/waitUntilDurable(_:)``.
  public var writerLinger: Duration = .zero

  /// Creates a configuration; every value but the directory has a default.
  public init(
    directory: String, key: AuditKey? = nil, durability: AuditDurability = .buffered,
    segmentSize: Int = 64 << 20, syncInterval: Duration = .seconds(1),
    failureBehavior: AuditFailureBehavior = .refuse, maskedFields: [String] = []
  ) {
    self.directory = directory
    self.key = key
    self.durability = durability
    self.segmentSize = segmentSize
    self.syncInterval = syncInterval
    self.failureBehavior = failureBehavior
    self.maskedFields = maskedFields
  }
}

/// When a record is committed: the level ``AuditLog/durableSequence()``,
/// ``AuditLog/whenDurable(_:_:)`` and ``AuditLog/waitUntilDurable(_:)`` report.
///
/// A server answers a decision only once its record is committed; then:
public enum AuditDurability: String, Sendable, Hashable, CaseIterable {
  /// Committed once `write(2)` has handed the record to the kernel. A crash of the process loses
  /// nothing that was answered; a power loss or kernel crash loses at most the records written
  /// in the last ``AuditConfiguration/syncInterval`` (plus the time one `fdatasync` takes).
  /// The default.
  case buffered
  /// Committed once the record is on disk (`fdatasync` returned; one call covers every record
  /// written in the same batch: group commit). Neither a crash nor a power loss loses an
  /// answered decision's record, assuming the disk honours flushes.
  case durable
}

/// What the log does when it cannot write (disk full, permissions, I/O error).
public enum AuditFailureBehavior: String, Sendable, Hashable, CaseIterable {
  /// Refuse: records not yet written fail their waiters, and every `record` call throws
  /// (the engine answers `audit_unavailable`) until a retry of the pending records succeeds.
  /// Those pending records are kept and retried, so the log never has a gap. The default.
  case refuse
  /// Continue: decisions go on; records that cannot be written are dropped and counted
  /// (``AuditCounters/recordsLost``), and once writing works again a `gap` record names the
  /// lost sequence numbers, so the gap is visible to verification and never silent.
  case `continue`
}
