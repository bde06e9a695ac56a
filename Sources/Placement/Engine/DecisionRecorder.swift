/// Receives every decision and completion the engine makes, in the order it makes them: the
/// audit log's way in. `PlacementAudit` provides the tamper-evident log; an embedder may supply
/// another.
///
/// The engine calls it while holding its lock, so records arrive in decision order; an
/// implementation must only buffer (microseconds), never wait for a disk there. When it throws,
/// the engine undoes the decision or completion and reports
/// ``PlacementError/auditUnavailable(_:)``: nothing is answered that the log did not take.
public protocol DecisionRecorder: Sendable {
  /// Records `decision`, made for `request`. Returns the record's sequence number, which the
  /// decision carries as ``Decision/auditSequence`` (a server can hold the answer until that
  /// record is durable).
  func record(_ decision: Decision, for request: PlacementRequest) throws -> UInt64

  /// Records that `lease` completed.
  func record(
    _ completion: Completion, lease: String, observedMs: Double, status: CompletionStatus
  ) throws -> UInt64
}
