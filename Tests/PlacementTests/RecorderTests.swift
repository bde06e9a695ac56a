import Placement
import Synchronization
import Testing

/// The audit hook: every decision and completion reaches the recorder, in order, and nothing is
/// answered that it refused.
@Suite struct RecorderTests {
  typealias F = EngineFixtures

  final class MemoryRecorder: DecisionRecorder {
    enum Entry: Equatable {
      case decision(id: String, requestID: String)
      case completion(lease: String, status: CompletionStatus)
    }

    let entries = Mutex<[Entry]>([])
    let refusing = Mutex(false)

    func record(_ decision: Decision, for request: PlacementRequest) throws -> UInt64 {
      try entries.withLock { entries in
        if refusing.withLock({ $0 }) { throw PlacementError.invalidRequest("disk full") }
        entries.append(.decision(id: decision.id, requestID: request.id))
        return UInt64(entries.count)
      }
    }

    func record(
      _ completion: Completion, lease: String, observedMs: Double, status: CompletionStatus
    ) throws -> UInt64 {
      try entries.withLock { entries in
        if refusing.withLock({ $0 }) { throw PlacementError.invalidRequest("disk full") }
        entries.append(.completion(lease: lease, status: status))
        return UInt64(entries.count)
      }
    }
  }

  @Test func decisionsAndCompletionsAreRecordedInOrder() throws {
    let recorder = MemoryRecorder()
    let engine = PlacementEngine(
      topology: F.topology([F.pool("e", .edge, [F.endpoint("a")])]), policies: .empty,
      configuration: EngineConfiguration(seed: 1), recorder: recorder)
    var request = F.request()
    request.id = "r1"
    let placed = try engine.place(request)
    request.id = "r2"
    let rejected = try engine.place(PlacementRequest(id: "r2", model: "none", latencyBudgetMs: 5))
    let completion = try engine.complete(lease: placed.assignment!.lease!, observedMs: 3)
    _ = try engine.explain(request)  // explanations decide nothing and are not recorded
    #expect(placed.auditSequence == 1)
    #expect(rejected.auditSequence == 2)
    #expect(completion.auditSequence == 3)
    #expect(
      recorder.entries.withLock { $0 } == [
        .decision(id: placed.id, requestID: "r1"), .decision(id: rejected.id, requestID: "r2"),
        .completion(lease: placed.id, status: .ok),
      ])
  }

  @Test func aRefusedRecordUndoesThePlacement() throws {
    let recorder = MemoryRecorder()
    let engine = PlacementEngine(
      topology: F.topology([F.pool("e", .edge, [F.endpoint("a")])]), policies: .empty,
      recorder: recorder)
    recorder.refusing.withLock { $0 = true }
    #expect {
      try engine.place(F.request())
    } throws: { error in
      guard case PlacementError.auditUnavailable(let why)? = error as? PlacementError else {
        return false
      }
      return why.contains("disk full")
    }
    #expect(F.inFlight(engine)["a"] == 0)
    #expect(engine.status().activeLeases == 0)
    recorder.refusing.withLock { $0 = false }
    #expect(try engine.place(F.request()).assignment?.endpoint == "a")
  }

  @Test func aFailedSealIsRecordedAsAnErroredCompletion() throws {
    let recorder = MemoryRecorder()
    let engine = PlacementEngine(
      topology: F.topology([F.pool("c", .cloud, key: F.key, [F.endpoint("a")])]),
      policies: try F.policy(#"encrypt "seal" when target.tier == "cloud";"#), recorder: recorder)
    #expect(throws: PlacementError.self) {
      try engine.place(PlacementRequest(model: "m", latencyBudgetMs: 100, payload: [1]))
    }
    let entries = recorder.entries.withLock { $0 }
    guard case .decision(let id, _) = entries.first else {
      Issue.record("expected a decision first: \(entries)")
      return
    }
    #expect(entries.last == .completion(lease: id, status: .error))
    // The undone placement does not count toward outlier detection.
    #expect(engine.status().endpoints[0].errors == 0)
  }

  @Test func cancelReleasesALeaseWithoutLearningAndTellsTheRecorder() throws {
    let recorder = MemoryRecorder()
    let engine = PlacementEngine(
      topology: F.topology([F.pool("e", .edge, [F.endpoint("a", models: ["m": 10])])]),
      policies: .empty, recorder: recorder)
    let lease = try #require(try engine.place(F.request()).assignment?.lease)
    engine.cancel(lease: lease)
    let status = engine.status().endpoints[0]
    #expect(status.inFlight == 0)
    #expect(status.errors == 0)
    #expect(status.computeEstimatesMs["m"] == 10)
    #expect(recorder.entries.withLock { $0.last } == .completion(lease: lease, status: .error))
    engine.cancel(lease: lease)  // already released: ignored
    #expect(throws: PlacementError.unknownLease(lease)) {
      try engine.complete(lease: lease, observedMs: 1)
    }
  }
}
