import Placement
import Testing

/// Leases, feedback and health (DESIGN.md sections 4 and 6; issue 2, item 7).
@Suite struct LeaseTests {
  typealias F = EngineFixtures

  @Test func completeReleasesTheLeaseOnceAndOnlyOnce() throws {
    let engine = try F.engine(F.topology([F.pool("e", .edge, [F.endpoint("a")])]))
    let lease = try #require(try engine.place(F.request()).assignment?.lease)
    #expect(F.inFlight(engine)["a"] == 1)
    try engine.complete(lease: lease, observedMs: 12)
    #expect(F.inFlight(engine)["a"] == 0)
    #expect(throws: PlacementError.unknownLease(lease)) {
      try engine.complete(lease: lease, observedMs: 12)
    }
    #expect(throws: PlacementError.unknownLease("nonsense")) {
      try engine.complete(lease: "nonsense", observedMs: 1)
    }
    #expect(F.inFlight(engine)["a"] == 0)
  }

  @Test func aLeaseFromAnotherEngineIsUnknown() throws {
    let first = try F.engine(F.topology([F.pool("e", .edge, [F.endpoint("a")])]), seed: 1)
    let second = try F.engine(F.topology([F.pool("e", .edge, [F.endpoint("a")])]), seed: 2)
    let lease = try #require(try first.place(F.request()).assignment?.lease)
    _ = try second.place(F.request())
    #expect(throws: PlacementError.self) { try second.complete(lease: lease, observedMs: 1) }
    #expect(F.inFlight(second)["a"] == 1)
  }

  @Test func theComputeEstimateMovesByEWMA() throws {
    let engine = try F.engine(
      F.topology([F.pool("e", .edge, rtt: 1, bandwidth: 1000, [F.endpoint("a", models: ["m": 25])])]
      ))
    let lease = try #require(try engine.place(F.request(bytes: 250_000)).assignment?.lease)
    // observed 41 - rtt 1 - transfer 2 = 38; 25 + 0.2 * (38 - 25) = 27.6
    let completion = try engine.complete(lease: lease, observedMs: 41)
    #expect(abs(completion.computeEstimateMs - 27.6) < 1e-9)
    #expect(
      try engine.place(F.request()).assignment?.estimate.computeMs == completion.computeEstimateMs)
  }

  @Test func theLearntComputeTimeIsFlooredAtZero() throws {
    let engine = try F.engine(
      F.topology([F.pool("e", .edge, rtt: 10, [F.endpoint("a", models: ["m": 5])])]))
    let lease = try #require(try engine.place(F.request()).assignment?.lease)
    // 2 - 10 of round trip floors at 0: 5 + 0.2 * (0 - 5) = 4.
    #expect(try engine.complete(lease: lease, observedMs: 2).computeEstimateMs == 4)
  }

  @Test(arguments: [CompletionStatus.error, .timeout])
  func failuresLeaveTheEstimateAlone(status: CompletionStatus) throws {
    let engine = try F.engine(
      F.topology([F.pool("e", .edge, [F.endpoint("a", models: ["m": 25])])]))
    let lease = try #require(try engine.place(F.request()).assignment?.lease)
    #expect(
      try engine.complete(lease: lease, observedMs: 900, status: status).computeEstimateMs == 25)
    #expect(engine.status().endpoints[0].errors == 1)
  }

  @Test func negativeObservationsAreRefused() throws {
    let engine = try F.engine(F.topology([F.pool("e", .edge, [F.endpoint("a")])]))
    let lease = try #require(try engine.place(F.request()).assignment?.lease)
    #expect(throws: PlacementError.self) { try engine.complete(lease: lease, observedMs: -1) }
    try engine.complete(lease: lease, observedMs: 1)
  }

  @Test func leasesThatAreNeverCompletedExpire() throws {
    let clock = ManualClock()
    let engine = try F.engine(
      F.topology([F.pool("e", .edge, [F.endpoint("a")])]), clock: clock,
      configuration: EngineConfiguration(leaseTimeout: .seconds(30)))
    let old = try #require(try engine.place(F.request()).assignment?.lease)
    clock.advance(by: .seconds(20))
    let young = try #require(try engine.place(F.request()).assignment?.lease)
    clock.advance(by: .seconds(15))
    let status = engine.status()
    #expect(status.endpoints[0].inFlight == 1)
    #expect(status.leasesExpired == 1)
    #expect(throws: PlacementError.unknownLease(old)) {
      try engine.complete(lease: old, observedMs: 1)
    }
    try engine.complete(lease: young, observedMs: 1)
    #expect(engine.status().endpoints[0].inFlight == 0)
  }

  @Test func repeatedFailuresEjectAnEndpointForAGrowingCoolDown() throws {
    let clock = ManualClock()
    let engine = try F.engine(
      F.topology(edge: .roundRobin, [F.pool("e", .edge, [F.endpoint("bad"), F.endpoint("good")])]),
      clock: clock,
      configuration: EngineConfiguration(
        outlierDetection: OutlierDetection(
          consecutiveErrors: 3, baseEjection: .seconds(10), maximumEjection: .seconds(15))))
    func failOnBad() throws -> Bool {
      while true {
        let assignment = try #require(try engine.place(F.request()).assignment)
        if assignment.endpoint == "bad" {
          return try engine.complete(lease: assignment.lease!, observedMs: 1, status: .error)
            .ejected
        }
        try engine.complete(lease: assignment.lease!, observedMs: 1)
      }
    }
    #expect(try failOnBad() == false)
    #expect(try failOnBad() == false)
    #expect(try failOnBad() == true)
    #expect(engine.status().endpoints[0].state == "ejected")
    for _ in 0..<4 { #expect(try engine.place(F.request()).assignment?.endpoint == "good") }
    clock.advance(by: .seconds(10))
    #expect(engine.status().endpoints[0].state == "up")
    for _ in 0..<3 { _ = try failOnBad() }
    clock.advance(by: .seconds(14))  // the second ejection lasts min(20, 15) = 15 s
    #expect(engine.status().endpoints[0].state == "ejected")
    clock.advance(by: .seconds(1))
    #expect(engine.status().endpoints[0].state == "up")
  }

  @Test func neverEjectsMoreThanTheConfiguredShareOfATier() throws {
    let engine = try F.engine(
      F.topology([F.pool("e", .edge, [F.endpoint("only")])]),
      configuration: EngineConfiguration(outlierDetection: OutlierDetection(consecutiveErrors: 1)))
    for _ in 0..<5 {
      let lease = try #require(try engine.place(F.request()).assignment?.lease)
      #expect(try engine.complete(lease: lease, observedMs: 1, status: .error).ejected == false)
    }
  }

  @Test func reconfigureCarriesLeasesOfEndpointsThatStillExist() throws {
    let before = F.topology([
      F.pool("e", .edge, [F.endpoint("a", models: ["m": 10]), F.endpoint("gone")])
    ])
    let engine = try F.engine(before)
    let onA = try #require(try engine.place(F.request()).assignment)
    let onGone = try #require(try engine.place(F.request()).assignment)
    #expect(onA.endpoint == "a")
    #expect(onGone.endpoint == "gone")
    try engine.complete(
      lease: try #require(try engine.place(F.request()).assignment?.lease), observedMs: 61)
    let learnt = engine.status().endpoints[0].computeEstimatesMs["m"]
    engine.reconfigure(
      topology: F.topology([
        F.pool("e", .edge, [F.endpoint("new"), F.endpoint("a", models: ["m": 10])])
      ]),
      policies: try F.policy(""))
    #expect(F.inFlight(engine) == ["new": 0, "a": 1])
    #expect(engine.status().endpoints[1].computeEstimatesMs["m"] == learnt)
    try engine.complete(lease: onA.lease!, observedMs: 1)
    #expect(throws: PlacementError.self) {
      try engine.complete(lease: onGone.lease!, observedMs: 1)
    }
    #expect(F.inFlight(engine) == ["new": 0, "a": 0])
  }

  @Test func reconfigureDropsALearntEstimateWhenTheTopologyChangesIt() throws {
    let engine = try F.engine(
      F.topology([F.pool("e", .edge, [F.endpoint("a", models: ["m": 10, "n": 10])])]))
    for model in ["m", "n"] {
      let lease = try #require(try engine.place(F.request(model)).assignment?.lease)
      try engine.complete(lease: lease, observedMs: 51)  // 10 + 0.2 * (50 - 10) = 18
    }
    #expect(engine.status().endpoints[0].computeEstimatesMs == ["m": 18, "n": 18])
    engine.reconfigure(
      topology: F.topology([F.pool("e", .edge, [F.endpoint("a", models: ["m": 30, "n": 10])])]),
      policies: .empty)
    // The operator changed m's time: the topology's new value wins; n's learnt one carries over.
    #expect(engine.status().endpoints[0].computeEstimatesMs == ["m": 30, "n": 18])
  }

  @Test func manyThreadsPlaceAndCompleteSafely() async throws {
    let engine = try F.engine(
      F.topology(
        edge: .leastConnection,
        [F.pool("e", .edge, ["a", "b", "c", "d"].map { F.endpoint($0, capacity: 10) })]))
    try await withThrowingTaskGroup(of: Void.self) { group in
      for _ in 0..<8 {
        group.addTask {
          for _ in 0..<500 {
            let lease = try #require(try engine.place(F.request()).assignment?.lease)
            try engine.complete(lease: lease, observedMs: 11)
          }
        }
      }
      try await group.waitForAll()
    }
    #expect(engine.status().activeLeases == 0)
    #expect(F.inFlight(engine).values.allSatisfy { $0 == 0 })
  }
}
