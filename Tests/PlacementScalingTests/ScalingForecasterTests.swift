import Placement
import PlacementScaling
import Testing

/// The forecaster fed by a real engine through its observer hook, on a manual clock.
@Suite struct ScalingForecasterTests {
  static func topology(min: Int? = nil, max: Int? = nil, target: Double? = nil) -> Topology {
    let endpoints = (1...2).map {
      Endpoint(id: "gpu-\($0)", gpu: "h100", weight: 1, capacity: 4, models: ["m": 200])
    }
    let pool = Pool(
      id: "cloud", tier: .cloud, region: "eu-west-1", rttMs: 20, bandwidthMbps: 1000,
      costPerHour: 4, tags: [], publicKey: nil, endpoints: endpoints, minEndpoints: min,
      maxEndpoints: max, targetUtilization: target)
    return Topology(site: "t", balancers: [.edge: .roundRobin, .cloud: .roundRobin], pools: [pool])
  }

  static let settings = ScalingSettings(
    forecast: ForecastParameters(bucketSeconds: 10, seasonBuckets: 0), leadTime: .seconds(30),
    defaultTargetUtilization: 0.5)

  /// Places `perBucket` requests in each of `buckets` 10-second buckets, completing each one
  /// with 20 ms of network and `computeMs` of compute.
  static func drive(
    _ topology: Topology, perBucket: Int, buckets: Int, computeMs: Double
  ) throws -> (ScalingForecaster, PlacementEngine, ManualClock) {
    let clock = ManualClock()
    let scaling = ScalingForecaster(settings: settings)
    let engine = PlacementEngine(
      topology: topology, policies: .empty, clock: clock, observer: scaling)
    for bucket in 0..<buckets {
      for index in 0..<perBucket {
        clock.set(to: .milliseconds(bucket * 10_000 + index * 10_000 / perBucket))
        let decision = try engine.place(PlacementRequest(model: "m", latencyBudgetMs: 10_000))
        let lease = try #require(decision.assignment?.lease)
        try engine.complete(lease: lease, observedMs: 20 + computeMs)
      }
    }
    return (scaling, engine, clock)
  }

  @Test func observedRateComputeAndRecommendation() throws {
    // 300 requests per 10 s = 30/s, 300 ms compute: 9 busy slots; 4 x 0.5 = 2 per endpoint.
    let (scaling, engine, _) = try Self.drive(
      Self.topology(), perBucket: 300, buckets: 6, computeMs: 300)
    let signal = try #require(scaling.signals(for: engine.topology, at: .seconds(60)).first)
    #expect(signal.pool == "cloud")
    #expect(signal.observedRatePerSecond == 30)
    #expect(abs(signal.forecastRatePerSecond - 30) < 1e-9)
    #expect(abs(signal.meanComputeMs - 300) < 1e-6)
    #expect(signal.capacityPerEndpoint == 4)
    #expect(signal.desiredEndpoints == 5)
    #expect(signal.reactiveEndpoints == 5)
    #expect(signal.currentEndpoints == 2)
    // Without a configured min the floor is 1: a pool at zero would never see demand again.
    #expect(signal.minEndpoints == 1 && signal.maxEndpoints == nil)
    #expect(signal.targetUtilization == 0.5)
    #expect(signal.leadTime == .seconds(30))
  }

  @Test func thePoolsBoundsAndTargetApply() throws {
    let capped = Self.topology(min: 1, max: 3, target: 0.9)
    let (scaling, engine, _) = try Self.drive(capped, perBucket: 300, buckets: 6, computeMs: 300)
    let busy = try #require(scaling.signals(for: engine.topology, at: .seconds(60)).first)
    #expect(busy.desiredEndpoints == 3)
    #expect(busy.targetUtilization == 0.9)
    #expect(busy.maxEndpoints == 3)
    // Long after the traffic stopped, empty buckets bring the rate to 0 and the floor holds.
    let idle = try #require(scaling.signals(for: engine.topology, at: .seconds(600)).first)
    #expect(idle.observedRatePerSecond == 0)
    #expect(idle.desiredEndpoints == 1)
  }

  @Test func aRampIsForecastAheadOfTheObservedRate() throws {
    let clock = ManualClock()
    let scaling = ScalingForecaster(settings: Self.settings)
    let engine = PlacementEngine(
      topology: Self.topology(), policies: .empty, clock: clock, observer: scaling)
    // The rate grows by 1/s every 10-second bucket: 10, 11, ... 49 per second.
    for bucket in 0..<40 {
      let count = (10 + bucket) * 10
      for index in 0..<count {
        clock.set(to: .milliseconds(bucket * 10_000 + index * 10_000 / count))
        let decision = try engine.place(PlacementRequest(model: "m", latencyBudgetMs: 10_000))
        try engine.complete(lease: try #require(decision.assignment?.lease), observedMs: 120)
      }
    }
    let signal = try #require(scaling.signals(for: engine.topology, at: .seconds(400)).first)
    #expect(signal.observedRatePerSecond == 49)
    // 30 s ahead of the end of bucket 39 = 3 buckets: about 52/s.
    #expect(abs(signal.forecastRatePerSecond - 52) < 1)
    #expect(signal.desiredEndpoints >= signal.reactiveEndpoints)
  }

  @Test func currentEndpointsCanBeGiven() {
    let scaling = ScalingForecaster(settings: Self.settings)
    let signal = scaling.signals(
      for: Self.topology(), at: .seconds(5), currentEndpoints: ["cloud": 7])
    #expect(signal.map(\.currentEndpoints) == [7])
    #expect(signal.map(\.observedRatePerSecond) == [0])
    // No completion yet: the topology's model time stands in.
    #expect(signal.map(\.meanComputeMs) == [200])
  }

  /// Placements in runs on one pool, switching pools and adding new ones between runs: each
  /// pool counts its own, whichever was updated last.
  @Test func eachPoolCountsItsOwnWhenPoolsInterleave() {
    let scaling = ScalingForecaster(settings: Self.settings)
    let pools = ["a", "b", "a", "a", "c", "b", "a", "d", "c", "a"]
    for (offset, pool) in pools.enumerated() {
      for index in 0..<(10 * (offset + 1)) {
        scaling.placed(onPool: pool, at: .milliseconds(index))
      }
      scaling.completed(onPool: pool, computeMs: Double(offset), at: .milliseconds(1))
    }
    let topology = Topology(
      site: "t", balancers: [.edge: .roundRobin, .cloud: .roundRobin],
      pools: ["a", "b", "c", "d", "e"].map { id in
        Pool(
          id: id, tier: .cloud, region: "r", rttMs: 1, bandwidthMbps: 1, costPerHour: 0,
          tags: [], publicKey: nil,
          endpoints: [Endpoint(id: "\(id)-1", gpu: "g", weight: 1, capacity: 1, models: ["m": 5])])
      })
    // Bucket 0 closes at 10 s: its rate is the count over the 10-second width.
    let signals = scaling.signals(for: topology, at: .seconds(10))
    var expected: [String: Int] = [:]
    var compute: [String: [Double]] = [:]
    for (offset, pool) in pools.enumerated() {
      expected[pool, default: 0] += 10 * (offset + 1)
      compute[pool, default: []].append(Double(offset))
    }
    for signal in signals {
      #expect(signal.observedRatePerSecond == Double(expected[signal.pool] ?? 0) / 10)
      let times = compute[signal.pool] ?? []
      let mean = times.isEmpty ? 5 : times.reduce(0, +) / Double(times.count)
      #expect(abs(signal.meanComputeMs - mean) < 1e-9, "pool \(signal.pool)")
    }
  }
}
