import Placement
import Synchronization

/// Small topologies and engines built in code for the engine's tests.
enum EngineFixtures {
  static let key = [UInt8](repeating: 7, count: 32)

  static func endpoint(
    _ id: String, weight: Double = 1, capacity: Int = 4, models: [String: Double] = ["m": 10]
  ) -> Endpoint {
    Endpoint(id: id, gpu: "gpu", weight: weight, capacity: capacity, models: models)
  }

  static func pool(
    _ id: String, _ tier: Tier, rtt: Double = 1, bandwidth: Double = 1000,
    region: String = "on-site",
    tags: Set<String> = [], key: [UInt8]? = nil, _ endpoints: [Endpoint]
  ) -> Pool {
    Pool(
      id: id, tier: tier, region: region, rttMs: rtt, bandwidthMbps: bandwidth, costPerHour: 0,
      tags: tags, publicKey: key, endpoints: endpoints)
  }

  static func topology(
    edge: BalancerKind = .roundRobin, cloud: BalancerKind = .roundRobin, _ pools: [Pool]
  ) -> Topology {
    Topology(site: "test", balancers: [.edge: edge, .cloud: cloud], pools: pools)
  }

  static func policy(_ text: String) throws -> PolicySet {
    try PolicySet(sources: [PolicySource(name: "test.policy", text: text)])
  }

  static func engine(
    _ topology: Topology, policy: String = "", seed: UInt64 = 1, clock: ManualClock = ManualClock(),
    sealer: (any PayloadSealer)? = nil, configuration: EngineConfiguration = .init()
  ) throws -> PlacementEngine {
    var configuration = configuration
    configuration.seed = seed
    return PlacementEngine(
      topology: topology, policies: try self.policy(policy), configuration: configuration,
      sealer: sealer, clock: clock)
  }

  static func request(
    _ model: String = "m", budget: Double = 1000, bytes: Int = 0, tags: Set<String> = [],
    priority: Priority = .standard
  ) -> PlacementRequest {
    PlacementRequest(
      model: model, latencyBudgetMs: budget, payloadBytes: bytes, tags: tags, priority: priority)
  }

  static func inFlight(_ engine: PlacementEngine) -> [String: Int] {
    Dictionary(uniqueKeysWithValues: engine.status().endpoints.map { ($0.endpoint, $0.inFlight) })
  }
}

/// A sealer that records what it was asked and returns a recognisable envelope.
final class RecordingSealer: PayloadSealer {
  struct Call: Equatable {
    var payload: [UInt8]
    var key: [UInt8]
    var pool: String
    var decision: String
  }

  let calls = Mutex<[Call]>([])

  func seal(
    _ payload: [UInt8], toPublicKey publicKey: [UInt8], poolID: String, decisionID: String
  ) throws -> [UInt8] {
    calls.withLock {
      $0.append(Call(payload: payload, key: publicKey, pool: poolID, decision: decisionID))
    }
    return [0x01] + payload.reversed()
  }
}
