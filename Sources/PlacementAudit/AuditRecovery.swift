/// What opening an existing audit directory found and did.
public struct AuditRecovery: Sendable, Hashable {
  /// The last valid record before this run: its sequence number (0 for a new log) and hash.
  public var resumedAfter: UInt64
  /// The hash the new records chain from (64 zeros for a new log).
  public var resumedHash: String
  /// The segment this run writes to (always a new one).
  public var segment: String
  /// The segment holding a torn last line (a crash mid-write), if any.
  public var tornFile: String?
  /// The line number of the torn line.
  public var tornLine: Int?
  /// How many bytes the torn line has (left in place; verification skips it).
  public var tornBytes: Int = 0
}
